/**
 * The Kubernetes events of one object, oldest first. kube-apiserver stores events at
 * `/registry/events/<namespace>/<objectName>.<hex>`; events of cluster-scoped objects (nodes…) go to
 * `default`. Names can contain dots, so the key prefix over-matches (`web.` also finds `web.v2.<hex>`):
 * decoded events are kept only when their involvedObject (core/v1) or regarding (events.k8s.io/v1)
 * names the object.
 */
import { EtcdStudioError } from '../errors';
import type { EtcdConnection } from '../etcd/connection';
import { scanRange } from '../etcd/rangeScan';
import { decodeValue } from '../k8s/codec';
import { keyToText, parseK8sKey, prefixRangeEnd } from '../keytree';

export interface ObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface TimelineEvent {
  key: string;
  /** `v1` (core) or `events.k8s.io/v1`. */
  apiVersion: string;
  /** Normal or Warning. */
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** events.k8s.io: when the event was first observed (MicroTime) and its repetition series. */
  eventTime?: string;
  series?: { count: number; lastObservedTime?: string };
  source: { component?: string; host?: string };
  involvedObject: ObjectRef;
  /** The time the timeline is sorted by: the last occurrence. */
  time: string;
  /** The event names an object of the same name but another uid (an earlier incarnation). */
  otherIncarnation?: boolean;
  modRevision: number;
}

export interface TimelineOptions {
  /** uid of the object now, to flag events of earlier objects of the same name. */
  uid?: string;
  /** Also read every event of the namespace and match by involvedObject (events named otherwise). */
  scanNamespace?: boolean;
  signal?: AbortSignal;
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** A decoded Event (either API) in the timeline's terms; undefined for anything else. */
export function toTimelineEvent(key: string, o: Obj, modRevision: number): TimelineEvent | undefined {
  if (o.kind !== undefined && o.kind !== 'Event') return undefined;
  const apiVersion = str(o.apiVersion) ?? 'v1';
  const meta = obj(o.metadata);
  if (apiVersion.startsWith('events.k8s.io/')) {
    const series = o.series ? { count: num(obj(o.series).count) ?? 0, lastObservedTime: str(obj(o.series).lastObservedTime) } : undefined;
    const ref = obj(o.regarding);
    const eventTime = str(o.eventTime);
    const first = str(o.deprecatedFirstTimestamp);
    const last = str(o.deprecatedLastTimestamp);
    return {
      key,
      apiVersion,
      type: str(o.type) ?? '',
      reason: str(o.reason) ?? '',
      message: str(o.note) ?? '',
      count: series?.count ?? num(o.deprecatedCount) ?? 1,
      ...(first ? { firstTimestamp: first } : {}),
      ...(last ? { lastTimestamp: last } : {}),
      ...(eventTime ? { eventTime } : {}),
      ...(series ? { series } : {}),
      source: {
        component: str(o.reportingController) ?? str(obj(o.deprecatedSource).component),
        host: str(o.reportingInstance) ?? str(obj(o.deprecatedSource).host),
      },
      involvedObject: { kind: str(ref.kind), namespace: str(ref.namespace), name: str(ref.name), uid: str(ref.uid) },
      time: series?.lastObservedTime ?? last ?? eventTime ?? first ?? str(meta.creationTimestamp) ?? '',
      modRevision,
    };
  }
  const ref = obj(o.involvedObject);
  const src = obj(o.source);
  const series = o.series ? { count: num(obj(o.series).count) ?? 0, lastObservedTime: str(obj(o.series).lastObservedTime) } : undefined;
  const first = str(o.firstTimestamp);
  const last = str(o.lastTimestamp);
  const eventTime = str(o.eventTime);
  return {
    key,
    apiVersion,
    type: str(o.type) ?? '',
    reason: str(o.reason) ?? '',
    message: str(o.message) ?? '',
    count: num(o.count) ?? series?.count ?? 1,
    ...(first ? { firstTimestamp: first } : {}),
    ...(last ? { lastTimestamp: last } : {}),
    ...(eventTime ? { eventTime } : {}),
    ...(series ? { series } : {}),
    source: { component: str(src.component) ?? str(o.reportingComponent), host: str(src.host) ?? str(o.reportingInstance) },
    involvedObject: { kind: str(ref.kind), namespace: str(ref.namespace), name: str(ref.name), uid: str(ref.uid) },
    time: series?.lastObservedTime ?? last ?? eventTime ?? first ?? str(meta.creationTimestamp) ?? '',
    modRevision,
  };
}

async function readRange(
  conn: EtcdConnection,
  key: Buffer,
  end: Buffer,
  signal?: AbortSignal,
): Promise<Array<{ key: Buffer; value: Buffer; modRevision: number }>> {
  const out: Array<{ key: Buffer; value: Buffer; modRevision: number }> = [];
  // Pages at one revision, so a large namespace is read consistently and without a giant response.
  for await (const page of scanRange(conn, { key, rangeEnd: end, pageSize: 500, signal, what: 'read events' })) {
    for (const kv of page.kvs) out.push({ key: kv.key, value: kv.value, modRevision: Number(kv.mod_revision) });
  }
  return out;
}

/** The events about the object stored at `objectKey` (e.g. `/registry/pods/default/web-0`), oldest first. */
export async function eventTimeline(
  conn: EtcdConnection,
  objectKey: Uint8Array | string,
  opts: TimelineOptions = {},
): Promise<TimelineEvent[]> {
  const o = parseK8sKey(objectKey);
  if (!o)
    throw new EtcdStudioError(
      'InvalidArgument',
      `${typeof objectKey === 'string' ? objectKey : keyToText(objectKey)} is not a Kubernetes object key (/registry/<resource>/[<namespace>/]<name>).`,
    );
  const namespace = o.namespace ?? 'default';
  const nsPrefix = Buffer.from(`/registry/events/${namespace}/`);
  const prefix = opts.scanNamespace ? nsPrefix : Buffer.concat([nsPrefix, Buffer.from(`${o.name}.`)]);
  const kvs = await readRange(conn, prefix, prefixRangeEnd(prefix), opts.signal);
  const out: TimelineEvent[] = [];
  for (const kv of kvs) {
    const d = decodeValue(kv.value, { key: keyToText(kv.key) });
    if (!('object' in d) || !d.object || d.error) continue;
    const ev = toTimelineEvent(keyToText(kv.key), d.object as Obj, kv.modRevision);
    if (!ev) continue;
    const ref = ev.involvedObject;
    if (ref.name !== o.name) continue;
    if (o.k8sKind && ref.kind && ref.kind !== o.k8sKind) continue;
    if (!o.clusterScoped && ref.namespace && ref.namespace !== o.namespace) continue;
    if (opts.uid && ref.uid && ref.uid !== opts.uid) ev.otherIncarnation = true;
    out.push(ev);
  }
  return out.sort((a, b) =>
    a.time < b.time
      ? -1
      : a.time > b.time
        ? 1
        : (a.firstTimestamp ?? '').localeCompare(b.firstTimestamp ?? '') || a.modRevision - b.modRevision,
  );
}

/** The uid stored in an object's metadata, to pass as `uid` (undefined when the value is not an object). */
export function objectUid(value: Uint8Array): string | undefined {
  const d = decodeValue(value);
  return 'object' in d && d.object ? str(obj(d.object.metadata).uid) : undefined;
}
