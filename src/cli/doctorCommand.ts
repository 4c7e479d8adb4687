/** `etcd-studio doctor`: what is wrong with a cluster, with figures, thresholds and what to do; exit 1 on any error. */
import { DEFAULT_WINDOW_MS, parseThresholdList, resolveThresholds, runDoctor } from '../core/doctor';
import { EtcdConnection } from '../core/etcd/connection';
import { parseDuration } from '../core/etcd/importProfile';
import { outputFormat, printerFor } from '../core/output';
import { flag, ParsedArgs } from './args';
import { profileFromArgs } from './connectionArgs';
import { CliIo } from './io';

export async function runDoctorCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const format = outputFormat(flag(args, 'write-out'), ['simple', 'json', 'table']);
  const window = flag(args, 'window');
  const windowMs = window === undefined ? DEFAULT_WINDOW_MS : window === '0' ? 0 : parseDuration(window);
  const thresholds = resolveThresholds(parseThresholdList(flag(args, 'thresholds') ?? ''));
  const { profile, password } = profileFromArgs(args, io.env);
  const conn = await EtcdConnection.open(profile, { password });
  try {
    const report = await runDoctor(conn, { windowMs, thresholds });
    io.stdout.write(printerFor(format, conn.serverVersion).doctorReport(report));
    return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    conn.close();
  }
}
