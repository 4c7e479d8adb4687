import * as vscode from 'vscode';
import { EtcdStudioError, errorMessage } from '../../core/errors';
import { Logger } from '../../core/log';
import { CommandId, CommandIds } from './ids';

/**
 * Registers a command through one wrapper: failures are logged with their detail and shown once,
 * with "Show Log". The command's own result (or error) is still returned to programmatic callers.
 */
export function registerCommand(ctx: vscode.ExtensionContext, log: Logger, id: CommandId, fn: (...args: never[]) => unknown): void {
  ctx.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        const detail = e instanceof EtcdStudioError && e.detail ? ` (${e.detail})` : '';
        log.error(`${id} failed: ${errorMessage(e)}${detail}`);
        if (e instanceof Error && !(e instanceof EtcdStudioError) && e.stack) log.error(e);
        void vscode.window.showErrorMessage(errorMessage(e), 'Show Log').then((choice) => {
          if (choice) void vscode.commands.executeCommand(CommandIds.showLog);
        });
        throw e;
      }
    }),
  );
}
