import * as vscode from 'vscode';

export interface PickOptions {
  title: string;
  placeHolder?: string;
  /** Shown instead of an empty list: why there is nothing to pick, and what to do about it. */
  empty: string;
  /** A button next to the `empty` message, e.g. "Add Connection…", and the command it runs. */
  emptyAction?: { label: string; command: string };
  /** Take the only item without asking (default true). */
  pickSingle?: boolean;
}

/**
 * The one quick pick of the extension: never shows an empty list (it says why there is nothing
 * instead), and takes the only choice without asking unless told otherwise.
 */
export async function pickOne<T extends vscode.QuickPickItem>(items: readonly T[], opts: PickOptions): Promise<T | undefined> {
  if (items.length === 0) {
    const actions = opts.emptyAction ? [opts.emptyAction.label] : [];
    void vscode.window.showInformationMessage(opts.empty, ...actions).then((choice) => {
      if (choice && opts.emptyAction) void vscode.commands.executeCommand(opts.emptyAction.command);
    });
    return undefined;
  }
  if (items.length === 1 && opts.pickSingle !== false) return items[0];
  return vscode.window.showQuickPick(items, { title: opts.title, placeHolder: opts.placeHolder });
}
