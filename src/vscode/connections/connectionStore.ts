import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { ConnectionProfile, validateProfile } from '../../core/etcd/profile';

const SECTION = 'etcdStudio';
const KEY = 'connections';
const SECRET_PREFIX = 'etcdStudio.password.';

/**
 * Connection profiles live in the `etcdStudio.connections` setting (user level); passwords
 * only in SecretStorage, keyed by connection name.
 */
export class ConnectionStore {
  private readonly changed = new vscode.EventEmitter<void>();
  /** The profiles changed (any edit of the setting: commands, settings.json, settings sync). */
  readonly onDidChange = this.changed.event;
  private readonly passwordChanged = new vscode.EventEmitter<string>();
  /** A connection's saved password was stored or deleted. */
  readonly onDidChangePassword = this.passwordChanged.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  watch(ctx: vscode.ExtensionContext): void {
    ctx.subscriptions.push(
      this.changed,
      this.passwordChanged,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${KEY}`)) this.changed.fire();
      }),
      this.secrets.onDidChange((e) => {
        if (e.key.startsWith(SECRET_PREFIX)) this.passwordChanged.fire(e.key.slice(SECRET_PREFIX.length));
      }),
    );
  }

  list(): ConnectionProfile[] {
    return vscode.workspace.getConfiguration(SECTION).get<ConnectionProfile[]>(KEY, []);
  }

  get(name: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.name === name);
  }

  /** Adds or replaces (by name) a profile; stores the password, if any, in SecretStorage. */
  async save(profile: ConnectionProfile, password?: string): Promise<void> {
    const p = validateProfile(profile);
    const clean: ConnectionProfile = Object.fromEntries(
      Object.entries(p).filter(([, v]) => v !== undefined && v !== ''),
    ) as ConnectionProfile;
    const others = this.list().filter((x) => x.name !== p.name);
    await vscode.workspace.getConfiguration(SECTION).update(KEY, [...others, clean], vscode.ConfigurationTarget.Global);
    if (password !== undefined) await this.secrets.store(this.secretKey(p.name), password);
  }

  async remove(name: string): Promise<void> {
    if (!this.get(name)) throw new EtcdStudioError('NotFound', `There is no connection named "${name}".`);
    await vscode.workspace.getConfiguration(SECTION).update(
      KEY,
      this.list().filter((x) => x.name !== name),
      vscode.ConfigurationTarget.Global,
    );
    await this.secrets.delete(this.secretKey(name));
  }

  password(name: string): Thenable<string | undefined> {
    return this.secrets.get(this.secretKey(name));
  }

  async savePassword(name: string, password: string): Promise<void> {
    await this.secrets.store(this.secretKey(name), password);
  }

  async forgetPassword(name: string): Promise<void> {
    await this.secrets.delete(this.secretKey(name));
  }

  private secretKey(name: string): string {
    return `${SECRET_PREFIX}${name}`;
  }
}
