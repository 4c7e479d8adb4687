/**
 * The legacy v2 keyspace: the "v2 keyspace" node beside the v3 keys (v2Nodes.ts) and read-only documents of
 * its values (`etcd-v2://CONNECTION/key`), which VS Code never lets anyone save.
 */
import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';

export const V2_SCHEME = 'etcd-v2';

export function register(s: Services): void {
  const emitter = new vscode.EventEmitter<vscode.Uri>();
  s.ctx.subscriptions.push(
    emitter,
    vscode.workspace.registerTextDocumentContentProvider(V2_SCHEME, {
      onDidChange: emitter.event,
      provideTextDocumentContent: async (uri) => {
        const connection = decodeURIComponent(uri.authority);
        const key = uri.path.replace(/\.(json|txt)$/, '');
        const node = await (await s.connect(connection)).v2.get(key);
        if (!node) throw new EtcdStudioError('NotFound', `v2 key ${key} does not exist in "${connection}" (deleted or expired).`);
        if (node.dir) throw new EtcdStudioError('InvalidArgument', `${key} is a v2 directory: expand it in the tree.`);
        return node.value ?? '';
      },
    }),
  );

  s.command(CommandIds.openV2Key, async (arg?: { connection?: string; v2Key?: string }) => {
    if (!arg?.connection || !arg.v2Key)
      throw new EtcdStudioError('InvalidArgument', 'Open v2 Key needs { connection, v2Key }: open it from the "v2 keyspace" node.');
    const value = await (await s.connect(arg.connection)).v2.get(arg.v2Key);
    // JSON values (flannel's config and subnets) open as JSON; the rest as text.
    let json = false;
    try {
      json = value?.value !== undefined && typeof JSON.parse(value.value) === 'object';
    } catch {
      json = false;
    }
    const uri = vscode.Uri.from({
      scheme: V2_SCHEME,
      authority: encodeURIComponent(arg.connection),
      path: `${arg.v2Key}${json ? '.json' : ''}`,
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    emitter.fire(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  });
}
