/**
 * `etcd-studio decode` and `etcd-studio encode`: the Kubernetes value codec on files or stdin, so a value
 * fetched with etcdctl can be read, edited and written back without the editor.
 */
import * as fs from 'node:fs';
import { K8sEditError, errorMessage } from '../core/errors';
import { decodeValue, encodeText, toJson, toYaml } from '../core/k8s/codec';
import { decodeForViewing, encryptionConfigOf } from '../core/values/decryptor';
import { type CliIo, readInput, utf8Text } from './io';

export const DECODE_USAGE =
  'usage: etcd-studio decode [--from auto|pb|json|cbor] [-o yaml|json] [--key /registry/...] [--encryption-config FILE] FILE|-';
export const ENCODE_USAGE = 'usage: etcd-studio encode [-o pb|json|cbor] [--out FILE] [--key /registry/...] FILE|-';

class UsageError extends Error {}

interface Parsed {
  flags: Map<string, string>;
  file: string;
}

/** `--flag value`, `--flag=value`, `-o value`; exactly one positional FILE or `-`. */
function parseArgs(argv: readonly string[], allowed: Record<string, readonly string[] | null>, usage: string): Parsed {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-' || !a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!(name in allowed)) throw new UsageError(`unknown option ${name}\n${usage}`);
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`option ${name} needs a value\n${usage}`);
    const choices = allowed[name];
    if (choices && !choices.includes(value)) throw new UsageError(`option ${name} must be one of ${choices.join(', ')} (got ${value})`);
    flags.set(name, value);
  }
  if (positional.length !== 1) throw new UsageError(`expected one FILE (or - for stdin)\n${usage}`);
  return { flags, file: positional[0] };
}

const FORMAT_OF: Record<string, string> = { pb: 'k8s-protobuf', json: 'json', cbor: 'cbor' };

export async function runDecode(argv: readonly string[], io: CliIo): Promise<number> {
  return run(io, async () => {
    const { flags, file } = parseArgs(
      argv,
      {
        '--from': ['auto', 'pb', 'json', 'cbor'],
        '-o': ['yaml', 'json'],
        '--output': ['yaml', 'json'],
        '--key': null,
        '--encryption-config': null,
      },
      DECODE_USAGE,
    );
    const configFile = flags.get('--encryption-config');
    // read the config first: a bad file is reported before anything else
    const config = configFile !== undefined ? encryptionConfigOf(configFile) : undefined;
    const etcdKey = flags.get('--key');
    const stored = await readInput(file, io);
    const raw = decodeValue(stored, { key: etcdKey });
    if (raw.format === 'encrypted') {
      if (!config) {
        io.stderr.write(
          `error: ${raw.error}\nhint: pass --encryption-config FILE (kube-apiserver's --encryption-provider-config) to decrypt it for viewing\n`,
        );
        return 1;
      }
      if ((raw.encryption.provider === 'aesgcm' || raw.encryption.provider === 'kms') && !etcdKey) {
        throw new UsageError(
          `${raw.encryption.provider} values are authenticated with the etcd key they are stored under: pass --key /registry/... (the exact key)\n${DECODE_USAGE}`,
        );
      }
    }
    const { decoded: d, decryptedWith } = await decodeForViewing(stored, etcdKey, config);
    if (decryptedWith)
      io.stderr.write(
        `note: decrypted for viewing with key ${decryptedWith.keyName} (${decryptedWith.provider}) from ${decryptedWith.source}\n`,
      );
    const from = flags.get('--from') ?? 'auto';
    if (from !== 'auto' && d.format !== FORMAT_OF[from]) {
      io.stderr.write(`error: --from ${from} given, but the value is ${d.format}\n`);
      return 1;
    }
    if (d.format === 'text') {
      io.stdout.write(d.text);
      return 0;
    }
    if (d.format === 'binary') {
      io.stderr.write(
        `error: binary value (${d.bytes.length} bytes) that is not a Kubernetes object; first bytes: ${Buffer.from(d.bytes.subarray(0, 16)).toString('hex')}\n`,
      );
      return 1;
    }
    if (d.error || !('object' in d) || !d.object) {
      io.stderr.write(`error: ${d.error ?? 'nothing to show'}\n`);
      return 1;
    }
    const out = (flags.get('-o') ?? flags.get('--output')) === 'json' ? toJson(d.object) + '\n' : toYaml(d.object);
    io.stdout.write(out);
    if (d.format === 'k8s-protobuf' && d.unknownFieldPaths?.length) {
      io.stderr.write(`note: fields unknown to this schema at ${d.unknownFieldPaths.join(', ')} are not shown\n`);
    }
    return 0;
  });
}

export async function runEncode(argv: readonly string[], io: CliIo): Promise<number> {
  return run(io, async () => {
    const { flags, file } = parseArgs(
      argv,
      { '-o': ['pb', 'json', 'cbor'], '--output': ['pb', 'json', 'cbor'], '--out': null, '--key': null },
      ENCODE_USAGE,
    );
    const text = utf8Text(await readInput(file, io), file === '-' ? 'The input on stdin' : file);
    const to = (flags.get('-o') ?? flags.get('--output') ?? 'pb') as 'pb' | 'json' | 'cbor';
    const bytes = encodeText(text, { to, key: flags.get('--key') });
    const out = flags.get('--out');
    if (out) fs.writeFileSync(out, bytes);
    else io.stdout.write(bytes);
    return 0;
  });
}

async function run(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof K8sEditError) {
      io.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    io.stderr.write(`error: ${errorMessage(e)}\n`);
    return 1;
  }
}

/** A Kubernetes object (protobuf, JSON, CBOR) as YAML or JSON; anything else as its bytes. */
export function rendered(value: Buffer, key: string, output: 'yaml' | 'json', io: CliIo): string | Buffer {
  const d = decodeValue(value, { key });
  if ('object' in d && d.object && !d.error) return output === 'json' ? toJson(d.object) + '\n' : toYaml(d.object);
  if (d.error) io.stderr.write(`note: ${d.error}; showing the stored bytes\n`);
  return value;
}
