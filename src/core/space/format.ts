/**
 * A space report as people read it (simple text, an etcdctl-style table) and as programs read it
 * (JSON: one object per prefix with `prefix`, `keys`, `bytes`, flat and depth-first).
 */
import { humanBytes } from '../format';
import { plainTable } from '../output/table';
import { describeLevel } from '../keytree/k8sKey';
import { keyToText } from '../keytree/keyText';
import { fragmentation, SpaceReport } from './report';
import type { KeyStat, SpaceNode } from './spaceTree';

/** What Kubernetes stores under a prefix: "Pod", "namespace of Pod", "API group"; '' when nothing. */
export function prefixLabel(prefix: Buffer): string {
  const level = describeLevel(prefix);
  switch (level.kind) {
    case 'registry':
      return 'Kubernetes';
    case 'group':
      return level.group === 'services' ? 'Services and Endpoints' : 'API group';
    case 'resource':
      return level.k8sKind ?? level.resource;
    case 'namespace':
      return `namespace · ${level.k8sKind ?? level.resource}`;
    default:
      return '';
  }
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}

/** Every node of the tree, depth-first, children largest first, with its depth below the root. */
export function flattenNodes(root: SpaceNode): { node: SpaceNode; depth: number }[] {
  const out: { node: SpaceNode; depth: number }[] = [];
  const walk = (n: SpaceNode, depth: number) => {
    out.push({ node: n, depth });
    for (const c of n.children) walk(c, depth + 1);
  };
  walk(root, 0);
  return out;
}

function storageLines(r: SpaceReport): string[] {
  return r.storage.map((s) => {
    if (s.error) return `${s.name}: ${s.error}`;
    const free = fragmentation(s);
    const use = s.dbSizeInUse !== undefined ? `, in use ${humanBytes(s.dbSizeInUse)}` : '';
    const frag = free !== undefined ? ` (${(free * 100).toFixed(1)}% free pages; a defragmentation would return them)` : '';
    return `${r.source === 'live' ? 'member ' : ''}${s.name}: db ${humanBytes(s.dbSize ?? 0)}${use}${frag}`;
  });
}

function headerLines(r: SpaceReport): string[] {
  const where = r.prefix.length ? keyToText(r.prefix) : '(all keys)';
  const lines = [`${where} at revision ${r.revision} in ${r.target}: ${r.root.keys} keys, ${humanBytes(r.root.bytes)} (keys + values)`];
  if (r.compactRevision !== undefined) {
    const span = r.revision - r.compactRevision;
    lines.push(
      r.compactRevision <= 1
        ? `history: never compacted (${span} revisions kept)`
        : `history: compacted at revision ${r.compactRevision} (${span} revisions since)`,
    );
  }
  if (r.history) {
    const h = r.history;
    lines.push(
      `stored revisions: ${h.revisions} for ${r.root.keys + h.deletedKeys} keys (${h.deletedKeys} deleted); ` +
        `old revisions hold ${humanBytes(h.historyBytes)} that compacting at ${r.revision} would free`,
    );
  }
  return [...lines, ...storageLines(r)];
}

function keyLine(k: KeyStat, withHistory: boolean): string {
  const hist = withHistory && k.revisions !== undefined ? `, ${k.revisions} revisions (${humanBytes(k.historyBytes ?? 0)} old)` : '';
  return `${humanBytes(k.bytes).padStart(8)}  ${keyToText(k.key)}  (rev ${k.modRevision}, version ${k.version}${hist})`;
}

/** `du`-like text: header, one line per prefix indented by depth, then the largest keys. */
export function spaceReportText(r: SpaceReport): string {
  const total = r.root.bytes;
  const withHistory = r.history !== undefined;
  const rows = flattenNodes(r.root).map(({ node, depth }) => {
    const name =
      depth === 0 ? (node.prefix.length ? keyToText(node.prefix) : '(all keys)') : keyToText(node.prefix.subarray(r.prefix.length));
    const label = prefixLabel(node.prefix);
    const hist = withHistory && node.history?.historyBytes ? `  (${humanBytes(node.history.historyBytes)} in old revisions)` : '';
    return `${humanBytes(node.bytes).padStart(8)} ${String(node.keys).padStart(9)} ${percent(node.bytes, total).padStart(6)}  ${'  '.repeat(depth)}${name}${label ? `  · ${label}` : ''}${hist}`;
  });
  const out = [...headerLines(r), '', `${'SIZE'.padStart(8)} ${'KEYS'.padStart(9)} ${'SHARE'.padStart(6)}  PREFIX`, ...rows];
  if (r.largest.length) out.push('', `Largest keys:`, ...r.largest.map((k) => keyLine(k, withHistory)));
  if (r.mostRevisions?.some((k) => (k.revisions ?? 0) > 1)) {
    out.push('', 'Most revisions kept:', ...r.mostRevisions.map((k) => keyLine(k, true)));
  }
  return out.join('\n') + '\n';
}

/** The prefixes as an etcdctl-style table, then the largest keys as a second one. */
export function spaceReportTable(r: SpaceReport): string {
  const total = r.root.bytes;
  const withHistory = r.history !== undefined;
  const header = ['prefix', 'keys', 'size', 'share', ...(withHistory ? ['revisions', 'old revisions', 'deleted keys'] : []), 'kubernetes'];
  const rows = flattenNodes(r.root).map(({ node }) => [
    node.prefix.length ? keyToText(node.prefix) : '(all keys)',
    String(node.keys),
    humanBytes(node.bytes),
    percent(node.bytes, total),
    ...(withHistory && node.history
      ? [String(node.history.revisions), humanBytes(node.history.historyBytes), String(node.history.deletedKeys)]
      : []),
    prefixLabel(node.prefix),
  ]);
  const keys = plainTable(
    ['key', 'size', 'value size', 'mod revision', 'version', ...(withHistory ? ['revisions'] : [])],
    r.largest.map((k) => [
      keyToText(k.key),
      humanBytes(k.bytes),
      humanBytes(k.valueBytes),
      String(k.modRevision),
      String(k.version),
      ...(withHistory ? [String(k.revisions ?? '')] : []),
    ]),
  );
  return [...headerLines(r), '', plainTable(header, rows), keys].join('\n');
}

function keyJson(k: KeyStat): Record<string, unknown> {
  return {
    key: keyToText(k.key),
    bytes: k.bytes,
    valueBytes: k.valueBytes,
    modRevision: k.modRevision,
    createRevision: k.createRevision,
    version: k.version,
    ...(k.revisions !== undefined ? { revisions: k.revisions, historyBytes: k.historyBytes } : {}),
  };
}

/** The report as plain JSON data (keys as escaped text, see keyText.ts). */
export function spaceReportJson(r: SpaceReport): Record<string, unknown> {
  return {
    source: r.source,
    target: r.target,
    prefix: keyToText(r.prefix),
    revision: r.revision,
    ...(r.compactRevision !== undefined ? { compactRevision: r.compactRevision } : {}),
    depth: r.depth,
    keys: r.root.keys,
    bytes: r.root.bytes,
    ...(r.history ? { history: r.history } : {}),
    storage: r.storage.map((s) => ({ ...s, ...(fragmentation(s) !== undefined ? { freeRatio: fragmentation(s) } : {}) })),
    prefixes: flattenNodes(r.root)
      .slice(1)
      .map(({ node, depth }) => ({
        prefix: keyToText(node.prefix),
        depth,
        keys: node.keys,
        bytes: node.bytes,
        ownKeys: node.ownKeys,
        ownBytes: node.ownBytes,
        folded: node.folded,
        ...(node.history ? node.history : {}),
        ...(prefixLabel(node.prefix) ? { kubernetes: prefixLabel(node.prefix) } : {}),
        largest: node.largest.map(keyJson),
      })),
    largest: r.largest.map(keyJson),
    ...(r.mostRevisions ? { mostRevisions: r.mostRevisions.map(keyJson) } : {}),
  };
}
