/** The code of the live commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { eventTimeline, TimelineEvent } from '../../core/events';
import { keyFromText, keyToText } from '../../core/keytree/keyText';
import { CommandIds } from '../commands/ids';
import { isScripted, TargetArg } from '../commands/targets';
import { pickOne } from '../platform/pick';
import { withCancellableProgress } from '../platform/progress';
import { Services } from '../services';
import { Recorder } from './recorder';
import { WatchSessions } from './watchSessions';

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

export function registerCommands(s: Services): void {
  const { targets } = s;
  const watches = new WatchSessions(s.log, () => s.refreshTree(), CommandIds.stopWatch);
  const recorder = new Recorder(s.connect, CommandIds.showChanges);
  s.ctx.subscriptions.push(
    watches,
    recorder,
    // A watch runs on the connection it started with: when its profile changes or goes, it stops and says so.
    s.sessions.onDidClose((name, reason) => {
      if (reason !== 'disconnected')
        void watches.stopAll(name, `connection "${name}" was ${reason} in the settings; start the watch again`);
    }),
  );

  s.command(CommandIds.watch, async (arg?: TargetArg, opts: { startRevision?: number } = {}) => {
    const connection = await targets.connection(arg, 'Watch on which cluster?');
    if (!connection) return undefined;
    const what = targets.keyOrPrefix(arg, 'Watch');
    let key = what?.key;
    let isPrefix = what?.isPrefix ?? false;
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
    return watches.start(await s.connect(connection), key, isPrefix, opts.startRevision);
  });
  s.command(CommandIds.stopWatch, async (id?: number) => {
    const picked =
      id ??
      (
        await pickOne(
          watches.list().map((w) => ({ label: w.label, description: `${w.events} events · last revision ${w.lastRevision}`, id: w.id })),
          {
            title: 'Stop which watch?',
            empty: 'No watch is running, so there is nothing to stop. Start one with "Watch…" on a key or prefix.',
            emptyAction: { label: 'Watch…', command: CommandIds.watch },
          },
        )
      )?.id;
    if (picked !== undefined) await watches.stop(picked);
  });

  s.command(CommandIds.startRecording, async (arg?: TargetArg) => {
    const connection = await targets.connection(arg, 'Record changes on which cluster?');
    if (!connection) return undefined;
    const rev = await recorder.start(connection);
    if (!isScripted(arg))
      void vscode.window.showInformationMessage(`Recording changes on "${connection}" from revision ${rev}. Use "Show Changes" any time.`);
    return rev;
  });
  s.command(CommandIds.stopRecording, async (arg?: TargetArg) => {
    const connection = await targets.connection(arg, 'Stop recording on which cluster?');
    if (connection) recorder.stop(connection);
  });
  s.command(CommandIds.showChanges, async (arg?: TargetArg, opts: { since?: number; prefix?: string } = {}) => {
    const connection = await targets.connection(arg, 'Show changes on which cluster?');
    if (!connection) return undefined;
    const from =
      opts.since ??
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
      recorder.changes(connection, from, opts.prefix, signal),
    );
    await openMarkdown(recorder.render(set, 'markdown'));
    return {
      since: set.sinceRevision,
      to: set.toRevision,
      counts: set.counts,
      keys: set.changes.map((c) => ({ key: c.keyText, change: c.change })),
    };
  });
  s.command(
    CommandIds.exportChanges,
    async (arg?: TargetArg, opts: { since?: number; format?: 'json' | 'markdown'; file?: string } = {}) => {
      const connection = await targets.connection(arg, 'Export changes of which cluster?');
      if (!connection) return undefined;
      const from = opts.since ?? recorder.mark(connection);
      if (!from)
        throw new EtcdStudioError('InvalidArgument', `Not recording on "${connection}": start recording or pass { since: REVISION }.`);
      const fmt =
        opts.format ??
        ((await vscode.window.showQuickPick(['markdown', 'json'], { title: 'Export changes as' })) as 'json' | 'markdown' | undefined);
      if (!fmt) return undefined;
      const target = opts.file
        ? vscode.Uri.file(opts.file)
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

  s.command(CommandIds.showEvents, async (arg?: TargetArg) => {
    const t = targets.key(arg, 'Show Kubernetes Events');
    const events = await eventTimeline(await s.connect(t.connection), t.key);
    await openMarkdown(eventsMarkdown(keyToText(t.key), events));
    return events.map((e) => ({ reason: e.reason, message: e.message, type: e.type, count: e.count, time: e.time }));
  });
}
