/** etcd snapshots offline: status like etcdctl, browsing as a keyspace, a verified streaming save, and restore. */
export { snapshotStatus, totalKeyMeaning } from './status';
export { formatSnapshotStatus, STATUS_FORMATS } from './statusReport';
export type { StatusFormat } from './statusReport';
export type { ScanOptions, SnapshotStatus, StatusOptions } from './status';
export { EtcdSnapshot, getSnapshotKey, openSnapshot } from './snapshot';
export type { SnapshotKeysOptions, SnapshotValue } from './snapshot';
export { listSnapshotChildren } from './listChildren';
export type { SnapshotChildrenOptions, SnapshotChildrenResult } from './listChildren';
export { saveSnapshot } from './save';
export type { SaveSnapshotOptions, SaveSnapshotResult } from './save';
export { checkHashTrailer } from './hashTrailer';
export type { HashTrailer } from './hashTrailer';
export { etcdStartArgs, findRestoreTool, resolveRestoreTool, RESTORE_DEFAULTS, restoreToDataDir } from './restoreDataDir';
export type { RestoreRunOptions, RestoreTool, RestoreToDataDirOptions, RestoreToDataDirResult } from './restoreDataDir';
export { MAX_TXN_OPS, planRestoreIntoCluster, restoreIntoCluster } from './restoreCluster';
export type { RestoreIntoClusterOptions, RestoreIntoClusterPlan, RestoreIntoClusterResult } from './restoreCluster';
