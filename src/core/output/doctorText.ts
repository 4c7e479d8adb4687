/** The doctor's report as text: the simple listing (findings with what to do, then the checks that passed) and its table. */
import type { DoctorReport, Finding } from '../doctor/finding';
import { plainTable, wrapText } from './table';

/** "42.1 ms", "97 %", "3 changes": a finding's figure with its unit. */
export function figure(value: number | undefined, unit: string | undefined): string {
  if (value === undefined) return '';
  const n = Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return unit === '%' ? `${n} %` : unit ? `${n} ${unit}` : n;
}

function counts(findings: Finding[]): string {
  const n = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const e = n('error');
  const w = n('warning');
  const i = n('info');
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} note${i === 1 ? '' : 's'}`;
}

function heading(r: DoctorReport): string {
  const window = r.windowSeconds === null ? 'single sample' : `window ${r.windowSeconds} s`;
  return `etcd doctor: connection "${r.connection}", ${window}, ${r.at}`;
}

export function doctorSimple(r: DoctorReport): string {
  const lines = [heading(r), ''];
  const advised = new Set<string>();
  for (const f of r.findings) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.id} [${f.member ?? 'cluster'}] ${f.message}`);
    // The same check on several members has the same advice: say it once.
    if (!advised.has(f.advice)) lines.push(wrapText(`What to do: ${f.advice}`, 100).replace(/^/gm, '        '));
    advised.add(f.advice);
    for (const fix of f.fixes) lines.push(`        Fix: ${fix.label}`);
  }
  if (r.findings.length) lines.push('');
  for (const p of r.passed) lines.push(`ok      ${p.id}: ${p.detail}`);
  for (const s of r.skipped) lines.push(`skipped ${s.id}: ${s.reason}`);
  lines.push('', `${counts(r.findings)}; ${r.passed.length} checks passed, ${r.skipped.length} skipped.`);
  return lines.join('\n') + '\n';
}

export function doctorTable(r: DoctorReport): string {
  const table = r.findings.length
    ? plainTable(
        ['severity', 'check', 'member', 'measured', 'threshold', 'message'],
        r.findings.map((f) => [
          f.severity,
          f.id,
          f.member ?? 'cluster',
          figure(f.measured, f.unit),
          figure(f.threshold, f.unit),
          wrapText(f.message, 72),
        ]),
      )
    : '';
  return `${heading(r)}\n${table}${counts(r.findings)}; ${r.passed.length} checks passed.\n`;
}
