/**
 * A realistic Kubernetes-shaped keyspace for the demo cluster and tests: the keys kube-apiserver
 * writes under /registry, with built-in kinds stored as `k8s\0` protobuf (as the API server stores
 * them) and custom resources as JSON.
 */
import type { EtcdConnection } from '../etcd/connection';
import { encodeObject } from '../k8s/codec';

export interface SampleEntry {
  key: string;
  value: Uint8Array;
}

export type ObjectEncoder = (obj: Record<string, unknown>) => Uint8Array;

const jsonEncoder: ObjectEncoder = (obj) => Buffer.from(JSON.stringify(obj) + '\n');
const protobufEncoder: ObjectEncoder = (obj) => encodeObject(obj as Parameters<typeof encodeObject>[0]);

const NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'monitoring', 'shop', 'payments'];
const NODES = ['cp-1', 'worker-1', 'worker-2', 'worker-3'];

function meta(name: string, namespace: string | undefined, i: number, labels: Record<string, string> = {}) {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: uuid(i + name.length * 7919 + (namespace?.length ?? 0) * 104729),
    resourceVersion: undefined,
    creationTimestamp: new Date(Date.UTC(2026, 9, 1, 8, 0, 0) + i * 61_000).toISOString().replace('.000Z', 'Z'),
    ...(Object.keys(labels).length ? { labels } : {}),
  };
}

/** Deterministic v4-shaped UUIDs so the demo looks the same every time. */
function uuid(seed: number): string {
  let x = (seed * 2654435761) >>> 0;
  const hex = Array.from({ length: 32 }, () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return ((x >>> 16) & 0xf).toString(16);
  }).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function pod(name: string, ns: string, app: string, i: number) {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { ...meta(name, ns, i, { app, 'pod-template-hash': '7c9f8d6b5' }) },
    spec: {
      containers: [
        {
          name: app,
          image: `registry.example.com/${app}:1.${i % 10}.0`,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      nodeName: NODES[1 + (i % 3)],
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
    },
    status: { phase: 'Running', podIP: `10.244.${(i % 3) + 1}.${(i % 250) + 2}`, qosClass: 'Burstable' },
  };
}

/** The demo keyspace: namespaces, nodes, pods, deployments, services, configmaps, secrets, leases, events, a CRD and its objects. */
export function sampleKubernetesObjects(): Array<{ key: string; object: Record<string, unknown> }> {
  const out: Array<{ key: string; object: Record<string, unknown> }> = [];
  let i = 0;
  const add = (key: string, object: Record<string, unknown>) => out.push({ key, object });
  for (const ns of NAMESPACES) {
    add(`/registry/namespaces/${ns}`, {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: meta(ns, undefined, i++, { 'kubernetes.io/metadata.name': ns }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  for (const n of NODES) {
    add(`/registry/minions/${n}`, {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: meta(n, undefined, i++, { 'kubernetes.io/hostname': n }),
      spec: { podCIDR: '10.244.0.0/24' },
      status: { nodeInfo: { kubeletVersion: 'v1.31.2', osImage: 'Debian GNU/Linux 12 (bookworm)' } },
    });
  }
  const apps: Record<string, string[]> = {
    default: ['web', 'api'],
    shop: ['cart', 'catalog', 'checkout'],
    payments: ['ledger'],
    monitoring: ['prometheus', 'grafana'],
    'kube-system': ['coredns'],
  };
  for (const [ns, names] of Object.entries(apps)) {
    for (const app of names) {
      add(`/registry/deployments/${ns}/${app}`, {
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: meta(app, ns, i++, { app }),
        spec: {
          replicas: 3,
          selector: { matchLabels: { app } },
          template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: `registry.example.com/${app}:1.4.0` }] } },
        },
        status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 },
      });
      add(`/registry/services/specs/${ns}/${app}`, {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: meta(app, ns, i++, { app }),
        spec: {
          ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
          selector: { app },
          clusterIP: `10.96.${i % 200}.${(i % 250) + 1}`,
          type: 'ClusterIP',
        },
      });
      add(`/registry/configmaps/${ns}/${app}-config`, {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: meta(`${app}-config`, ns, i++),
        data: { LOG_LEVEL: 'info', 'app.properties': `name=${app}\nreplicas=3\n` },
      });
      add(`/registry/secrets/${ns}/${app}-credentials`, {
        kind: 'Secret',
        apiVersion: 'v1',
        metadata: meta(`${app}-credentials`, ns, i++),
        type: 'Opaque',
        data: { password: Buffer.from(`s3cr3t-${app}`).toString('base64') },
      });
      for (let r = 0; r < 3; r++) {
        const name = `${app}-7c9f8d6b5-${uuid(i).slice(0, 5)}`;
        add(`/registry/pods/${ns}/${name}`, pod(name, ns, app, i++));
      }
    }
    add(`/registry/serviceaccounts/${ns}/default`, { kind: 'ServiceAccount', apiVersion: 'v1', metadata: meta('default', ns, i++) });
  }
  for (const n of NODES) {
    add(`/registry/leases/kube-node-lease/${n}`, {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: meta(n, 'kube-node-lease', i++),
      spec: { holderIdentity: n, leaseDurationSeconds: 40 },
    });
  }
  add('/registry/events/default/web.17f2a3b4c5d6e7f8', {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: meta('web.17f2a3b4c5d6e7f8', 'default', i++),
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set web-7c9f8d6b5 to 3',
    type: 'Normal',
    count: 1,
  });
  add('/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com', {
    kind: 'CustomResourceDefinition',
    apiVersion: 'apiextensions.k8s.io/v1',
    metadata: meta('widgets.example.com', undefined, i++),
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
  for (const w of ['blue', 'green']) {
    add(`/registry/example.com/widgets/shop/${w}`, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: meta(w, 'shop', i++),
      spec: { color: w, size: 3 },
    });
  }
  return out;
}

export function sampleKeyspace(encode: ObjectEncoder = protobufEncoder): SampleEntry[] {
  return sampleKubernetesObjects().map(({ key, object }) => {
    const obj = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
    // Custom resources are stored as JSON by kube-apiserver; built-in kinds use the encoder.
    const isCustom = String(obj.apiVersion).startsWith('example.com/');
    return { key, value: isCustom ? jsonEncoder(obj) : encode(obj) };
  });
}

/** Writes entries in transactions of `batch` puts (etcd's default --max-txn-ops is 128). */
export async function writeEntries(
  conn: EtcdConnection,
  entries: Iterable<SampleEntry>,
  batch = 128,
  onProgress?: (written: number) => void,
): Promise<number> {
  let written = 0;
  let ops: SampleEntry[] = [];
  const flush = async () => {
    if (!ops.length) return;
    const success = ops.map((e) => ({ request_put: { key: Buffer.from(e.key), value: Buffer.from(e.value) } }));
    await conn.write('writing sample keys', { op: 'txn', request: { success } });
    written += ops.length;
    ops = [];
    onProgress?.(written);
  };
  for (const e of entries) {
    ops.push(e);
    if (ops.length >= batch) await flush();
  }
  await flush();
  return written;
}
