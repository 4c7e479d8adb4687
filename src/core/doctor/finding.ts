/** What the doctor reports: findings (something is wrong, with the figure, the threshold and what to do) and the checks that passed. */

export type Severity = 'error' | 'warning' | 'info';

/** A fixing action the user can run (VS Code maps each kind to its command, which confirms destructive ones). */
export type FixAction =
  | { kind: 'defragment'; label: string; endpoint: string }
  | { kind: 'disarmAlarms'; label: string }
  | { kind: 'compact'; label: string; revision: number }
  | { kind: 'moveLeader'; label: string; targetId: string }
  | { kind: 'hashKv'; label: string };

export interface Finding {
  /** Stable check id, e.g. `wal-fsync-slow`; with `memberId` it identifies a finding across runs. */
  id: string;
  severity: Severity;
  /** Member name, or null for a finding about the whole cluster or the connection. */
  member: string | null;
  memberId?: string;
  endpoint?: string;
  /** Short heading: "Slow WAL fsync". */
  title: string;
  /** One sentence with the measured figure and the threshold. */
  message: string;
  measured?: number;
  threshold?: number;
  unit?: string;
  /** What to do about it. */
  advice: string;
  fixes: FixAction[];
}

export interface PassedCheck {
  id: string;
  title: string;
  /** What was measured, e.g. "p99 1.2 ms on 3 members (warning above 10 ms)". */
  detail: string;
}

/** A check that could not run (e.g. `/metrics` unreadable, or a rate that needs two samples). */
export interface SkippedCheck {
  id: string;
  title: string;
  reason: string;
}

export interface DoctorReport {
  connection: string;
  /** ISO time of the newest sample. */
  at: string;
  /** Seconds between the two samples compared, or null for a single sample. */
  windowSeconds: number | null;
  findings: Finding[];
  passed: PassedCheck[];
  skipped: SkippedCheck[];
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then notes; within a severity by check id and member. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id) || (a.member ?? '').localeCompare(b.member ?? ''),
  );
}

/** The worst severity among findings, or undefined when there are none. */
export function worstSeverity(findings: Finding[]): Severity | undefined {
  return sortFindings(findings)[0]?.severity;
}
