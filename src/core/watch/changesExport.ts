/**
 * A ChangeSet as a file to keep or share: JSON for tools, Markdown for people (a table per resource and
 * namespace, optionally each object's YAML diff folded in a <details> block).
 */
import { decodeValue, toYaml } from '../k8s/codec';
import { stringifyGo } from '../k8s/goJson';
import type { ChangeSet, KeyChange, ValueAt } from './changes';
import { unifiedDiff } from './lineDiff';
import { summarizeChange } from './objectDiff';

/** A value for JSON: the decoded object when it is one, else UTF-8 text, else base64. */
function jsonValue(v: ValueAt | undefined): unknown {
  if (!v) return undefined;
  const d = decodeValue(v.value);
  const body =
    'object' in d && d.object && !d.error
      ? { object: d.object }
      : d.format === 'text'
        ? { text: d.text }
        : { base64: v.value.toString('base64') };
  return { modRevision: v.modRevision, version: v.version, format: d.format, ...body };
}

export function changesToJson(set: ChangeSet, opts: { values?: boolean } = {}): string {
  const values = opts.values ?? true;
  const row = (c: KeyChange) => ({
    key: c.keyText,
    change: c.change,
    ...(c.object ? { resource: c.object.resource, kind: c.object.k8sKind, namespace: c.object.namespace, name: c.object.name } : {}),
    writes: c.writes,
    ...(c.recreated ? { recreated: true } : {}),
    summary: summarizeChange(c.before?.value, c.after?.value).lines,
    ...(values ? { before: jsonValue(c.before), after: jsonValue(c.after) } : {}),
  });
  // stringifyGo rather than JSON.stringify: decoded 64-bit integers beyond 2^53 are bigints
  return (
    stringifyGo(
      {
        sinceRevision: set.sinceRevision,
        toRevision: set.toRevision,
        ...(set.prefix ? { prefix: set.prefix } : {}),
        counts: set.counts,
        changes: set.changes.map(row),
      },
      { indent: 2, escapeHTML: false },
    ) + '\n'
  );
}

function yamlOf(v: ValueAt | undefined): string {
  if (!v) return '';
  const d = decodeValue(v.value);
  if ('object' in d && d.object && !d.error) return toYaml(d.object);
  if (d.format === 'text') return d.text.endsWith('\n') ? d.text : d.text + '\n';
  return `# ${d.format} value, ${v.value.length} bytes (base64)\n${v.value.toString('base64')}\n`;
}

/** Markdown table cells may not hold `|` or line breaks. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  return '`'.repeat(longest + 1);
}

export function changesToMarkdown(set: ChangeSet, opts: { diffs?: boolean; maxSummaryLines?: number } = {}): string {
  const { counts } = set;
  const out: string[] = [
    `# Changes from revision ${set.sinceRevision} to ${set.toRevision}${set.prefix ? ` under \`${set.prefix}\`` : ''}`,
    '',
    `${counts.created} created, ${counts.modified} modified, ${counts.deleted} deleted` +
      (counts.transient ? ` (and ${counts.transient} created and deleted again in between)` : '') +
      '.',
    '',
  ];
  for (const g of set.groups) {
    for (const ns of g.namespaces) {
      const title =
        g.resource === ''
          ? 'Other keys'
          : `${g.kind ?? g.resource}${g.kind ? ` (${g.resource})` : ''}${ns.namespace ? ` in ${ns.namespace}` : ''}`;
      out.push(`## ${title}`, '', '| change | name | revisions | what changed |', '| --- | --- | --- | --- |');
      for (const c of ns.changes) {
        const name = c.object?.name ?? c.keyText;
        const revs = `${c.before?.modRevision || '–'} → ${c.after?.modRevision ?? 'deleted'}`;
        const what =
          c.change === 'modified'
            ? summarizeChange(c.before?.value, c.after?.value, { maxLines: opts.maxSummaryLines ?? 5 }).lines.join('; ')
            : '';
        out.push(`| ${c.change}${c.recreated ? ' (re-created)' : ''} | \`${cell(name)}\` | ${revs} | ${cell(what)} |`);
      }
      out.push('');
      if (opts.diffs) {
        for (const c of ns.changes) {
          const diff = unifiedDiff(yamlOf(c.before), yamlOf(c.after));
          if (!diff) continue;
          const f = fence(diff);
          out.push(
            '<details>',
            `<summary>${c.keyText.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</summary>`,
            '',
            `${f}diff`,
            diff.trimEnd(),
            f,
            '',
            '</details>',
            '',
          );
        }
      }
    }
  }
  return out.join('\n');
}
