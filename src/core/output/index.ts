/**
 * Printing: one printer per output format (simple, json, table, fields), reproducing the etcdctl release
 * that matches the server. Commands fetch, printers print; the CLI, the VS Code reports and the etcdctl
 * scripts all print through `printerFor`.
 */
import { EtcdctlStyle, etcdctlStyleFor } from './etcdctlStyle';
import { FieldsPrinter } from './fieldsPrinter';
import { completePrinter } from './formatPrinter';
import { JsonPrinter } from './jsonPrinter';
import { OutputFormat, Printer, PrintOptions } from './printer';
import { SimplePrinter } from './simplePrinter';
import { TablePrinter } from './tablePrinter';

export { etcdctlStyleFor } from './etcdctlStyle';
export type { EtcdctlStyle } from './etcdctlStyle';
export { OUTPUT_FORMATS, outputFormat, unsupported } from './printer';
export type { AlarmList, ChildRow, MemberChange, OutputFormat, Printed, Printer, PrintOptions } from './printer';
export { etcdctlTable, plainTable } from './table';
export { goDuration, goDurationMs, hex016, hex16 } from './goText';

/** The printer for `-w format`, printing like the etcdctl of `serverVersion` (or of a given style). */
export function printerFor(format: OutputFormat, serverVersion: string | EtcdctlStyle | undefined, opts: PrintOptions = {}): Printer {
  const style = typeof serverVersion === 'object' ? serverVersion : etcdctlStyleFor(serverVersion);
  switch (format) {
    case 'simple':
      return completePrinter(format, new SimplePrinter(style, opts));
    case 'json':
      return completePrinter(format, new JsonPrinter(style, opts));
    case 'table':
      return completePrinter(format, new TablePrinter(style, opts));
    case 'fields':
      return completePrinter(format, new FieldsPrinter(style, opts));
  }
}
export { defragFailed, defragFinished, failedStatus, memberAddEnv } from './messages';
