/** How etcdctl prints watch events (shared by `etcd-studio watch` and scripts' bounded `watch`). */
import type { WatchBatch, WatchEvent } from './watchEvent';

/** etcd's JSON form of a key-value (bytes in base64, zero fields left out), as `etcdctl -w json` prints it. */
function kvJson(key: Buffer, value: Buffer, e?: WatchEvent) {
  return {
    key: key.toString('base64'),
    ...(e?.createRevision ? { create_revision: e.createRevision } : {}),
    ...(e?.modRevision ? { mod_revision: e.modRevision } : {}),
    ...(e?.version ? { version: e.version } : {}),
    ...(value.length ? { value: value.toString('base64') } : {}),
    ...(e && e.lease !== '0' ? { lease: Number(BigInt('0x' + e.lease)) } : {}),
  };
}

/** What `etcdctl watch` prints for a batch of events: simple (type, key, value lines) or one JSON response. */
export function formatWatchBatch(b: WatchBatch, fmt: string, prevKv: boolean): Buffer {
  if (fmt === 'json') {
    return Buffer.from(
      JSON.stringify({
        Header: { revision: b.lastRevision },
        Events: b.events.map((e) => ({
          ...(e.type === 'delete' ? { type: 1 } : {}),
          kv: kvJson(e.key, e.value, e),
          ...(prevKv && e.prevValue ? { prev_kv: kvJson(e.key, e.prevValue) } : {}),
        })),
        CompactRevision: 0,
        Canceled: false,
        Created: false,
      }) + '\n',
    );
  }
  const chunks: Array<string | Buffer> = [];
  for (const e of b.events) {
    // etcdctl prints the event type, then (with --prev-kv) the previous key and value, then key and value.
    chunks.push(e.type === 'delete' ? 'DELETE\n' : 'PUT\n');
    if (prevKv && e.prevValue) chunks.push(e.key, '\n', e.prevValue, '\n');
    chunks.push(e.key, '\n', e.value, '\n');
  }
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
}
