import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { Logger } from '../../core/log';
import { ConnectionStore } from '../connections/connectionStore';

export interface ScriptingDeps {
  log: Logger;
  channel: vscode.LogOutputChannel;
  sessions: Sessions;
  store: ConnectionStore;
}

/** etcdctl scripts: language client, Run code lenses, active connection (filled in by the scripting feature). */
export function registerScripting(_ctx: vscode.ExtensionContext, _deps: ScriptingDeps): void {
  // Nothing yet: the grammar is contributed statically in package.json.
}
