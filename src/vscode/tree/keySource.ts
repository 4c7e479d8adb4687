import { EtcdConnection } from '../../core/etcd/connection';
import { EtcdStudioError } from '../../core/errors';
import type { Child } from '../../core/keytree/listChildren';
import { EtcdSnapshot, listSnapshotChildren } from '../../core/snapshot';
import { keyTreeChildren } from './keyTreeAdapter';

export interface ChildPage {
  children: Child[];
  next?: Buffer;
  revision: number;
}

/** Where a key tree's children come from: a live cluster or a snapshot file (read-only). */
export type KeySource = LiveKeySource | SnapshotKeySource;

export class LiveKeySource {
  readonly kind = 'live' as const;
  constructor(readonly conn: EtcdConnection) {}
  get id(): string {
    return `live:${this.conn.profile.name}`;
  }
  get name(): string {
    return this.conn.profile.name;
  }
  list(prefix: Buffer, opts: { limit: number; after?: Buffer; revision?: number }): Promise<ChildPage> {
    return keyTreeChildren(this.conn, prefix, opts);
  }
}

export class SnapshotKeySource {
  readonly kind = 'snapshot' as const;
  constructor(
    readonly file: string,
    readonly snap: EtcdSnapshot,
  ) {}
  get id(): string {
    return `snapshot:${this.file}`;
  }
  get name(): string {
    return this.file;
  }
  async list(prefix: Buffer, opts: { limit: number; after?: Buffer }): Promise<ChildPage> {
    return listSnapshotChildren(this.snap, prefix, { limit: opts.limit, after: opts.after });
  }
}

/** The live connection behind a tree node, or a clear refusal for snapshot nodes. */
export function liveConnection(source: KeySource, what: string): EtcdConnection {
  if (source.kind === 'live') return source.conn;
  throw new EtcdStudioError(
    'InvalidArgument',
    `${what} needs a live cluster; this key is in the snapshot file ${source.file} (read-only).`,
  );
}
