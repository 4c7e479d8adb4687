import { statSync } from 'node:fs';
import { ConnectionProfile } from '../../core/etcd/profile';
import { decryptorFor, loadEncryptionConfig } from '../../core/k8s/encryption';
import { renderValue, RenderedValue, ValueView } from '../../core/values/render';

const configs = new Map<string, { mtimeMs: number; decrypt: (bytes: Uint8Array, key: string) => Uint8Array }>();

/**
 * The decryptor of a connection's EncryptionConfiguration, reloaded when the file changes. The keys
 * stay inside core's config object (never logged, never stored by the extension).
 */
function decryptorOf(profile: ConnectionProfile | undefined): ((bytes: Uint8Array, key: string) => Uint8Array) | undefined {
  const file = profile?.encryptionConfig;
  if (!file) return undefined;
  const mtimeMs = statSync(file).mtimeMs;
  const cached = configs.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.decrypt;
  const decrypt = decryptorFor(loadEncryptionConfig(file));
  configs.set(file, { mtimeMs, decrypt });
  return decrypt;
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
