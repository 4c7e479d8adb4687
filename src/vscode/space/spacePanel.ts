/**
 * The "Space" view of one connection or snapshot file: a webview that draws a SpaceReport
 * (src/webview/space) and asks for others as the user drills down. Live reports are computed per
 * prefix (cancellable, with progress in the view); a snapshot is read once and every prefix is then
 * answered from memory. One panel per connection or file; showing it again moves it to the prefix.
 */
import * as vscode from 'vscode';
import { EtcdStudioError, errorMessage } from '../../core/errors';
import { keyToText } from '../../core/keytree/keyText';
import { Logger } from '../../core/log';
import { analyzeLiveSpace, firstBranchingPrefix, readSnapshotSpace, SnapshotSpace, SpaceReport, toSpaceView } from '../../core/space';
import type { SpaceRequest, SpaceUpdate, SpaceView } from '../../protocol/spaceProtocol';
import { CommandIds } from '../commands/ids';
import { Services } from '../services';
import { webviewPage } from '../webviewPage';

/** What one load ended with: the view drawn, or the message shown instead. */
export type SpaceOutcome = { view: SpaceView } | { error: string };

export type SpaceSource = { kind: 'live'; connection: string } | { kind: 'snapshot'; file: string };

/** Levels drawn at once: the prefix's children and theirs. */
const DEPTH = 2;

export class SpacePanel implements vscode.Disposable {
  private static readonly open = new Map<string, SpacePanel>();
  private readonly panel: vscode.WebviewPanel;
  private prefix: Buffer;
  private running: AbortController | undefined;
  private snapshot: Promise<SnapshotSpace> | undefined;
  /** Live reports already computed, by prefix (hex), so going back up is instant; Refresh recomputes. */
  private readonly cache = new Map<string, SpaceReport>();
  private ready = false;
  private waiters: ((o: SpaceOutcome) => void)[] = [];
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly connect: Services['connect'],
    private readonly log: Logger,
    private readonly source: SpaceSource,
    prefix: Buffer,
    /** The prefix the breadcrumb starts at (a connection's configured prefix). */
    private readonly top: Buffer,
  ) {
    this.prefix = prefix;
    const name = source.kind === 'live' ? source.connection : source.file.split(/[\\/]/).pop()!;
    this.panel = vscode.window.createWebviewPanel('etcdStudio.space', `Space: ${name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media', 'space')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'etcd-studio.svg');
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((m: SpaceRequest) => this.onMessage(m)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows (or reuses) the Space panel of `source` at `prefix`. */
  static show(
    s: Pick<Services, 'ctx' | 'connect' | 'logger'>,
    source: SpaceSource,
    prefix: Buffer,
    top: Buffer = Buffer.alloc(0),
  ): SpacePanel {
    const id = source.kind === 'live' ? `live:${source.connection}` : `snapshot:${source.file}`;
    const existing = SpacePanel.open.get(id);
    if (existing) {
      existing.panel.reveal();
      void existing.load(prefix, true);
      return existing;
    }
    const p = new SpacePanel(s.ctx.extensionUri, s.connect, s.logger('space'), source, prefix, top);
    SpacePanel.open.set(id, p);
    return p;
  }

  /** The panel showing `source`, if any (for tests and commands). */
  static find(source: SpaceSource): SpacePanel | undefined {
    return SpacePanel.open.get(source.kind === 'live' ? `live:${source.connection}` : `snapshot:${source.file}`);
  }

  get webview(): vscode.Webview {
    return this.panel.webview;
  }

  private post(m: SpaceUpdate): void {
    void this.panel.webview.postMessage(m);
    if (m.type !== 'progress') this.settle(m.type === 'report' ? { view: m.view } : { error: m.message });
  }

  private settle(o: SpaceOutcome): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(o);
  }

  /** Resolves when the view next draws a report or shows an error. */
  nextView(): Promise<SpaceOutcome> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async onMessage(m: SpaceRequest): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          await this.load(this.prefix, true);
          return;
        case 'drill':
          await this.load(Buffer.from(m.hex, 'hex'));
          return;
        case 'refresh':
          this.cache.clear();
          await this.load(this.prefix);
          return;
        case 'cancel':
          this.running?.abort();
          return;
        case 'openKey': {
          const key = Buffer.from(m.hex, 'hex');
          if (this.source.kind === 'live')
            await vscode.commands.executeCommand(CommandIds.openKey, { connection: this.source.connection, key });
          else await vscode.commands.executeCommand(CommandIds.openSnapshotKey, { file: this.source.file, key });
          return;
        }
      }
    } catch (e) {
      this.log.warn(`space view: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(errorMessage(e));
    }
  }

  /**
   * Computes (or reuses) the report of `prefix` and sends it to the webview. When the view is opened
   * (`skipSingle`), levels holding only one child prefix are skipped, as the tree skips them.
   */
  async load(prefix: Buffer, skipSingle = false): Promise<void> {
    this.prefix = prefix;
    if (!this.ready) return;
    this.running?.abort();
    const ac = new AbortController();
    this.running = ac;
    try {
      if (skipSingle) prefix = this.prefix = await this.firstBranching(prefix, ac.signal);
    } catch {
      // Only a convenience: show the prefix as asked.
    }
    const where = prefix.length ? keyToText(prefix) : 'all keys';
    try {
      let report = this.cache.get(prefix.toString('hex'));
      if (!report) {
        report = this.source.kind === 'live' ? await this.live(prefix, where, ac.signal) : await this.offline(prefix, ac.signal);
        if (this.source.kind === 'live') this.cache.set(prefix.toString('hex'), report);
      }
      if (ac.signal.aborted) return;
      this.post({ type: 'report', view: toSpaceView(report, this.top) });
    } catch (e) {
      if (e instanceof EtcdStudioError && e.code === 'Cancelled') {
        this.post({ type: 'error', message: `Cancelled: the space under ${where} was not read completely.` });
        return;
      }
      this.log.warn(`space of ${where}: ${errorMessage(e)}`);
      this.post({ type: 'error', message: errorMessage(e) });
    } finally {
      if (this.running === ac) this.running = undefined;
    }
  }

  private async firstBranching(prefix: Buffer, signal: AbortSignal): Promise<Buffer> {
    if (this.source.kind === 'live') return firstBranchingPrefix(await this.connect(this.source.connection), prefix, signal);
    let at = prefix;
    for (let i = 0; i < 16; i++) {
      const r = await this.offline(at, signal);
      if (r.root.children.length !== 1 || r.root.ownKeys > 0) return at;
      at = r.root.children[0].prefix;
    }
    return at;
  }

  private async live(prefix: Buffer, where: string, signal: AbortSignal): Promise<SpaceReport> {
    const source = this.source as { connection: string };
    this.post({ type: 'progress', text: `Reading every key under ${where}…` });
    const conn = await this.connect(source.connection);
    return analyzeLiveSpace(conn, prefix, {
      depth: DEPTH,
      top: 20,
      signal,
      onProgress: (keys, total) =>
        this.post({
          type: 'progress',
          text: `Reading ${where}: ${keys.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} keys`,
          fraction: total ? keys / total : undefined,
        }),
    });
  }

  private async offline(prefix: Buffer, signal: AbortSignal): Promise<SpaceReport> {
    const file = (this.source as { file: string }).file;
    if (!this.snapshot) {
      this.snapshot = readSnapshotSpace(file, {
        signal,
        onProgress: (b, t) => this.post({ type: 'progress', text: `Reading ${file}…`, fraction: t ? b / t : undefined }),
      });
      // A failed or cancelled read is not kept: the next request reads again.
      this.snapshot.catch(() => (this.snapshot = undefined));
    }
    return (await this.snapshot).report(prefix, { depth: DEPTH, top: 20 });
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.extensionUri, {
      script: 'space.js',
      style: ['space', 'space.css'],
      title: 'Space',
      body: '<div id="app"><div class="loading">Preparing…</div></div>',
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.running?.abort();
    this.settle({ error: 'The Space view was closed.' });
    for (const [id, p] of SpacePanel.open) if (p === this) SpacePanel.open.delete(id);
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
