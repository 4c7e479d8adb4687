import * as vscode from 'vscode';
import { ClusterProbe, FixAction } from '../../core/doctor';
import { EtcdConnection } from '../../core/etcd/connection';
import { errorMessage } from '../../core/errors';
import { Logger } from '../../core/log';
import { overviewModel, OverviewModel } from '../../core/dashboard/model';
import { Timeline } from '../../core/dashboard/timeline';
import type { FromOverview, ToOverview } from '../../protocol/dashboardProtocol';
import { CommandIds } from '../commands/ids';
import { overviewHtml } from './overviewHtml';
import { readOverviewSettings } from './overviewSettings';

export interface OverviewDeps {
  /** The connection of a profile as it is now (services.connect): asked on every sample, never kept. */
  connect(name: string): Promise<EtcdConnection>;
  log: Logger;
  extensionUri: vscode.Uri;
}

/**
 * One connection's Cluster Overview. Samples the cluster (core ClusterProbe) on an interval while the
 * panel is visible — hidden panels sample nothing — and sends the webview the computed model. Fix
 * buttons run the existing maintenance commands, which ask for confirmation before destructive work.
 */
export class OverviewPanel implements vscode.Disposable {
  private probe: { conn: EtcdConnection; probe: ClusterProbe } | undefined;
  private timeline: Timeline;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;
  private paused = false;
  private disposed = false;
  private lastModel: OverviewModel | undefined;
  private readonly firstModel: Promise<OverviewModel>;
  private resolveFirst!: (m: OverviewModel) => void;
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    readonly connection: string,
    readonly panel: vscode.WebviewPanel,
    private readonly deps: OverviewDeps,
  ) {
    this.timeline = new Timeline(readOverviewSettings().historyMs);
    this.firstModel = new Promise((r) => (this.resolveFirst = r));
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(deps.extensionUri, 'media')],
    };
    panel.title = `Overview: ${connection}`;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'etcd-studio.svg');
    panel.webview.html = overviewHtml(panel.webview, deps.extensionUri, connection);
    this.onDidDispose = panel.onDidDispose;
    this.disposables.push(
      panel.onDidChangeViewState(() => (panel.visible ? void this.refresh() : this.stopTimer())),
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromOverview) => this.onMessage(m)),
    );
  }

  /** Resolves with the first model shown (what the command returns to scripts and tests). */
  whenShown(): Promise<OverviewModel> {
    return this.firstModel;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Samples now (unless a sample is running: then waits for it) and schedules the next one. */
  refresh(): Promise<void> {
    this.stopTimer();
    this.sampling ??= this.sample().finally(() => {
      this.sampling = undefined;
      this.schedule();
    });
    return this.sampling;
  }

  private schedule(): void {
    this.stopTimer();
    if (this.disposed || this.paused || !this.panel.visible) return;
    this.timer = setTimeout(() => void this.refresh(), readOverviewSettings().refreshMs);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    const settings = readOverviewSettings();
    try {
      const conn = await this.deps.connect(this.connection);
      // After a disconnect/reconnect the session is a new connection: probe through the new one.
      if (this.probe?.conn !== conn) {
        this.probe?.probe.close();
        this.probe = { conn, probe: new ClusterProbe(conn) };
      }
      const sample = await this.probe.probe.sample();
      if (this.disposed) return;
      if (this.timeline.keepMs !== settings.historyMs) this.timeline = this.timeline.resized(settings.historyMs);
      this.timeline.add(sample);
      const model = overviewModel(this.timeline, settings.thresholds, settings.windowMs)!;
      this.lastModel = model;
      this.post({ type: 'model', model, refreshSeconds: settings.refreshMs / 1000, paused: this.paused });
      if (settings.problem) this.post({ type: 'status', paused: this.paused, error: settings.problem });
      this.resolveFirst(model);
    } catch (e) {
      this.deps.log.warn(`overview of "${this.connection}": ${errorMessage(e)}`);
      this.post({ type: 'status', paused: this.paused, error: `Cannot sample "${this.connection}": ${errorMessage(e)}` });
    }
  }

  private post(m: ToOverview): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: FromOverview): Promise<void> {
    switch (m.type) {
      case 'ready':
        // The webview (re)loaded: show what we have at once, then keep sampling.
        if (this.lastModel)
          this.post({ type: 'model', model: this.lastModel, refreshSeconds: readOverviewSettings().refreshMs / 1000, paused: this.paused });
        return this.refresh();
      case 'refresh':
        return this.refresh();
      case 'pause':
        this.paused = m.paused;
        if (m.paused) this.stopTimer();
        this.post({ type: 'status', paused: this.paused });
        if (this.lastModel)
          this.post({ type: 'model', model: this.lastModel, refreshSeconds: readOverviewSettings().refreshMs / 1000, paused: this.paused });
        if (!m.paused) await this.refresh();
        return;
      case 'fix':
        return this.fix(m.fix);
      case 'report': {
        const ids = {
          status: CommandIds.endpointStatus,
          health: CommandIds.endpointHealth,
          members: CommandIds.memberList,
          alarms: CommandIds.alarmList,
          hashkv: CommandIds.hashKv,
        };
        await vscode.commands.executeCommand(ids[m.report], this.connection).then(undefined, () => undefined);
        return;
      }
    }
  }

  /** Runs the command that fixes a finding (it confirms destructive work itself), then samples again. */
  async fix(fix: FixAction): Promise<void> {
    const name = this.connection;
    this.post({ type: 'status', paused: this.paused, busy: `${fix.label}…` });
    try {
      switch (fix.kind) {
        case 'defragment':
          await vscode.commands.executeCommand(CommandIds.defragment, name, { endpoint: fix.endpoint });
          break;
        case 'compact':
          await vscode.commands.executeCommand(CommandIds.compact, name, { revision: fix.revision });
          break;
        case 'disarmAlarms':
          await vscode.commands.executeCommand(CommandIds.alarmDisarm, name);
          break;
        case 'moveLeader': {
          const target = this.lastModel?.members.find((x) => x.id === fix.targetId)?.name ?? fix.targetId;
          const go = await vscode.window.showWarningMessage(
            `Move the leadership of "${name}" to ${target}?`,
            { modal: true, detail: 'Writes pause for a moment while the new leader takes over.' },
            'Move Leader',
          );
          if (go === 'Move Leader') await vscode.commands.executeCommand(CommandIds.moveLeader, name, { to: fix.targetId });
          break;
        }
        case 'hashKv':
          await vscode.commands.executeCommand(CommandIds.hashKv, name);
          break;
      }
    } catch {
      // The command has shown its error (with Show Log); the overview just samples again.
    } finally {
      await this.refresh();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimer();
    this.probe?.probe.close();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
