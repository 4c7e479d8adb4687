import { EtcdConnection } from '../core/etcd/connection';
import { getKey, putIfUnchanged } from '../core/etcd/kv';
import { EtcdStudioError } from '../core/errors';
import { decodeValue, encodeText, encodeValue, toJson, toYaml } from '../core/k8s/codec';
import { decodeForViewing, encryptionConfigOf } from '../core/values/decryptor';
import { keyFromText, keyToText } from '../core/keytree/keyText';
import { flag, ParsedArgs, revisionFlag } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo, readInput, utf8Text } from './io';

export async function withConnection<T>(args: ParsedArgs, io: CliIo, fn: (c: EtcdConnection) => Promise<T>): Promise<T> {
  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  try {
    return await fn(conn);
  } finally {
    conn.close();
  }
}

/**
 * `etcd-studio get KEY [-o yaml|json|raw] [--rev N] [--encryption-config FILE]`: a value decoded like the
 * editor shows it; values encrypted at rest are decrypted for viewing with the keys of that file.
 */
export async function runGet(args: ParsedArgs, io: CliIo): Promise<number> {
  const [keyText] = args.positional;
  if (!keyText)
    throw new EtcdStudioError('InvalidArgument', 'usage: etcd-studio get KEY [-o yaml|json|raw] [--rev N] [--encryption-config FILE]');
  const key = keyFromText(keyText);
  const rev = revisionFlag(args, 'rev');
  const configFile = flag(args, 'encryption-config');
  if (args.flags.get('encryption-config') === true) throw new EtcdStudioError('InvalidArgument', '--encryption-config needs a FILE.');
  // a bad config file is reported before connecting
  const config = configFile !== undefined ? encryptionConfigOf(configFile) : undefined;
  return withConnection(args, io, async (conn) => {
    const v = await getKey(conn, key, rev);
    if (!v) {
      io.stderr.write(`etcd-studio: no key ${keyToText(key)}${rev ? ` at revision ${rev}` : ''}\n`);
      return 1;
    }
    const output = flag(args, 'output') ?? 'yaml';
    if (output === 'raw') {
      io.stdout.write(v.value);
      return 0;
    }
    // aesgcm and KMS v2 authenticate the key's exact bytes
    const { decoded: d, decryptedWith } = await decodeForViewing(v.value, key, config);
    const decrypted = decryptedWith ? `, decrypted for viewing with key ${decryptedWith.keyName} (${decryptedWith.provider})` : '';
    if (d.format === 'text') io.stdout.write(d.text);
    else if ('object' in d && d.object && !d.error) io.stdout.write(output === 'json' ? toJson(d.object) + '\n' : toYaml(d.object));
    else {
      const hint =
        d.format === 'encrypted'
          ? ", or --encryption-config FILE (kube-apiserver's --encryption-provider-config) to decrypt it for viewing"
          : '';
      io.stderr.write(`etcd-studio: ${d.error ?? `the value is ${d.format}`}; use -o raw for its bytes${hint}\n`);
      return 1;
    }
    io.stderr.write(`# ${keyToText(key)} mod_revision=${v.modRevision} version=${v.version} (${d.format}${decrypted})\n`);
    return 0;
  });
}

/**
 * `etcd-studio put KEY -f FILE|- [--rev N] [--raw]`: YAML/JSON encoded the way the key stores it
 * (an existing value keeps its format; a new built-in object becomes k8s protobuf), written as a
 * compare-and-swap on mod_revision (--rev N, or the revision just read).
 */
export async function runPut(args: ParsedArgs, io: CliIo): Promise<number> {
  const [keyText] = args.positional;
  const file = flag(args, 'f') ?? flag(args, 'file');
  if (!keyText || !file) throw new EtcdStudioError('InvalidArgument', 'usage: etcd-studio put KEY -f FILE|- [--rev N] [--raw]');
  const key = keyFromText(keyText);
  const rev = revisionFlag(args, 'rev', 0);
  const input = await readInput(file, io);
  const raw = args.flags.has('raw');
  const text = raw ? '' : utf8Text(input, file === '-' ? 'The input on stdin' : file);
  return withConnection(args, io, async (conn) => {
    const current = await getKey(conn, key);
    const expected = rev ?? current?.modRevision ?? 0;
    const bytes = raw
      ? input
      : current
        ? encodeValue(decodeValue(current.value), text, { key: key.toString('utf8') })
        : encodeText(text, { key: key.toString('utf8') });
    if (current && current.modRevision === expected && Buffer.compare(current.value, Buffer.from(bytes)) === 0) {
      io.stdout.write(`unchanged: ${keyToText(key)} already holds this value (mod_revision=${current.modRevision}); nothing was written\n`);
      return 0;
    }
    const r = await putIfUnchanged(conn, key, bytes, expected, { keepLease: current?.lease });
    if (!r.ok) {
      const now = r.current ? `is at revision ${r.current.modRevision}` : 'does not exist';
      const why =
        r.verified && (r.current?.modRevision ?? 0) === expected
          ? `the answer was lost, and reading the key again shows it unchanged (${now.replace('is at', 'still at')})`
          : `${keyToText(key)} ${now}, not ${expected}${r.verified ? ' (the answer was lost; read again)' : ''}`;
      io.stderr.write(`etcd-studio: not written: ${why}\n`);
      return 1;
    }
    const note = r.verified ? ' (the answer was lost; reading the key again shows this value)' : '';
    io.stdout.write(`OK ${keyToText(key)} mod_revision=${r.revision} (${bytes.length} bytes)${note}\n`);
    return 0;
  });
}
