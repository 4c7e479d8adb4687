import * as vscode from 'vscode';
import { countPrefix, deleteIfUnchanged, deletePrefix, getKey, putIfUnchanged, renameKey } from '../../core/etcd/kv';
import { EtcdStudioError } from '../../core/errors';
import { encodeObject } from '../../core/k8s/codec';
import { parseK8sKey } from '../../core/keytree/k8sKey';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { renderForProfile } from '../../core/values/decryptor';
import { ValueView } from '../../core/values/render';
import { CommandIds } from '../commands/ids';
import { connectionOf, isScripted, targetOf, TargetArg } from '../commands/targets';
import { toEtcdUri } from '../editor/etcdUri';
import { Services } from '../services';
import { TEMPLATES } from './templates';

/** Opens a key in an editor, decoded (YAML for objects, text, or a read-only hex dump). */
export async function openKey(
  s: Pick<Services, 'connect'>,
  connection: string,
  key: Buffer,
  view?: ValueView,
  revision?: number,
): Promise<vscode.TextEditor> {
  const conn = await s.connect(connection);
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

/** Open, new, delete, delete prefix and rename: the key commands of the tree (and of scripts). */
export function registerKeyCommands(s: Services): void {
  const { targets } = s;
  s.command(CommandIds.openKey, async (arg?: TargetArg, opts: { view?: ValueView } = {}) => {
    const t = targets.key(arg, 'Open Key');
    const editor = await openKey(s, t.connection, t.key, opts.view);
    return editor.document.uri.toString();
  });
  s.command(CommandIds.openKeyAsHex, async (arg?: TargetArg) => {
    const t = targets.key(arg, 'Open Key as Hex');
    await openKey(s, t.connection, t.key, 'hex');
  });

  s.command(CommandIds.newKey, async (arg?: TargetArg, opts: { key?: string; template?: string } = {}) => {
    const target = targetOf(arg);
    const connection = connectionOf(target) ?? (await targets.connection(arg, 'New key in which connection?'));
    if (!connection) return undefined;
    const conn = await s.connect(connection);
    conn.assertWritable('creating a key');
    const start = target?.kind === 'prefix' ? keyToText(target.prefix) : '/';
    const keyText =
      opts.key ??
      (await vscode.window.showInputBox({
        title: 'New key',
        prompt: 'Full key (binary bytes as \\xNN)',
        value: start,
        valueSelection: [start.length, start.length],
      }));
    if (!keyText) return undefined;
    const key = keyFromText(keyText);
    const tpl = opts.template
      ? TEMPLATES.find((t) => t.label === opts.template)
      : await vscode.window.showQuickPick(TEMPLATES, { title: `Value type for ${keyText}` });
    if (!tpl) {
      if (opts.template)
        throw new EtcdStudioError(
          'InvalidArgument',
          `No template "${opts.template}": use one of ${TEMPLATES.map((t) => t.label).join(', ')}.`,
        );
      return undefined;
    }
    const { namespace, name } = k8sIdentity(key);
    const body = tpl.body(namespace, name);
    const bytes =
      tpl.format === 'k8s'
        ? encodeObject(body as Parameters<typeof encodeObject>[0])
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n');
    const r = await putIfUnchanged(conn, key, bytes, 0);
    if (!r.ok) throw new EtcdStudioError('Conflict', `The key ${keyText} exists already; nothing was written.`);
    s.refreshTree();
    await openKey(s, connection, key);
    return keyToText(key);
  });

  s.command(CommandIds.deleteKey, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const t = targets.key(arg, 'Delete Key');
    const conn = await s.connect(t.connection);
    conn.assertWritable('deleting a key');
    const current = await getKey(conn, t.key);
    if (!current) throw new EtcdStudioError('NotFound', `No key ${keyToText(t.key)}.`);
    if (!opts.confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Delete ${keyToText(t.key)} from "${t.connection}"? (${current.value.length} bytes, revision ${current.modRevision})`,
        { modal: true },
        'Delete',
      );
      if (ok !== 'Delete') return undefined;
    }
    const r = await deleteIfUnchanged(conn, t.key, current.modRevision);
    if (!r.ok) throw new EtcdStudioError('Conflict', `${keyToText(t.key)} changed while you confirmed; nothing was deleted.`);
    s.refreshTree();
    return 1;
  });

  s.command(CommandIds.deletePrefix, async (arg?: TargetArg, opts: { expectedCount?: number } = {}) => {
    const t = targets.prefix(arg, 'Delete All Keys Under Prefix');
    const conn = await s.connect(t.connection);
    conn.assertWritable('deleting a prefix');
    const { count, revision } = await countPrefix(conn, t.prefix);
    if (count === 0) throw new EtcdStudioError('NotFound', `No keys under ${keyToText(t.prefix)}.`);
    // Scripted callers pass the count they expect; the interactive path asks with the exact count.
    if (opts.expectedCount !== undefined && opts.expectedCount !== count) {
      throw new EtcdStudioError(
        'Conflict',
        `Expected ${opts.expectedCount} keys under ${keyToText(t.prefix)} but there are ${count}; nothing was deleted.`,
      );
    }
    if (opts.expectedCount === undefined) {
      const action = `Delete ${count} keys`;
      const ok = await vscode.window.showWarningMessage(
        `Delete all ${count.toLocaleString('en-US')} keys under ${keyToText(t.prefix)} in "${t.connection}"? This cannot be undone.`,
        { modal: true, detail: `One delete-range at revision ${revision}; it is refused if any of these keys changes first.` },
        action,
      );
      if (ok !== action) return undefined;
    }
    const r = await deletePrefix(conn, t.prefix, revision);
    if (!r.ok)
      throw new EtcdStudioError(
        'Conflict',
        `Keys under ${keyToText(t.prefix)} changed after they were counted; nothing was deleted. Try again.`,
      );
    s.refreshTree();
    void vscode.window.showInformationMessage(`Deleted ${r.deleted} keys under ${keyToText(t.prefix)}.`);
    return r.deleted;
  });

  s.command(CommandIds.renameKey, async (arg?: TargetArg, opts: { newKey?: string } = {}) => {
    const t = targets.key(arg, 'Rename Key');
    const conn = await s.connect(t.connection);
    conn.assertWritable('renaming a key');
    const current = await getKey(conn, t.key);
    if (!current) throw new EtcdStudioError('NotFound', `No key ${keyToText(t.key)}.`);
    const next =
      opts.newKey ??
      (isScripted(arg)
        ? undefined
        : await vscode.window.showInputBox({
            title: `Rename ${keyToText(t.key)}`,
            prompt: 'New key (one transaction; refused if it exists)',
            value: keyToText(t.key),
          }));
    if (!next) return undefined;
    const r = await renameKey(conn, t.key, keyFromText(next), current.modRevision);
    if (!r.ok) throw new EtcdStudioError('Conflict', r.reason);
    s.refreshTree();
    return next;
  });
}
