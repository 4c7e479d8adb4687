import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { ConnectionProfile } from '../../core/etcd/profile';
import { askEndpoints, askPassword, askTls } from './connectionForm';
import { ConnectionStore } from './connectionStore';

export type ConnectionArg = ConnectionProfile & { password?: string; skipTest?: boolean };

/**
 * "Add Connection…": with a profile argument (scripts, tests) it tests and saves it; without,
 * it asks for name, endpoints, TLS files and user step by step, then tests and saves.
 */
export async function addConnection(store: ConnectionStore, arg?: ConnectionArg): Promise<ConnectionProfile | undefined> {
  if (arg) {
    const { password, skipTest, ...profile } = arg;
    if (!skipTest) await testConnection(profile, password);
    await store.save(profile, password);
    return store.get(profile.name);
  }
  const title = 'Add etcd Connection';
  const name = await vscode.window.showInputBox({
    title,
    prompt: 'A name for this connection',
    placeHolder: 'prod-control-plane',
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? 'Enter a name.' : store.get(v.trim()) ? `"${v.trim()}" exists already.` : undefined),
  });
  if (!name) return undefined;
  const endpoints = await askEndpoints(title, name, 'https://127.0.0.1:2379');
  if (!endpoints) return undefined;
  const profile: ConnectionProfile = { name: name.trim(), endpoints };
  if (endpoints[0].startsWith('https://') && !(await askTls(title, profile))) return undefined;
  const user = await vscode.window.showInputBox({
    title,
    prompt: 'etcd user name (etcdctl --user) — leave empty when etcd auth is off',
    ignoreFocusOut: true,
  });
  if (user === undefined) return undefined;
  let password: string | undefined;
  if (user.trim()) {
    profile.username = user.trim();
    password = await askPassword(profile);
    if (password === undefined) return undefined;
  }
  return saveAfterTest(store, profile, password);
}

/** Offers "Test and save" / "Save without testing"; a failed test keeps nothing. */
export async function saveAfterTest(
  store: ConnectionStore,
  profile: ConnectionProfile,
  password?: string,
): Promise<ConnectionProfile | undefined> {
  const choice = await vscode.window.showQuickPick(['Test and save', 'Save without testing'], {
    title: `Save connection "${profile.name}"`,
    ignoreFocusOut: true,
  });
  if (!choice) return undefined;
  if (choice === 'Test and save') {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${profile.name}…` }, () =>
      testConnection(profile, password),
    );
  }
  await store.save(profile, password);
  void vscode.window.showInformationMessage(
    `Connection "${profile.name}" saved${choice === 'Test and save' ? ' (connection test passed)' : ''}.`,
  );
  return store.get(profile.name);
}

/** Opens and closes a connection: throws the actionable error (unreachable, TLS, auth). */
export async function testConnection(profile: ConnectionProfile, password?: string): Promise<string> {
  const conn = await EtcdConnection.open(profile, { password });
  try {
    const s = await conn.status();
    return `Connected to "${profile.name}": etcd ${s.version}, cluster ${s.clusterId}, revision ${s.revision}.`;
  } finally {
    conn.close();
  }
}
