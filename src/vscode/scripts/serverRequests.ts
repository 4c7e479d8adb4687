/**
 * Answers the language server's requests for etcd data from the extension's own sessions (the
 * client owns connections and passwords; the server never connects, see src/protocol).
 */
import * as vscode from 'vscode';
import { getKey } from '../../core/etcd/kv';
import type { EtcdConnection } from '../../core/etcd/connection';
import { errorMessage } from '../../core/errors';
import { Logger } from '../../core/log';
import type { KeyChildrenParams, KeyChildrenResult, StoredValueParams, StoredValueResult } from '../../protocol/scriptProtocol';
import { fromEtcdUri } from '../editor/etcdUri';
import { ActiveConnection } from './activeConnection';
import { answerKeyChildren } from './keyChildrenAnswer';

export async function keyChildren(
  p: KeyChildrenParams,
  connect: (name: string) => Promise<EtcdConnection>,
  active: ActiveConnection,
  log: Logger,
): Promise<KeyChildrenResult> {
  const name = p.connection ?? active.name;
  if (!name) return { error: 'No connection chosen for scripts: click "etcd:" in the status bar.' };
  try {
    return await answerKeyChildren(await connect(name), p);
  } catch (e) {
    log.warn(`key completion on "${name}" failed: ${errorMessage(e)}`);
    return { error: `Cannot list keys on "${name}": ${errorMessage(e)}` };
  }
}

export async function storedValue(p: StoredValueParams, connect: (name: string) => Promise<EtcdConnection>): Promise<StoredValueResult> {
  try {
    const loc = fromEtcdUri(vscode.Uri.parse(p.uri));
    const stored = await getKey(await connect(loc.connection), loc.key, loc.revision);
    if (!stored) return { error: 'the key does not exist (any more)' };
    // The same key text the filesystem provider passes to the codec when saving.
    return { valueBase64: stored.value.toString('base64'), key: loc.key.toString('utf8') };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}
