/** A read-only bbolt (boltdb) reader in plain TypeScript: on-demand pages, cursors, nested buckets. */
export { BoltDb } from './db';
export type { BoltOpenOptions } from './db';
export { Bucket } from './bucket';
export { Cursor, MAX_DEPTH } from './cursor';
export { forEachLeaf } from './leafScan';
export type { LeafScanOptions } from './leafScan';
export { Page } from './page';
export type { BoltEntry } from './cursor';
export { BOLT_MAGIC, BOLT_VERSION, fnv64a } from './meta';
export type { BoltMeta } from './meta';
export { corrupt } from './corrupt';
