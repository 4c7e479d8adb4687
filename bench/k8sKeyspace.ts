/**
 * A Kubernetes keyspace for the space and search benchmarks: `/registry/<resource>/ns-NNN/obj-NNNNNNN`
 * over the 40 resources of keyspace.ts and 200 namespaces, each value a real object of its kind
 * (k8sObjects.ts) as kube-apiserver stores it, plus history: some keys updated and some deleted.
 *
 * Encoding a million objects would take minutes, so objects are encoded once per (resource, class)
 * with fixed-width placeholders for name, namespace and uid, and each key's value is that template
 * with its own strings written in (same length, so the protobuf stays valid). Creation times are
 * protobuf integers, so they are per class.
 */
import type { Etcd3 } from 'etcd3';
import { RESOURCES } from './keyspace';
import { createdAt, k8sValueFor, uidOf } from './k8sObjects';

export interface K8sKeyspace {
  keys: number;
  /** Every `updateEvery`-th key is written again (a newer revision; the old one becomes history). */
  updateEvery: number;
  /** Every `deleteEvery`-th key is deleted after loading (its revisions stay until compaction). */
  deleteEvery: number;
}

const NAMESPACES = 200;
/** Objects repeat their other fields every CLASSES keys (12 apps x 97 images). */
const CLASSES = 1164;
const PLACEHOLDERS = { name: 'obj-#######', ns: 'ns-%%%', uid: 'UUUUUUUU-UUUU-4UUU-aUUU-UUUUUUUUUUUU' };

export function k8sKeyAt(i: number): string {
  return `/registry/${RESOURCES[i % RESOURCES.length]}/${nsAt(i)}/${nameAt(i)}`;
}

function nsAt(i: number): string {
  return `ns-${String(Math.floor(i / RESOURCES.length) % NAMESPACES).padStart(3, '0')}`;
}

function nameAt(i: number): string {
  return `obj-${String(i).padStart(7, '0')}`;
}

interface Template {
  bytes: Buffer;
  /** Offsets of each placeholder's occurrences. */
  at: Record<keyof typeof PLACEHOLDERS, number[]>;
}

function find(buf: Buffer, text: string): number[] {
  const out: number[] = [];
  for (let p = buf.indexOf(text); p >= 0; p = buf.indexOf(text, p + 1)) out.push(p);
  return out;
}

/** Values of the keyspace, by key index (templates made on first use). */
export class K8sValues {
  private readonly templates = new Map<number, Template>();

  valueAt(i: number): Buffer {
    const r = i % RESOURCES.length;
    const c = i % CLASSES;
    const id = r * CLASSES + c;
    let t = this.templates.get(id);
    if (!t) {
      const bytes = k8sValueFor(RESOURCES[r], { ...PLACEHOLDERS, created: createdAt(c) }, c);
      t = {
        bytes,
        at: {
          name: find(bytes, PLACEHOLDERS.name),
          ns: find(bytes, PLACEHOLDERS.ns),
          uid: find(bytes, PLACEHOLDERS.uid),
        },
      };
      this.templates.set(id, t);
    }
    const out = Buffer.from(t.bytes);
    const put = (offsets: number[], text: string) => offsets.forEach((o) => out.write(text, o, 'latin1'));
    put(t.at.name, nameAt(i));
    put(t.at.ns, nsAt(i));
    put(t.at.uid, uidOf(i));
    return out;
  }
}

/** Loads the keyspace with concurrent txn batches; returns the number of revisions written. */
export async function loadK8sKeyspace(
  client: Etcd3,
  shape: K8sKeyspace,
  opts: { batch?: number; concurrency?: number } = {},
): Promise<number> {
  const batch = opts.batch ?? 128;
  const values = new K8sValues();
  let writes = 0;
  const run = async (indexes: number[], op: 'put' | 'delete') => {
    let next = 0;
    const worker = async () => {
      while (next < indexes.length) {
        const slice = indexes.slice(next, (next += batch));
        await client.kv.txn({
          success: slice.map((i) =>
            op === 'put'
              ? { request_put: { key: Buffer.from(k8sKeyAt(i)), value: values.valueAt(i) } }
              : { request_delete_range: { key: Buffer.from(k8sKeyAt(i)) } },
          ),
        });
        writes += slice.length;
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  };
  const all = Array.from({ length: shape.keys }, (_, i) => i);
  await run(all, 'put');
  if (shape.updateEvery)
    await run(
      all.filter((i) => i % shape.updateEvery === 1),
      'put',
    );
  if (shape.deleteEvery)
    await run(
      all.filter((i) => i % shape.deleteEvery === 2),
      'delete',
    );
  return writes;
}
