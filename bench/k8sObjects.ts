/**
 * Realistic objects for the Kubernetes-shaped benchmark keyspace (k8sKeyspace.ts): every key gets an
 * object of the kind its resource path stores, with the fields people search for (labels, images,
 * Secret and ConfigMap data, owner references, managedFields) and sizes like a real cluster's.
 * Deterministic: object i is always the same. Per-object strings (name, namespace, uid, timestamp)
 * are passed in, so a caller can encode one template and patch fixed-width placeholders.
 */
import { encodeObject } from '../src/core/k8s/codec';
import { RESOURCE_KINDS } from '../src/core/keytree/k8sKey';

const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ControllerRevision: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
  Lease: 'coordination.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  CSIStorageCapacity: 'storage.k8s.io/v1',
};

const APPS = ['web', 'api', 'cart', 'catalog', 'checkout', 'ledger', 'search', 'auth', 'billing', 'mailer', 'queue', 'cache'];
/** Image of app a at version v; one app in 97 runs a stock nginx image (what a search for an image finds). */
function imageOf(i: number): string {
  if (i % 97 === 0) return `nginx:1.${25 + (i % 3)}.${i % 5}`;
  return `registry.example.com/${APPS[i % APPS.length]}:2.${i % 17}.${i % 7}`;
}

/** A v4-shaped UUID for object i (36 characters). */
export function uidOf(i: number): string {
  const h = (n: number) => (((Math.imul(i + 1, 2654435761) >>> 0) ^ Math.imul(n, 40503)) >>> 0).toString(16).padStart(8, '0');
  return `${h(1)}-${h(2).slice(0, 4)}-4${h(3).slice(0, 3)}-a${h(4).slice(0, 3)}-${h(5)}${h(6).slice(0, 4)}`;
}

/** Creation time of object i (20 characters, RFC 3339 in whole seconds). */
export function createdAt(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('.000Z', 'Z');
}

/** The strings that differ per object: name, namespace, uid, creation time. */
export interface ObjectIdentity {
  name: string;
  ns: string;
  uid: string;
  created: string;
}

function meta(id: ObjectIdentity, i: number, labels: Record<string, string>, managed: boolean) {
  return {
    name: id.name,
    namespace: id.ns,
    uid: id.uid,
    resourceVersion: undefined,
    generation: 1 + (i % 4),
    creationTimestamp: id.created,
    labels,
    annotations: { 'meta.helm.sh/release-name': `${labels.app}-${id.ns}`, 'meta.helm.sh/release-namespace': id.ns },
    // What server-side apply records (a few hundred bytes on every object a controller or kubectl wrote).
    ...(managed
      ? {
          managedFields: [
            {
              manager: 'helm',
              operation: 'Update',
              apiVersion: 'v1',
              time: id.created,
              fieldsType: 'FieldsV1',
              fieldsV1: {
                'f:metadata': { 'f:annotations': { '.': {}, 'f:meta.helm.sh/release-name': {}, 'f:meta.helm.sh/release-namespace': {} } },
                'f:spec': {
                  'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
                },
              },
            },
          ],
        }
      : {}),
  };
}

function container(i: number) {
  const app = APPS[i % APPS.length];
  return {
    name: app,
    image: imageOf(i),
    args: ['--port=8080', `--log-level=${i % 5 ? 'info' : 'debug'}`],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'APP_NAME', value: app },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'url' } } },
    ],
    resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function podSpec(i: number) {
  return {
    containers: [container(i)],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: APPS[i % APPS.length],
    schedulerName: 'default-scheduler',
  };
}

/** The object stored for key i of `resource`. */
export function k8sObjectFor(resource: string, id: ObjectIdentity, i: number): Record<string, unknown> {
  const app = APPS[i % APPS.length];
  const ns = id.ns;
  const labels = { app, tier: i % 3 ? 'backend' : 'frontend', 'app.kubernetes.io/managed-by': 'Helm' };
  const kind = RESOURCE_KINDS[resource];
  if (!kind) {
    // A custom resource (group/resource): stored as JSON.
    const [group, plural] = resource.split('/');
    return {
      apiVersion: `${group}/v1`,
      kind: plural[0].toUpperCase() + plural.slice(1, -1),
      metadata: meta(id, i, labels, false),
      spec: { app, replicas: 1 + (i % 5), image: imageOf(i), selector: { matchLabels: { app } } },
    };
  }
  const managed = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Service', 'ConfigMap'].includes(kind);
  const base = { kind, apiVersion: API_VERSIONS[kind] ?? 'v1', metadata: meta(id, i, labels, managed) };
  switch (kind) {
    case 'Pod':
      return {
        ...base,
        metadata: {
          ...base.metadata,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${app}-7c9f8d6b5`,
              uid: uidOf(i + 1),
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { ...podSpec(i), nodeName: `worker-${i % 50}` },
        status: { phase: 'Running', podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, qosClass: 'Burstable' },
      };
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
      return {
        ...base,
        spec: {
          ...(kind === 'DaemonSet' ? {} : { replicas: 1 + (i % 5) }),
          selector: { matchLabels: { app } },
          template: { metadata: { labels: { app } }, spec: podSpec(i) },
        },
      };
    case 'ConfigMap':
      return {
        ...base,
        data: { LOG_LEVEL: 'info', 'app.properties': `name=${app}\nreplicas=${1 + (i % 5)}\nupstream=http://${app}.${ns}:8080\n` },
      };
    case 'Secret':
      return {
        ...base,
        type: 'Opaque',
        data: { url: Buffer.from(`postgres://${app}:s3cr3t-${i}@db.${ns}:5432/${app}`).toString('base64') },
      };
    case 'Service':
      return {
        ...base,
        spec: {
          ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
          selector: { app },
          clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`,
          type: 'ClusterIP',
        },
      };
    case 'Event':
      return {
        ...base,
        involvedObject: { kind: 'Pod', namespace: ns, name: `${app}-7c9f8d6b5-${i % 1000}`, uid: uidOf(i + 2) },
        reason: i % 4 ? 'Pulled' : 'BackOff',
        message: i % 4 ? `Container image "${imageOf(i)}" already present on machine` : 'Back-off restarting failed container',
        type: i % 4 ? 'Normal' : 'Warning',
        count: 1 + (i % 9),
        source: { component: 'kubelet', host: `worker-${i % 50}` },
      };
    case 'Lease':
      return { ...base, spec: { holderIdentity: `worker-${i % 50}`, leaseDurationSeconds: 40 } };
    default:
      return base;
  }
}

/** Bytes kube-apiserver would store for that object. */
export function k8sValueFor(resource: string, id: ObjectIdentity, i: number): Buffer {
  const obj = k8sObjectFor(resource, id, i);
  if (!RESOURCE_KINDS[resource]) return Buffer.from(JSON.stringify(obj) + '\n');
  return Buffer.from(encodeObject(obj as Parameters<typeof encodeObject>[0]));
}
