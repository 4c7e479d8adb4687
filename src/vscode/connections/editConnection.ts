import * as vscode from 'vscode';
import { ConnectionProfile } from '../../core/etcd/profile';
import { EtcdStudioError } from '../../core/errors';
import { askEndpoints, askPassword, askTls } from './connectionForm';
import { ConnectionStore } from './connectionStore';

type Field = { label: string; description: string; edit: (p: ConnectionProfile) => Promise<boolean | 'password'> };

/**
 * "Edit Connection…": pick a field, change it, repeat; "Save" writes the profile back. With
 * `(name, changes)` arguments it applies the changes directly (scripts, tests).
 */
export async function editConnection(
  store: ConnectionStore,
  name: string,
  changes?: Partial<ConnectionProfile> & { password?: string },
): Promise<ConnectionProfile | undefined> {
  const current = store.get(name);
  if (!current) throw new EtcdStudioError('NotFound', `There is no connection named "${name}".`);
  if (changes) {
    const { password, ...rest } = changes;
    if (rest.name && rest.name !== name)
      throw new EtcdStudioError('InvalidArgument', 'Renaming is not supported: add a new connection and remove this one.');
    await store.save({ ...current, ...rest }, password);
    return store.get(name);
  }
  const profile: ConnectionProfile = JSON.parse(JSON.stringify(current));
  const title = `Edit connection "${name}"`;
  let password: string | undefined;
  const fields: Field[] = [
    {
      label: 'Endpoints',
      description: profile.endpoints.join(', '),
      edit: async (p) => {
        const e = await askEndpoints(title, name, p.endpoints.join(','));
        if (e) p.endpoints = e;
        return !!e;
      },
    },
    { label: 'TLS files', description: [profile.cacert, profile.cert].filter(Boolean).join(', ') || 'none', edit: (p) => askTls(title, p) },
    {
      label: 'User and password',
      description: profile.username ?? 'none',
      edit: async (p) => {
        const u = await vscode.window.showInputBox({ title, prompt: 'etcd user name — empty for none', value: p.username ?? '' });
        if (u === undefined) return false;
        p.username = u.trim() || undefined;
        return p.username ? 'password' : true;
      },
    },
    {
      label: 'Read-only',
      description: profile.readOnly ? 'on' : 'off',
      edit: async (p) => {
        p.readOnly = !p.readOnly;
        return true;
      },
    },
    {
      label: 'Skip TLS verification',
      description: profile.insecureSkipVerify ? 'on (unsafe)' : 'off',
      edit: async (p) => {
        if (!p.insecureSkipVerify) {
          const ok = await vscode.window.showWarningMessage(
            'Skipping TLS verification lets anyone in the network path read and change what you see and write. Turn it on?',
            { modal: true },
            'Turn on',
          );
          if (ok !== 'Turn on') return false;
        }
        p.insecureSkipVerify = !p.insecureSkipVerify || undefined;
        return true;
      },
    },
    {
      label: 'Server name',
      description: profile.serverName ?? 'from endpoint',
      edit: async (p) => {
        const v = await vscode.window.showInputBox({
          title,
          prompt: 'TLS server name to verify — empty to use the endpoint host',
          value: p.serverName ?? '',
        });
        if (v === undefined) return false;
        p.serverName = v.trim() || undefined;
        return true;
      },
    },
    {
      label: 'Key prefix',
      description: profile.prefix ?? 'none',
      edit: async (p) => {
        const v = await vscode.window.showInputBox({
          title,
          prompt: 'Show only keys under this prefix (e.g. /registry/) — empty for all',
          value: p.prefix ?? '',
        });
        if (v === undefined) return false;
        p.prefix = v || undefined;
        return true;
      },
    },
    {
      label: 'Encryption config',
      description: profile.encryptionConfig ?? 'none',
      edit: async (p) => {
        const v = await vscode.window.showInputBox({
          title,
          prompt: 'kube-apiserver EncryptionConfiguration file, to view encrypted values — empty for none',
          value: p.encryptionConfig ?? '',
        });
        if (v === undefined) return false;
        p.encryptionConfig = v.trim() || undefined;
        return true;
      },
    },
    {
      label: 'Dial timeout',
      description: `${(profile.dialTimeoutMs ?? 5000) / 1000} s`,
      edit: async (p) => {
        const v = await vscode.window.showInputBox({
          title,
          prompt: 'Seconds to wait for a connection',
          value: String((p.dialTimeoutMs ?? 5000) / 1000),
          validateInput: (x) => (Number(x) > 0 ? undefined : 'A positive number of seconds.'),
        });
        if (v === undefined) return false;
        p.dialTimeoutMs = Number(v) * 1000;
        return true;
      },
    },
  ];
  for (;;) {
    const pick = await vscode.window.showQuickPick([...fields, { label: '$(check) Save', description: '', edit: async () => true }], {
      title,
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.label === '$(check) Save') break;
    const r = await pick.edit(profile);
    if (r === 'password') password = await askPassword(profile);
    pick.description = '(changed)';
  }
  await store.save(profile, password);
  return store.get(name);
}
