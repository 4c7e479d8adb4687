import { EtcdStudioError, errorMessage } from '../errors';

/**
 * Turns gRPC / etcd3 / TLS failures into messages a user can act on. The raw text is kept
 * as `detail` for the log.
 */
export function toUserError(err: unknown, endpoints: string[]): EtcdStudioError {
  if (err instanceof EtcdStudioError) return err;
  const raw = errorMessage(err);
  const where = endpoints.join(', ');
  const is = (re: RegExp) => re.test(raw);
  if (is(/certificate has expired|CERT_HAS_EXPIRED|certificate is not yet valid|CERT_NOT_YET_VALID/i)) {
    return new EtcdStudioError(
      'TlsServerCert',
      `The server certificate of ${where} ${/not yet valid/i.test(raw) ? 'is not valid yet' : 'has expired'}. Renew it (on kubeadm: kubeadm certs renew etcd-server) or check this machine's clock.`,
      raw,
    );
  }
  if (is(/does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i)) {
    const sans = /cert's altnames: (.*?)\.?(?: Resolution note:.*)?$/m.exec(raw)?.[1];
    return new EtcdStudioError(
      'TlsServerCert',
      `The server certificate of ${where} is not issued for the name connected to${sans ? ` (it names ${sans})` : ''}. Use an endpoint host the certificate names, or set the connection's server name (serverName) to one of them.`,
      raw,
    );
  }
  if (
    is(
      /unable to get local issuer|self[- ]signed certificate|unable to verify the first certificate|certificate verify failed|CERTIFICATE_VERIFY_FAILED/i,
    )
  ) {
    return new EtcdStudioError(
      'TlsUnknownCa',
      `The server certificate of ${where} is not signed by the configured CA. Set the CA file (--cacert) to the cluster's etcd CA, e.g. /etc/kubernetes/pki/etcd/ca.crt.`,
      raw,
    );
  }
  if (
    is(/certificate required|bad certificate|unknown certificate authority|alert number 4[0-9]|SSLV3_ALERT|TLSV1_ALERT|handshake failure/i)
  ) {
    return new EtcdStudioError(
      'TlsClientCert',
      `${where} rejected the client certificate. Use a client certificate signed by the etcd CA (e.g. apiserver-etcd-client.crt / healthcheck-client.crt) with its key.`,
      raw,
    );
  }
  if (is(/authentication failed|invalid auth token|user name is empty|invalid username or password/i)) {
    return new EtcdStudioError(
      'AuthFailed',
      `etcd at ${where} rejected the user name or password. Check the user name and the password.`,
      raw,
    );
  }
  if (is(/permission denied/i)) {
    return new EtcdStudioError(
      'PermissionDenied',
      `etcd denied this operation for the connected user (RBAC). Grant the user a role with access to the key range, or use another user.`,
      raw,
    );
  }
  if (is(/database space exceeded|NOSPACE/i)) {
    return new EtcdStudioError(
      'Unavailable',
      `etcd at ${where} is out of space (NOSPACE alarm): writes are refused. Compact and defragment, raise --quota-backend-bytes if needed, then disarm the alarm.`,
      raw,
    );
  }
  if (is(/unhealthy cluster/i)) {
    return new EtcdStudioError(
      'Unavailable',
      'etcd refused the membership change: the cluster is not healthy enough (every member must be connected, and for a few seconds after a leader change). Try again shortly.',
      raw,
    );
  }
  if (is(/can only promote a learner member which is in sync with leader/i)) {
    return new EtcdStudioError(
      'Unavailable',
      'The learner has not caught up with the leader yet (etcd promotes only a learner in sync). Check that it is started, wait a few seconds and promote again.',
      raw,
    );
  }
  if (is(/circuit breaker is open/i)) {
    return new EtcdStudioError(
      'Unavailable',
      `etcd at ${where} failed several requests in a row; requests to it pause for a moment. Check that etcd is running and reachable.`,
      raw,
    );
  }
  if (is(/UNIMPLEMENTED|unknown method|unknown service/i)) {
    const method = /unknown (?:method|service) (\S+)(?: for service (\S+))?/i.exec(raw);
    return new EtcdStudioError(
      'Unsupported',
      `etcd at ${where} does not have this request${method ? ` (${method[2] ? `${method[2]}/` : ''}${method[1]})` : ''}: its release is older than the one that added it. \`etcd-studio version\` (or the connection's tooltip) shows the member's version and what it lacks.`,
      raw,
    );
  }
  // The server reset the request's stream (RST_STREAM CANCEL): etcd gave up on it, e.g. when its deadline
  // passed while it waited for a leader. etcd Studio never cancels a request itself.
  if (is(/deadline exceeded|timed? ?out|\b1 CANCELLED: Call cancelled/i)) {
    return new EtcdStudioError(
      'Timeout',
      `No answer from ${where} within the timeout. Check that the endpoints are reachable from this machine and that etcd is running.`,
      raw,
    );
  }
  if (is(/ECONNREFUSED|UNAVAILABLE|No connection established|connect|failed to connect|Name resolution failed|ENOTFOUND|EHOSTUNREACH/i)) {
    return new EtcdStudioError(
      'Unavailable',
      `Cannot reach etcd at ${where}. Check the endpoint URLs and ports, and that etcd is running and reachable from this machine.`,
      raw,
    );
  }
  return new EtcdStudioError('Internal', `etcd request failed: ${raw}`, raw);
}
