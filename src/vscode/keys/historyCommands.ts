import * as vscode from 'vscode';
import { keyHistory } from '../../core/etcd/history';
import { getKey, putIfUnchanged } from '../../core/etcd/kv';
import { EtcdStudioError } from '../../core/errors';
import { humanBytes } from '../../core/format';
import { keyToText } from '../../core/keytree/keyText';
import { renderForProfile } from '../../core/values/decryptor';
import { CommandIds } from '../commands/ids';
import { isScripted, TargetArg } from '../commands/targets';
import { toEtcdUri } from '../editor/etcdUri';
import { Services } from '../services';
import { openKey } from './keyCommands';

/** The URI of a revision (or the live value when `revision` is undefined), in the view its value needs. */
async function revisionUri(s: Services, connection: string, key: Buffer, revision?: number): Promise<vscode.Uri> {
  const conn = await s.connect(connection);
  const stored = await getKey(conn, key, revision);
  if (!stored) throw new EtcdStudioError('NotFound', `No value for ${keyToText(key)}${revision ? ` at revision ${revision}` : ''}.`);
  return toEtcdUri({ connection, key, view: renderForProfile(conn.profile, stored.value, key).view, revision });
}

async function compareRevisions(s: Services, connection: string, key: Buffer, left: number, right?: number): Promise<void> {
  const [a, b] = await Promise.all([revisionUri(s, connection, key, left), revisionUri(s, connection, key, right)]);
  const title = `${keyToText(key)}: rev ${left} ↔ ${right ? `rev ${right}` : 'current'}`;
  await vscode.commands.executeCommand('vscode.diff', a, b, title);
}

/** Show History, Compare Revisions and Restore Revision of a key. */
export function registerHistoryCommands(s: Services): void {
  const { targets } = s;
  s.command(CommandIds.showHistory, async (arg?: TargetArg) => {
    const t = targets.key(arg, 'Show History');
    const conn = await s.connect(t.connection);
    const h = await keyHistory(conn, t.key, { limit: 200 });
    // Scripts get the revisions; people get a pick with actions.
    if (isScripted(arg)) return h.revisions.map((r) => r.modRevision);
    const items: Array<vscode.QuickPickItem & { rev?: number }> = h.revisions.map((r, i) => ({
      label: `rev ${r.modRevision}`,
      description: `version ${r.version} · ${humanBytes(r.value.length)}${i === 0 ? ' · current' : ''}`,
      rev: r.modRevision,
    }));
    if (h.compactedBefore) items.push({ label: `$(info) history before revision ${h.compactedBefore} was compacted`, description: '' });
    if (h.truncated) items.push({ label: '$(info) older revisions not shown (limit 200)', description: '' });
    if (h.revisions.length === 0) {
      void vscode.window.showInformationMessage(`${keyToText(t.key)} has no revisions left to show (it was deleted, or compacted away).`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title: `History of ${keyToText(t.key)}`, placeHolder: 'Pick a revision' });
    if (!pick?.rev) return undefined;
    const isCurrent = pick.rev === h.revisions[0]?.modRevision;
    const action = await vscode.window.showQuickPick(
      ['Open (read-only)', ...(isCurrent ? [] : ['Compare with current', 'Restore this revision']), 'Compare with previous revision'],
      { title: `rev ${pick.rev}` },
    );
    const index = h.revisions.findIndex((r) => r.modRevision === pick.rev);
    if (action === 'Open (read-only)') await openKey(s, t.connection, t.key, undefined, isCurrent ? undefined : pick.rev);
    if (action === 'Compare with current') await compareRevisions(s, t.connection, t.key, pick.rev);
    if (action === 'Compare with previous revision') {
      const prev = h.revisions[index + 1];
      if (!prev) throw new EtcdStudioError('NotFound', 'There is no earlier revision (it is the first, or history was compacted).');
      await compareRevisions(s, t.connection, t.key, prev.modRevision, isCurrent ? undefined : pick.rev);
    }
    if (action === 'Restore this revision')
      await vscode.commands.executeCommand(CommandIds.restoreRevision, { connection: t.connection, key: t.key }, { revision: pick.rev });
    return pick.rev;
  });

  s.command(CommandIds.compareRevisions, async (arg?: TargetArg, opts: { left?: number; right?: number } = {}) => {
    const t = targets.key(arg, 'Compare Revisions');
    if (!opts.left) throw new EtcdStudioError('InvalidArgument', 'Compare Revisions needs { left: REVISION } (and optionally right).');
    await compareRevisions(s, t.connection, t.key, opts.left, opts.right);
  });

  s.command(CommandIds.restoreRevision, async (arg?: TargetArg, opts: { revision?: number; confirmed?: boolean } = {}) => {
    const t = targets.key(arg, 'Restore Revision');
    const revision = opts.revision;
    if (!revision) throw new EtcdStudioError('InvalidArgument', 'Restore Revision needs { revision: N }.');
    const keyText = keyToText(t.key);
    const conn = await s.connect(t.connection);
    conn.assertWritable('restoring a revision');
    const [old, current] = await Promise.all([getKey(conn, t.key, revision), getKey(conn, t.key)]);
    if (!old) throw new EtcdStudioError('NotFound', `No value at revision ${revision}.`);
    if (!opts.confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Restore ${keyText} to its value at revision ${revision}?`,
        {
          modal: true,
          detail: current
            ? `The current value (revision ${current.modRevision}) is replaced; it stays in the history.`
            : 'The key was deleted; it is created again.',
        },
        'Restore',
      );
      if (ok !== 'Restore') return undefined;
    }
    const r = await putIfUnchanged(conn, t.key, old.value, current?.modRevision ?? 0);
    if (!r.ok) throw new EtcdStudioError('Conflict', `${keyText} changed while restoring; nothing was written.`);
    s.refreshTree();
    return r.revision;
  });
}
