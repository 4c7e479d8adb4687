import { statSync } from 'node:fs';
import { ConnectionProfile } from '../../core/etcd/profile';
import { decryptorFor, loadEncryptionConfig, type Decryptor } from '../../core/k8s/encryption';
import { renderValue, RenderedValue, ValueView } from '../../core/values/render';

const configs = new Map<string, { mtimeMs: number; decrypt: Decryptor }>();

/**
 * The decryptor of a connection's EncryptionConfiguration, reloaded when the file changes. The keys
 * stay inside core's config object (never logged, never stored by the extension).
 */
function decryptorOf(profile: ConnectionProfile | undefined): Decryptor | undefined {
  const file = profile?.encryptionConfig;
  if (!file) return undefined;
  const mtimeMs = statSync(file).mtimeMs;
  const cached = configs.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.decrypt;
  const decrypt = decryptorFor(loadEncryptionConfig(file));
  configs.set(file, { mtimeMs, decrypt });
  return decrypt;
}

/**
 * Before rendering: a KMS v2 value's data key is asked from the plugin the connection's config names (the
 * rendering itself is synchronous). Failures are left for rendering to report.
 */
export async function prepareForConnection(profile: ConnectionProfile | undefined, bytes: Uint8Array, key: Buffer): Promise<void> {
  try {
    await decryptorOf(profile)?.prepare(bytes, key.toString('utf8'));
  } catch {
    // renderValue shows why the value cannot be decrypted
  }
}

/** How the editor shows a value of this connection (decrypting for viewing when configured). */
export function renderForConnection(
  profile: ConnectionProfile | undefined,
  bytes: Uint8Array,
  key: Buffer,
  prefer?: ValueView,
): RenderedValue {
  return renderValue(bytes, key.toString('utf8'), prefer, { decrypt: decryptorOf(profile) });
}
