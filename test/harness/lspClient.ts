/**
 * Plays the editor against the built language server (dist/server.js over stdio): opens documents,
 * collects published diagnostics, sends requests, and answers the server's own requests (the test
 * decides how, e.g. with real listChildren results).
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection,
  Diagnostic,
  ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from './tools';

export class LspTestClient {
  private readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  private readonly waiters: (() => void)[] = [];
  private versions = new Map<string, number>();

  private constructor(
    private readonly proc: ChildProcess,
    readonly conn: ProtocolConnection,
  ) {
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Starts the server (ETCD_STUDIO_SERVER overrides dist/server.js) and runs the initialize handshake. */
  static async start(): Promise<LspTestClient> {
    const server = process.env.ETCD_STUDIO_SERVER ?? path.join(repoRoot(), 'dist', 'server.js');
    const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspTestClient(proc, conn);
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await conn.sendNotification('initialized', {});
    return client;
  }

  open(uri: string, languageId: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text (a full-content change). */
  change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The diagnostics published for the current version of `uri` (waits for them). */
  async diagnosticsFor(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = this.diagnostics.get(uri);
      if (d && (d.version === undefined || d.version === this.versions.get(uri))) return d.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} version ${this.versions.get(uri)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  request<R>(method: string, uri: string, extra: Record<string, unknown> = {}): Promise<R> {
    return this.conn.sendRequest(method, { textDocument: { uri }, ...extra }) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
  }
}
