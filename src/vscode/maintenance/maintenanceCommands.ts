import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { addMember, compact, defragment, disarmAlarms, moveLeader, promoteMember, removeMember } from '../../core/etcd/maintenance';
import { listMembers, MemberInfo } from '../../core/etcd/members';
import { ReportKind } from '../../core/etcd/reports';
import { Sessions } from '../../core/etcd/sessions';
import { humanBytes } from '../../core/format';
import { Logger } from '../../core/log';
import { CommandIds } from '../commands/ids';
import { registerCommand } from '../commands/register';
import { ConnectionStore } from '../connections/connectionStore';
import { ConnectionNode } from '../tree/connectionNode';
import { MemberNode } from '../tree/memberNode';
import { REPORT_SCHEME, ReportProvider, reportUri } from './reportProvider';

/** Connection from a tree node (connection or member), a name argument, or a pick. */
async function pickConnection(store: ConnectionStore, sessions: Sessions, arg: unknown): Promise<EtcdConnection | undefined> {
  if (arg instanceof ConnectionNode) return sessions.get(arg.profile.name);
  if (arg instanceof MemberNode) return sessions.get(arg.connection);
  if (typeof arg === 'string') return sessions.get(arg);
  const names = store.list().map((p) => p.name);
  const name = names.length === 1 ? names[0] : await vscode.window.showQuickPick(names, { title: 'Which cluster?' });
  return name ? sessions.get(name) : undefined;
}

async function pickMember(
  conn: EtcdConnection,
  arg: unknown,
  title: string,
  filter: (m: MemberInfo) => boolean = () => true,
): Promise<MemberInfo | undefined> {
  const members = (await listMembers(conn)).filter(filter);
  if (arg instanceof MemberNode) return members.find((m) => m.id === arg.details.member.id);
  const pick = await vscode.window.showQuickPick(
    members.map((m) => ({
      label: m.name || '(unstarted)',
      description: `${m.id} · ${m.clientUrls.join(', ') || m.peerUrls.join(', ')}`,
      m,
    })),
    { title },
  );
  return pick?.m;
}

async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

export function registerMaintenanceCommands(
  ctx: vscode.ExtensionContext,
  log: Logger,
  store: ConnectionStore,
  sessions: Sessions,
  refreshTree: () => void,
): void {
  const reports = new ReportProvider(sessions);
  ctx.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports));

  const openReport = (kind: ReportKind) => async (arg?: unknown, format?: 'table' | 'json') => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const uri = reportUri(conn.profile.name, kind, format);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.getText();
  };
  registerCommand(ctx, log, CommandIds.memberList, openReport('members'));
  registerCommand(ctx, log, CommandIds.endpointHealth, openReport('health'));
  registerCommand(ctx, log, CommandIds.endpointStatus, openReport('status'));
  registerCommand(ctx, log, CommandIds.alarmList, openReport('alarms'));
  registerCommand(ctx, log, CommandIds.hashKv, openReport('hashkv'));
  registerCommand(ctx, log, CommandIds.refreshReport, async (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === REPORT_SCHEME) reports.refresh(target);
  });
  registerCommand(ctx, log, CommandIds.reportAsJson, async (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme !== REPORT_SCHEME) return;
    const json = target.with({ path: target.path.replace(/\.txt$/, '.json') });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(json), { preview: false });
  });

  registerCommand(ctx, log, CommandIds.alarmDisarm, async (arg?: unknown, confirmed?: boolean) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    if (
      !confirmed &&
      !(await confirm(
        `Disarm all alarms on "${conn.profile.name}"?`,
        'A NOSPACE alarm comes back at once unless space was freed (compact + defragment) or the quota raised.',
        'Disarm',
      ))
    )
      return undefined;
    const cleared = await disarmAlarms(conn);
    void vscode.window.showInformationMessage(
      cleared.length ? `Disarmed ${cleared.map((a) => `${a.alarm} on ${a.memberId}`).join(', ')}.` : 'There were no alarms.',
    );
    return cleared;
  });

  registerCommand(ctx, log, CommandIds.defragment, async (arg?: unknown, endpoint?: string, confirmed?: boolean) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const url = endpoint ?? (await pickMember(conn, arg, 'Defragment which member?', (m) => m.clientUrls.length > 0))?.clientUrls[0];
    if (!url) return undefined;
    if (
      !confirmed &&
      !(await confirm(
        `Defragment the member at ${url}?`,
        'While it defragments, this member blocks all reads and writes (seconds to minutes on a large database). Do one member at a time, never all at once.',
        'Defragment',
      ))
    )
      return undefined;
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Defragmenting ${url}…` }, () =>
      defragment(conn, url),
    );
    void vscode.window.showInformationMessage(
      `Defragmented ${url} in ${(r.tookMs / 1000).toFixed(1)} s: ${humanBytes(r.before)} → ${humanBytes(r.after)}.`,
    );
    refreshTree();
    return r;
  });

  registerCommand(ctx, log, CommandIds.compact, async (arg?: unknown, revision?: number, confirmed?: boolean) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const current = (await conn.status()).revision;
    const rev =
      revision ??
      Number(
        await vscode.window.showInputBox({
          title: `Compact "${conn.profile.name}"`,
          prompt: `Discard history before this revision (current revision: ${current})`,
          value: String(current),
          validateInput: (v) =>
            /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= current ? undefined : `A revision between 1 and ${current}.`,
        }),
      );
    if (!rev) return undefined;
    if (
      !confirmed &&
      !(await confirm(
        `Compact "${conn.profile.name}" at revision ${rev}?`,
        'Older versions of every key become unreadable (history, watches from older revisions). This cannot be undone.',
        'Compact',
      ))
    )
      return undefined;
    await compact(conn, rev);
    void vscode.window.showInformationMessage(`Compacted "${conn.profile.name}" at revision ${rev}.`);
    return rev;
  });

  registerCommand(ctx, log, CommandIds.moveLeader, async (arg?: unknown, targetId?: string) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const leader = (await conn.status()).leader;
    const id =
      targetId ??
      (await pickMember(conn, arg, 'Move leadership to which member?', (m) => m.id !== leader && !m.isLearner && m.status === 'started'))
        ?.id;
    if (!id) return undefined;
    await moveLeader(conn, id);
    refreshTree();
    return id;
  });

  registerCommand(ctx, log, CommandIds.memberAdd, async (arg?: unknown, peerUrls?: string[], learner?: boolean) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const urls =
      peerUrls ??
      (
        await vscode.window.showInputBox({
          title: 'Add member',
          prompt: 'Peer URLs of the new member, comma-separated',
          placeHolder: 'https://10.0.0.13:2380',
        })
      )
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (!urls?.length) return undefined;
    const asLearner =
      learner ??
      (
        await vscode.window.showQuickPick(['As a learner (recommended; promote when caught up)', 'As a voting member'], {
          title: 'Add member',
        })
      )?.startsWith('As a learner');
    if (asLearner === undefined) return undefined;
    const m = await addMember(conn, urls, asLearner);
    void vscode.window.showInformationMessage(
      `Added member ${m.id}. Start etcd on the new machine with --initial-cluster-state=existing and the cluster's --initial-cluster.`,
    );
    refreshTree();
    return m;
  });

  registerCommand(ctx, log, CommandIds.memberRemove, async (arg?: unknown, id?: string, confirmed?: boolean) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const members = await listMembers(conn);
    const m = id ? members.find((x) => x.id === id) : await pickMember(conn, arg, 'Remove which member?');
    if (!m) return undefined;
    if (
      !confirmed &&
      !(await confirm(
        `Remove member ${m.name || m.id} (${m.id}) from "${conn.profile.name}"?`,
        `The cluster goes from ${members.length} to ${members.length - 1} members. The removed etcd stops serving; its data directory must not be reused.`,
        'Remove member',
      ))
    )
      return undefined;
    await removeMember(conn, m.id);
    refreshTree();
    return m.id;
  });

  registerCommand(ctx, log, CommandIds.memberPromote, async (arg?: unknown, id?: string) => {
    const conn = await pickConnection(store, sessions, arg);
    if (!conn) return undefined;
    const m = id ? { id } : await pickMember(conn, arg, 'Promote which learner?', (x) => x.isLearner);
    if (!m) return undefined;
    await promoteMember(conn, m.id);
    refreshTree();
    return m.id;
  });
}
