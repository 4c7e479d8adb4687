/** Certificates the connection depends on (CA, client certificate, each member's server certificate) that expire soon. */
import { CertificateInfo } from '../certificates';
import { Finding } from '../finding';
import { Check, plural } from './context';

const DAY_MS = 86_400_000;

export const certExpiring: Check = (ctx) => {
  const title = 'Certificate expiry';
  const all: { c: CertificateInfo; member: string | null; memberId?: string }[] = [
    ...ctx.now.connectionCertificates.map((c) => ({ c, member: null })),
    ...ctx.now.members.flatMap((m) => m.certificates.map((c) => ({ c, member: m.name, memberId: m.id }))),
  ];
  if (!all.length) return { id: 'cert-expiring', title, findings: [], skipped: 'the connection uses no TLS' };
  // The same CA is usually seen in the CA file and behind every member's certificate: report it once.
  const seen = new Set<string>();
  const unique = all.filter(({ c }) => {
    const key = `${c.subject}|${c.notAfter.getTime()}`;
    return !seen.has(key) && (seen.add(key), true);
  });
  const findings: Finding[] = [];
  let soonest = Infinity;
  for (const { c, member, memberId } of unique) {
    const days = (c.notAfter.getTime() - ctx.now.at) / DAY_MS;
    soonest = Math.min(soonest, days);
    const severity = days <= ctx.t.certExpiryErrorDays ? 'error' : days <= ctx.t.certExpiryWarnDays ? 'warning' : undefined;
    if (!severity) continue;
    const whenText =
      days < 0
        ? `expired ${plural(Math.ceil(-days), 'day')} ago`
        : days < 1
          ? `expires in ${Math.max(1, Math.round(days * 24))} h`
          : `expires in ${plural(Math.floor(days), 'day')}`;
    findings.push({
      id: 'cert-expiring',
      severity,
      member,
      memberId,
      title,
      message: `The ${c.source} (${c.subject}) ${whenText}, on ${c.notAfter.toISOString().slice(0, 10)} (${severity} within ${plural(severity === 'error' ? ctx.t.certExpiryErrorDays : ctx.t.certExpiryWarnDays, 'day')}).`,
      measured: Math.floor(days * 10) / 10,
      threshold: severity === 'error' ? ctx.t.certExpiryErrorDays : ctx.t.certExpiryWarnDays,
      unit: 'days',
      advice:
        'Renew it before it expires: with kubeadm, "kubeadm certs renew etcd-server etcd-peer etcd-healthcheck-client apiserver-etcd-client" (then restart the etcd static pods); otherwise issue new certificates from your CA and restart each member one at a time. Update the connection if the file paths change.',
      fixes: [],
    });
  }
  return {
    id: 'cert-expiring',
    title,
    findings,
    passed: `${plural(unique.length, 'certificate')}, the first expires in ${plural(Math.floor(soonest), 'day')}`,
  };
};
