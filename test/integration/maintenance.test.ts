import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { useConnection } from './useConnection';
import { etcdVersionPattern } from '../harness/tools';

const CONN = 'it-maint';

describe('cluster reports and maintenance commands', () => {
  useConnection(CONN);

  it("endpoint status opens as the etcdctl table of the cluster's release in a read-only document", async () => {
    const text = await vscode.commands.executeCommand<string>('etcdStudio.endpointStatus', CONN);
    assert.match(text, /# etcdctl endpoint status — connection "it-maint"/);
    // etcdctl's tablewriter: centred upper-case headers, right-aligned cells (ASCII borders to 3.6, box-drawing from 3.7).
    assert.match(text, /[|│] +ENDPOINT +[|│] +ID +[|│] +VERSION +[|│]/);
    assert.match(text, new RegExp(`[|│] http://127\\.0\\.0\\.1:\\d+ [|│] [0-9a-f]+ [|│] +${etcdVersionPattern()} [|│]`));
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'etcd-report');
  });

  it('member list, endpoint health and alarms show what etcdctl would', async () => {
    const members = await vscode.commands.executeCommand<string>('etcdStudio.memberList', CONN);
    assert.match(members, /[|│] [0-9a-f]+ [|│] started [|│] +m1 [|│]/);
    assert.match(members, /^Leader: [0-9a-f]+ \(m1\)$/m);
    assert.match(
      await vscode.commands.executeCommand<string>('etcdStudio.endpointHealth', CONN),
      /[|│] http:\/\/127\.0\.0\.1:\d+ [|│] +true [|│] +[\d.]+(ms|µs|s) [|│]/,
    );
    assert.match(await vscode.commands.executeCommand<string>('etcdStudio.alarmList', CONN), /No alarms\./);
    // etcdctl's -w json: uint64 ids as numbers too large for JavaScript, so read them as text.
    const json = await vscode.commands.executeCommand<string>('etcdStudio.endpointStatus', CONN, { format: 'json' });
    const [row] = JSON.parse(json.replace(/:(\d{16,})/g, ':"$1"'));
    assert.match(row.Status.version, new RegExp(`^${etcdVersionPattern()}$`));
    assert.equal(row.Status.leader, row.Status.header.member_id);
  });

  it('compact with a revision argument discards older history', async () => {
    const rev = await vscode.commands.executeCommand<number>('etcdStudio.compact', CONN, { revision: 2, confirmed: true });
    assert.equal(rev, 2);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('etcdStudio.compact', CONN, { revision: 10_000_000, confirmed: true })),
      /is in the future/,
    );
  });
});
