import * as vscode from 'vscode';
import { Sessions } from '../../core/etcd/sessions';
import { EtcdStudioError } from '../../core/errors';
import { eventTimeline, TimelineEvent } from '../../core/events';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { grantLease, keepAliveOnce, putWithLease, revokeLease, revokePreview } from '../../core/leases';
import { Logger } from '../../core/log';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { withCancellableProgress } from '../platform/progress';
import { ConnectionNode } from '../tree/connectionNode';
import { KeyNode, PrefixNode } from '../tree/keyNodes';
import { liveConnection } from '../tree/keySource';
import { LeaseNode, LeasesNode } from '../tree/leaseNodes';
import { Recorder } from './recorder';
import { WatchSessions } from './watchSessions';

async function connectionOf(store: ConnectionStore, arg: unknown): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg instanceof ConnectionNode) return arg.profile.name;
  if (arg instanceof KeyNode || arg instanceof PrefixNode) return liveConnection(arg.ctx.source, 'This command').profile.name;
  if (arg instanceof LeasesNode || arg instanceof LeaseNode) return arg.conn.profile.name;
  const names = store.list().map((p) => p.name);
  return names.length === 1 ? names[0] : vscode.window.showQuickPick(names, { title: 'Which cluster?' });
}

async function openMarkdown(content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

function eventsMarkdown(key: string, events: TimelineEvent[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return (
    [
      `# Events for \`${key}\``,
      '',
      events.length ? `${events.length} event(s), oldest first.` : 'No events found (events expire after an hour by default).',
      '',
      ...(events.length
        ? [
            '| last seen | type | reason | message | count | first seen | source |',
            '|---|---|---|---|---|---|---|',
            ...events.map(
              (e) =>
                `| ${e.time} | ${e.type} | ${esc(e.reason)} | ${esc(e.message)} | ${e.count} | ${e.firstTimestamp ?? e.eventTime ?? ''} | ${esc([e.source.component, e.source.host].filter(Boolean).join(', '))}${e.otherIncarnation ? ' (earlier object of this name)' : ''} |`,
            ),
          ]
        : []),
    ].join('\n') + '\n'
  );
}

export function registerLiveCommands(
  ctx: vscode.ExtensionContext,
  log: Logger,
  store: ConnectionStore,
  sessions: Sessions,
  refreshTree: () => void,
): void {
  const watches = new WatchSessions(log, refreshTree, CommandIds.stopWatch);
  const recorder = new Recorder(sessions, CommandIds.showChanges);
  ctx.subscriptions.push(watches, recorder);

  registerCommand(ctx, log, CommandIds.watch, async (arg?: unknown, keyText?: string, prefix?: boolean, startRevision?: number) => {
    const connection = await connectionOf(store, arg);
    if (!connection) return undefined;
    let key: Buffer | undefined =
      arg instanceof KeyNode ? arg.key : arg instanceof PrefixNode ? arg.prefix : keyText !== undefined ? keyFromText(keyText) : undefined;
    let isPrefix = prefix ?? !(arg instanceof KeyNode);
    if (!key) {
      const text = await vscode.window.showInputBox({
        title: `Watch on "${connection}"`,
        prompt: 'Key or prefix to watch (end with / for a prefix)',
        value: '/registry/',
      });
      if (!text) return undefined;
      key = keyFromText(text);
      isPrefix = text.endsWith('/');
    }
    return watches.start(await sessions.get(connection), key, isPrefix, startRevision);
  });
  registerCommand(ctx, log, CommandIds.stopWatch, async (id?: number) => {
    const list = watches.list();
    const target =
      id ??
      (list.length === 1
        ? list[0].id
        : (
            await vscode.window.showQuickPick(
              list.map((w) => ({ label: w.label, description: `${w.events} events · last revision ${w.lastRevision}`, id: w.id })),
              { title: 'Stop which watch?' },
            )
          )?.id);
    if (target !== undefined) await watches.stop(target);
  });

  registerCommand(ctx, log, CommandIds.startRecording, async (arg?: unknown) => {
    const connection = await connectionOf(store, arg);
    if (!connection) return undefined;
    const rev = await recorder.start(connection);
    if (typeof arg !== 'string')
      void vscode.window.showInformationMessage(`Recording changes on "${connection}" from revision ${rev}. Use "Show Changes" any time.`);
    return rev;
  });
  registerCommand(ctx, log, CommandIds.stopRecording, async (arg?: unknown) => {
    const connection = await connectionOf(store, arg);
    if (connection) recorder.stop(connection);
  });
  registerCommand(ctx, log, CommandIds.showChanges, async (arg?: unknown, since?: number, prefix?: string) => {
    const connection = await connectionOf(store, arg);
    if (!connection) return undefined;
    const from =
      since ??
      recorder.mark(connection) ??
      Number(
        await vscode.window.showInputBox({
          title: `Changes on "${connection}"`,
          prompt: 'Since which revision?',
          validateInput: (v) => (/^\d+$/.test(v) ? undefined : 'A revision number.'),
        }),
      );
    if (!from) return undefined;
    const set = await withCancellableProgress(`Collecting changes on ${connection} since revision ${from}`, (signal) =>
      recorder.changes(connection, from, prefix, signal),
    );
    await openMarkdown(recorder.render(set, 'markdown'));
    return {
      since: set.sinceRevision,
      to: set.toRevision,
      counts: set.counts,
      keys: set.changes.map((c) => ({ key: c.keyText, change: c.change })),
    };
  });
  registerCommand(
    ctx,
    log,
    CommandIds.exportChanges,
    async (arg?: unknown, since?: number, format?: 'json' | 'markdown', file?: string) => {
      const connection = await connectionOf(store, arg);
      if (!connection) return undefined;
      const from = since ?? recorder.mark(connection);
      if (!from) throw new EtcdStudioError('InvalidArgument', `Not recording on "${connection}": start recording or pass a revision.`);
      const fmt =
        format ??
        ((await vscode.window.showQuickPick(['markdown', 'json'], { title: 'Export changes as' })) as 'json' | 'markdown' | undefined);
      if (!fmt) return undefined;
      const target = file
        ? vscode.Uri.file(file)
        : await vscode.window.showSaveDialog({
            title: 'Export changes',
            filters: fmt === 'json' ? { JSON: ['json'] } : { Markdown: ['md'] },
          });
      if (!target) return undefined;
      const set = await recorder.changes(connection, from);
      await vscode.workspace.fs.writeFile(target, Buffer.from(recorder.render(set, fmt)));
      return target.fsPath;
    },
  );

  registerCommand(ctx, log, CommandIds.showEvents, async (arg?: unknown, keyText?: string) => {
    const connection = await connectionOf(store, arg);
    const key = arg instanceof KeyNode ? arg.key : keyText !== undefined ? keyFromText(keyText) : undefined;
    if (!connection || !key) return undefined;
    const events = await eventTimeline(await sessions.get(connection), key);
    await openMarkdown(eventsMarkdown(keyToText(key), events));
    return events.map((e) => ({ reason: e.reason, message: e.message, type: e.type, count: e.count, time: e.time }));
  });

  registerCommand(ctx, log, CommandIds.grantLease, async (arg?: unknown, ttl?: number) => {
    const connection = await connectionOf(store, arg);
    if (!connection) return undefined;
    const seconds =
      ttl ??
      Number(
        await vscode.window.showInputBox({
          title: 'Grant lease',
          prompt: 'TTL in seconds',
          value: '60',
          validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 ? undefined : 'A positive number of seconds.'),
        }),
      );
    if (!seconds) return undefined;
    const lease = await grantLease(await sessions.get(connection), seconds);
    refreshTree();
    return lease;
  });
  registerCommand(ctx, log, CommandIds.revokeLease, async (arg?: LeaseNode | string, id?: string, confirmed?: boolean) => {
    const connection = await connectionOf(store, arg);
    const leaseId = arg instanceof LeaseNode ? arg.lease.id : id;
    if (!connection || !leaseId) return undefined;
    const conn = await sessions.get(connection);
    const preview = await revokePreview(conn, leaseId);
    if (!confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Revoke lease ${leaseId}? ${preview.count} key${preview.count === 1 ? '' : 's'} attached to it will be deleted.`,
        { modal: true, detail: preview.keys.slice(0, 20).join('\n') + (preview.count > 20 ? `\n…and ${preview.count - 20} more` : '') },
        `Revoke and delete ${preview.count} keys`,
      );
      if (!ok) return undefined;
    }
    await revokeLease(conn, leaseId);
    refreshTree();
    return preview.count;
  });
  registerCommand(ctx, log, CommandIds.keepAliveLease, async (arg?: LeaseNode | string, id?: string) => {
    const connection = await connectionOf(store, arg);
    const leaseId = arg instanceof LeaseNode ? arg.lease.id : id;
    if (!connection || !leaseId) return undefined;
    const r = await keepAliveOnce(await sessions.get(connection), leaseId);
    refreshTree();
    return r;
  });
  registerCommand(ctx, log, CommandIds.putWithLease, async (arg?: LeaseNode | string, id?: string, keyText?: string, value?: string) => {
    const connection = await connectionOf(store, arg);
    const leaseId = arg instanceof LeaseNode ? arg.lease.id : id;
    if (!connection || !leaseId) return undefined;
    const k = keyText ?? (await vscode.window.showInputBox({ title: `Put a key with lease ${leaseId}`, prompt: 'Key', value: '/' }));
    if (!k) return undefined;
    const v = value ?? (await vscode.window.showInputBox({ title: `Put ${k} with lease ${leaseId}`, prompt: 'Value (text)' }));
    if (v === undefined) return undefined;
    const r = await putWithLease(await sessions.get(connection), keyFromText(k), v, leaseId);
    refreshTree();
    return r.revision;
  });

  registerCommand(ctx, log, CommandIds.newTransaction, async (arg?: unknown) => {
    const connection = await connectionOf(store, arg);
    if (!connection) return undefined;
    const content = [
      `# connection: ${connection}`,
      '# A transaction, in the form etcdctl txn reads: compares, a blank line, the operations run when all',
      '# compares hold, a blank line, the operations run otherwise, a blank line. Click "Run" to execute it;',
      '# the output shows SUCCESS or FAILURE and the result of each operation.',
      'txn',
      'mod("/demo/config") = "0"',
      '',
      'put /demo/config "v1"',
      'get /demo/config',
      '',
      'get /demo/config',
      '',
      '',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'etcdctl', content });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri.toString();
  });
}
