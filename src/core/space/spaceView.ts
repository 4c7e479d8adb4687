/** A SpaceReport as the Space webview draws it (src/protocol/spaceProtocol.ts): plain JSON, keys as hex and text. */
import type { SpaceView, ViewKey, ViewNode } from '../../protocol/spaceProtocol';
import { keyToText } from '../keytree/keyText';
import { prefixLabel } from './format';
import type { SpaceReport } from './report';
import type { KeyStat, SpaceNode } from './spaceTree';

function viewKey(k: KeyStat): ViewKey {
  return {
    hex: k.key.toString('hex'),
    text: keyToText(k.key),
    bytes: k.bytes,
    valueBytes: k.valueBytes,
    modRevision: k.modRevision,
    version: k.version,
    ...(k.revisions !== undefined ? { revisions: k.revisions, historyBytes: k.historyBytes } : {}),
  };
}

function viewNode(n: SpaceNode, parentLength: number): ViewNode {
  const text = keyToText(n.prefix);
  return {
    hex: n.prefix.toString('hex'),
    text,
    name: keyToText(n.prefix.subarray(parentLength)) || text || '(all keys)',
    label: prefixLabel(n.prefix),
    keys: n.keys,
    bytes: n.bytes,
    ownKeys: n.ownKeys,
    ownBytes: n.ownBytes,
    folded: n.folded,
    ...(n.history ? { historyBytes: n.history.historyBytes, revisions: n.history.revisions, deletedKeys: n.history.deletedKeys } : {}),
    largest: n.largest.map(viewKey),
    children: n.children.map((c) => viewNode(c, n.prefix.length)),
  };
}

/** The prefixes a breadcrumb leads through to `prefix`: '' (all keys), then each '/'-ended prefix of it. */
export function crumbsOf(prefix: Buffer, top: Buffer = Buffer.alloc(0)): { hex: string; name: string }[] {
  const out = [{ hex: top.toString('hex'), name: top.length ? keyToText(top) : 'all keys' }];
  let last = top.length;
  for (let i = top.length; i < prefix.length; i++) {
    if (prefix[i] === 0x2f || i === prefix.length - 1) {
      out.push({ hex: prefix.subarray(0, i + 1).toString('hex'), name: keyToText(prefix.subarray(last, i + 1)) });
      last = i + 1;
    }
  }
  return out;
}

export function toSpaceView(r: SpaceReport, top?: Buffer): SpaceView {
  return {
    source: r.source,
    target: r.target,
    revision: r.revision,
    ...(r.compactRevision !== undefined ? { compactRevision: r.compactRevision } : {}),
    root: viewNode(r.root, 0),
    crumbs: crumbsOf(r.prefix, top && r.prefix.subarray(0, top.length).equals(top) ? top : undefined),
    largest: r.largest.map(viewKey),
    ...(r.mostRevisions ? { mostRevisions: r.mostRevisions.map(viewKey) } : {}),
    ...(r.history ? { history: r.history } : {}),
    storage: r.storage.map((s) => ({ ...s })),
    ms: r.stats.ms,
  };
}
