import * as vscode from 'vscode';
import { ConnectionProfile, normalizeEndpoint } from '../../core/etcd/profile';
import { errorMessage } from '../../core/errors';

/** Small input helpers for the connection flows (one place for titles and validation). */
export async function askEndpoints(title: string, name: string, value: string): Promise<string[] | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: 'Client URLs, comma-separated (several give failover)',
    value,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        v.split(',').forEach((e) => normalizeEndpoint(e, name));
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  return text === undefined ? undefined : text.split(',').map((e) => normalizeEndpoint(e, name));
}

export async function askPath(title: string, prompt: string, value: string | undefined): Promise<string | undefined> {
  const v = await vscode.window.showInputBox({
    title,
    prompt: `${prompt} — leave empty for none`,
    value: value ?? '',
    ignoreFocusOut: true,
  });
  return v === undefined ? undefined : v.trim();
}

export async function askPassword(profile: ConnectionProfile): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Password for ${profile.username} on "${profile.name}"`,
    prompt: 'Kept in VS Code secret storage, never in settings.',
    password: true,
    ignoreFocusOut: true,
  });
}

/** Asks for the TLS files of an https:// profile, pre-filled with kubeadm's paths. */
export async function askTls(title: string, profile: ConnectionProfile): Promise<boolean> {
  const kubeadm = '/etc/kubernetes/pki/etcd';
  const ca = await askPath(title, 'CA certificate (etcdctl --cacert)', profile.cacert ?? `${kubeadm}/ca.crt`);
  if (ca === undefined) return false;
  const cert = await askPath(title, 'Client certificate (etcdctl --cert)', profile.cert ?? `${kubeadm}/healthcheck-client.crt`);
  if (cert === undefined) return false;
  const key = cert ? await askPath(title, 'Client key (etcdctl --key)', profile.key ?? cert.replace(/\.crt$/, '.key')) : '';
  if (key === undefined) return false;
  profile.cacert = ca || undefined;
  profile.cert = cert || undefined;
  profile.key = key || undefined;
  return true;
}
