import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { ConnectionProfile, normalizeEndpoint } from '../../core/etcd/profile';
import { errorMessage } from '../../core/errors';
import { ConnectionStore } from './connectionStore';

/**
 * "Add Connection…": with a profile argument (scripts, tests) it saves that profile after
 * testing it; without, it asks for name, endpoints and TLS files step by step.
 */
export async function addConnection(store: ConnectionStore, arg?: ConnectionProfile & { password?: string; skipTest?: boolean }): Promise<ConnectionProfile | undefined> {
  if (arg) {
    const { password, skipTest, ...profile } = arg;
    if (!skipTest) await testConnection(profile, password);
    await store.save(profile, password);
    return store.get(profile.name);
  }
  const name = await vscode.window.showInputBox({
    title: 'Add etcd Connection (1/3)', prompt: 'A name for this connection', placeHolder: 'prod-control-plane',
    validateInput: (v) => (!v.trim() ? 'Enter a name.' : store.get(v.trim()) ? `"${v.trim()}" exists already.` : undefined),
  });
  if (!name) return undefined;
  const endpointsText = await vscode.window.showInputBox({
    title: 'Add etcd Connection (2/3)', prompt: 'Client URLs, comma-separated', value: 'https://127.0.0.1:2379',
    validateInput: (v) => {
      try {
        v.split(',').forEach((e) => normalizeEndpoint(e, name));
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  if (!endpointsText) return undefined;
  const endpoints = endpointsText.split(',').map((e) => normalizeEndpoint(e, name));
  const profile: ConnectionProfile = { name: name.trim(), endpoints };
  if (endpoints[0].startsWith('https://')) {
    const kubeadm = '/etc/kubernetes/pki/etcd';
    profile.cacert = await pickFile('CA certificate (--cacert)', `${kubeadm}/ca.crt`);
    profile.cert = await pickFile('Client certificate (--cert), Esc for none', `${kubeadm}/healthcheck-client.crt`);
    if (profile.cert) profile.key = await pickFile('Client key (--key)', profile.cert.replace(/\.crt$/, '.key'));
  }
  const test = await vscode.window.showQuickPick(['Test and save', 'Save without testing'], { title: 'Add etcd Connection (3/3)' });
  if (!test) return undefined;
  if (test === 'Test and save') {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${name}…` },
      () => testConnection(profile));
  }
  await store.save(profile);
  void vscode.window.showInformationMessage(`Connection "${profile.name}" saved.`);
  return profile;
}

async function pickFile(prompt: string, value: string): Promise<string | undefined> {
  const v = await vscode.window.showInputBox({ title: 'Add etcd Connection: TLS', prompt, value });
  return v?.trim() || undefined;
}

/** Opens and closes a connection: throws the actionable error (unreachable, TLS, auth). */
export async function testConnection(profile: ConnectionProfile, password?: string): Promise<void> {
  const conn = await EtcdConnection.open(profile, { password });
  conn.close();
}
