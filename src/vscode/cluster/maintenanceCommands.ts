import * as vscode from 'vscode';
import { EtcdConnection } from '../../core/etcd/connection';
import { addMember, compact, defragment, disarmAlarms, moveLeader, promoteMember, removeMember } from '../../core/etcd/maintenance';
import { listMembers, MemberInfo } from '../../core/etcd/members';
import { EtcdStudioError } from '../../core/errors';
import { humanBytes } from '../../core/format';
import { CommandIds } from '../commands/ids';
import { targetOf, TargetArg } from '../commands/targets';
import { pickOne } from '../platform/pick';
import { Services } from '../services';

/** The member a command acts on: the target's (a member node or `{ connection, member }`), or one the user picks. */
async function memberOf(
  conn: EtcdConnection,
  arg: TargetArg,
  title: string,
  filter: { accept: (m: MemberInfo) => boolean; none: string } = { accept: () => true, none: 'The cluster lists no members.' },
): Promise<MemberInfo | undefined> {
  const members = await listMembers(conn);
  const t = targetOf(arg);
  if (t?.kind === 'member') {
    const m = members.find((x) => x.id === t.memberId);
    if (!m) throw new EtcdStudioError('NotFound', `No member ${t.memberId} in "${conn.profile.name}" (any more).`);
    return m;
  }
  const picked = await pickOne(
    members
      .filter(filter.accept)
      .map((m) => ({ label: m.name || '(unstarted)', description: `${m.id} · ${m.clientUrls.join(', ') || m.peerUrls.join(', ')}`, m })),
    { title, empty: filter.none, pickSingle: false },
  );
  return picked?.m;
}

async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
}

/** Disarm alarms, defragment, compact, move leader, add / remove / promote members. */
export function registerMaintenanceCommands(s: Services): void {
  const connection = async (arg: TargetArg, title: string) => {
    const name = await s.targets.connection(arg, title);
    return name ? s.connect(name) : undefined;
  };

  s.command(CommandIds.alarmDisarm, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const conn = await connection(arg, 'Disarm alarms on which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('disarming alarms');
    if (
      !opts.confirmed &&
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

  s.command(CommandIds.defragment, async (arg?: TargetArg, opts: { endpoint?: string; confirmed?: boolean } = {}) => {
    const conn = await connection(arg, 'Defragment a member of which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('defragmenting');
    const url =
      opts.endpoint ??
      (
        await memberOf(conn, arg, 'Defragment which member?', {
          accept: (m) => m.clientUrls.length > 0,
          none: 'No member has a client URL to defragment through (members added but not started have none).',
        })
      )?.clientUrls[0];
    if (!url) return undefined;
    if (
      !opts.confirmed &&
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
    s.refreshTree();
    return r;
  });

  s.command(CommandIds.compact, async (arg?: TargetArg, opts: { revision?: number; confirmed?: boolean } = {}) => {
    const conn = await connection(arg, 'Compact which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('compacting');
    const current = (await conn.status()).revision;
    const rev =
      opts.revision ??
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
      !opts.confirmed &&
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

  s.command(CommandIds.moveLeader, async (arg?: TargetArg, opts: { to?: string } = {}) => {
    const conn = await connection(arg, 'Move the leader of which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('moving the leader');
    const leader = (await conn.status()).leader;
    const id =
      opts.to ??
      (
        await memberOf(conn, arg, 'Move leadership to which member?', {
          accept: (m) => m.id !== leader && !m.isLearner && m.status === 'started',
          none: 'There is no other started voting member to hand leadership to.',
        })
      )?.id;
    if (!id) return undefined;
    await moveLeader(conn, id);
    s.refreshTree();
    return id;
  });

  s.command(CommandIds.memberAdd, async (arg?: TargetArg, opts: { peerUrls?: string[]; learner?: boolean } = {}) => {
    const conn = await connection(arg, 'Add a member to which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('adding a member');
    const urls =
      opts.peerUrls ??
      (
        await vscode.window.showInputBox({
          title: 'Add member',
          prompt: 'Peer URLs of the new member, comma-separated',
          placeHolder: 'https://10.0.0.13:2380',
        })
      )
        ?.split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    if (!urls?.length) return undefined;
    const asLearner =
      opts.learner ??
      (
        await vscode.window.showQuickPick(['As a learner (recommended; promote when caught up)', 'As a voting member'], {
          title: 'Add member',
        })
      )?.startsWith('As a learner');
    if (asLearner === undefined) return undefined;
    const { response: _response, ...m } = await addMember(conn, urls, asLearner);
    void vscode.window.showInformationMessage(
      `Added member ${m.id}. Start etcd on the new machine with --initial-cluster-state=existing and the cluster's --initial-cluster.`,
    );
    s.refreshTree();
    return m;
  });

  s.command(CommandIds.memberRemove, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const conn = await connection(arg, 'Remove a member of which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('removing a member');
    const members = await listMembers(conn);
    const m = await memberOf(conn, arg, 'Remove which member?');
    if (!m) return undefined;
    if (
      !opts.confirmed &&
      !(await confirm(
        `Remove member ${m.name || m.id} (${m.id}) from "${conn.profile.name}"?`,
        `The cluster goes from ${members.length} to ${members.length - 1} members. The removed etcd stops serving; its data directory must not be reused.`,
        'Remove member',
      ))
    )
      return undefined;
    await removeMember(conn, m.id);
    s.refreshTree();
    return m.id;
  });

  s.command(CommandIds.memberPromote, async (arg?: TargetArg) => {
    const conn = await connection(arg, 'Promote a learner of which cluster?');
    if (!conn) return undefined;
    conn.assertWritable('promoting a member');
    const m = await memberOf(conn, arg, 'Promote which learner?', {
      accept: (x) => x.isLearner,
      none: `"${conn.profile.name}" has no learners to promote.`,
    });
    if (!m) return undefined;
    await promoteMember(conn, m.id);
    s.refreshTree();
    return m.id;
  });
}
