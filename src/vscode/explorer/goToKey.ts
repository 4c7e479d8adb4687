import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { errorMessage } from '../../core/errors';
import { keyLabel, keyTreeChildren, parseKeyLabel } from './keyTreeAdapter';

/**
 * "Go to key…": a quick pick that completes the typed path one `/` level at a time from etcd
 * (the same child listing as the tree). Picking a prefix descends; picking a key returns it.
 */
export function goToKey(conn: EtcdConnection, rootPrefix: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { key?: Buffer; isPrefix?: boolean }>();
    qp.title = `Go to key in "${conn.profile.name}"`;
    qp.placeholder = 'Type a key or prefix, e.g. /registry/pods/default/ — binary bytes as \\xNN';
    qp.value = rootPrefix || '/';
    qp.matchOnDescription = false;
    let generation = 0;
    let done = false;
    const finish = (key: Buffer | undefined) => {
      if (done) return;
      done = true;
      resolve(key);
      qp.dispose();
    };
    const complete = async (text: string) => {
      const mine = ++generation;
      const cut = text.lastIndexOf('/');
      const parentText = cut >= 0 ? text.slice(0, cut + 1) : '';
      qp.busy = true;
      try {
        const parent = parseKeyLabel(parentText);
        const r = await keyTreeChildren(conn, parent, { limit: 500 });
        if (mine !== generation) return;
        qp.items = r.children.map((c) => ({
          label: keyLabel(c.key),
          description: c.kind === 'prefix' ? (c.count !== undefined ? `${c.count} keys` : 'prefix') : `${c.size} B · rev ${c.modRevision}`,
          iconPath: new vscode.ThemeIcon(c.kind === 'prefix' ? 'folder' : 'symbol-key'),
          key: c.key,
          isPrefix: c.kind === 'prefix',
        }));
      } catch (e) {
        if (mine === generation) qp.items = [{ label: `$(warning) ${errorMessage(e)}` }];
      } finally {
        if (mine === generation) qp.busy = false;
      }
    };
    qp.onDidChangeValue((v) => void complete(v));
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      if (item?.isPrefix && item.key) {
        qp.value = keyLabel(item.key);
        void complete(qp.value);
        return;
      }
      if (item?.key) return finish(item.key);
      try {
        if (qp.value) finish(parseKeyLabel(qp.value));
      } catch (e) {
        qp.items = [{ label: `$(warning) ${errorMessage(e)}` }];
      }
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
    void complete(qp.value);
  });
}
