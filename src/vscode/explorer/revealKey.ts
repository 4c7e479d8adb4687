import * as vscode from 'vscode';
import type { EtcdConnection } from '../../core/etcd/connection';
import { keyToText } from '../../core/keytree/keyText';
import { ClustersTreeProvider } from './clustersTreeProvider';
import { KeyNode, PrefixNode } from './keyNodes';
import { keyFromStore } from './keyTreeAdapter';
import { TreeNode } from './node';

/**
 * Reveals a key in the Clusters view: builds its chain of prefix nodes (ids match the ones the tree
 * lists) and asks VS Code to expand down to it.
 */
export async function revealKey(
  tree: ClustersTreeProvider,
  view: vscode.TreeView<TreeNode>,
  conn: EtcdConnection,
  connection: string,
  key: Buffer,
): Promise<KeyNode | undefined> {
  const node = tree.connectionNode(connection);
  if (!node) return undefined;
  if (!node.keys) await node.getChildren();
  const root = node.keys;
  if (!root) return undefined;
  let parent: PrefixNode = root;
  for (let i = root.prefix.length; i < key.length; i++) {
    if (key[i] === 0x2f && i < key.length - 1) {
      parent = new PrefixNode(root.ctx, key.subarray(0, i + 1), keyToText(key.subarray(parent.prefix.length, i + 1)), undefined, parent);
    }
  }
  const child = await keyFromStore(conn, key);
  if (!child) return undefined;
  const found = new KeyNode(root.ctx, child, parent);
  await view.reveal(found, { select: true, focus: true, expand: false });
  return found;
}
