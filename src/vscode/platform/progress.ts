import * as vscode from 'vscode';

/** Notification progress with Cancel, bridged to an AbortSignal for core code. */
export function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let last = 0;
      const report = (message: string) => {
        // Progress text updates at most a few times a second.
        if (Date.now() - last < 250) return;
        last = Date.now();
        progress.report({ message });
      };
      return work(controller.signal, report).finally(() => sub.dispose());
    }),
  );
}
