import * as vscode from 'vscode';
import { DoctorThresholds, resolveThresholds, THRESHOLD_NAMES } from '../../core/doctor';
import { errorMessage } from '../../core/errors';

export interface OverviewSettings {
  refreshMs: number;
  historyMs: number;
  windowMs: number;
  thresholds: DoctorThresholds;
  /** Set when a threshold setting was invalid (defaults are used for it). */
  problem?: string;
}

/** `etcdStudio.overview.*` and `etcdStudio.doctor.*`, read fresh on every sample so changes apply at once. */
export function readOverviewSettings(): OverviewSettings {
  const c = vscode.workspace.getConfiguration('etcdStudio');
  const refreshSeconds = Math.max(1, c.get<number>('overview.refreshSeconds', 5));
  const historyMinutes = Math.max(1, c.get<number>('overview.historyMinutes', 10));
  const windowMinutes = Math.max(0.1, c.get<number>('doctor.windowMinutes', 5));
  const overrides = Object.fromEntries(THRESHOLD_NAMES.map((n) => [n, c.get<number>(`doctor.${n}`)]));
  let thresholds: DoctorThresholds;
  let problem: string | undefined;
  try {
    thresholds = resolveThresholds(overrides);
  } catch (e) {
    thresholds = resolveThresholds();
    problem = `${errorMessage(e)} The defaults are used until it is fixed in the settings.`;
  }
  return { refreshMs: refreshSeconds * 1000, historyMs: historyMinutes * 60_000, windowMs: windowMinutes * 60_000, thresholds, problem };
}
