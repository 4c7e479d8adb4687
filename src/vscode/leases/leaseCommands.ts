/** The code of the leases commands, loaded on their first use (index.ts registers them). */
import * as vscode from 'vscode';
import { EtcdStudioError } from '../../core/errors';
import { keyFromText } from '../../core/keytree/keyText';
import { grantLease, keepAliveOnce, listLeases, putWithLease, revokeLease, revokePreview } from '../../core/leases';
import { CommandIds } from '../commands/ids';
import { targetOf, TargetArg } from '../commands/targets';
import { pickOne } from '../platform/pick';
import { Services } from '../services';

export function registerCommands(s: Services): void {
  /** The lease a command acts on: a lease node or `{ connection, lease }`, or one the user picks. */
  const leaseOf = async (arg: TargetArg, title: string): Promise<{ connection: string; leaseId: string } | undefined> => {
    const t = targetOf(arg);
    if (t?.kind === 'lease') return { connection: t.connection, leaseId: t.leaseId };
    const connection = await s.targets.connection(arg, `${title}: on which cluster?`);
    if (!connection) return undefined;
    const leases = await listLeases(await s.connect(connection));
    const picked = await pickOne(
      leases.map((l) => ({ label: l.id, description: `${l.remainingTtl} s left · ${l.keys.length} key(s)` })),
      {
        title,
        empty: `"${connection}" has no leases, so there is none to act on. Grant one with "Grant Lease…".`,
        emptyAction: { label: 'Grant Lease…', command: CommandIds.grantLease },
        pickSingle: false,
      },
    );
    return picked && { connection, leaseId: picked.label };
  };

  s.command(CommandIds.grantLease, async (arg?: TargetArg, opts: { ttl?: number } = {}) => {
    const connection = await s.targets.connection(arg, 'Grant a lease on which cluster?');
    if (!connection) return undefined;
    const conn = await s.connect(connection);
    conn.assertWritable('granting a lease');
    const seconds =
      opts.ttl ??
      Number(
        await vscode.window.showInputBox({
          title: 'Grant lease',
          prompt: 'TTL in seconds',
          value: '60',
          validateInput: (v) => (/^\d+$/.test(v) && Number(v) > 0 ? undefined : 'A positive number of seconds.'),
        }),
      );
    if (!seconds) return undefined;
    const lease = await grantLease(conn, seconds);
    s.refreshTree();
    return lease;
  });

  s.command(CommandIds.revokeLease, async (arg?: TargetArg, opts: { confirmed?: boolean } = {}) => {
    const l = await leaseOf(arg, 'Revoke which lease?');
    if (!l) return undefined;
    const conn = await s.connect(l.connection);
    conn.assertWritable('revoking a lease');
    const preview = await revokePreview(conn, l.leaseId);
    if (!opts.confirmed) {
      const action = `Revoke and delete ${preview.count} keys`;
      const ok = await vscode.window.showWarningMessage(
        `Revoke lease ${l.leaseId}? ${preview.count} key${preview.count === 1 ? '' : 's'} attached to it will be deleted.`,
        { modal: true, detail: preview.keys.slice(0, 20).join('\n') + (preview.count > 20 ? `\n…and ${preview.count - 20} more` : '') },
        action,
      );
      if (ok !== action) return undefined;
    }
    await revokeLease(conn, l.leaseId);
    s.refreshTree();
    return preview.count;
  });

  s.command(CommandIds.keepAliveLease, async (arg?: TargetArg) => {
    const l = await leaseOf(arg, 'Keep which lease alive?');
    if (!l) return undefined;
    const r = await keepAliveOnce(await s.connect(l.connection), l.leaseId);
    s.refreshTree();
    return r;
  });

  s.command(CommandIds.putWithLease, async (arg?: TargetArg, opts: { key?: string; value?: string } = {}) => {
    const l = await leaseOf(arg, 'Put a key with which lease?');
    if (!l) return undefined;
    const conn = await s.connect(l.connection);
    conn.assertWritable('writing a key');
    const k = opts.key ?? (await vscode.window.showInputBox({ title: `Put a key with lease ${l.leaseId}`, prompt: 'Key', value: '/' }));
    if (!k) return undefined;
    const v = opts.value ?? (await vscode.window.showInputBox({ title: `Put ${k} with lease ${l.leaseId}`, prompt: 'Value (text)' }));
    if (v === undefined) return undefined;
    if (!k.trim()) throw new EtcdStudioError('InvalidArgument', 'The key is empty.');
    const r = await putWithLease(conn, keyFromText(k), v, l.leaseId);
    s.refreshTree();
    return r.revision;
  });
}
