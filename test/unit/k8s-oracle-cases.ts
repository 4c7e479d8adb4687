/**
 * Realistic objects of a spread of kinds, each with the edits a user makes (labels, annotations, a
 * container image, a status field), for the tests where Kubernetes' own code reads back what we write.
 */
import type { Gvk, Target } from '../harness/oracle';

export type Path = (string | number)[];

export interface WriteCase {
  name: string;
  target: Target & { kind: Gvk };
  object: Record<string, unknown>;
  /** Edits besides the label and annotation every case gets. */
  edits: [Path, unknown][];
  /** A field to hide from our schema (a newer cluster's field): [protobuf package, message, JSON name, path in the object]. */
  unknown?: [string, string, string, Path];
}

const meta = (name: string, namespace?: string): Record<string, unknown> => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `0b3c7c9e-${name.length.toString().padStart(4, '0')}-4d5e-8f00-1234567890ab`,
  creationTimestamp: '2026-11-01T10:00:00Z',
  labels: { app: 'web' },
});
const container = { name: 'app', image: 'registry.example.com/web:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }] };
const podSpec = { containers: [container], restartPolicy: 'Always', nodeName: 'node-1', priority: 0 };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } };
const core = (kind: string): Gvk => ({ group: '', version: 'v1', kind });
const image: [Path, unknown] = [['spec', 'containers', 0, 'image'], 'registry.example.com/web:2.0'];
const templateImage: [Path, unknown] = [['spec', 'template', 'spec', 'containers', 0, 'image'], 'registry.example.com/web:2.0'];

export const WRITE_CASES: WriteCase[] = [
  {
    name: 'Pod',
    target: { kind: core('Pod'), key: '/registry/pods/default/web-0', resource: 'pods' },
    object: { kind: 'Pod', apiVersion: 'v1', metadata: meta('web-0', 'default'), spec: podSpec, status: { phase: 'Pending' } },
    edits: [image, [['status', 'phase'], 'Running']],
    unknown: ['k8s.io.api.core.v1', 'PodSpec', 'nodeName', ['spec', 'nodeName']],
  },
  {
    name: 'Deployment',
    target: {
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      key: '/registry/deployments/default/web',
      resource: 'deployments.apps',
    },
    object: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: meta('web', 'default'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template, minReadySeconds: 5 },
      status: { replicas: 3, readyReplicas: 2 },
    },
    edits: [templateImage, [['status', 'readyReplicas'], 3]],
    unknown: ['k8s.io.api.apps.v1', 'DeploymentSpec', 'minReadySeconds', ['spec', 'minReadySeconds']],
  },
  {
    name: 'StatefulSet',
    target: {
      kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      key: '/registry/statefulsets/default/db',
      resource: 'statefulsets.apps',
    },
    object: {
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      metadata: meta('db', 'default'),
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template },
      status: { replicas: 1, currentReplicas: 0 },
    },
    edits: [templateImage, [['status', 'currentReplicas'], 1]],
  },
  {
    name: 'DaemonSet',
    target: {
      kind: { group: 'apps', version: 'v1', kind: 'DaemonSet' },
      key: '/registry/daemonsets/kube-system/agent',
      resource: 'daemonsets.apps',
    },
    object: {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      metadata: meta('agent', 'kube-system'),
      spec: { selector: { matchLabels: { app: 'web' } }, template },
      status: { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 2 },
    },
    edits: [templateImage, [['status', 'numberReady'], 3]],
  },
  {
    name: 'Service',
    target: { kind: core('Service'), key: '/registry/services/specs/default/web', resource: 'services' },
    object: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: meta('web', 'default'),
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], type: 'LoadBalancer' },
      status: { loadBalancer: {} },
    },
    edits: [[['status', 'loadBalancer', 'ingress'], [{ ip: '203.0.113.10' }]]],
    unknown: ['k8s.io.api.core.v1', 'ServiceSpec', 'type', ['spec', 'type']],
  },
  {
    name: 'ConfigMap',
    target: { kind: core('ConfigMap'), key: '/registry/configmaps/default/settings', resource: 'configmaps' },
    object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: meta('settings', 'default'), data: { 'app.properties': 'a=1\nb=2\n' } },
    edits: [[['data', 'app.properties'], 'a=1\nb=3\n']],
  },
  {
    name: 'Secret',
    target: { kind: core('Secret'), key: '/registry/secrets/default/credentials', resource: 'secrets' },
    object: {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: meta('credentials', 'default'),
      type: 'Opaque',
      data: { password: Buffer.from('s3cr3t').toString('base64'), empty: '' },
    },
    edits: [[['data', 'password'], Buffer.from('n3w-s3cr3t').toString('base64')]],
  },
  {
    name: 'Node',
    target: { kind: core('Node'), key: '/registry/minions/node-1', resource: 'nodes' },
    object: {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: meta('node-1'),
      spec: { podCIDR: '10.244.1.0/24' },
      status: {
        capacity: { cpu: '4', memory: '16Gi' },
        conditions: [{ type: 'Ready', status: 'False', lastHeartbeatTime: '2026-11-01T10:00:00Z', reason: 'KubeletNotReady' }],
      },
    },
    edits: [[['status', 'conditions', 0, 'status'], 'True']],
    unknown: ['k8s.io.api.core.v1', 'NodeSpec', 'podCIDR', ['spec', 'podCIDR']],
  },
  {
    name: 'Lease',
    target: {
      kind: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
      key: '/registry/leases/kube-node-lease/node-1',
      resource: 'leases.coordination.k8s.io',
    },
    object: {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: meta('node-1', 'kube-node-lease'),
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-11-01T10:00:00.123456Z' },
    },
    edits: [[['spec', 'holderIdentity'], 'node-2']],
  },
  {
    name: 'Event',
    target: { kind: core('Event'), key: '/registry/events/default/web-0.187a2b3c4d5e6f70', resource: 'events' },
    object: {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: meta('web-0.187a2b3c4d5e6f70', 'default'),
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', apiVersion: 'v1' },
      reason: 'Pulled',
      message: 'Successfully pulled image "registry.example.com/web:1.0"',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: '2026-11-01T10:00:00Z',
      lastTimestamp: '2026-11-01T10:00:00Z',
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    },
    edits: [[['count'], 2]],
  },
  {
    name: 'CronJob',
    target: {
      kind: { group: 'batch', version: 'v1', kind: 'CronJob' },
      key: '/registry/cronjobs/default/backup',
      resource: 'cronjobs.batch',
    },
    object: {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: meta('backup', 'default'),
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { spec: { template: { spec: { containers: [container], restartPolicy: 'OnFailure' } } } },
      },
      status: {},
    },
    edits: [
      [['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image'], 'registry.example.com/web:2.0'],
      [['status', 'lastScheduleTime'], '2026-11-02T03:00:00Z'],
    ],
  },
  {
    name: 'Namespace',
    target: { kind: core('Namespace'), key: '/registry/namespaces/team-a', resource: 'namespaces' },
    object: {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: meta('team-a'),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    },
    edits: [[['status', 'phase'], 'Terminating']],
  },
  {
    name: 'PersistentVolumeClaim',
    target: {
      kind: core('PersistentVolumeClaim'),
      key: '/registry/persistentvolumeclaims/default/data',
      resource: 'persistentvolumeclaims',
    },
    object: {
      kind: 'PersistentVolumeClaim',
      apiVersion: 'v1',
      metadata: meta('data', 'default'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'standard' },
      status: { phase: 'Pending' },
    },
    edits: [[['status', 'phase'], 'Bound']],
  },
  {
    name: 'Ingress',
    target: {
      kind: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' },
      key: '/registry/ingress/default/web',
      resource: 'ingresses.networking.k8s.io',
    },
    object: {
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      metadata: meta('web', 'default'),
      spec: {
        rules: [
          {
            host: 'web.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
          },
        ],
      },
      status: { loadBalancer: {} },
    },
    edits: [[['status', 'loadBalancer', 'ingress'], [{ hostname: 'lb.example.com' }]]],
  },
  {
    name: 'custom resource (JSON)',
    target: {
      kind: { group: 'example.com', version: 'v1', kind: 'Widget' },
      key: '/registry/example.com/widgets/default/w1',
      resource: 'widgets.example.com',
    },
    object: {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: meta('w1', 'default'),
      spec: {
        image: 'registry.example.com/widget:1.0',
        size: 3,
        ratio: 0.25,
        big: 9007199254740993n,
        tags: ['a', 'b'],
        nested: { on: true },
      },
      status: { state: 'Pending' },
    },
    edits: [
      [['spec', 'image'], 'registry.example.com/widget:2.0'],
      [['status', 'state'], 'Ready'],
    ],
  },
];

/** A deep copy of `obj` with `value` set at `path` (objects and arrays created as needed). */
export function setPath(obj: Record<string, unknown>, path: Path, value: unknown): void {
  let cur: Record<string | number, unknown> = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    cur[k] ??= typeof path[i + 1] === 'number' ? [] : {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]] = value;
}

export function getPath(obj: unknown, path: Path): unknown {
  let cur = obj as Record<string | number, unknown> | undefined;
  for (const k of path) cur = cur?.[k] as Record<string | number, unknown> | undefined;
  return cur;
}

/** The edits every case gets, then its own. */
export function editsOf(c: WriteCase, how: string): [Path, unknown][] {
  return [
    [['metadata', 'labels', 'edited-by'], how],
    [['metadata', 'annotations', 'example.com/note'], `saved through ${how} <checked> & read back`],
    ...c.edits,
  ];
}
