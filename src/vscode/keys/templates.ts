/** Starting content for "New Key…": Kubernetes kinds (metadata filled from the key), JSON, text. */
export interface KeyTemplate {
  label: string;
  description: string;
  /** `k8s`: stored as protobuf (built-in kinds); `json` / `text`: stored as typed. */
  format: 'k8s' | 'json' | 'text';
  body(namespace: string | undefined, name: string): Record<string, unknown> | string;
}

const meta = (namespace: string | undefined, name: string) => ({ name, ...(namespace ? { namespace } : {}) });

export const TEMPLATES: KeyTemplate[] = [
  {
    label: 'ConfigMap',
    description: 'v1 · Kubernetes protobuf',
    format: 'k8s',
    body: (ns, name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(ns, name), data: { key: 'value' } }),
  },
  {
    label: 'Secret',
    description: 'v1 · Kubernetes protobuf',
    format: 'k8s',
    body: (ns, name) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(ns, name),
      type: 'Opaque',
      data: { password: Buffer.from('change-me').toString('base64') },
    }),
  },
  {
    label: 'Pod',
    description: 'v1 · Kubernetes protobuf',
    format: 'k8s',
    body: (ns, name) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(ns, name),
      spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
    }),
  },
  {
    label: 'Service',
    description: 'v1 · Kubernetes protobuf',
    format: 'k8s',
    body: (ns, name) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(ns, name),
      spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    }),
  },
  {
    label: 'Namespace',
    description: 'v1 · Kubernetes protobuf',
    format: 'k8s',
    body: (_ns, name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  },
  {
    label: 'Deployment',
    description: 'apps/v1 · Kubernetes protobuf',
    format: 'k8s',
    body: (ns, name) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(ns, name),
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
      },
    }),
  },
  { label: 'JSON', description: 'a JSON document (custom resources are stored like this)', format: 'json', body: () => ({}) },
  { label: 'Text', description: 'plain UTF-8', format: 'text', body: () => '' },
];
