/**
 * `etcd-studio grep PATTERN [PREFIX] [--field PATH=VALUE|PATH=~REGEX]… [-i] [-F] [-l] [--limit N]
 * [-w simple|json] [--encryption-config FILE]`: the keys whose decoded value (Kubernetes objects as
 * kubectl YAML, text as text) has a line matching PATTERN and whose fields match, with the matched
 * lines — like `grep -n` with the key in place of the file name.
 */
import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { decryptorFor, loadEncryptionConfig } from '../core/k8s/encryption';
import { keyFromText, keyToText } from '../core/keytree';
import { compileQuery, describeQuery, grepPrefix } from '../core/search';
import type { GrepHit } from '../core/search';
import { flag, ParsedArgs, profileFromArgs } from './args';
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

function hitLines(h: GrepHit, keysOnly: boolean): string[] {
  const key = keyToText(h.key);
  if (keysOnly) return [key];
  if (h.lines.length) {
    const out = h.lines.map((l) => `${key}:${l.line}:${l.text}`);
    if (h.moreLines) out.push(`${key}: …and ${h.moreLines} more matching lines`);
    return out;
  }
  return h.fields.map((f) => `${key}: ${f.path}=${f.value}`);
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
  const format = flag(args, 'write-out') ?? 'simple';
  if (!['simple', 'json'].includes(format)) throw new EtcdStudioError('InvalidArgument', `-w must be simple or json, got "${format}".`);
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
  const decrypt = configFile ? decryptorFor(loadEncryptionConfig(configFile)) : undefined;
  const prefix = keyFromText(prefixText ?? '');

  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  const progress = progressLine(io);
  let stats;
  try {
    stats = await grepPrefix(
      conn,
      prefix,
      query,
      (hit) => {
        progress(undefined);
        if (format === 'json') {
          const json = {
            key: keyToText(hit.key),
            modRevision: hit.modRevision,
            createRevision: hit.createRevision,
            version: hit.version,
            summary: hit.summary,
            lines: hit.lines,
            ...(hit.moreLines ? { moreLines: hit.moreLines } : {}),
            fields: hit.fields.map((f) => ({ path: f.path, value: f.value })),
          };
          io.stdout.write(JSON.stringify(json) + '\n');
        } else {
          for (const line of hitLines(hit, keysOnly)) io.stdout.write(line + '\n');
        }
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
