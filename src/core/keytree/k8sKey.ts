/**
 * Kubernetes-aware reading of etcd keys. The API server stores objects at
 * `/registry/<resource>/<namespace>/<name>` (namespaced) or `/registry/<resource>/<name>` (cluster-scoped);
 * resources of API groups other than the built-in ones live under `/registry/<group>/<resource>/…`
 * (custom resources, apiextensions.k8s.io, apiregistration.k8s.io). A few built-in resources keep
 * historical paths: `services/specs`, `services/endpoints`, `minions` (nodes), `controllers`
 * (replication controllers) and `ingress`.
 */

export const REGISTRY_PREFIX = '/registry/';

/** Storage path (as under /registry/) -> Kind, for the built-in and common add-on resources. */
export const RESOURCE_KINDS: Readonly<Record<string, string>> = {
  pods: 'Pod',
  'services/specs': 'Service',
  'services/endpoints': 'Endpoints',
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  namespaces: 'Namespace',
  minions: 'Node',
  persistentvolumes: 'PersistentVolume',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  serviceaccounts: 'ServiceAccount',
  events: 'Event',
  limitranges: 'LimitRange',
  resourcequotas: 'ResourceQuota',
  podtemplates: 'PodTemplate',
  controllers: 'ReplicationController',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  controllerrevisions: 'ControllerRevision',
  jobs: 'Job',
  cronjobs: 'CronJob',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  poddisruptionbudgets: 'PodDisruptionBudget',
  networkpolicies: 'NetworkPolicy',
  ingress: 'Ingress',
  ingressclasses: 'IngressClass',
  endpointslices: 'EndpointSlice',
  leases: 'Lease',
  roles: 'Role',
  rolebindings: 'RoleBinding',
  clusterroles: 'ClusterRole',
  clusterrolebindings: 'ClusterRoleBinding',
  priorityclasses: 'PriorityClass',
  storageclasses: 'StorageClass',
  volumeattachments: 'VolumeAttachment',
  csidrivers: 'CSIDriver',
  csinodes: 'CSINode',
  csistoragecapacities: 'CSIStorageCapacity',
  runtimeclasses: 'RuntimeClass',
  certificatesigningrequests: 'CertificateSigningRequest',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  validatingadmissionpolicies: 'ValidatingAdmissionPolicy',
  validatingadmissionpolicybindings: 'ValidatingAdmissionPolicyBinding',
  flowschemas: 'FlowSchema',
  prioritylevelconfigurations: 'PriorityLevelConfiguration',
  podsecuritypolicy: 'PodSecurityPolicy',
  storageversions: 'StorageVersion',
  ipaddresses: 'IPAddress',
  servicecidrs: 'ServiceCIDR',
  resourceclaims: 'ResourceClaim',
  resourceclaimtemplates: 'ResourceClaimTemplate',
  deviceclasses: 'DeviceClass',
  resourceslices: 'ResourceSlice',
  'apiextensions.k8s.io/customresourcedefinitions': 'CustomResourceDefinition',
  'apiregistration.k8s.io/apiservices': 'APIService',
};

/** Built-in resources whose objects have no namespace (their keys are `/registry/<resource>/<name>`). */
const CLUSTER_SCOPED = new Set([
  'namespaces',
  'minions',
  'persistentvolumes',
  'clusterroles',
  'clusterrolebindings',
  'priorityclasses',
  'storageclasses',
  'volumeattachments',
  'csidrivers',
  'csinodes',
  'runtimeclasses',
  'certificatesigningrequests',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'flowschemas',
  'prioritylevelconfigurations',
  'podsecuritypolicy',
  'storageversions',
  'ipaddresses',
  'servicecidrs',
  'ingressclasses',
  'deviceclasses',
  'resourceslices',
  'apiextensions.k8s.io/customresourcedefinitions',
  'apiregistration.k8s.io/apiservices',
]);

/** Paths that group several resources without being one: `/registry/services/{specs,endpoints}/`. */
const LEGACY_GROUPS: Readonly<Record<string, readonly string[]>> = { services: ['specs', 'endpoints'] };

/** What a level of the key tree holds, so the tree can label and iconify it. */
export type LevelInfo =
  | { kind: 'plain' }
  | { kind: 'registry' }
  /** An API group (`example.com/`) or the legacy `services/` path; its children are resources. */
  | { kind: 'group'; group: string }
  /**
   * A resource's objects (cluster-scoped) or namespaces (namespaced). `namespaced` is undefined for
   * custom resources, whose scope only their CRD knows: then a child prefix is a namespace and a child
   * key an object.
   */
  | { kind: 'resource'; resource: string; group?: string; k8sKind?: string; namespaced?: boolean }
  | { kind: 'namespace'; resource: string; group?: string; k8sKind?: string; namespace: string };

/** A Kubernetes object key, parsed. */
export interface K8sObjectKey {
  /** Storage path of the resource, e.g. `pods`, `services/specs`, `example.com/widgets`. */
  resource: string;
  /** API group for resources under `/registry/<group>/`, e.g. `example.com`. */
  group?: string;
  k8sKind?: string;
  namespace?: string;
  name: string;
  clusterScoped: boolean;
}

/** Whether a segment names an API group (groups are DNS names; built-in resource names have no dot). */
function isGroupSegment(segment: string): boolean {
  return segment.includes('.');
}

/**
 * Splits the path under /registry/ into [resource storage path, group?, rest segments]. Returns
 * undefined when the path stops before a resource is named (e.g. `/registry/` or a group alone).
 */
function splitResource(parts: string[]): { resource: string; group?: string; rest: string[] } | undefined {
  const [first, second] = parts;
  if (first === undefined || second === undefined) return undefined;
  if (isGroupSegment(first)) return { resource: `${first}/${second}`, group: first, rest: parts.slice(2) };
  if (LEGACY_GROUPS[first]?.includes(second)) return { resource: `${first}/${second}`, rest: parts.slice(2) };
  return { resource: first, rest: parts.slice(1) };
}

function textOf(bytes: Uint8Array | string): string | undefined {
  if (typeof bytes === 'string') return bytes;
  const text = Buffer.from(bytes).toString('utf8');
  // Kubernetes keys are UTF-8; anything else is not one of its keys.
  return Buffer.byteLength(text) === bytes.length && !text.includes('\ufffd') ? text : undefined;
}

/** The Kind stored at a resource path, when known. */
export function kindOfResource(resource: string): string | undefined {
  return RESOURCE_KINDS[resource];
}

/**
 * Describes the tree level whose prefix is given (ending in '/'), e.g. `/registry/pods/` -> resource Pod,
 * namespaced; `/registry/pods/default/` -> namespace `default`. Anything not Kubernetes-shaped is 'plain'.
 */
export function describeLevel(prefix: Uint8Array | string): LevelInfo {
  const text = textOf(prefix);
  if (text === undefined || !text.startsWith(REGISTRY_PREFIX) || !text.endsWith('/')) return { kind: 'plain' };
  const parts = text.slice(REGISTRY_PREFIX.length, -1).split('/');
  if (parts.length === 1 && parts[0] === '') return { kind: 'registry' };
  if (parts.some((p) => p === '')) return { kind: 'plain' };
  if (parts.length === 1 && (isGroupSegment(parts[0]) || LEGACY_GROUPS[parts[0]])) return { kind: 'group', group: parts[0] };
  const split = parts.length === 1 ? { resource: parts[0], group: undefined, rest: [] } : splitResource(parts);
  if (!split) return { kind: 'plain' };
  const { resource, group, rest } = split;
  const k8sKind = kindOfResource(resource);
  const known = k8sKind !== undefined || CLUSTER_SCOPED.has(resource);
  if (rest.length === 0) {
    return { kind: 'resource', resource, group, k8sKind, namespaced: known ? !CLUSTER_SCOPED.has(resource) : undefined };
  }
  if (rest.length === 1 && !CLUSTER_SCOPED.has(resource)) return { kind: 'namespace', resource, group, k8sKind, namespace: rest[0] };
  return { kind: 'plain' };
}

/**
 * Parses an object key such as `/registry/pods/default/web-0` or `/registry/minions/node-1`;
 * undefined for keys that are not Kubernetes objects (other prefixes, non-UTF-8, too short or deep).
 */
export function parseK8sKey(key: Uint8Array | string): K8sObjectKey | undefined {
  const text = textOf(key);
  if (text === undefined || !text.startsWith(REGISTRY_PREFIX)) return undefined;
  const parts = text.slice(REGISTRY_PREFIX.length).split('/');
  if (parts.some((p) => p === '')) return undefined;
  const split = splitResource(parts);
  if (!split || split.rest.length === 0 || split.rest.length > 2) return undefined;
  const { resource, group, rest } = split;
  const k8sKind = kindOfResource(resource);
  if (rest.length === 1) return { resource, group, k8sKind, name: rest[0], clusterScoped: true };
  // Two segments after a known cluster-scoped resource are not an object key of it.
  if (CLUSTER_SCOPED.has(resource)) return undefined;
  return { resource, group, k8sKind, namespace: rest[0], name: rest[1], clusterScoped: false };
}
