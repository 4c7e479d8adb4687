/** The code of the space commands, loaded on their first use (index.ts registers them). */
import path from 'node:path';
import { keyFromText } from '../../core/keytree/keyText';
import { CommandIds } from '../commands/ids';
import { snapshotFileOf, Target, targetOf, TargetArg } from '../commands/targets';
import { pickOne } from '../platform/pick';
import { Services } from '../services';
import { SpacePanel, SpaceSource } from './spacePanel';

interface Where {
  source: SpaceSource;
  prefix: Buffer;
  /** Where the breadcrumb starts: a connection's configured prefix. */
  top: Buffer;
}

const SNAPSHOT_ITEM = 'Snapshot or db file…';

async function whereOf(s: Services, arg: TargetArg, prefixText: string | undefined): Promise<Where | undefined> {
  let t: Target | undefined = targetOf(arg);
  if (!t) {
    const picked = await pickOne([...s.store.list().map((p) => ({ label: p.name })), { label: SNAPSHOT_ITEM }], {
      title: 'Show the space of which connection or snapshot?',
      empty: '',
      pickSingle: false,
    });
    if (!picked) return undefined;
    if (picked.label === SNAPSHOT_ITEM) {
      const file = await snapshotFileOf(undefined, 'Show the space of an etcd snapshot or db file');
      if (!file) return undefined;
      t = { kind: 'snapshot', file };
    } else t = { kind: 'connection', connection: picked.label };
  }
  const asked = prefixText !== undefined ? keyFromText(prefixText) : undefined;
  switch (t.kind) {
    case 'snapshot':
    case 'snapshotPrefix':
    case 'snapshotKey': {
      const prefix = asked ?? (t.kind === 'snapshotPrefix' ? t.prefix : Buffer.alloc(0));
      return { source: { kind: 'snapshot', file: path.resolve(t.file) }, prefix, top: Buffer.alloc(0) };
    }
    default: {
      const top = Buffer.from(s.store.get(t.connection)?.prefix ?? '');
      const prefix = asked ?? (t.kind === 'prefix' ? t.prefix : top);
      return { source: { kind: 'live', connection: t.connection }, prefix, top };
    }
  }
}

export function registerCommands(s: Services): void {
  s.command(CommandIds.showSpace, async (arg?: TargetArg, opts: { prefix?: string } = {}) => {
    const where = await whereOf(s, arg, opts.prefix);
    if (!where) return undefined;
    const panel = SpacePanel.show(s, where.source, where.prefix, where.top);
    // What the view first drew (for scripts and tests): its prefix, totals, children and largest keys.
    const shown = await panel.nextView();
    if ('error' in shown) return shown;
    const v = shown.view;
    return {
      source: v.source,
      prefix: v.root.text,
      keys: v.root.keys,
      bytes: v.root.bytes,
      children: v.root.children.map((c) => ({ prefix: c.text, keys: c.keys, bytes: c.bytes })),
      largest: v.largest.map((k) => k.text),
      ...(v.history ? { history: v.history } : {}),
    };
  });
}
