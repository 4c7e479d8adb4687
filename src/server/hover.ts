/** Hover help for the word under the cursor: a command, a flag (or its value), an argument, a txn compare. */
import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import { findFlag, findGroup } from '../core/script/catalogue';
import type { ArgKind, CommandSpec, FlagSpec } from '../core/script/catalogueTypes';
import { commandAt } from '../core/script/parse';
import type { Range, Token } from '../core/script/tokens';
import type { ScriptCommand } from '../core/script/types';
import type { ScriptDocument } from './scriptDocuments';

export function commandMarkdown(c: CommandSpec): string {
  const parts = [`**etcdctl ${c.name}** — ${c.summary}`, '```\netcdctl ' + c.usage + '\n```'];
  if (c.doc) parts.push(c.doc);
  if (c.flags.length)
    parts.push(c.flags.map((f) => `- \`--${f.name}\`${f.default !== undefined ? ` (default ${f.default})` : ''}: ${f.doc}`).join('\n'));
  parts.push(
    `Output: simple, json${c.formats?.length ? ', ' + c.formats.join(', ') : ''}${c.writes ? ' · **writes** (refused on read-only connections)' : ''}`,
  );
  if (c.unsupported) parts.push(`⚠ Not run in scripts: ${c.unsupported}`);
  return parts.join('\n\n');
}

export function flagMarkdown(f: FlagSpec): string {
  const names = f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
  const lines = [`**${names}** (${f.type}${f.default !== undefined ? `, default ${f.default}` : ''}) — ${f.doc}`];
  if (f.values) lines.push(`Values: ${f.values.join(', ')}`);
  if (f.since) lines.push(`Since etcdctl ${f.since}.`);
  if (f.ignored) lines.push(`No effect in scripts: ${f.ignored}.`);
  return lines.join('\n\n');
}

const ARG_DOCS: Record<ArgKind, string> = {
  key: 'The key (bytes; quote it if it has spaces, write raw bytes as "\\xNN").',
  range_end: 'End of the range, exclusive: `[key, range_end)`.',
  value: 'The value to store.',
  lease: 'A lease id in hexadecimal, as `lease grant` and `lease list` print it.',
  member: 'A member id in hexadecimal, as `member list` prints it.',
  revision: "A store revision (the header's `revision`).",
  ttl: 'Time to live in seconds.',
  file: 'A file path.',
  name: 'A name.',
  command: 'A command.',
};

const COMPARE_DOCS: Record<string, string> = {
  mod: "mod(key): the key's mod_revision (revision of its last change; 0 when missing).",
  m: "m(key): the key's mod_revision.",
  create: 'create(key): the key\'s create_revision; `create("k") = "0"` means the key does not exist.',
  c: "c(key): the key's create_revision.",
  ver: "ver(key): the key's version (changes since creation; 0 when missing).",
  version: "version(key): the key's version.",
  value: "value(key): the key's value, compared as bytes.",
  val: "val(key): the key's value.",
  lease: 'lease(key): the lease attached to the key (hexadecimal; 0 for none).',
};

function inside(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

function hoverFor(cmd: ScriptCommand, t: Token, globals: boolean): string | undefined {
  const spec = cmd.spec;
  const i = cmd.commandWords.indexOf(t);
  if (i === 0 && findGroup(t.value) && !(spec && cmd.commandWords.length === 1)) {
    const g = findGroup(t.value)!;
    return `**etcdctl ${g.name}** — ${g.summary}\n\n${g.subcommands.map((c) => `- \`${c.name}\`: ${c.summary}`).join('\n')}`;
  }
  if (i >= 0 && spec) return commandMarkdown(spec);
  const commandStart = cmd.commandWords[0] ? cmd.words.indexOf(cmd.commandWords[0]) : cmd.words.length;
  if (/(^|\/)etcdctl$/.test(t.value) && cmd.words.indexOf(t) < commandStart) {
    return 'Optional: a line may start with `etcdctl` (and `ETCDCTL_API=3`) as copied from a terminal. The script runs on its connection, not on `--endpoints`.';
  }
  const flag = cmd.flags.find((f) => f.token === t || (f.valueRange && inside(f.valueRange, t.range.start)));
  if (flag?.spec) return flagMarkdown(flag.spec);
  if (!spec) return undefined;
  if (t.value.startsWith('-')) {
    const name = t.value.replace(/^--?/, '').split('=')[0];
    const f = globals ? findFlag(spec, name, !t.value.startsWith('--')) : spec.flags.find((x) => x.name === name);
    return f ? flagMarkdown(f) : undefined;
  }
  const argIndex = cmd.args.indexOf(t);
  const arg = argIndex >= 0 ? spec.args[Math.min(argIndex, spec.args.length - 1)] : undefined;
  return arg ? `\`<${arg.name}>\` of \`${spec.name}\`: ${ARG_DOCS[arg.kind]}` : undefined;
}

export function hover(doc: ScriptDocument, pos: Position): Hover | null {
  const cmd = commandAt(doc.script, pos.line);
  if (!cmd) return null;
  const candidates: [ScriptCommand, boolean][] = [
    [cmd, true],
    ...[...(cmd.txn?.success ?? []), ...(cmd.txn?.failure ?? [])].map((o): [ScriptCommand, boolean] => [o, false]),
  ];
  for (const [c, globals] of candidates) {
    const t = c.words.find((w) => inside(w.range, pos));
    if (!t) continue;
    const value = hoverFor(c, t, globals);
    return value ? { contents: { kind: MarkupKind.Markdown, value }, range: t.range } : null;
  }
  const compare = cmd.txn?.compares.find((c) => inside(c.range, pos));
  if (compare) {
    const target = /^\s*(\w+)/.exec(doc.lines[pos.line])?.[1] ?? '';
    return {
      contents: {
        kind: MarkupKind.Markdown,
        value: `txn compare — ${COMPARE_DOCS[target] ?? target}\n\nOperators: \`=\`, \`!=\`, \`<\`, \`>\`.`,
      },
      range: compare.range,
    };
  }
  return null;
}
