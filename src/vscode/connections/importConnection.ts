import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { profileFromApiserver, profileFromEnv, profileFromEtcdManifest } from '../../core/etcd/importProfile';
import { ConnectionProfile } from '../../core/etcd/profile';
import { EtcdStudioError } from '../../core/errors';
import { saveAfterTest, testConnection } from './addConnection';
import { ConnectionStore } from './connectionStore';

export interface ImportArg {
  source: 'etcd-manifest' | 'apiserver' | 'env';
  /** File to read (manifests); defaults to kubeadm's path. */
  path?: string;
  /** kube-apiserver flags pasted as text, instead of a file. */
  text?: string;
  name?: string;
  skipTest?: boolean;
}

const SOURCES = [
  {
    source: 'etcd-manifest' as const,
    label: 'kubeadm etcd manifest',
    detail: '/etc/kubernetes/manifests/etcd.yaml: endpoints, CA and the healthcheck client certificate',
  },
  {
    source: 'apiserver' as const,
    label: 'kube-apiserver flags',
    detail: '--etcd-servers, --etcd-cafile, --etcd-certfile, --etcd-keyfile from its manifest or a pasted command line',
  },
  {
    source: 'env' as const,
    label: 'ETCDCTL_* environment',
    detail: 'ETCDCTL_ENDPOINTS, ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY, ETCDCTL_USER of this VS Code window',
  },
];

function readManifest(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EtcdStudioError(
      'InvalidArgument',
      `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied (static-pod manifests are readable by root only)' : code}.`,
    );
  }
}

function fromSource(arg: ImportArg, env: NodeJS.ProcessEnv): { profile: ConnectionProfile; password?: string } {
  switch (arg.source) {
    case 'etcd-manifest':
      return { profile: profileFromEtcdManifest(readManifest(arg.path ?? '/etc/kubernetes/manifests/etcd.yaml')) };
    case 'apiserver':
      return { profile: profileFromApiserver(arg.text ?? readManifest(arg.path ?? '/etc/kubernetes/manifests/kube-apiserver.yaml')) };
    case 'env': {
      const r = profileFromEnv(env);
      if (!r) throw new EtcdStudioError('InvalidArgument', 'ETCDCTL_ENDPOINTS is not set in the environment VS Code was started from.');
      return r;
    }
  }
}

/** "Import Connection…": builds a profile from what the node already has, then tests and saves it. */
export async function importConnection(store: ConnectionStore, arg?: ImportArg): Promise<ConnectionProfile | undefined> {
  if (arg) {
    const { profile, password } = fromSource(arg, process.env);
    if (arg.name) profile.name = arg.name;
    if (!arg.skipTest) await testConnection(profile, password);
    await store.save(profile, password);
    return store.get(profile.name);
  }
  const pick = await vscode.window.showQuickPick(SOURCES, { title: 'Import etcd Connection', ignoreFocusOut: true });
  if (!pick) return undefined;
  const interactive: ImportArg = { source: pick.source };
  if (pick.source === 'etcd-manifest') {
    interactive.path = await vscode.window.showInputBox({
      title: pick.label,
      prompt: 'Manifest file',
      value: '/etc/kubernetes/manifests/etcd.yaml',
      ignoreFocusOut: true,
    });
    if (!interactive.path) return undefined;
  } else if (pick.source === 'apiserver') {
    const v = await vscode.window.showInputBox({
      title: pick.label,
      prompt: 'Manifest file, or paste the kube-apiserver command line',
      value: '/etc/kubernetes/manifests/kube-apiserver.yaml',
      ignoreFocusOut: true,
    });
    if (!v) return undefined;
    if (v.includes('--')) interactive.text = v;
    else interactive.path = v;
  }
  const { profile, password } = fromSource(interactive, process.env);
  const name = await vscode.window.showInputBox({
    title: 'Import etcd Connection',
    prompt: `Name for ${profile.endpoints.join(', ')}`,
    value: profile.name,
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? 'Enter a name.' : store.get(v.trim()) ? `"${v.trim()}" exists already.` : undefined),
  });
  if (!name) return undefined;
  profile.name = name.trim();
  return saveAfterTest(store, profile, password);
}
