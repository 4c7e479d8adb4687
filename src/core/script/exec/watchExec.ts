/**
 * `watch` in scripts, bounded: etcdctl's watch streams until interrupted, which a script run cannot wait for.
 * Here it stops after `--max-events` events (default 100) or `--max-time` (default 10s), whichever comes first,
 * and prints what etcdctl prints for the events it saw. Both flags are etcd Studio's (etcdctl has neither);
 * `--rev` replays history, so `watch --rev 1200 --prefix /registry/pods/ --max-events 20` shows past changes.
 */
import type { EtcdConnection } from '../../etcd/connection';
import { parseDuration } from '../../etcd/importProfile';
import { EtcdStudioError } from '../../errors';
import type { Printed } from '../../output';
import { formatWatchBatch, watchRange } from '../../watch';
import { flagBool, flagValue, ScriptCommand, writeOut } from '../types';
import { keyRange } from './kvExec';

export const WATCH_DEFAULT_MAX_EVENTS = 100;
export const WATCH_DEFAULT_MAX_TIME = '10s';

export async function runWatch(conn: EtcdConnection, cmd: ScriptCommand): Promise<Printed> {
  const maxEvents = Number(flagValue(cmd, 'max-events') ?? WATCH_DEFAULT_MAX_EVENTS);
  if (!Number.isInteger(maxEvents) || maxEvents < 1)
    throw new EtcdStudioError(
      'InvalidArgument',
      `--max-events must be a whole number of at least 1, got "${flagValue(cmd, 'max-events')}".`,
    );
  const maxTime = flagValue(cmd, 'max-time') ?? WATCH_DEFAULT_MAX_TIME;
  const maxMs = parseDuration(maxTime);
  if (cmd.args.length > 2 || cmd.words.some((w) => w.raw === '--'))
    throw new EtcdStudioError('InvalidArgument', 'watch in a script cannot run a command per event: remove the exec-command after --.');
  const { key, range_end } = keyRange(cmd);
  const rev = Number(flagValue(cmd, 'rev') ?? 0);
  const prevKv = flagBool(cmd, 'prev-kv');
  const fmt = writeOut(cmd);
  const out: Buffer[] = [];
  let seen = 0;
  let stop: () => void = () => undefined;
  const finished = new Promise<'events' | 'time'>((resolve) => {
    const timer = setTimeout(() => resolve('time'), maxMs);
    stop = () => {
      clearTimeout(timer);
      resolve('events');
    };
  });
  const w = await watchRange(conn, {
    key,
    ...(range_end ? { rangeEnd: range_end } : {}),
    ...(rev > 0 ? { startRevision: rev } : {}),
    prevKv,
    onEvents: (b) => {
      if (seen >= maxEvents) return;
      const events = b.events.slice(0, maxEvents - seen);
      seen += events.length;
      out.push(formatWatchBatch({ ...b, events }, fmt, prevKv));
      if (seen >= maxEvents) stop();
    },
  });
  const why = await Promise.race([finished, w.done.then((s) => (s.state === 'failed' ? Promise.reject(s.error) : ('events' as const)))]);
  await w.stop();
  const bound = why === 'time' ? `--max-time ${maxTime}` : `--max-events ${maxEvents}`;
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: `watch stopped after ${seen} event(s) (${bound}).\n` };
}
