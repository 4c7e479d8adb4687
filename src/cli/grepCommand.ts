/**
 * `etcd-studio grep PATTERN [PREFIX] [--field PATH=VALUE|PATH=~REGEX]… [-i] [-F] [-l] [--limit N]
 * [-w simple|json] [--encryption-config FILE]`: the keys whose decoded value (Kubernetes objects as
 * kubectl YAML, text as text) has a line matching PATTERN and whose fields match, with the matched
 * lines — like `grep -n` with the key in place of the file name.
 */
import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { decryptorFor } from '../core/k8s/encryption';
import { outputFormat, printerFor } from '../core/output';
import { keyFromText, keyToText } from '../core/keytree';
import { compileQuery, describeQuery, grepPrefix } from '../core/search';
import { encryptionConfigOf } from '../core/values/decryptor';
import { flag, ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';
import { progressLine } from './progress';

/** Every value of a repeatable flag (`--field a=1 --field=b=2`), from the raw words. */
function repeated(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) {
      if (i + 1 >= argv.length)
        throw new EtcdStudioError('InvalidArgument', `--${name} needs a value, e.g. --field metadata.labels.app=web.`);
      out.push(argv[++i]);
    } else if (argv[i].startsWith(`--${name}=`)) {
      out.push(argv[i].slice(name.length + 3));
    }
  }
  return out;
}

export async function runGrep(args: ParsedArgs, io: CliIo, argv: readonly string[] = []): Promise<number> {
  const fields = repeated(argv, 'field');
  const explicit = flag(args, 'e');
  const [first, second, ...extra] = args.positional;
  let pattern: string | undefined;
  let prefixText: string | undefined;
  if (explicit !== undefined || fields.length) {
    // The pattern is -e or absent: the one argument left is the prefix.
    pattern = explicit;
    prefixText = first;
    if (second !== undefined) {
      throw new EtcdStudioError(
        'InvalidArgument',
        `grep with --field or -e takes one PREFIX, got "${first}" and "${second}". Use -e PATTERN for a text pattern.`,
      );
    }
  } else {
    pattern = first;
    prefixText = second;
    if (extra.length)
      throw new EtcdStudioError(
        'InvalidArgument',
        `grep takes PATTERN [PREFIX], got ${args.positional.length} arguments. Quote a pattern with spaces.`,
      );
  }
  const format = outputFormat(flag(args, 'write-out'), ['simple', 'json']);
  const limitText = flag(args, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new EtcdStudioError('InvalidArgument', `--limit must be a whole number of at least 1, got "${limitText}".`);
  const query = compileQuery({
    pattern,
    fixed: args.flags.has('F') || args.flags.has('fixed-strings'),
    ignoreCase: args.flags.has('i') || args.flags.has('ignore-case'),
    fields,
  });
  const keysOnly = args.flags.has('l') || args.flags.has('files-with-matches');
  const configFile = flag(args, 'encryption-config');
  if (args.flags.get('encryption-config') === true) throw new EtcdStudioError('InvalidArgument', '--encryption-config needs a FILE.');
  const decrypt = configFile ? decryptorFor(encryptionConfigOf(configFile)) : undefined;
  const prefix = keyFromText(prefixText ?? '');

  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  const progress = progressLine(io);
  const printer = printerFor(format, conn.serverVersion);
  let stats;
  try {
    stats = await grepPrefix(
      conn,
      prefix,
      query,
      (hit) => {
        progress(undefined);
        io.stdout.write(printer.searchHit(hit, { keysOnly }));
      },
      { limit, decrypt, onProgress: (keys, total, matched) => progress(`searching: ${keys} of ${total} keys, ${matched} matched`) },
    );
  } finally {
    progress(undefined);
    conn.close();
  }
  const s = stats;
  const notes = [
    s.skipped.encrypted
      ? `${s.skipped.encrypted} encrypted values not searched${decrypt ? ' (the configuration has no key for them)' : ' (pass --encryption-config FILE to search them)'}`
      : '',
    s.skipped.undecodable ? `${s.skipped.undecodable} values could not be decoded` : '',
    s.limited ? `stopped at --limit ${limit}` : '',
  ].filter(Boolean);
  io.stderr.write(
    `${s.matched} of ${s.scanned} keys under ${prefix.length ? keyToText(prefix) : '(all keys)'} match ${describeQuery(query)} at revision ${s.revision} (${s.decoded} decoded, ${(s.ms / 1000).toFixed(1)} s)${notes.length ? `; ${notes.join('; ')}` : ''}\n`,
  );
  return s.matched ? 0 : 1;
}
