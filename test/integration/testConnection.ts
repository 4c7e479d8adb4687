import * as vscode from 'vscode';
import type { EtcdStudioApi } from '../../src/extension';

/** Activates etcd Studio and adds a connection named `name` to the test etcd the runner started. */
export async function addTestConnection(name: string): Promise<EtcdStudioApi> {
  const api = await vscode.extensions.getExtension<EtcdStudioApi>('etcd-studio.etcd-studio')!.activate();
  await vscode.commands.executeCommand('etcdStudio.addConnection', { name, endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(',') });
  return api;
}
