import type { Child } from '../../core/keytree/listChildren';
import { EtcdSnapshot, listSnapshotChildren } from '../../core/snapshot';
import type { Target } from '../commands/targets';
import { keyTreeChildren } from './keyTreeAdapter';
import type { NodeContext } from './node';

export interface ChildPage {
  children: Child[];
  next?: Buffer;
  revision: number;
}

/** Where a key tree's children come from: a live cluster or a snapshot file (read-only). */
export type KeySource = LiveKeySource | SnapshotKeySource;

/** A live cluster, by connection name: every listing uses the connection of the profile as it is now. */
export class LiveKeySource {
  readonly kind = 'live' as const;
  constructor(
    readonly name: string,
    private readonly nodes: Pick<NodeContext, 'connect'>,
  ) {}
  get id(): string {
    return `live:${this.name}`;
  }
  async list(prefix: Buffer, opts: { limit: number; after?: Buffer; revision?: number }): Promise<ChildPage> {
    return keyTreeChildren(await this.nodes.connect(this.name), prefix, opts);
  }
  keyTarget(key: Buffer): Target {
    return { kind: 'key', connection: this.name, key };
  }
  prefixTarget(prefix: Buffer): Target {
    return { kind: 'prefix', connection: this.name, prefix };
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
  keyTarget(key: Buffer): Target {
    return { kind: 'snapshotKey', file: this.file, key };
  }
  prefixTarget(prefix: Buffer): Target {
    return { kind: 'snapshotPrefix', file: this.file, prefix };
  }
}
