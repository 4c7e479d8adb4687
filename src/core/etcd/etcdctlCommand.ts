import { EtcdStudioError } from '../errors';
import { ConnectionProfile } from './profile';

/** Quotes a word for a POSIX shell, only when it needs it (for text the user copies, never executed here). */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Key bytes as a shell word: printable UTF-8 as is, anything else through bash's $'\xNN' form. */
export function shellQuoteKey(key: Uint8Array): string {
  if (key.includes(0)) {
    throw new EtcdStudioError(
      'InvalidArgument',
      'This key contains a NUL byte, which no command-line argument can carry: etcdctl cannot address it. Use etcd Studio (or its CLI with the escaped key) instead.',
    );
  }
  const text = Buffer.from(key).toString('utf8');
  const printable = Buffer.from(text, 'utf8').equals(Buffer.from(key)) && !/[\x00-\x1f\x7f]/.test(text);
  if (printable) return shellQuote(text);
  return `$'${[...key].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')}'`;
}

/**
 * The etcdctl command line that does the same against this connection: endpoints and TLS flags
 * included, the password never (etcdctl prompts for it).
 */
export function etcdctlCommand(profile: ConnectionProfile, args: string[], key?: Uint8Array): string {
  const words = ['ETCDCTL_API=3', 'etcdctl', `--endpoints=${profile.endpoints.join(',')}`];
  if (profile.cacert) words.push(`--cacert=${shellQuote(profile.cacert)}`);
  if (profile.cert) words.push(`--cert=${shellQuote(profile.cert)}`);
  if (profile.key) words.push(`--key=${shellQuote(profile.key)}`);
  if (profile.insecureSkipVerify) words.push('--insecure-skip-tls-verify');
  if (profile.username) words.push(`--user=${shellQuote(profile.username)}`);
  words.push(...args.map(shellQuote));
  if (key) words.push(shellQuoteKey(key));
  return words.join(' ');
}
