/**
 * kube-apiserver's EncryptionConfiguration file (`--encryption-provider-config`), read so that values
 * encrypted at rest can be decrypted for viewing. Only the local-key providers matter here (aescbc, aesgcm,
 * secretbox); identity and kms entries are noted and skipped.
 *
 * Facts from kubernetes/apiserver (pkg/apis/apiserver/v1/types_encryption.go, validation/validation_encryption.go,
 * server/options/encryptionconfig/config.go and its testdata): `kind: EncryptionConfiguration` with
 * `apiVersion: apiserver.config.k8s.io/v1`, or the legacy `kind: EncryptionConfig` / `apiVersion: v1`;
 * `resources[].providers[]` each holding exactly one of aesgcm, aescbc, secretbox, identity, kms;
 * `keys[].secret` is standard base64 (with padding) of 16, 24 or 32 bytes for AES, exactly 32 for secretbox.
 *
 * Secrets are held in a private field: they never appear in JSON.stringify, util.inspect or error messages.
 */
import * as fs from 'node:fs';
import { EtcdStudioError, errorMessage } from '../errors';
import { parseDuration, type PathSeg } from './jsonForms';
import { parseText, TextParseError } from './yaml';

export type LocalProvider = 'aescbc' | 'aesgcm' | 'secretbox';

export const LOCAL_PROVIDERS: readonly LocalProvider[] = ['aescbc', 'aesgcm', 'secretbox'];

/** Key sizes kube-apiserver accepts (validation_encryption.go: aesKeySizes, secretBoxKeySizes). */
export const KEY_SIZES: Readonly<Record<LocalProvider, readonly number[]>> = {
  aescbc: [16, 24, 32],
  aesgcm: [16, 24, 32],
  secretbox: [32],
};

/** A `kms` provider of the file. */
export interface KmsProvider {
  name: string;
  /** v1 or v2 (kube-apiserver's default when absent is v1). */
  apiVersion: string;
  /** The plugin's gRPC socket, e.g. unix:///var/run/kms-plugin/socket.sock. */
  endpoint: string;
  /** How long a call to the plugin may take (the file's `timeout`, default 3s). */
  timeoutMs: number;
  /** Where in the file: `resources[0].providers[0].kms`. */
  path: string;
}

/** A key from the file, without its secret. */
export interface EncryptionKeyInfo {
  /** kms: a KMS v2 provider (the name says which, and the key id the plugin used). */
  provider: LocalProvider | 'kms';
  name: string;
  /** Where in the file: `resources[0].providers[1].aesgcm.keys[0]`. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** The `resources[i].resources` list this key is configured for (e.g. `secrets`, `*.*`). */
  resources: string[];
  /** Secret length in bytes (16, 24 or 32). */
  size: number;
}

export interface EncryptionConfigIssue {
  /** Field path in the file, e.g. `resources[0].providers[0].aescbc.keys[0].secret`, or '(root)'. */
  path: string;
  message: string;
  line?: number;
}

/** The file cannot be used; `issues` lists every problem found, each with its path (and line). */
export class EncryptionConfigError extends EtcdStudioError {
  constructor(
    readonly source: string,
    readonly issues: EncryptionConfigIssue[],
  ) {
    super('InvalidArgument', formatIssues(source, issues));
    this.name = 'EncryptionConfigError';
  }
}

function formatIssues(source: string, issues: readonly EncryptionConfigIssue[]): string {
  const one = (i: EncryptionConfigIssue): string =>
    `${i.line !== undefined ? `line ${i.line}: ` : ''}${i.path === '(root)' ? '' : `${i.path}: `}${i.message}`;
  if (issues.length === 1) return `Invalid encryption config ${source}: ${one(issues[0])}`;
  const shown = issues.slice(0, 20).map((i) => `  ${one(i)}`);
  if (issues.length > 20) shown.push(`  …and ${issues.length - 20} more`);
  return `Invalid encryption config ${source}: ${issues.length} problems:\n${shown.join('\n')}`;
}

/** A parsed EncryptionConfiguration: key names and where they are, with the secrets kept private. */
export class EncryptionConfig {
  readonly #secrets: Uint8Array[];

  /** @internal use parseEncryptionConfig / loadEncryptionConfig. */
  constructor(
    /** The file (or label) the config came from, used in messages. */
    readonly source: string,
    /** Every aescbc/aesgcm/secretbox key in file order. */
    readonly keys: readonly EncryptionKeyInfo[],
    secrets: Uint8Array[],
    /** Things skipped (identity, kms providers, unknown fields); never secrets. */
    readonly notes: readonly string[],
    /** KMS providers configured in the file (v2 values are decrypted through their plugin's socket). */
    readonly kms: readonly KmsProvider[],
  ) {
    this.#secrets = secrets;
  }

  /** DEK sources unwrapped by KMS v2 plugins, by kmsV2.dekCacheKey (never logged or serialized). */
  readonly #deks = new Map<string, Uint8Array>();

  /** @internal for decryptValue only. */
  dek(cacheKey: string): Uint8Array | undefined {
    return this.#deks.get(cacheKey);
  }

  /** @internal for decryptValue only. */
  rememberDek(cacheKey: string, dek: Uint8Array): void {
    if (this.#deks.size > 10_000) this.#deks.clear();
    this.#deks.set(cacheKey, dek);
  }

  /**
   * Secrets that could have written a value with this provider and key name, in file order. The same
   * name may appear in several `resources[]` entries with different secrets; kube-apiserver tries each.
   * @internal for decryptValue only.
   */
  candidates(provider: string, name: string): { key: EncryptionKeyInfo; secret: Uint8Array }[] {
    const out: { key: EncryptionKeyInfo; secret: Uint8Array }[] = [];
    this.keys.forEach((key, i) => {
      if (key.provider === provider && key.name === name) out.push({ key, secret: this.#secrets[i] });
    });
    return out;
  }

  toJSON(): unknown {
    return { source: this.source, keys: this.keys, notes: this.notes, kms: this.kms };
  }
}

const PROVIDER_FIELDS = ['aesgcm', 'aescbc', 'secretbox', 'identity', 'kms'] as const;
const KINDS: Record<string, readonly string[]> = {
  EncryptionConfiguration: ['apiserver.config.k8s.io/v1'],
  EncryptionConfig: ['v1'],
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fmtPath(path: readonly PathSeg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || '(root)';
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  // scalars are not echoed: a file holding just a key, or a secret in the wrong place, must not be printed
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

/**
 * Go's base64.StdEncoding.DecodeString: the standard alphabet with `=` padding to a multiple of 4;
 * carriage returns and newlines are ignored. Returns undefined for anything else.
 */
export function decodeStdBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  // non-canonical trailing bits (e.g. "QR==") are rejected by Go's strict decoder too
  return Buffer.from(out).toString('base64') === s ? out : undefined;
}

/**
 * Parses EncryptionConfiguration text (YAML or JSON). `source` names the file in messages. Throws
 * EncryptionConfigError listing every problem (path and line); the messages never contain a secret.
 */
export function parseEncryptionConfig(text: string, source = 'the encryption config'): EncryptionConfig {
  if (!text.trim()) throw new EncryptionConfigError(source, [{ path: '(root)', message: 'the file is empty' }]);
  let parsed: ReturnType<typeof parseText>;
  try {
    parsed = parseText(text);
  } catch (e) {
    const line = e instanceof TextParseError ? e.line : undefined;
    throw new EncryptionConfigError(source, [{ path: '(root)', message: errorMessage(e), line }]);
  }
  const issues: EncryptionConfigIssue[] = [];
  const notes: string[] = [];
  const keys: EncryptionKeyInfo[] = [];
  const secrets: Uint8Array[] = [];
  const kms: KmsProvider[] = [];
  const issue = (path: readonly PathSeg[], message: string): void => {
    issues.push({ path: fmtPath(path), message, line: parsed.lineOf(path) });
  };
  const unknownFields = (obj: Obj, path: readonly PathSeg[], known: readonly string[]): void => {
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) notes.push(`${fmtPath([...path, k])}: unknown field ignored (kube-apiserver would reject it)`);
    }
  };

  const root = parsed.value;
  if (!isObj(root))
    throw new EncryptionConfigError(source, [
      { path: '(root)', message: `expected an EncryptionConfiguration mapping, found ${typeName(root)}`, line: 1 },
    ]);
  const kind = root.kind;
  const apiVersion = root.apiVersion;
  if (typeof kind !== 'string' || !(kind in KINDS)) {
    const what =
      typeof kind === 'string' ? `a ${kind}${typeof apiVersion === 'string' ? ` (${apiVersion})` : ''}` : 'an object without kind';
    throw new EncryptionConfigError(source, [
      {
        path: 'kind',
        line: parsed.lineOf(['kind']),
        message: `this is ${what}, not an EncryptionConfiguration (expected kind: EncryptionConfiguration, apiVersion: apiserver.config.k8s.io/v1 — the file kube-apiserver's --encryption-provider-config points to)`,
      },
    ]);
  }
  if (typeof apiVersion !== 'string' || !KINDS[kind].includes(apiVersion)) {
    issue(
      ['apiVersion'],
      `expected apiVersion ${KINDS[kind].join(' or ')} for kind ${kind}, found ${typeof apiVersion === 'string' ? apiVersion : typeName(apiVersion)}`,
    );
  }
  unknownFields(root, [], ['kind', 'apiVersion', 'resources']);

  const resources = root.resources;
  if (!Array.isArray(resources) || resources.length === 0) {
    issue(
      ['resources'],
      resources === undefined || resources === null
        ? 'missing: at least one resources entry is required'
        : `expected a non-empty list, found ${typeName(resources)}`,
    );
  } else {
    resources.forEach((entry, i) => {
      const ep: PathSeg[] = ['resources', i];
      if (!isObj(entry)) return issue(ep, `expected a mapping with resources and providers, found ${typeName(entry)}`);
      unknownFields(entry, ep, ['resources', 'providers']);
      const names = Array.isArray(entry.resources) ? entry.resources.filter((r): r is string => typeof r === 'string') : [];
      if (!Array.isArray(entry.resources) || entry.resources.length === 0)
        issue([...ep, 'resources'], 'missing: at least one resource (e.g. secrets) is required');
      const providers = entry.providers;
      if (!Array.isArray(providers) || providers.length === 0)
        return issue([...ep, 'providers'], 'missing: at least one provider is required');
      providers.forEach((p, j) => {
        const pp: PathSeg[] = [...ep, 'providers', j];
        if (!isObj(p)) return issue(pp, `expected a mapping with one of ${PROVIDER_FIELDS.join(', ')}, found ${typeName(p)}`);
        const present = PROVIDER_FIELDS.filter((f) => f in p);
        if (present.length === 0) {
          return issue(
            pp,
            `no provider: expected one of ${PROVIDER_FIELDS.join(', ')}${Object.keys(p).length ? `, found ${Object.keys(p).join(', ')}` : ''}`,
          );
        }
        if (present.length > 1)
          return issue(pp, `more than one provider (${present.join(', ')}) in one element; each must be its own list element`);
        unknownFields(p, pp, PROVIDER_FIELDS);
        const field = present[0];
        const body = p[field];
        if (field === 'identity') {
          notes.push(`${fmtPath([...pp, 'identity'])}: identity (values written unencrypted; nothing to decrypt)`);
          return;
        }
        if (field === 'kms') {
          const b = isObj(body) ? body : {};
          const name = typeof b.name === 'string' ? b.name : '';
          const v = typeof b.apiVersion === 'string' && b.apiVersion ? b.apiVersion : 'v1';
          const endpoint = typeof b.endpoint === 'string' ? b.endpoint : '';
          const timeout = typeof b.timeout === 'string' ? parseDuration(b.timeout) : undefined;
          const at = fmtPath([...pp, 'kms']);
          kms.push({
            name,
            apiVersion: v,
            endpoint,
            timeoutMs: typeof timeout === 'number' && timeout > 0 ? timeout / 1e6 : 3000,
            path: at,
          });
          notes.push(
            v === 'v2'
              ? `${at}: KMS v2 provider "${name}": values are decrypted through its plugin at ${endpoint || '(no endpoint)'} when that socket is reachable from here`
              : `${at}: KMS ${v} provider "${name}" ignored: KMS v1 is deprecated and its values cannot be decrypted here (kube-apiserver migrates them to v2)`,
          );
          return;
        }
        const kp: PathSeg[] = [...pp, field];
        if (!isObj(body)) return issue(kp, `expected a mapping with keys, found ${typeName(body)}`);
        unknownFields(body, kp, ['keys']);
        const list = body.keys;
        if (!Array.isArray(list) || list.length === 0)
          return issue([...kp, 'keys'], `missing: the ${field} provider needs at least one key`);
        list.forEach((k, n) => {
          const path: PathSeg[] = [...kp, 'keys', n];
          if (!isObj(k)) return issue(path, `expected a mapping with name and secret, found ${typeName(k)}`);
          unknownFields(k, path, ['name', 'secret']);
          const name = k.name;
          const secret = k.secret;
          let ok = true;
          if (typeof name !== 'string' || name === '') {
            issue(
              [...path, 'name'],
              name === undefined ? 'missing: every key needs a name' : `expected a non-empty string, found ${typeName(name)}`,
            );
            ok = false;
          }
          if (typeof secret !== 'string' || secret === '') {
            // never echo the value: it may be a secret in the wrong type
            issue(
              [...path, 'secret'],
              secret === undefined || secret === '' ? 'missing: every key needs a base64 secret' : 'expected a base64 string',
            );
            return;
          }
          const bytes = decodeStdBase64(secret);
          if (!bytes) return issue([...path, 'secret'], 'not valid base64 (standard alphabet with = padding), as kube-apiserver requires');
          const sizes = KEY_SIZES[field];
          if (!sizes.includes(bytes.length)) {
            const want = sizes.length === 1 ? `${sizes[0]}` : `${sizes.slice(0, -1).join(', ')} or ${sizes[sizes.length - 1]}`;
            return issue([...path, 'secret'], `the secret is ${bytes.length} bytes; ${field} keys must be ${want} bytes`);
          }
          if (!ok) return;
          keys.push({
            provider: field,
            name: name as string,
            path: fmtPath(path),
            line: parsed.lineOf(path),
            resources: names,
            size: bytes.length,
          });
          secrets.push(bytes);
        });
      });
    });
  }
  if (issues.length) throw new EncryptionConfigError(source, issues);
  return new EncryptionConfig(source, keys, secrets, notes, kms);
}

/** Reads and parses the file kube-apiserver's `--encryption-provider-config` names. */
export function loadEncryptionConfig(file: string): EncryptionConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied (it is usually readable by root only)'
          : code === 'EISDIR'
            ? 'it is a directory'
            : errorMessage(e);
    throw new EtcdStudioError('InvalidArgument', `Cannot read encryption config ${file}: ${why}.`);
  }
  return parseEncryptionConfig(text, file);
}
