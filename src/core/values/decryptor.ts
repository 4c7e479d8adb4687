/**
 * Viewing values kube-apiserver encrypted at rest: the EncryptionConfiguration a connection (or the
 * CLI's --encryption-config) names, loaded once and again only when the file changes, and decoding a
 * stored value through it. The keys stay inside core's config object: never logged, never stored. The
 * editor (renderForProfile) and the CLI (get, decode) use exactly this.
 */
import { statSync } from 'node:fs';
import type { ConnectionProfile } from '../etcd/profile';
import { Decoded, decodeValue } from '../k8s/codec';
import { decryptorFor, decryptValueAsync, Decryptor, EncryptionConfig, loadEncryptionConfig } from '../k8s/encryption';
import { renderValue, RenderedValue, ValueView } from './render';

const loaded = new Map<string, { mtimeMs: number; config: EncryptionConfig }>();

/** The EncryptionConfiguration in `file`, reloaded when the file changes; throws an actionable error when it is unusable. */
export function encryptionConfigOf(file: string): EncryptionConfig {
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    // loadEncryptionConfig says what is wrong with the path
  }
  const cached = loaded.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.config;
  const config = loadEncryptionConfig(file);
  loaded.set(file, { mtimeMs, config });
  return config;
}

/** The `decrypt` option of renderValue for a connection, when it names an EncryptionConfiguration. */
export function decryptorOf(profile: ConnectionProfile | undefined): Decryptor | undefined {
  return profile?.encryptionConfig ? decryptorFor(encryptionConfigOf(profile.encryptionConfig)) : undefined;
}

/**
 * Before rendering: a KMS v2 value's data key is asked from the plugin the connection's config names (the
 * rendering itself is synchronous). Failures are left for rendering to report.
 */
export async function prepareForProfile(profile: ConnectionProfile | undefined, bytes: Uint8Array, key: Buffer): Promise<void> {
  try {
    await decryptorOf(profile)?.prepare(bytes, key.toString('utf8'));
  } catch {
    // renderValue shows why the value cannot be decrypted
  }
}

/** How the editor shows a value of this connection (decrypted for viewing when the connection names a config). */
export function renderForProfile(
  profile: ConnectionProfile | undefined,
  bytes: Uint8Array,
  key: Buffer,
  prefer?: ValueView,
): RenderedValue {
  return renderValue(bytes, key.toString('utf8'), prefer, { decrypt: decryptorOf(profile) });
}

export interface ViewableValue {
  /** The plaintext decoded when the value was decrypted, else the stored value decoded. */
  decoded: Decoded;
  /** Set when the value was decrypted: which key of the config opened it (no secret). */
  decryptedWith?: { keyName: string; provider: string; source: string };
}

/**
 * Decodes a stored value for reading; a value encrypted at rest is decrypted first when `config` is
 * given (aesgcm and KMS v2 authenticate the exact etcd key bytes, so `key` must be the key it is stored
 * under; KMS v2 data keys are asked from the plugin). Throws DecryptError when the config cannot open it.
 */
export async function decodeForViewing(
  bytes: Uint8Array,
  key: string | Buffer | undefined,
  config?: EncryptionConfig,
): Promise<ViewableValue> {
  const keyText = typeof key === 'string' || key === undefined ? key : key.toString('utf8');
  const decoded = decodeValue(bytes, { key: keyText });
  if (decoded.format !== 'encrypted' || !config) return { decoded };
  const dec = await decryptValueAsync(bytes, key ?? '', config);
  return {
    decoded: decodeValue(dec.plaintext, { key: keyText }),
    decryptedWith: { keyName: dec.key.name, provider: dec.encryption.provider, source: config.source },
  };
}
