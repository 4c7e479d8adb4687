/**
 * The printers' per-release choices that the side-by-side tests (script-exec, cli) cannot reach: etcd 3.5
 * is not a test host, so its style is checked against what etcdctl v3.5.21's sources print.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { etcdctlStyleFor, etcdctlTable, goDuration, printerFor } from '../../src/core/output';

const txn = {
  header: { cluster_id: '1', member_id: '2', revision: '3', raft_term: '4' },
  succeeded: true,
  responses: [{ response_put: { header: { cluster_id: '0', member_id: '0', revision: '3', raft_term: '0' } } }],
} as unknown as Parameters<ReturnType<typeof printerFor>['txn']>[0];

describe('etcdctl styles by server release', () => {
  test('each release maps to the etcdctl that prints like it; unknown and newer versions print like the newest', () => {
    assert.deepEqual(
      ['3.3.27', '3.4.23', '3.5.21', '3.6.16', '3.7.3', '3.8.0', '', 'nonsense'].map((v) => etcdctlStyleFor(v).release),
      ['3.4', '3.4', '3.5', '3.6', '3.7', '3.7', '3.7', '3.7'],
    );
  });

  test("3.5 names txn JSON fields by their json tags like 3.6, and keeps 3.4's ten status columns and healthy lines on stdout", () => {
    assert.match(printerFor('json', '3.4.23').txn(txn), /"Response":\{"ResponsePut":/);
    assert.match(printerFor('json', '3.5.21').txn(txn), /"Response":\{"response_put":/);
    const s35 = etcdctlStyleFor('3.5.21');
    assert.equal(s35.statusColumns, 'v3.4');
    assert.equal(s35.hashRevision, false);
    assert.equal(s35.healthyToStderr, false);
    assert.equal(etcdctlStyleFor('3.4.23').healthyToStderr, true);
  });

  test('tables: ASCII up to 3.6, box-drawing from 3.7, cells right-aligned and headers centred', () => {
    const rows = [['a', '10']];
    assert.equal(
      etcdctlTable(['name', 'hash_revision'], rows, etcdctlStyleFor('3.6.16')),
      '+------+---------------+\n| NAME | HASH REVISION |\n+------+---------------+\n|    a |            10 |\n+------+---------------+\n',
    );
    assert.equal(
      etcdctlTable(['name', 'hash_revision'], rows, etcdctlStyleFor('3.7.3')),
      '┌──────┬───────────────┐\n│ NAME │ HASH REVISION │\n├──────┼───────────────┤\n│    a │            10 │\n└──────┴───────────────┘\n',
    );
  });

  test("Go's time.Duration text, as etcdctl prints how long a check took", () => {
    assert.deepEqual([0n, 999n, 1_500n, 1_342_573n, 2_000_000_000n].map(goDuration), ['0s', '999ns', '1.5µs', '1.342573ms', '2s']);
  });

  test('a format a command does not print is refused as etcdctl refuses it', () => {
    assert.throws(
      () => printerFor('table', '3.6.16').alarm({ alarms: [] }),
      /^Error: table not supported as output format$|table not supported as output format/,
    );
  });
});
