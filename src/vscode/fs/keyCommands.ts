import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { countPrefix, deleteIfUnchanged, deletePrefix, getKey, putIfUnchanged, renameKey } from '../../core/etcd/kv';
import { Sessions } from '../../core/etcd/sessions';
import { EtcdStudioError } from '../../core/errors';
import { encodeObject } from '../../core/k8s/codec';
import { parseK8sKey } from '../../core/keytree/k8sKey';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { Logger } from '../../core/log';
import { ValueView } from '../../core/values/render';
import { renderForProfile } from '../../core/values/decryptor';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { liveConnection } from '../tree/keySource';
import { KeyNode, PrefixNode } from '../tree/keyNodes';
import { toEtcdUri } from './etcdUri';
import { TEMPLATES } from './templates';

type KeyArg = KeyNode | string | Buffer | undefined;

/** A (connection, key) from a tree node or from `(connectionName, key)` arguments. */
function target(arg: KeyArg | PrefixNode, keyArg?: string | Buffer): { connection: string; key: Buffer } | undefined {
  if (arg instanceof KeyNode) return { connection: liveConnection(arg.ctx.source, 'This command').profile.name, key: arg.key };
  if (arg instanceof PrefixNode) return { connection: liveConnection(arg.ctx.source, 'This command').profile.name, key: arg.prefix };
  if (typeof arg === 'string' && keyArg !== undefined)
    return { connection: arg, key: typeof keyArg === 'string' ? keyFromText(keyArg) : Buffer.from(keyArg) };
  return undefined;
}

/** Opens a key in an editor, decoded (YAML for objects, text, or a read-only hex dump). */
export async function openKey(
  sessions: Sessions,
  connection: string,
  key: Buffer,
  view?: ValueView,
  revision?: number,
): Promise<vscode.TextEditor> {
  const conn = await sessions.get(connection);
  const stored = await getKey(conn, key, revision);
  if (!stored)
    throw new EtcdStudioError('NotFound', `No key ${keyToText(key)} in "${connection}"${revision ? ` at revision ${revision}` : ''}.`);
  const rendered = renderForProfile(conn.profile, stored.value, key, view);
  const uri = toEtcdUri({ connection, key, view: rendered.view, revision });
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  if (rendered.readOnlyReason && !revision) void vscode.window.setStatusBarMessage(`$(lock) ${rendered.readOnlyReason}`, 8000);
  return editor;
}

function k8sIdentity(key: Buffer): { namespace?: string; name: string } {
  const k = parseK8sKey(key);
  if (k) return { namespace: k.namespace, name: k.name };
  const parts = key.toString('utf8').split('/').filter(Boolean);
  return { name: parts[parts.length - 1] ?? 'new' };
}

export function registerKeyCommands(ctx: vscode.ExtensionContext, log: Logger, sessions: Sessions, refreshTree: () => void): void {
  registerCommand(ctx, log, CommandIds.openKey, async (arg: KeyArg, keyArg?: string | Buffer, view?: ValueView) => {
    const t = target(arg, keyArg);
    if (!t) return undefined;
    const editor = await openKey(sessions, t.connection, t.key, view);
    return editor.document.uri.toString();
  });
  registerCommand(ctx, log, CommandIds.openKeyAsHex, async (arg: KeyArg, keyArg?: string) => {
    const t = target(arg, keyArg);
    if (t) await openKey(sessions, t.connection, t.key, 'hex');
  });

  registerCommand(ctx, log, CommandIds.newKey, async (arg?: PrefixNode | string, keyArg?: string, templateLabel?: string) => {
    const connection = arg instanceof PrefixNode ? liveConnection(arg.ctx.source, 'This command').profile.name : arg;
    if (!connection) return undefined;
    const conn = await sessions.get(connection);
    conn.assertWritable('creating a key');
    const start = arg instanceof PrefixNode ? keyToText(arg.prefix) : '/';
    const keyText =
      keyArg ??
      (await vscode.window.showInputBox({
        title: 'New key',
        prompt: 'Full key (binary bytes as \\xNN)',
        value: start,
        valueSelection: [start.length, start.length],
      }));
    if (!keyText) return undefined;
    const key = keyFromText(keyText);
    const tpl = templateLabel
      ? TEMPLATES.find((t) => t.label === templateLabel)
      : await vscode.window.showQuickPick(TEMPLATES, { title: `Value type for ${keyText}` });
    if (!tpl) return undefined;
    const { namespace, name } = k8sIdentity(key);
    const body = tpl.body(namespace, name);
    const bytes =
      tpl.format === 'k8s'
        ? encodeObject(body as Parameters<typeof encodeObject>[0])
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n');
    const r = await putIfUnchanged(conn, key, bytes, 0);
    if (!r.ok) throw new EtcdStudioError('Conflict', `The key ${keyText} exists already; nothing was written.`);
    refreshTree();
    await openKey(sessions, connection, key);
    return keyToText(key);
  });

  registerCommand(ctx, log, CommandIds.deleteKey, async (arg: KeyArg, keyArg?: string, confirmed?: boolean) => {
    const t = target(arg, keyArg);
    if (!t) return undefined;
    const conn = await sessions.get(t.connection);
    conn.assertWritable('deleting a key');
    const current = await getKey(conn, t.key);
    if (!current) throw new EtcdStudioError('NotFound', `No key ${keyToText(t.key)}.`);
    if (!confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Delete ${keyToText(t.key)} from "${t.connection}"? (${current.value.length} bytes, revision ${current.modRevision})`,
        { modal: true },
        'Delete',
      );
      if (ok !== 'Delete') return undefined;
    }
    const r = await deleteIfUnchanged(conn, t.key, current.modRevision);
    if (!r.ok) throw new EtcdStudioError('Conflict', `${keyToText(t.key)} changed while you confirmed; nothing was deleted.`);
    refreshTree();
    return 1;
  });

  registerCommand(ctx, log, CommandIds.deletePrefix, async (arg?: PrefixNode | string, prefixArg?: string, confirmCount?: number) => {
    const t = target(arg as PrefixNode, prefixArg);
    if (!t) return undefined;
    const conn: EtcdConnection = await sessions.get(t.connection);
    conn.assertWritable('deleting a prefix');
    const { count, revision } = await countPrefix(conn, t.key);
    if (count === 0) throw new EtcdStudioError('NotFound', `No keys under ${keyToText(t.key)}.`);
    // Scripted callers pass the count they expect; the interactive path asks with the exact count.
    if (
      confirmCount !== undefined
        ? confirmCount !== count
        : (await vscode.window.showWarningMessage(
            `Delete all ${count.toLocaleString('en-US')} keys under ${keyToText(t.key)} in "${t.connection}"? This cannot be undone.`,
            { modal: true, detail: `One delete-range at revision ${revision}; it is refused if any of these keys changes first.` },
            `Delete ${count} keys`,
          )) !== `Delete ${count} keys`
    ) {
      if (confirmCount !== undefined)
        throw new EtcdStudioError(
          'Conflict',
          `Expected ${confirmCount} keys under ${keyToText(t.key)} but there are ${count}; nothing was deleted.`,
        );
      return undefined;
    }
    const r = await deletePrefix(conn, t.key, revision);
    if (!r.ok)
      throw new EtcdStudioError(
        'Conflict',
        `Keys under ${keyToText(t.key)} changed after they were counted; nothing was deleted. Try again.`,
      );
    refreshTree();
    void vscode.window.showInformationMessage(`Deleted ${r.deleted} keys under ${keyToText(t.key)}.`);
    return r.deleted;
  });

  registerCommand(ctx, log, CommandIds.renameKey, async (arg: KeyArg, keyArg?: string, newKeyArg?: string) => {
    const t = target(arg, keyArg);
    if (!t) return undefined;
    const conn = await sessions.get(t.connection);
    conn.assertWritable('renaming a key');
    const current = await getKey(conn, t.key);
    if (!current) throw new EtcdStudioError('NotFound', `No key ${keyToText(t.key)}.`);
    const next =
      newKeyArg ??
      (await vscode.window.showInputBox({
        title: `Rename ${keyToText(t.key)}`,
        prompt: 'New key (one transaction; refused if it exists)',
        value: keyToText(t.key),
      }));
    if (!next) return undefined;
    const r = await renameKey(conn, t.key, keyFromText(next), current.modRevision);
    if (!r.ok) throw new EtcdStudioError('Conflict', r.reason);
    refreshTree();
    return next;
  });
}
