/**
 * `etcd-studio doctor` and the dashboard's findings: sample the cluster, wait for the window, sample
 * again, and evaluate what changed in between (leader changes, proposals, latency in the window).
 */
import { EtcdConnection } from '../etcd/connection';
import { EtcdStudioError } from '../errors';
import { evaluate } from './evaluate';
import { DoctorReport } from './finding';
import { ClusterProbe } from './probe';
import { DEFAULT_THRESHOLDS, DoctorThresholds } from './thresholds';

export interface DoctorOptions {
  /** Milliseconds between the two samples (0 = one sample; window checks are then skipped). Default 5 s. */
  windowMs?: number;
  thresholds?: DoctorThresholds;
  signal?: AbortSignal;
}

export const DEFAULT_WINDOW_MS = 5_000;

export async function runDoctor(conn: EtcdConnection, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  const probe = new ClusterProbe(conn);
  try {
    const first = await probe.sample(opts.signal);
    if (windowMs <= 0) return evaluate(first, undefined, opts.thresholds ?? DEFAULT_THRESHOLDS);
    await sleep(windowMs, opts.signal);
    const second = await probe.sample(opts.signal);
    return evaluate(second, first, opts.thresholds ?? DEFAULT_THRESHOLDS);
  } finally {
    probe.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new EtcdStudioError('Cancelled', 'The doctor was cancelled.'));
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(t);
      reject(new EtcdStudioError('Cancelled', 'The doctor was cancelled.'));
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
