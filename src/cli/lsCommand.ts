import { EtcdConnection } from '../core/etcd/connection';
import { EtcdStudioError } from '../core/errors';
import { describeLevel, keyFromText, keyToText, listChildren, parseK8sKey } from '../core/keytree';
import type { Child } from '../core/keytree';
import { flag, ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';
import { outputFormat, printerFor } from '../core/output';

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new EtcdStudioError('InvalidArgument', `--${name} must be a whole number of at least 1, got "${v}".`);
  return n;
}

/** What Kubernetes sees at a child, e.g. `Pod`, `namespace`, `group`; '' for plain keys. */
function k8sLabel(child: Child): string {
  if (child.kind === 'key') {
    const o = parseK8sKey(child.key);
    return o ? (o.k8sKind ?? o.resource) : '';
  }
  const level = describeLevel(child.key);
  switch (level.kind) {
    case 'group':
      return 'API group';
    case 'resource':
      return level.k8sKind ?? level.resource;
    case 'namespace':
      return `namespace (${level.k8sKind ?? level.resource})`;
    default:
      return '';
  }
}

/**
 * `etcd-studio ls [PREFIX] [--limit N] [--after CURSOR --rev N] [-w simple|json|table]`: the immediate children of
 * a prefix with key counts, listed exactly as the tree lists them. PREFIX and CURSOR use the escaped key
 * text the output shows (`\xNN` for raw bytes, `\\` for a backslash); no PREFIX lists the top level.
 */
export async function runLs(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positional.length > 1) {
    throw new EtcdStudioError(
      'InvalidArgument',
      `ls takes one prefix, got ${args.positional.length}: ${args.positional.join(' ')}. Quote a prefix with spaces.`,
    );
  }
  const format = outputFormat(flag(args, 'write-out'), ['simple', 'json', 'table']);
  const prefix = keyFromText(args.positional[0] ?? '');
  const limit = positiveInt('limit', flag(args, 'limit'));
  const revision = positiveInt('rev', flag(args, 'rev'));
  const afterText = flag(args, 'after');
  const after = afterText === undefined ? undefined : keyFromText(afterText);
  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  let result;
  try {
    result = await listChildren(conn, prefix, { limit, after, revision });
  } finally {
    conn.close();
  }
  const { children: listed, next } = result;
  // A key equal to the prefix itself has an empty segment; give it a visible name.
  const children = listed.map((c) => (c.segment === '' ? { ...c, segment: '(this key)' } : c));

  io.stdout.write(
    printerFor(format, conn.serverVersion).children(
      children.map((child) => ({ child, kubernetes: k8sLabel(child) })),
      { kubernetes: true },
    ),
  );
  if (next) {
    // On stderr so stdout stays one clean listing (and valid JSON).
    io.stderr.write(
      `More children follow; next page: etcd-studio ls ${JSON.stringify(keyToText(prefix))} --after ${JSON.stringify(keyToText(next))} --rev ${result.revision}\n`,
    );
  }
  return 0;
}
