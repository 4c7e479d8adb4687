/** Export / import of a prefix as JSON lines (or a decoded-YAML variant), between clusters or to a readable backup. */
export { exportPrefix, exportToFile } from './export';
export type { ExportOptions, ExportResult } from './export';
export { describePlan, IMPORT_MODES, importKeys, MAX_TXN_BYTES, MAX_TXN_OPS, planImport } from './import';
export type { ImportMode, ImportOptions, ImportPlan, ImportResult } from './import';
export { fileSource, readRecords } from './read';
export type { RecordSource } from './read';
export { jsonLine, parseJsonLine, TRANSFER_FORMATS } from './records';
export type { TransferFormat, TransferRecord } from './records';
