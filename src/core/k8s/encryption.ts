/**
 * Decrypts values kube-apiserver encrypted at rest, for viewing only, with keys from its
 * EncryptionConfiguration file (see encryptionConfig.ts). Nothing here encrypts or writes.
 *
 * Stored formats, from kubernetes/apiserver pkg/storage/value/encrypt/{aes/aes.go, secretbox/secretbox.go},
 * pkg/storage/value/transformer.go, pkg/server/options/encryptionconfig/config.go and pkg/storage/etcd3/store.go:
 * - every value is `k8s:enc:<provider>:v1:<keyName>:` followed by the transformer's output;
 * - aescbc: IV (16 bytes) + AES-CBC ciphertext of the plaintext with PKCS#7 padding (no authentication);
 * - aesgcm: nonce (12 bytes) + AES-GCM sealed box (ciphertext + 16-byte tag), with the full etcd key
 *   (e.g. `/registry/secrets/default/s1`) as additional authenticated data;
 * - secretbox: nonce (24 bytes) + NaCl secretbox (Poly1305 tag + XSalsa20 ciphertext), no associated data;
 * - kms v2 wraps a data key with an external service: decrypted through the plugin the config names
 *   (kmsV2.ts; decryptValueAsync asks the plugin, after which the sync functions can open values that
 *   use the same data key); kms v1 (deprecated) is not decryptable here.
 * The plaintext is again a stored object (k8s protobuf, JSON or CBOR).
 */
import * as crypto from 'node:crypto';
import nacl from 'tweetnacl';
import { EtcdStudioError, errorMessage } from '../errors';
import { detectFormat, parseEncryptionPrefix, type Encryption } from './envelope';
import { EncryptionConfig, LOCAL_PROVIDERS, type EncryptionKeyInfo, type LocalProvider } from './encryptionConfig';
import { dekCacheKey, kmsV2Box, parseKmsV2Object, type KmsV2Object } from './kmsV2';

export * from './encryptionConfig';

/** Why a value could not be decrypted; never contains key material. */
export class DecryptError extends EtcdStudioError {
  constructor(
    message: string,
    readonly reason: 'not-encrypted' | 'unsupported' | 'unknown-key' | 'auth' | 'truncated' | 'kms-plugin',
  ) {
    super(reason === 'unknown-key' || reason === 'unsupported' ? 'NotFound' : 'Corrupt', message);
    this.name = 'DecryptError';
  }
}

export interface Decrypted {
  plaintext: Uint8Array;
  encryption: Encryption;
  /** The key that opened it (no secret). */
  key: EncryptionKeyInfo;
}

const AES_BLOCK = 16;
const GCM_NONCE = 12;
const GCM_TAG = 16;
const SECRETBOX_NONCE = 24;
const SECRETBOX_OVERHEAD = 16;

function keyText(etcdKey: string | Uint8Array): string {
  return typeof etcdKey === 'string' ? etcdKey : Buffer.from(etcdKey).toString('utf8');
}

function keyBytes(etcdKey: string | Uint8Array): Buffer {
  return typeof etcdKey === 'string' ? Buffer.from(etcdKey, 'utf8') : Buffer.from(etcdKey);
}

/** AES-CBC as aes.go's cbc.TransformFromStorage: IV, whole blocks, then PKCS#7 padding checked. */
function openCbc(secret: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  const iv = data.subarray(0, AES_BLOCK);
  const body = data.subarray(AES_BLOCK);
  const d = crypto.createDecipheriv(`aes-${secret.length * 8}-cbc`, secret, iv);
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(body), d.final()]);
  // aes.go accepts any pad length from 1 to the whole plaintext, each pad byte equal to it
  const pad = out[out.length - 1];
  if (pad === 0 || pad > out.length) return undefined;
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return undefined;
  const plain = new Uint8Array(out.subarray(0, out.length - pad));
  // CBC has no authentication: a wrong key passes the padding check about once in 256 tries, so also
  // require what kube-apiserver always encrypts, a serialized object
  const f = detectFormat(plain);
  return f === 'k8s-protobuf' || f === 'json' || f === 'cbor' ? plain : undefined;
}

/** AES-GCM as aes.go's gcm.TransformFromStorage: 12-byte nonce, sealed box, etcd key as AAD. */
export function openGcm(secret: Uint8Array, data: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  const nonce = data.subarray(0, GCM_NONCE);
  const tag = data.subarray(data.length - GCM_TAG);
  const body = data.subarray(GCM_NONCE, data.length - GCM_TAG);
  try {
    const d = crypto.createDecipheriv(`aes-${secret.length * 8}-gcm` as crypto.CipherGCMTypes, secret, nonce, { authTagLength: GCM_TAG });
    d.setAAD(aad);
    d.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([d.update(body), d.final()]));
  } catch {
    return undefined;
  }
}

/** NaCl secretbox as secretbox.go: 24-byte nonce, then the box. */
function openSecretbox(secret: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  return nacl.secretbox.open(data.subarray(SECRETBOX_NONCE), data.subarray(0, SECRETBOX_NONCE), secret) ?? undefined;
}

/** Minimum bytes after the prefix, and why (the checks aes.go / secretbox.go make, plus a non-empty body). */
const MIN_LENGTH: Record<LocalProvider, { min: number; what: string }> = {
  aescbc: { min: 2 * AES_BLOCK, what: 'a 16-byte IV and at least one 16-byte block' },
  aesgcm: { min: GCM_NONCE + GCM_TAG, what: 'a 12-byte nonce and a 16-byte tag' },
  secretbox: { min: SECRETBOX_NONCE + SECRETBOX_OVERHEAD, what: 'a 24-byte nonce and a 16-byte tag' },
};

/**
 * Decrypts a value read from etcd with the keys of `config`, choosing the key by the name in its
 * `k8s:enc:<provider>:v1:<name>:` prefix, and returns the plaintext (the serialized object, ready for
 * decodeValue). Returns the plaintext together with the key used; throws DecryptError.
 */
export function decryptValueDetailed(bytes: Uint8Array, etcdKey: string | Uint8Array, config: EncryptionConfig): Decrypted {
  const enc = parseEncryptionPrefix(bytes);
  if (!enc) throw new DecryptError('the value is not encrypted at rest (it has no k8s:enc: prefix)', 'not-encrypted');
  const where = keyText(etcdKey) || 'the value';
  if (enc.provider === 'kms' && enc.version === 'v2') return openKmsV2(bytes, enc, etcdKey, config);
  if (enc.provider === 'kms') {
    throw new DecryptError(
      `${where} is encrypted by the KMS ${enc.version} provider "${enc.keyName}": KMS v1 is deprecated and etcd Studio cannot decrypt it ` +
        '(aescbc, aesgcm, secretbox and KMS v2 values can be decrypted)',
      'unsupported',
    );
  }
  if (!(LOCAL_PROVIDERS as readonly string[]).includes(enc.provider) || enc.version !== 'v1') {
    throw new DecryptError(
      `${where} is encrypted by an unsupported provider "${enc.provider}" (prefix version ${enc.version}); etcd Studio decrypts aescbc, aesgcm and secretbox (v1) values`,
      'unsupported',
    );
  }
  const provider = enc.provider as LocalProvider;
  const candidates = config.candidates(provider, enc.keyName);
  if (candidates.length === 0) {
    const same = config.keys.filter((k) => k.provider === provider).map((k) => k.name);
    const other = config.keys.filter((k) => k.name === enc.keyName).map((k) => k.provider);
    const hint = other.length
      ? ` (it has a key "${enc.keyName}" for ${[...new Set(other)].join(', ')}, but the value was written by ${provider})`
      : same.length
        ? ` (its ${provider} keys are ${[...new Set(same)].map((n) => `"${n}"`).join(', ')})`
        : ` (it has no ${provider} keys)`;
    throw new DecryptError(
      `key "${enc.keyName}" is not in ${config.source} as a ${provider} key${hint}: ${where} was encrypted with a key that file does not hold (rotated away, or another cluster's config)`,
      'unknown-key',
    );
  }
  const data = bytes.subarray(enc.prefixLength);
  const need = MIN_LENGTH[provider];
  if (data.length < need.min) {
    throw new DecryptError(
      `${where} is truncated: ${data.length} bytes follow the ${provider} prefix, but it needs at least ${need.min} (${need.what})`,
      'truncated',
    );
  }
  if (provider === 'aescbc' && (data.length - AES_BLOCK) % AES_BLOCK !== 0) {
    throw new DecryptError(
      `${where} is corrupted or truncated: the aescbc ciphertext is not a whole number of 16-byte blocks`,
      'truncated',
    );
  }
  const aad = keyBytes(etcdKey);
  for (const { key, secret } of candidates) {
    let plain: Uint8Array | undefined;
    try {
      plain =
        provider === 'aescbc' ? openCbc(secret, data) : provider === 'aesgcm' ? openGcm(secret, data, aad) : openSecretbox(secret, data);
    } catch (e) {
      throw new DecryptError(`cannot decrypt ${where} with key "${key.name}" (${provider}): ${errorMessage(e)}`, 'auth');
    }
    if (plain) return { plaintext: plain, encryption: enc, key };
  }
  const tried = candidates.length > 1 ? ` (tried all ${candidates.length} ${provider} keys named "${enc.keyName}")` : '';
  const gcmHint =
    provider === 'aesgcm'
      ? `; aesgcm also authenticates the etcd key, so a value copied from another key${keyText(etcdKey) ? '' : ' (or decrypted without --key)'} fails too`
      : '';
  throw new DecryptError(
    `cannot decrypt ${where} with key "${enc.keyName}" (${provider}) from ${config.source}${tried}: wrong key or corrupted value${gcmHint}`,
    'auth',
  );
}

/** The KMS v2 provider of `config` that wrote `enc`, its EncryptedObject, and where the DEK is cached. */
function kmsV2Parts(bytes: Uint8Array, enc: Encryption, etcdKey: string | Uint8Array, config: EncryptionConfig) {
  const where = keyText(etcdKey) || 'the value';
  const provider = config.kms.find((k) => k.name === enc.keyName && k.apiVersion === 'v2');
  if (!provider) {
    const v2 = config.kms.filter((k) => k.apiVersion === 'v2').map((k) => `"${k.name}"`);
    throw new DecryptError(
      `${where} was encrypted by the KMS v2 provider "${enc.keyName}", which is not in ${config.source}${v2.length ? ` (its KMS v2 providers are ${v2.join(', ')})` : ' (it has no KMS v2 provider)'}`,
      'unknown-key',
    );
  }
  let obj: KmsV2Object;
  try {
    obj = parseKmsV2Object(bytes.subarray(enc.prefixLength));
  } catch (e) {
    throw new DecryptError(`${where} is not a valid KMS v2 value: ${errorMessage(e)}`, 'truncated');
  }
  return { where, provider, obj, cacheKey: dekCacheKey(provider.name, obj) };
}

/** KMS v2 with the DEK already unwrapped (decryptValueAsync asks the plugin for it). */
function openKmsV2(bytes: Uint8Array, enc: Encryption, etcdKey: string | Uint8Array, config: EncryptionConfig): Decrypted {
  const { where, provider, obj, cacheKey } = kmsV2Parts(bytes, enc, etcdKey, config);
  const dek = config.dek(cacheKey);
  const info: EncryptionKeyInfo = { provider: 'kms', name: provider.name, path: provider.path, resources: [], size: 32 };
  if (!dek) {
    throw new DecryptError(
      `${where} is encrypted by the KMS v2 provider "${provider.name}": its data key must first be unwrapped by the plugin at ${provider.endpoint}`,
      'kms-plugin',
    );
  }
  let box: { key: Uint8Array; box: Uint8Array };
  try {
    box = kmsV2Box(obj, dek);
  } catch (e) {
    throw new DecryptError(`${where}: ${errorMessage(e)}`, 'truncated');
  }
  const plain =
    box.box.length >= GCM_NONCE + GCM_TAG && [16, 24, 32].includes(box.key.length)
      ? openGcm(box.key, box.box, keyBytes(etcdKey))
      : undefined;
  if (!plain) {
    throw new DecryptError(
      `cannot decrypt ${where} with the data key the KMS v2 plugin "${provider.name}" returned: corrupted value, or a value copied from another etcd key (the key is authenticated)`,
      'auth',
    );
  }
  return { plaintext: plain, encryption: enc, key: { ...info, name: `${provider.name} (key id ${obj.keyId})` } };
}

/**
 * As decryptValueDetailed, and for KMS v2 values first asks the provider's plugin (the socket the config
 * names) to unwrap the data key; other values need nothing asynchronous.
 */
export async function decryptValueAsync(bytes: Uint8Array, etcdKey: string | Uint8Array, config: EncryptionConfig): Promise<Decrypted> {
  await unwrapKmsKey(bytes, etcdKey, config);
  return decryptValueDetailed(bytes, etcdKey, config);
}

/** For a KMS v2 value, unwraps its data key through the plugin (once; cached in `config`). */
export async function unwrapKmsKey(bytes: Uint8Array, etcdKey: string | Uint8Array, config: EncryptionConfig): Promise<void> {
  const enc = parseEncryptionPrefix(bytes);
  if (!enc || enc.provider !== 'kms' || enc.version !== 'v2') return;
  const { where, provider, obj, cacheKey } = kmsV2Parts(bytes, enc, etcdKey, config);
  if (config.dek(cacheKey)) return;
  if (!provider.endpoint)
    throw new DecryptError(`the KMS v2 provider "${provider.name}" in ${config.source} has no endpoint`, 'kms-plugin');
  // gRPC is loaded only here, when a KMS v2 value is actually opened.
  const { pluginDecrypt, UNREACHABLE_CODES } = await import('./kmsPlugin');
  try {
    config.rememberDek(cacheKey, await pluginDecrypt(provider.endpoint, obj, provider.timeoutMs));
  } catch (e) {
    const why = UNREACHABLE_CODES.has((e as { code?: number }).code ?? -1)
      ? `cannot reach the plugin at ${provider.endpoint} (etcd Studio must run where that socket is, e.g. on the control-plane node)`
      : `the plugin at ${provider.endpoint} refused to decrypt its data key (key id ${obj.keyId}): ${(e as Error).message}`;
    throw new DecryptError(`cannot decrypt ${where} (KMS v2 provider "${provider.name}"): ${why}`, 'kms-plugin');
  }
}

/**
 * Decrypts a value read from etcd under `etcdKey` (aesgcm authenticates it, so it must be the full key
 * the value is stored at) and returns the plaintext bytes. Throws DecryptError.
 */
export function decryptValue(bytes: Uint8Array, etcdKey: string | Uint8Array, config: EncryptionConfig): Uint8Array {
  return decryptValueDetailed(bytes, etcdKey, config).plaintext;
}

/** The `decrypt` option of renderValue for this config; `prepare` unwraps KMS v2 data keys beforehand. */
export function decryptorFor(config: EncryptionConfig): Decryptor {
  return Object.assign((bytes: Uint8Array, etcdKey: string) => decryptValue(bytes, etcdKey, config), {
    prepare: (bytes: Uint8Array, etcdKey: string) => unwrapKmsKey(bytes, etcdKey, config),
  });
}

export type Decryptor = ((bytes: Uint8Array, etcdKey: string) => Uint8Array) & {
  /** Asks a KMS v2 plugin for the value's data key, so that the synchronous call can open it. */
  prepare(bytes: Uint8Array, etcdKey: string): Promise<void>;
};
