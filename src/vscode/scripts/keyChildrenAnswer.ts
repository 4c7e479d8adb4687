/**
 * The answer to the server's key-children request from a live connection. Kept free of `vscode`
 * so the language server tests can play the client with exactly this code.
 */
import type { EtcdConnection } from '../../core/etcd/connection';
import { listChildren } from '../../core/keytree/listChildren';
import type { KeyChildrenParams, KeyChildrenResult } from '../../protocol/scriptProtocol';

export async function answerKeyChildren(conn: EtcdConnection, p: KeyChildrenParams): Promise<KeyChildrenResult> {
  const prefix = Buffer.from(p.prefixHex, 'hex');
  const res = await listChildren(conn, prefix, { limit: p.limit, ...(p.afterHex ? { after: Buffer.from(p.afterHex, 'hex') } : {}) });
  return {
    connection: conn.profile.name,
    more: res.next !== undefined,
    children: res.children.map((c) => {
      const segmentHex = c.key.subarray(prefix.length).toString('hex');
      return c.kind === 'prefix'
        ? { kind: 'prefix', segmentHex, ...(c.count !== undefined ? { count: c.count } : {}) }
        : { kind: 'key', segmentHex, size: c.size, modRevision: c.modRevision };
    }),
  };
}
