import { EndpointStatus } from '../core/etcd/connection';
import { endpointStatus } from '../core/etcd/endpoints';
import { flag, ParsedArgs, profileFromArgs } from './args';
import { CliIo } from './io';
import { humanBytes, renderTable } from './table';

/** `etcd-studio status`: like `etcdctl endpoint status`, one row per endpoint. */
export async function runStatus(args: ParsedArgs, io: CliIo): Promise<number> {
  const { profile, password } = profileFromArgs(args, io.env);
  const rows: EndpointStatus[] = [];
  let failed = 0;
  const results = await Promise.all(profile.endpoints.map((e) => endpointStatus(profile, e, { password })));
  for (const r of results) {
    if ('error' in r && !('memberId' in r)) {
      failed++;
      io.stderr.write(`${r.endpoint}: ${r.error}\n`);
    } else {
      rows.push(r as EndpointStatus);
    }
  }
  const format = flag(args, 'write-out') ?? 'simple';
  if (format === 'json') {
    io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  } else if (format === 'table') {
    io.stdout.write(
      renderTable(
        [
          'endpoint',
          'id',
          'version',
          'db size',
          'db size in use',
          'is leader',
          'is learner',
          'raft term',
          'raft index',
          'raft applied index',
          'errors',
        ],
        rows.map((s) => [
          s.endpoint,
          s.memberId,
          s.version,
          humanBytes(s.dbSize),
          humanBytes(s.dbSizeInUse),
          String(s.memberId === s.leader),
          String(s.isLearner),
          String(s.raftTerm),
          String(s.raftIndex),
          String(s.raftAppliedIndex),
          s.errors.join(', '),
        ]),
      ),
    );
  } else {
    for (const s of rows) {
      io.stdout.write(
        `${s.endpoint}, ${s.memberId}, ${s.version}, ${humanBytes(s.dbSize)}, ${s.memberId === s.leader}, ${s.isLearner}, ${s.raftTerm}, ${s.raftIndex}, ${s.raftAppliedIndex}, ${s.errors.join(', ')}\n`,
      );
    }
  }
  return failed ? 1 : 0;
}
