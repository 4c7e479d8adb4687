import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { EtcdConnection } from '../../core/etcd/connection';
import { Logger } from '../../core/log';
import {
  ETCD_DOCUMENT_SCHEME,
  ETCDCTL_LANGUAGE,
  KEY_CHILDREN_REQUEST,
  KeyChildrenParams,
  STORED_VALUE_REQUEST,
  StoredValueParams,
} from '../../protocol/scriptProtocol';
import { ActiveConnection } from './activeConnection';
import { keyChildren, storedValue } from './serverRequests';

/**
 * Starts dist/server.js over node IPC for etcdctl scripts and for the YAML of `etcd:` documents,
 * and answers its requests for etcd data. The client's lifetime is the extension's. This file (and
 * with it vscode-languageclient) is imported when the first such document opens (see index.ts).
 */
export async function startLanguageClient(
  ctx: vscode.ExtensionContext,
  channel: vscode.LogOutputChannel,
  connect: (name: string) => Promise<EtcdConnection>,
  active: ActiveConnection,
  log: Logger,
): Promise<LanguageClient> {
  const module = ctx.asAbsolutePath('dist/server.js');
  const client = new LanguageClient(
    'etcdStudio',
    'etcd Studio language server',
    {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    },
    {
      documentSelector: [{ language: ETCDCTL_LANGUAGE }, { scheme: ETCD_DOCUMENT_SCHEME, language: 'yaml' }],
      outputChannel: channel,
    },
  );
  client.onRequest(KEY_CHILDREN_REQUEST, (p: KeyChildrenParams) => keyChildren(p, connect, active, log));
  client.onRequest(STORED_VALUE_REQUEST, (p: StoredValueParams) => storedValue(p, connect));
  await client.start();
  return client;
}
