/**
 * Samples a cluster for the doctor and the dashboard. Each member is asked on its own client URL (one
 * slow or dead member never hides the others) over a connection and a `/metrics` scraper that stay open
 * between samples, so a dashboard that samples every few seconds does not reconnect every time.
 */
import { EndpointStatus, EtcdConnection } from '../etcd/connection';
import { memberHealth } from '../etcd/endpoints';
import { listAlarms } from '../etcd/maintenance';
import { listMembers, MemberInfo } from '../etcd/members';
import { errorMessage } from '../errors';
import { peerChain, profileCertificates } from './certificates';
import { MetricsScraper } from './fetchMetrics';
import { memberMetricsFromText } from './memberMetrics';
import { ClusterSample, MemberSample } from './sample';

interface MemberLink {
  conn?: Promise<EtcdConnection>;
  scraper: MetricsScraper;
}

export class ClusterProbe {
  private readonly links = new Map<string, MemberLink>();
  private closed = false;

  constructor(private readonly conn: EtcdConnection) {}

  /** One sample of every member; a member that does not answer is reported with its error, never thrown. */
  async sample(signal?: AbortSignal): Promise<ClusterSample> {
    const [members, alarms] = await Promise.all([
      listMembers(this.conn),
      listAlarms(this.conn).then(
        (a) => ({ alarms: a, error: undefined }),
        (e) => ({ alarms: [], error: errorMessage(e) }),
      ),
    ]);
    const urls = new Set(members.map((m) => m.clientUrls[0]).filter(Boolean));
    for (const [url, link] of this.links) if (!urls.has(url)) this.drop(url, link);
    // Members answer at different moments, so comparing their raft indexes directly would blame whoever
    // answered first. A first round of status calls gives a floor: any member whose index is below the
    // highest index seen in that round is behind by at least the difference.
    const first = await Promise.all(members.map((m) => this.status(m)));
    const floor = Math.max(0, ...first.map((s) => ('status' in s ? s.status.raftIndex : 0)));
    return {
      at: Date.now(),
      connection: this.conn.profile.name,
      raftIndexFloor: floor || undefined,
      members: await Promise.all(members.map((m, i) => this.sampleMember(m, 'status' in first[i] ? undefined : first[i], signal))),
      alarms: alarms.alarms,
      alarmsError: alarms.error,
      connectionCertificates: profileCertificates(this.conn.profile),
    };
  }

  private status(m: MemberInfo): Promise<{ status: EndpointStatus } | { statusError: string }> {
    const url = m.clientUrls[0];
    if (!url) return Promise.resolve({ statusError: 'The member has not started yet: it has no client URL.' });
    return this.memberConnection(url, this.link(url))
      .then((c) => c.status())
      .then(
        (s) => ({ status: { ...s, endpoint: url } }),
        (e) => ({ statusError: errorMessage(e) }),
      );
  }

  /** Status, health and metrics of one member; `failed` is its failed first-round status (not asked twice). */
  private async sampleMember(m: MemberInfo, failed: { statusError: string } | undefined, signal?: AbortSignal): Promise<MemberSample> {
    const base: MemberSample = { id: m.id, name: m.name || `(unstarted ${m.id})`, isLearner: m.isLearner, certificates: [] };
    const url = m.clientUrls[0];
    if (!url || failed) return { ...base, clientUrl: url, ...failed };
    const link = this.link(url);
    const [status, health, metrics] = await Promise.all([
      this.status(m),
      this.memberConnection(url, link).then(
        (c) => memberHealth(c, url, process.hrtime.bigint(), m.isLearner),
        (e) => ({ endpoint: url, health: false, tookMs: 0, error: errorMessage(e) }),
      ),
      link.scraper.scrape(signal).then(
        (page) => ({ metrics: memberMetricsFromText(page.text), certificates: peerChain(page.peerCertificate, base.name) }),
        (e) => ({ metricsError: errorMessage(e), certificates: [] }),
      ),
    ]);
    return { ...base, clientUrl: url, ...status, health, ...metrics };
  }

  private link(url: string): MemberLink {
    let link = this.links.get(url);
    if (!link) this.links.set(url, (link = { scraper: new MetricsScraper(this.conn.profile, url) }));
    return link;
  }

  /** An open connection to one member; a failed attempt is forgotten so the next sample tries again. */
  private memberConnection(url: string, link: MemberLink): Promise<EtcdConnection> {
    if (!link.conn) {
      const pending = EtcdConnection.open({ ...this.conn.profile, endpoints: [url] }, this.conn.connectOptions);
      link.conn = pending;
      pending.then(
        (c) => this.closed && c.close(),
        () => link.conn === pending && (link.conn = undefined),
      );
    }
    return link.conn;
  }

  private drop(url: string, link: MemberLink): void {
    this.links.delete(url);
    link.scraper.close();
    link.conn?.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  close(): void {
    this.closed = true;
    for (const [url, link] of [...this.links]) this.drop(url, link);
  }
}
