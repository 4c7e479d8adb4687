/**
 * What changed in a key range between a past revision and now, without reading the keyspace: a watch
 * from `since` replays etcd's history up to the present revision, and the events are collapsed per
 * key. Each event carries its previous value, so the value at `since` comes with the first event.
 */
import { EtcdStudioError } from '../errors';
import type { EtcdConnection } from '../etcd/connection';
import { getKey } from '../etcd/kv';
import { keyToText, parseK8sKey } from '../keytree';
import type { K8sObjectKey } from '../keytree';
import { currentRevision, watchRange } from './watcher';
import type { WatchEvent } from './watchEvent';

export interface ValueAt {
  value: Buffer;
  modRevision: number;
  version: number;
}

export interface KeyChange {
  key: Buffer;
  keyText: string;
  change: 'created' | 'modified' | 'deleted';
  object?: K8sObjectKey;
  /** The value at `since` (absent for created keys). */
  before?: ValueAt;
  /** The value now (absent for deleted keys). */
  after?: ValueAt;
  /** Writes to the key in the window. */
  writes: number;
  /** Deleted and created again in the window. */
  recreated?: boolean;
}

export interface ChangeGroup {
  /** Storage resource (`pods`, `example.com/widgets`), or '' for keys that are not Kubernetes objects. */
  resource: string;
  kind?: string;
  namespaces: Array<{ namespace: string; changes: KeyChange[] }>;
}

export interface ChangeSet {
  sinceRevision: number;
  /** The revision "now" was read at: every change up to it and none after it. */
  toRevision: number;
  prefix?: string;
  changes: KeyChange[];
  groups: ChangeGroup[];
  counts: { created: number; modified: number; deleted: number; transient: number };
}

interface KeyTrack {
  first: WatchEvent;
  last: WatchEvent;
  writes: number;
  deletes: number;
}

function isCompactedError(e: unknown): boolean {
  return e instanceof EtcdStudioError && /compacted/i.test(`${e.message} ${e.detail ?? ''}`);
}

/** Replays [since, to] through a watch and keeps the first and last event of each key. */
async function collect(
  conn: EtcdConnection,
  since: number,
  to: number,
  prefix: Buffer,
  signal?: AbortSignal,
): Promise<Map<string, KeyTrack>> {
  const tracks = new Map<string, KeyTrack>();
  let settle!: (err?: unknown) => void;
  let delivered = since;
  let waitFor = Infinity;
  const finished = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
  // Watching from `since` (not since + 1) makes etcd refuse exactly when `since` itself is compacted.
  const w = await watchRange(conn, {
    key: prefix,
    prefix: true,
    startRevision: since,
    prevKv: true,
    signal,
    onEvents: (b) => {
      for (const e of b.events) {
        if (e.modRevision <= since || e.modRevision > to) continue;
        const id = e.key.toString('latin1');
        const t = tracks.get(id);
        if (t) {
          t.last = e;
          t.writes++;
          if (e.type === 'delete') t.deletes++;
        } else {
          tracks.set(id, { first: e, last: e, writes: 1, deletes: e.type === 'delete' ? 1 : 0 });
        }
      }
      delivered = b.lastRevision;
      if (delivered >= Math.min(to, waitFor)) settle();
    },
    onCompacted: (info) =>
      settle(
        new EtcdStudioError(
          'NotFound',
          `Revision ${since} has been compacted: etcd keeps history from revision ${info.compactRevision} on. Ask for changes since ${info.compactRevision} or later.`,
        ),
      ),
    // Caught up with nothing (more) in range: etcd confirms how far it has sent; once what was received
    // by then is handed over, nothing up to `to` is missing.
    onProgress: (rev) => {
      if (rev < to) return;
      waitFor = w.lastRevision;
      if (delivered >= waitFor) settle();
    },
    onStatus: (s) => s.state === 'failed' && settle(s.error),
  });
  signal?.addEventListener('abort', () => settle(new EtcdStudioError('Cancelled', 'Listing changes was cancelled.')), { once: true });
  // etcd answers a progress request only once the watch has caught up; ask until it has.
  const poll = setInterval(() => w.requestProgress(), 100);
  try {
    await finished;
  } finally {
    clearInterval(poll);
    await w.stop();
  }
  return tracks;
}

function valueAt(kv: { value: Buffer; modRevision: number; version: number }): ValueAt {
  return { value: kv.value, modRevision: kv.modRevision, version: kv.version };
}

/** Keys created, modified and deleted under `prefix` between `sinceRevision` and now. */
export async function changesSince(
  conn: EtcdConnection,
  sinceRevision: number,
  opts: { prefix?: Uint8Array | string; signal?: AbortSignal } = {},
): Promise<ChangeSet> {
  const prefix = Buffer.from(opts.prefix ?? '');
  const to = await currentRevision(conn);
  if (!Number.isInteger(sinceRevision) || sinceRevision < 1 || sinceRevision > to) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `The revision to compare with must be between 1 and the current revision ${to}, got ${sinceRevision}.`,
    );
  }
  const tracks = await collect(conn, sinceRevision, to, prefix, opts.signal);
  const changes: KeyChange[] = [];
  let transient = 0;
  const needBefore: Array<{ change: KeyChange; first: WatchEvent }> = [];
  for (const t of tracks.values()) {
    const { first, last } = t;
    // Existed at `since` unless the first event in the window created it.
    const existedBefore = first.type === 'delete' || first.createRevision <= sinceRevision;
    const existsNow = last.type === 'put';
    if (!existedBefore && !existsNow) {
      transient++;
      continue;
    }
    const object = parseK8sKey(first.key);
    const change: KeyChange = {
      key: first.key,
      keyText: keyToText(first.key),
      change: !existedBefore ? 'created' : existsNow ? 'modified' : 'deleted',
      ...(object ? { object } : {}),
      ...(existsNow ? { after: valueAt(last) } : {}),
      writes: t.writes,
      ...(existedBefore && existsNow && t.deletes > 0 ? { recreated: true } : {}),
    };
    changes.push(change);
    if (existedBefore) needBefore.push({ change, first });
  }
  // One read per changed key (never the whole range) for the value's revision and version at `since`.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, needBefore.length) }, async () => {
      while (next < needBefore.length) {
        const { change, first } = needBefore[next++];
        opts.signal?.throwIfAborted();
        const at = await getKey(conn, first.key, sinceRevision).catch((e) => {
          // Compacted meanwhile: the first event's previous value is still the value at `since`.
          if (isCompactedError(e) && first.prevValue) return undefined;
          throw e;
        });
        if (at) change.before = valueAt(at);
        else if (first.prevValue) change.before = { value: first.prevValue, modRevision: 0, version: 0 };
      }
    }),
  );
  changes.sort((a, b) => Buffer.compare(a.key, b.key));
  return {
    sinceRevision,
    toRevision: to,
    ...(prefix.length ? { prefix: keyToText(prefix) } : {}),
    changes,
    groups: groupChanges(changes),
    counts: {
      created: changes.filter((c) => c.change === 'created').length,
      modified: changes.filter((c) => c.change === 'modified').length,
      deleted: changes.filter((c) => c.change === 'deleted').length,
      transient,
    },
  };
}

/** Kubernetes-style grouping: resource -> namespace -> name; other keys in one group with resource ''. */
export function groupChanges(changes: KeyChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const c of changes) {
    const resource = c.object?.resource ?? '';
    let g = groups.get(resource);
    if (!g) groups.set(resource, (g = { resource, ...(c.object?.k8sKind ? { kind: c.object.k8sKind } : {}), namespaces: [] }));
    const ns = c.object?.namespace ?? '';
    let n = g.namespaces.find((x) => x.namespace === ns);
    if (!n) g.namespaces.push((n = { namespace: ns, changes: [] }));
    n.changes.push(c);
  }
  const sorted = [...groups.values()].sort((a, b) =>
    a.resource === '' ? 1 : b.resource === '' ? -1 : a.resource.localeCompare(b.resource),
  );
  for (const g of sorted) {
    g.namespaces.sort((a, b) => a.namespace.localeCompare(b.namespace));
    for (const n of g.namespaces) n.changes.sort((a, b) => (a.object?.name ?? a.keyText).localeCompare(b.object?.name ?? b.keyText));
  }
  return sorted;
}
