import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { useConnection } from './useConnection';
import type { OverviewModel } from '../../src/core/dashboard/model';

const CONN = 'it-overview';

function overviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === `Overview: ${CONN}`);
}

describe('Cluster Overview', () => {
  useConnection(CONN);

  it('opens one webview per connection and returns what it shows: the member, the doctor’s checks, the first chart points', async () => {
    const model = await vscode.commands.executeCommand<OverviewModel>('etcdStudio.showOverview', CONN);
    assert.equal(model.connection, CONN);
    assert.equal(model.members.length, 1);
    const [m] = model.members;
    assert.equal(m.name, 'm1');
    assert.equal(m.isLeader, true);
    assert.equal(m.state, 'healthy');
    assert.ok(m.quota! > 0 && m.dbSize! > 0);
    assert.ok(model.report.passed.some((p) => p.id === 'alarms'));
    assert.equal(model.series.times.length, 1);
    const tabs = overviewTabs();
    assert.equal(tabs.length, 1);
    assert.ok(tabs[0].input instanceof vscode.TabInputWebview);
    assert.match((tabs[0].input as vscode.TabInputWebview).viewType, /etcdStudio\.overview$/);

    // Opening it again shows the same panel.
    await vscode.commands.executeCommand('etcdStudio.showOverview', CONN);
    assert.equal(overviewTabs().length, 1);
  });
});
