/**
 * The Kubernetes oracle (test/oracle, built by scripts/hosts.mjs into the tools cache): Kubernetes' own Go
 * serializers, etcd3 storage and encryption transformers, driven over stdio as a long-lived helper. Tests
 * use it to get their vectors from the code that must read what etcd Studio writes.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { stringifyGo } from '../../src/core/k8s/goJson';
import { hostPaths } from './tools';

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface KindInfo extends Gvk {
  /** Has ObjectMeta: stored through the etcd3 store. */
  object: boolean;
  list: boolean;
  protobuf: boolean;
  /** A meta type (WatchEvent, ListOptions…) registered under every group/version. */
  meta: boolean;
  goType: string;
}

export interface FuzzVector extends Gvk {
  seed: number;
  key: string;
  /** What the oracle read back from etcd, as kube JSON (no resourceVersion). */
  json?: string;
  revision?: number;
  skipped?: string;
  error?: string;
}

export interface CompatVector extends Gvk {
  json: string;
  yaml: string;
  /** base64 */
  pb: string;
  error?: string;
}

export interface Target {
  kind: Gvk;
  /** Full etcd key, /registry/... */
  key: string;
  /** group/resource ("secrets", "widgets.example.com"): chooses the encryption provider. */
  resource?: string;
  /** The resource's key prefix (default: the key's parent). */
  prefix?: string;
  /** Storage encoding: protobuf (built-in default), json or cbor. */
  format?: 'protobuf' | 'json' | 'cbor';
}

export interface BenchResult {
  objects: number;
  bytes: number;
  rounds: number;
  decodeNs: number;
  decodeJsonNs: number;
  encodeNs: number;
}

/** apiVersion ("apps/v1", "v1") of a kind. */
export const apiVersionOf = (k: Gvk): string => (k.group ? `${k.group}/${k.version}` : k.version);

/** The oracle binary (ETCD_STUDIO_TEST_ORACLE, as the extension-host suites get it, or from hosts.mjs). */
export function oracleBinary(): string {
  const bin = process.env.ETCD_STUDIO_TEST_ORACLE ?? hostPaths().oracle;
  if (!bin || !existsSync(bin)) {
    throw new Error(
      `the Kubernetes oracle is not built${bin ? ` (expected ${bin})` : ''}: run "node scripts/hosts.mjs install oracle" (npm test does it for you; it needs Go and the Go module proxy)`,
    );
  }
  return bin;
}

/** JSON text that is sent as it is (so that 64-bit integers keep every digit). */
export class RawJson {
  constructor(readonly text: string) {}
}

const RAW = '\u0000raw-json\u0000';

function requestLine(id: number, op: string, params: Record<string, unknown>): string {
  const raws: string[] = [];
  const line = JSON.stringify({ id, op, ...params }, (_k, v: unknown) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return RAW;
    }
    return v;
  });
  let i = 0;
  return line.replace(/"\\u0000raw-json\\u0000"/g, () => raws[i++]) + '\n';
}

/** One request answered by a short-lived oracle, synchronously (for vectors needed while tests are declared). */
export function oracleOnce<T>(op: string, params: Record<string, unknown> = {}): T {
  const out = execFileSync(oracleBinary(), [], {
    input: requestLine(1, op, params),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const resp = JSON.parse(out.split('\n')[0]) as { error?: string } & T;
  if (resp.error) throw new Error(`k8s-oracle ${op}: ${resp.error}`);
  return resp;
}

export class Oracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; op: string }>();
  private stderr = '';
  private exited: Error | undefined;

  private constructor() {
    this.child = spawn(oracleBinary(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-8000);
    });
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const resp = JSON.parse(line) as { id: number; error?: string };
      const p = this.pending.get(resp.id);
      if (!p) return;
      this.pending.delete(resp.id);
      if (resp.error) p.reject(new Error(`k8s-oracle ${p.op}: ${resp.error}`));
      else p.resolve(resp);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`k8s-oracle exited (${code ?? signal}); its last stderr:\n${this.stderr}`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  static start(): Oracle {
    return new Oracle();
  }

  request<T>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, op });
      this.child.stdin.write(requestLine(id, op, params));
    });
  }

  /** Points the oracle's etcd3 storage at `endpoints`, with kube-apiserver's EncryptionConfiguration file if given. */
  async connect(endpoints: string[], encryptionConfig?: string): Promise<void> {
    await this.request('connect', { endpoints: endpoints.map((e) => e.replace(/^https?:\/\//, '')), encryptionConfig });
  }

  async kinds(): Promise<KindInfo[]> {
    return (await this.request<{ kinds: KindInfo[] }>('kinds')).kinds;
  }

  /** Fuzzed objects (apimachinery's fuzzer, fixed seeds) written into etcd under `prefix`, and what was read back. */
  async fuzz(opts: { kinds?: Gvk[]; seeds?: number[]; prefix?: string; format?: 'protobuf' | 'cbor' } = {}): Promise<FuzzVector[]> {
    return (await this.request<{ vectors: FuzzVector[] }>('fuzz', opts)).vectors;
  }

  /** A JSON object stored through the etcd3 store (or the codec and a put, for kinds without ObjectMeta). */
  async create(t: Target, object: string | object): Promise<{ revision: number }> {
    return this.request('create', { ...t, object: new RawJson(typeof object === 'string' ? object : stringifyGo(object)) });
  }

  /** The object as kube-apiserver reads it (resourceVersion from the etcd revision). */
  async get(t: Target): Promise<{ json: string; resourceVersion: string }> {
    return this.request('get', { ...t });
  }

  /** An update through GuaranteedUpdate: merges labels; fails with a conflict when resourceVersion is stale. */
  async update(
    t: Target,
    change: { labels: Record<string, string>; resourceVersion?: string },
  ): Promise<{ json: string; resourceVersion: string; previousResourceVersion: string }> {
    return this.request('update', { ...t, ...change });
  }

  /**
   * Serializes an object (JSON text, or a value) with apimachinery's serializer for `format` (`custom`: as a
   * custom resource).
   */
  async encode(kind: Gvk | undefined, object: unknown, format: 'protobuf' | 'json' | 'yaml' | 'cbor', custom = false): Promise<Buffer> {
    const obj = new RawJson(typeof object === 'string' ? object : stringifyGo(object));
    const r = await this.request<{ data: string }>('encode', { kind, object: obj, format, resource: custom ? 'custom' : undefined });
    return Buffer.from(r.data, 'base64');
  }

  /** Reads serialized bytes with apimachinery's serializers; returns kube JSON. */
  async decode(data: Uint8Array, kind?: Gvk, custom = false): Promise<string> {
    const r = await this.request<{ json: string }>('decode', {
      data: Buffer.from(data).toString('base64'),
      kind,
      resource: custom ? 'custom' : undefined,
    });
    return r.json;
  }

  /** Starts a KMS v2 plugin (k8s.io/kms) on a unix socket, or switches its current key. */
  async kms(socket: string, keyId?: string): Promise<void> {
    await this.request('kms', { socket, keyId });
  }

  async bench(items: Uint8Array[], rounds: number): Promise<BenchResult> {
    return this.request('bench', { items: items.map((b) => Buffer.from(b).toString('base64')), rounds });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      await this.request('shutdown');
    } catch {
      // already gone
    }
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  }
}
