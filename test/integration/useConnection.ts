import * as vscode from 'vscode';

/** For the enclosing suite: the extension active and a connection `name` to the test etcd, removed afterwards with every editor closed. */
export function useConnection(name: string): void {
  before(async () => {
    await vscode.extensions.getExtension('etcd-studio.etcd-studio')!.activate();
    await vscode.commands.executeCommand('etcdStudio.addConnection', {
      name,
      endpoints: process.env.ETCD_STUDIO_TEST_ENDPOINTS!.split(','),
    });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('etcdStudio.removeConnection', name);
  });
}
