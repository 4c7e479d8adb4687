import assert from 'node:assert/strict';
import type { TreeNode } from '../../src/vscode/explorer/node';

/** A tree row as a user reads it: "label — description". */
export async function rowText(node: TreeNode): Promise<string> {
  const item = await node.getTreeItem();
  const l = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return `${l}${item.description ? ` — ${item.description}` : ''}`;
}

/** Expands `node` and returns the child whose row starts with `startsWith`. */
export async function childRow(node: TreeNode, startsWith: string): Promise<TreeNode> {
  const children = await node.getChildren();
  const labels = await Promise.all(children.map(rowText));
  const i = labels.findIndex((l) => l.startsWith(startsWith));
  assert.ok(i >= 0, `"${startsWith}" among ${JSON.stringify(labels)}`);
  return children[i];
}
