import * as vscode from 'vscode';
import { keyHistory } from '../../core/etcd/history';
import { getKey, putIfUnchanged } from '../../core/etcd/kv';
import { Sessions } from '../../core/etcd/sessions';
import { EtcdStudioError } from '../../core/errors';
import { humanBytes } from '../../core/format';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { Logger } from '../../core/log';
import { renderForProfile } from '../../core/values/decryptor';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { liveConnection } from '../tree/keySource';
import { KeyNode } from '../tree/keyNodes';
import { toEtcdUri } from './etcdUri';
import { openKey } from './keyCommands';

function target(arg: KeyNode | string | undefined, keyArg?: string): { connection: string; key: Buffer } | undefined {
  if (arg instanceof KeyNode) return { connection: liveConnection(arg.ctx.source, 'This command').profile.name, key: arg.key };
  if (typeof arg === 'string' && keyArg !== undefined) return { connection: arg, key: keyFromText(keyArg) };
  return undefined;
}

/** The URI of a revision (or the live value when `revision` is undefined), in the view its value needs. */
async function revisionUri(sessions: Sessions, connection: string, key: Buffer, revision?: number): Promise<vscode.Uri> {
  const conn = await sessions.get(connection);
  const stored = await getKey(conn, key, revision);
  if (!stored) throw new EtcdStudioError('NotFound', `No value for ${keyToText(key)}${revision ? ` at revision ${revision}` : ''}.`);
  return toEtcdUri({ connection, key, view: renderForProfile(conn.profile, stored.value, key).view, revision });
}

export async function compareRevisions(sessions: Sessions, connection: string, key: Buffer, left: number, right?: number): Promise<void> {
  const [a, b] = await Promise.all([revisionUri(sessions, connection, key, left), revisionUri(sessions, connection, key, right)]);
  const title = `${keyToText(key)}: rev ${left} ↔ ${right ? `rev ${right}` : 'current'}`;
  await vscode.commands.executeCommand('vscode.diff', a, b, title);
}

export function registerHistoryCommands(ctx: vscode.ExtensionContext, log: Logger, sessions: Sessions, refreshTree: () => void): void {
  registerCommand(ctx, log, CommandIds.showHistory, async (arg?: KeyNode | string, keyArg?: string) => {
    const t = target(arg, keyArg);
    if (!t) return undefined;
    const conn = await sessions.get(t.connection);
    const h = await keyHistory(conn, t.key, { limit: 200 });
    if (typeof arg === 'string') return h.revisions.map((r) => r.modRevision);
    const items: Array<vscode.QuickPickItem & { rev?: number }> = h.revisions.map((r, i) => ({
      label: `rev ${r.modRevision}`,
      description: `version ${r.version} · ${humanBytes(r.value.length)}${i === 0 ? ' · current' : ''}`,
      rev: r.modRevision,
    }));
    if (h.compactedBefore) items.push({ label: `$(info) history before revision ${h.compactedBefore} was compacted`, description: '' });
    if (h.truncated) items.push({ label: '$(info) older revisions not shown (limit 200)', description: '' });
    const pick = await vscode.window.showQuickPick(items, { title: `History of ${keyToText(t.key)}`, placeHolder: 'Pick a revision' });
    if (!pick?.rev) return undefined;
    const isCurrent = pick.rev === h.revisions[0]?.modRevision;
    const action = await vscode.window.showQuickPick(
      ['Open (read-only)', ...(isCurrent ? [] : ['Compare with current', 'Restore this revision']), 'Compare with previous revision'],
      { title: `rev ${pick.rev}` },
    );
    const index = h.revisions.findIndex((r) => r.modRevision === pick.rev);
    if (action === 'Open (read-only)') await openKey(sessions, t.connection, t.key, undefined, isCurrent ? undefined : pick.rev);
    if (action === 'Compare with current') await compareRevisions(sessions, t.connection, t.key, pick.rev);
    if (action === 'Compare with previous revision') {
      const prev = h.revisions[index + 1];
      if (!prev) throw new EtcdStudioError('NotFound', 'There is no earlier revision (it is the first, or history was compacted).');
      await compareRevisions(sessions, t.connection, t.key, prev.modRevision, isCurrent ? undefined : pick.rev);
    }
    if (action === 'Restore this revision')
      await vscode.commands.executeCommand(CommandIds.restoreRevision, t.connection, keyToText(t.key), pick.rev);
    return pick.rev;
  });

  registerCommand(ctx, log, CommandIds.compareRevisions, async (connection: string, keyText: string, left: number, right?: number) => {
    await compareRevisions(sessions, connection, keyFromText(keyText), left, right);
  });

  registerCommand(
    ctx,
    log,
    CommandIds.restoreRevision,
    async (connection: string, keyText: string, revision: number, confirmed?: boolean) => {
      const key = keyFromText(keyText);
      const conn = await sessions.get(connection);
      conn.assertWritable('restoring a revision');
      const [old, current] = await Promise.all([getKey(conn, key, revision), getKey(conn, key)]);
      if (!old) throw new EtcdStudioError('NotFound', `No value at revision ${revision}.`);
      if (!confirmed) {
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
      const r = await putIfUnchanged(conn, key, old.value, current?.modRevision ?? 0);
      if (!r.ok) throw new EtcdStudioError('Conflict', `${keyText} changed while restoring; nothing was written.`);
      refreshTree();
      return r.revision;
    },
  );
}
