import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { parseScript } from '../../core/script/parse';
import { ETCDCTL_LANGUAGE, ScriptCommandIds } from '../../protocol/scriptProtocol';
import { CommandIds } from '../commands/ids';
import { ConnectionStore } from '../connections/connectionStore';
import { pickOne } from '../platform/pick';

const STATE_KEY = 'etcdStudio.scriptConnection';

/**
 * The connection scripts run on: chosen from the status bar and remembered per workspace. A
 * `# connection: NAME` line at the top of a script overrides it for that script.
 */
export class ActiveConnection implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('etcdStudio.scriptConnection', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(
    private readonly state: vscode.Memento,
    private readonly store: ConnectionStore,
  ) {
    this.item.name = 'etcd Studio: script connection';
    this.item.command = ScriptCommandIds.selectScriptConnection;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.update();
      }),
      store.onDidChange(() => this.update()),
    );
    this.update();
  }

  /** The workspace's chosen connection, if it still exists. */
  get name(): string | undefined {
    const n = this.state.get<string>(STATE_KEY);
    return n && this.store.get(n) ? n : undefined;
  }

  async set(name: string): Promise<void> {
    if (!this.store.get(name))
      throw new EtcdStudioError('NotFound', `There is no connection named "${name}". Add it first (etcd Studio: Add Connection…).`);
    await this.state.update(STATE_KEY, name);
    this.update();
  }

  /** Asks the user to pick a connection (the current one first). Undefined when cancelled. */
  async pick(): Promise<string | undefined> {
    const profiles = this.store.list();
    const current = this.name;
    const items = profiles
      .map((p) => ({
        label: p.name,
        description: p.endpoints.join(', '),
        detail: p.readOnly ? '$(lock) read-only: writes are refused' : undefined,
        picked: p.name === current,
      }))
      .sort((a, b) => Number(b.picked) - Number(a.picked));
    const choice = await pickOne(items, {
      title: 'Connection for etcdctl scripts',
      placeHolder: current ? `now: ${current}` : 'none chosen yet',
      empty: 'There are no etcd connections yet: add one first.',
      emptyAction: { label: 'Add Connection…', command: CommandIds.addConnection },
      pickSingle: false,
    });
    if (!choice) return undefined;
    await this.set(choice.label);
    return choice.label;
  }

  /**
   * The connection a script runs on: its `# connection:` line, else the chosen one, else the user
   * is asked. Throws when the script names a connection that does not exist.
   */
  async forDocument(doc: vscode.TextDocument, named?: string): Promise<string | undefined> {
    const fromScript = named ?? parseScript(doc.getText()).connection?.name;
    if (fromScript) {
      if (!this.store.get(fromScript))
        throw new EtcdStudioError(
          'NotFound',
          `The script asks for connection "${fromScript}" (its "# connection:" line), but there is no such connection. Add it or fix the line.`,
        );
      return fromScript;
    }
    return this.name ?? (await this.pick());
  }

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.languageId !== ETCDCTL_LANGUAGE) {
      this.item.hide();
      return;
    }
    const fromScript = parseScript(doc.getText()).connection?.name;
    const name = fromScript ?? this.name;
    const profile = name ? this.store.get(name) : undefined;
    this.item.text = `$(database) etcd: ${name ?? 'no connection'}${profile?.readOnly ? ' $(lock)' : ''}`;
    this.item.tooltip = fromScript
      ? `This script runs on "${fromScript}" (its "# connection:" line).${profile ? '' : ' There is no such connection!'}`
      : `etcdctl scripts in this workspace run on ${name ? `"${name}"` : 'no connection yet'}. Click to choose.`;
    this.item.backgroundColor = fromScript && !profile ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
