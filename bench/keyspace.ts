/**
 * Kubernetes-shaped bulk keyspaces for benchmarks: `/registry/<resource>/<namespace>/obj-N`
 * (about 40 resources x 200 namespaces), values of a given size, loaded with concurrent txn batches;
 * or the same shape under another root with numbered names (`/apps/app-N/ns-M/obj-K`).
 */
import { Etcd3 } from 'etcd3';

export const RESOURCES = [
  'pods',
  'services/specs',
  'services/endpoints',
  'configmaps',
  'secrets',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'events',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'leases',
  'endpointslices',
  'persistentvolumeclaims',
  'horizontalpodautoscalers',
  'poddisruptionbudgets',
  'networkpolicies',
  'ingress',
  'limitranges',
  'resourcequotas',
  'controllerrevisions',
  'podtemplates',
  'csistoragecapacities',
  'controllers',
  'example.com/widgets',
  'example.com/gadgets',
  'monitoring.coreos.com/servicemonitors',
  'monitoring.coreos.com/prometheusrules',
  'cert-manager.io/certificates',
  'cert-manager.io/certificaterequests',
  'argoproj.io/applications',
  'velero.io/backups',
  'snapshot.storage.k8s.io/volumesnapshots',
  'gateway.networking.k8s.io/httproutes',
  'policy.kyverno.io/policyreports',
  'keda.sh/scaledobjects',
];

export interface KeyspaceShape {
  keys: number;
  /**
   * Where the keys go and how children are named: '/registry/<resource>/…' (the default), or a prefix
   * such as '/apps/' with children 'app-0/' … 'app-<resources-1>/', names no listing knows in advance.
   */
  root?: string;
  resources: number;
  namespaces: number;
  valueBytes: number;
}

export const DEFAULT_SHAPE: KeyspaceShape = { keys: 100_000, resources: 40, namespaces: 200, valueBytes: 700 };

/** Key i of the shape: round-robin over resources then namespaces, so every prefix gets its share. */
export function keyAt(shape: KeyspaceShape, i: number): string {
  const r = shape.root ? `app-${i % shape.resources}` : RESOURCES[i % shape.resources];
  const ns = Math.floor(i / shape.resources) % shape.namespaces;
  return `${shape.root ?? '/registry/'}${r}/ns-${ns}/obj-${i}`;
}

export async function loadKeyspace(
  client: Etcd3,
  shape: KeyspaceShape,
  opts: { batch?: number; concurrency?: number } = {},
): Promise<number> {
  const batch = opts.batch ?? 128;
  const concurrency = opts.concurrency ?? 8;
  const value = Buffer.alloc(shape.valueBytes, 'x');
  let next = 0;
  const worker = async () => {
    while (next < shape.keys) {
      const start = next;
      next = Math.min(shape.keys, next + batch);
      const ops = [];
      for (let i = start; i < next; i++) ops.push({ request_put: { key: Buffer.from(keyAt(shape, i)), value } });
      await client.kv.txn({ success: ops });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return shape.keys;
}
