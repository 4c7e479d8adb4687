/** Lines etcdctl prints itself rather than through its printer (so whatever -w says), per release. */
import type { EtcdctlStyle } from './etcdctlStyle';
import { goDurationMs } from './goText';

export function defragFinished(endpoint: string, tookMs: number, style: EtcdctlStyle): string {
  return `Finished defragmenting etcd member[${endpoint}]${style.defragTook ? `. took ${goDurationMs(tookMs)}` : ''}\n`;
}

export function defragFailed(endpoint: string, tookMs: number, error: string, style: EtcdctlStyle): string {
  return `Failed to defragment etcd member[${endpoint}]${style.defragTook ? `. took ${goDurationMs(tookMs)}.` : ''} (${error})\n`;
}

/** After `member add` in the simple format: the environment the new member starts with. */
export function memberAddEnv(name: string, initialCluster: string[], peerUrls: string): string {
  return (
    `\nETCD_NAME=${JSON.stringify(name)}\nETCD_INITIAL_CLUSTER=${JSON.stringify(initialCluster.join(','))}\n` +
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${JSON.stringify(peerUrls)}\nETCD_INITIAL_CLUSTER_STATE="existing"\n`
  );
}

export function failedStatus(endpoint: string, error: string): string {
  return `Failed to get the status of endpoint ${endpoint} (${error})\n`;
}
