/** etcd snapshots offline: status like etcdctl, browsing as a keyspace, and a verified streaming save. */
export { snapshotStatus } from './status';
export type { ScanOptions, SnapshotStatus } from './status';
export { EtcdSnapshot, getSnapshotKey, openSnapshot } from './snapshot';
export type { SnapshotKeysOptions, SnapshotValue } from './snapshot';
export { listSnapshotChildren } from './listChildren';
export type { SnapshotChildrenOptions, SnapshotChildrenResult } from './listChildren';
export { saveSnapshot } from './save';
export type { SaveSnapshotOptions, SaveSnapshotResult } from './save';
