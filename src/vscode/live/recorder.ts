import * as vscode from 'vscode';
import type { EtcdConnection } from '../../core/etcd/connection';
import { ChangeSet, changesSince, changesToJson, changesToMarkdown, currentRevision } from '../../core/watch';

/**
 * The change recorder: "Start Recording" remembers a connection's revision; "Show Changes" lists
 * what was created, modified and deleted since then (or since any revision typed), with diffs.
 */
export class Recorder implements vscode.Disposable {
  private readonly marks = new Map<string, number>();
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 49);

  constructor(
    private readonly connect: (name: string) => Promise<EtcdConnection>,
    showCommand: string,
  ) {
    this.status.command = showCommand;
  }

  mark(connection: string): number | undefined {
    return this.marks.get(connection);
  }

  async start(connection: string): Promise<number> {
    const rev = await currentRevision(await this.connect(connection));
    this.marks.set(connection, rev);
    this.updateStatus();
    return rev;
  }

  stop(connection: string): void {
    this.marks.delete(connection);
    this.updateStatus();
  }

  async changes(connection: string, since: number, prefix?: string, signal?: AbortSignal): Promise<ChangeSet> {
    return changesSince(await this.connect(connection), since, { prefix, signal });
  }

  render(set: ChangeSet, format: 'markdown' | 'json'): string {
    return format === 'json' ? changesToJson(set, { values: true }) : changesToMarkdown(set, { diffs: true });
  }

  private updateStatus(): void {
    if (this.marks.size === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(record) ${[...this.marks].map(([c, r]) => `${c} since rev ${r}`).join(', ')}`;
    this.status.tooltip = 'etcd Studio is recording changes — click to show them';
    this.status.show();
  }

  dispose(): void {
    this.status.dispose();
  }
}
