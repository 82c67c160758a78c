#!/usr/bin/env bash
# Installs and starts the real environment the tests and benchmarks talk to:
# a Docker engine, the distribution registry on 127.0.0.1:5000, an OpenSSH
# server on 127.0.0.1:2222 (its own host key, a client key, a known_hosts
# file) and docker-compose, then builds and pushes the small test images.
#
# Idempotent: run it as often as you like; it only does what is missing.
# Needs root (apt-get, dockerd, sshd). Everything it generates lives in
# $KEELSON_TEST_ENV_DIR (default /var/tmp/keelson-test-env); the tests read
# the same folder.
set -euo pipefail

STATE=${KEELSON_TEST_ENV_DIR:-/var/tmp/keelson-test-env}
SSH_PORT=${KEELSON_TEST_SSH_PORT:-2222}
REGISTRY=127.0.0.1:5000
DOCKER=/usr/bin/docker   # Debian's client, matched to Debian's engine

log() { printf 'test-env: %s\n' "$*"; }
die() { printf 'test-env: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd and sshd)"
mkdir -p "$STATE"

install_packages() {
  local missing=()
  for pkg in docker.io docker-compose docker-registry openssh-server busybox-static; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the packages' own init scripts from starting services.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  for _ in $(seq $((secs * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "$what did not come up within ${secs}s"
}

start_dockerd() {
  if "$DOCKER" info >/dev/null 2>&1; then return; fi
  log "starting dockerd (log: $STATE/dockerd.log)"
  setsid nohup dockerd --storage-driver=overlay2 >"$STATE/dockerd.log" 2>&1 </dev/null &
  wait_for 60 dockerd "$DOCKER" info
}

start_registry() {
  if curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1; then return; fi
  mkdir -p "$STATE/registry"
  cat >"$STATE/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY
YML
  log "starting the registry on $REGISTRY"
  setsid nohup docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 </dev/null &
  wait_for 30 registry curl -fsS "http://$REGISTRY/v2/"
}

start_sshd() {
  local dir=$STATE/ssh
  mkdir -p "$dir" /run/sshd
  [ -f "$dir/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
  # A second host key that the server never uses: tests pin it to show a mismatch.
  [ -f "$dir/other_host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/other_host_ed25519"
  [ -f "$dir/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/client_ed25519"
  cp "$dir/client_ed25519.pub" "$dir/authorized_keys"
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")" >"$dir/known_hosts"
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$dir/other_host_ed25519.pub")" >"$dir/known_hosts_wrong"
  cat >"$dir/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $dir/host_ed25519
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $dir/sshd.pid
MaxSessions 64
MaxStartups 64
CFG
  if (exec 3<>"/dev/tcp/127.0.0.1/$SSH_PORT") 2>/dev/null; then return; fi
  log "starting sshd on 127.0.0.1:$SSH_PORT"
  setsid nohup /usr/sbin/sshd -f "$dir/sshd_config" -D -e >"$STATE/sshd.log" 2>&1 </dev/null &
  wait_for 15 sshd bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT"
}

build_images() {
  local ctx=$STATE/images
  mkdir -p "$ctx"
  cp /bin/busybox "$ctx/busybox"
  # app: stays up and stops at once on SIGTERM.
  cat >"$ctx/Dockerfile.app" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
ARG NONCE=0
RUN echo "$NONCE" > /nonce
CMD ["sh","-c","trap 'exit 0' TERM; while true; do sleep 1; done"]
DF
  # healthy: like app, with a healthcheck that passes after a moment.
  cat >"$ctx/Dockerfile.healthy" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
ARG NONCE=0
RUN echo "$NONCE" > /nonce
HEALTHCHECK --interval=1s --timeout=1s --retries=3 CMD ["test","-f","/tmp/ready"]
CMD ["sh","-c","trap 'exit 0' TERM; touch /tmp/ready; while true; do sleep 1; done"]
DF
  # crash: exits at once.
  cat >"$ctx/Dockerfile.crash" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
ARG NONCE=0
RUN echo "$NONCE" > /nonce
CMD ["sh","-c","echo crashing; exit 3"]
DF
  for name in app healthy crash; do
    "$DOCKER" build -q -f "$ctx/Dockerfile.$name" -t "$REGISTRY/keelson-test/$name:base" "$ctx" >/dev/null
    "$DOCKER" push -q "$REGISTRY/keelson-test/$name:base" >/dev/null
  done
}

install_packages
start_dockerd
start_registry
start_sshd
build_images
cat >"$STATE/env" <<ENV
KEELSON_TEST_ENV_DIR=$STATE
KEELSON_TEST_SSH_HOST=127.0.0.1
KEELSON_TEST_SSH_PORT=$SSH_PORT
KEELSON_TEST_REGISTRY=$REGISTRY
ENV
log "ready: docker, registry $REGISTRY, sshd 127.0.0.1:$SSH_PORT, images in $REGISTRY/keelson-test"
