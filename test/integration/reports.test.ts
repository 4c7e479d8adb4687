import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { useConnection } from './useConnection';

const CONN = 'it-reports';

describe('etcdctl reports fit their content', () => {
  useConnection(CONN);

  it('endpoint status opens unwrapped (even with word wrap on for everything else) and says how to see the wide table', async () => {
    const editorConfig = vscode.workspace.getConfiguration('editor');
    await editorConfig.update('wordWrap', 'on', vscode.ConfigurationTarget.Global);
    try {
      const text = await vscode.commands.executeCommand<string>('etcdStudio.endpointStatus', CONN);
      const doc = vscode.window.activeTextEditor!.document;
      assert.equal(doc.languageId, 'etcd-report');
      assert.equal(vscode.workspace.getConfiguration('editor', doc).get('wordWrap'), 'off');
      assert.equal(vscode.workspace.getConfiguration('editor').get('wordWrap'), 'on', 'other editors keep their setting');
      const width = Math.max(...text.split('\n').map((l) => [...l].length));
      assert.ok(width > 120, `the status table is ${width} characters wide`);
      assert.match(text, new RegExp(`^# This table is ${width} characters wide: scroll right to see every column`, 'm'));
      assert.match(text, /^# "Show Report as JSON" \(\{ \} in the editor title\) lists the same fields one per line\.$/m);
    } finally {
      await editorConfig.update('wordWrap', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a narrow report has no hint; its JSON form opens as JSON', async () => {
    const text = await vscode.commands.executeCommand<string>('etcdStudio.alarmList', CONN);
    assert.doesNotMatch(text, /characters wide/);
    assert.equal(vscode.window.activeTextEditor!.document.languageId, 'etcd-report');
    await vscode.commands.executeCommand('etcdStudio.memberList', CONN, { format: 'json' });
    assert.equal(vscode.window.activeTextEditor!.document.languageId, 'json');
  });
});
