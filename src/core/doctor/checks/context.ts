/** What every check receives and returns, and small helpers for grading and wording figures. */
import { DoctorThresholds } from '../thresholds';
import { Finding, Severity } from '../finding';
import { ClusterSample, MemberSample } from '../sample';

export interface CheckContext {
  now: ClusterSample;
  /** The older sample of the window, when there is one. */
  before?: ClusterSample;
  t: DoctorThresholds;
}

export interface CheckOutcome {
  id: string;
  title: string;
  findings: Finding[];
  /** What was measured when nothing is wrong. */
  passed?: string;
  /** Why the check could not run. */
  skipped?: string;
}

export type Check = (ctx: CheckContext) => CheckOutcome;

/** error at or above `error`, warning at or above `warn` (strictly above when `strict`). */
export function grade(value: number, warn: number, error?: number, strict = false): Severity | undefined {
  const over = (limit: number) => (strict ? value > limit : value >= limit);
  if (error !== undefined && over(error)) return 'error';
  if (over(warn)) return 'warning';
  return undefined;
}

/** The same member in the older sample. */
export function memberBefore(ctx: CheckContext, m: MemberSample): MemberSample | undefined {
  return ctx.before?.members.find((b) => b.id === m.id);
}

/** Members that answered the doctor (status or metrics). */
export function reachable(sample: ClusterSample): MemberSample[] {
  return sample.members.filter((m) => m.status || m.metrics);
}

export function windowSeconds(ctx: CheckContext): number | undefined {
  return ctx.before ? (ctx.now.at - ctx.before.at) / 1000 : undefined;
}

/** Seconds as milliseconds with sensible precision: "0.42 ms", "3.9 ms", "10 ms", "142 ms". */
export const ms = (seconds: number) => {
  const v = seconds * 1000;
  const text = v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
  return `${text.replace(/\.0+$/, '')} ms`;
};
/** An error message as the end of a sentence (exactly one full stop). */
export const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
export const pct = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} %`;
export const count = (n: number) => n.toLocaleString('en-US');
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

export function memberFields(m: MemberSample): Pick<Finding, 'member' | 'memberId' | 'endpoint'> {
  return { member: m.name, memberId: m.id, endpoint: m.clientUrl };
}
