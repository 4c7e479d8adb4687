/** The tree's view of core/keytree: child listing, escaped labels, Kubernetes-aware level hints. */
import { EtcdConnection } from '../../core/etcd/connection';
import { getKey } from '../../core/etcd/kv';
import { describeLevel, parseK8sKey } from '../../core/keytree/k8sKey';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { Child, listChildren } from '../../core/keytree/listChildren';

export type KeyTreeChild = Child;

/** One page of a prefix's children; later pages pass the first page's revision (one consistent snapshot). */
export function keyTreeChildren(conn: EtcdConnection, prefix: Buffer, opts: { limit: number; after?: Buffer; revision?: number }) {
  return listChildren(conn, prefix, { limit: opts.limit, after: opts.after, revision: opts.revision, counts: true });
}

/** Escaped display text of a whole key (see core/keytree/keyText). */
export function keyLabel(key: Buffer): string {
  return keyToText(key);
}

export const parseKeyLabel = keyFromText;

export interface LevelView {
  kind: 'plain' | 'registry' | 'group' | 'resource' | 'namespace' | 'object';
  resource?: string;
  /** Short Kubernetes hint shown next to the label, e.g. "Pod", "namespace", "Node". */
  hint?: string;
}

/** How the tree labels a prefix or key under /registry (resource types, namespaces, objects). */
export function levelOf(key: Buffer): LevelView {
  if (key[key.length - 1] !== 0x2f) {
    const obj = parseK8sKey(key);
    return obj ? { kind: 'object', resource: obj.resource, hint: obj.k8sKind ?? obj.resource } : { kind: 'plain' };
  }
  const l = describeLevel(key);
  switch (l.kind) {
    case 'resource':
      return {
        kind: 'resource',
        resource: l.resource,
        hint: l.k8sKind ? `${l.k8sKind}${l.namespaced === false ? ' · cluster-scoped' : ''}` : 'resource',
      };
    case 'namespace':
      return { kind: 'namespace', resource: l.resource, hint: 'namespace' };
    case 'group':
      return { kind: 'group', hint: l.group.includes('.') ? 'API group' : l.group === 'services' ? 'Services and Endpoints' : undefined };
    case 'registry':
      return { kind: 'registry', hint: 'Kubernetes' };
    default:
      return { kind: 'plain' };
  }
}

/** A key's tree child (size, version, revisions) read directly, for revealing a key not yet listed. */
export async function keyFromStore(conn: EtcdConnection, key: Buffer): Promise<Extract<Child, { kind: 'key' }> | undefined> {
  const kv = await getKey(conn, key);
  if (!kv) return undefined;
  const cut = key.length > 1 ? key.subarray(0, key.length - 1).lastIndexOf(0x2f) : -1;
  return {
    kind: 'key',
    key,
    segment: keyToText(key.subarray(cut + 1)),
    version: kv.version,
    modRevision: kv.modRevision,
    createRevision: kv.createRevision,
    lease: kv.lease === '0' ? '0' : BigInt(kv.lease).toString(16),
    size: kv.value.length,
  } as Extract<Child, { kind: 'key' }>;
}
