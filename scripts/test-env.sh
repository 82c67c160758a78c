#!/usr/bin/env bash
# Installs and starts the real environment the tests and benchmarks talk to:
# a Docker engine, the distribution registry on 127.0.0.1:5000, an OpenSSH
# server on 127.0.0.1:2222 (its own host key, a client key, a known_hosts
# file) and docker-compose, then builds and pushes the small test images.
#
# A second deploy host for multi-host tests: the same sshd also listens on
# 127.0.0.2:2222, and a session there talks to a second Docker engine
# (DOCKER_HOST set by sshd) with KEELSON_TEST_HOST=b in its environment.
#
# Idempotent: run it as often as you like; it only does what is missing.
# Needs root (apt-get, dockerd, sshd). Everything it generates lives in
# $KEELSON_TEST_ENV_DIR (default /var/tmp/keelson-test-env); the tests read
# the same folder.
set -euo pipefail
# The daemons started here outlive this script: they must not inherit a descriptor the caller
# holds, such as a lock (flock) that would then never be released.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null || true
done

STATE=${KEELSON_TEST_ENV_DIR:-/var/tmp/keelson-test-env}
SSH_PORT=${KEELSON_TEST_SSH_PORT:-2222}
REGISTRY=127.0.0.1:5000
JRE_BASE=keelson/jre:17-slim
EDGE_IMAGE=$REGISTRY/keelson/edge:2.6
PG_PORT=5433
DOCKER=/usr/bin/docker   # Debian's client, matched to Debian's engine
HOST_B_RUN=/var/run/keelson-test-b
HOST_B_SOCK=unix://$HOST_B_RUN/docker.sock
HOST_B_BRIDGE=keelsonb0               # the second engine's default bridge, local to this machine
HOST_B_BRIDGE_CIDR=10.213.0.1/24

log() { printf 'test-env: %s\n' "$*"; }
die() { printf 'test-env: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd and sshd)"
mkdir -p "$STATE"

install_packages() {
  local missing=()
  for pkg in docker.io docker-compose docker-registry openssh-server busybox-static iproute2 curl apache2-utils openssl postgresql sudo chromium chromium-driver openjdk-17-jdk-headless ca-certificates-java haproxy socat hey wrk; do
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
  # A dockerd stopped uncleanly leaves its pid file and socket behind; the next one must not trip on them.
  rm -f /var/run/docker.pid
  log "starting dockerd (log: $STATE/dockerd.log)"
  setsid nohup dockerd --storage-driver=overlay2 >"$STATE/dockerd.log" 2>&1 </dev/null &
  wait_for 60 dockerd "$DOCKER" info
}

start_dockerd_b() {
  if "$DOCKER" -H "$HOST_B_SOCK" info >/dev/null 2>&1; then return; fi
  mkdir -p "$HOST_B_RUN" "$STATE/docker-b"
  rm -f "$HOST_B_RUN/docker.pid"
  log "starting the second Docker engine on $HOST_B_SOCK (log: $STATE/dockerd-b.log)"
  # Its own data, exec root, socket and default bridge, and no iptables rules: it never touches the
  # first engine's docker0 (with --bridge=none it would delete it) nor its firewall chains.
  if ! ip link show "$HOST_B_BRIDGE" >/dev/null 2>&1; then
    ip link add name "$HOST_B_BRIDGE" type bridge
    ip addr add "$HOST_B_BRIDGE_CIDR" dev "$HOST_B_BRIDGE"
    ip link set "$HOST_B_BRIDGE" up
  fi
  setsid nohup dockerd --data-root "$STATE/docker-b/data" --exec-root "$HOST_B_RUN/exec" --pidfile "$HOST_B_RUN/docker.pid" \
    -H "$HOST_B_SOCK" --bridge="$HOST_B_BRIDGE" --iptables=false --ip-masq=false --storage-driver=overlay2 \
    >"$STATE/dockerd-b.log" 2>&1 </dev/null &
  wait_for 60 "second dockerd" "$DOCKER" -H "$HOST_B_SOCK" info
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

# A non-root deploy user as many teams have one: logs in with a password, is not in the docker
# group, and may run only docker through sudo, without a password.
DEPLOY_USER=keelson-deploy
deploy_user() {
  local dir=$1
  id "$DEPLOY_USER" >/dev/null 2>&1 || useradd -m -s /bin/bash "$DEPLOY_USER"
  [ -f "$dir/deploy_password" ] || openssl rand -hex 16 >"$dir/deploy_password"
  echo "$DEPLOY_USER:$(cat "$dir/deploy_password")" | chpasswd
  # Only docker, whichever one `sudo docker` finds on this machine's PATH.
  local dockers
  dockers=$(printf '%s\n' "$DOCKER" "$(command -v docker)" | sort -u | paste -sd, | sed 's/,/, /g')
  printf '%s ALL=(root) NOPASSWD: %s\n' "$DEPLOY_USER" "$dockers" >/etc/sudoers.d/keelson-test
  chmod 0440 /etc/sudoers.d/keelson-test
}

start_sshd() {
  local dir=$STATE/ssh
  mkdir -p "$dir" /run/sshd
  [ -f "$dir/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
  # A second host key that the server never uses: tests pin it to show a mismatch.
  [ -f "$dir/other_host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/other_host_ed25519"
  [ -f "$dir/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/client_ed25519"
  # A client key with a passphrase, for the passphraseFile path.
  [ -f "$dir/passphrase" ] || openssl rand -hex 16 >"$dir/passphrase"
  [ -f "$dir/client_pass_ed25519" ] || ssh-keygen -q -t ed25519 -N "$(cat "$dir/passphrase")" -f "$dir/client_pass_ed25519"
  cat "$dir/client_ed25519.pub" "$dir/client_pass_ed25519.pub" >"$dir/authorized_keys"
  deploy_user "$dir"
  : >"$dir/known_hosts"; : >"$dir/known_hosts_wrong"
  for addr in 127.0.0.1 127.0.0.2; do
    printf '[%s]:%s %s\n' "$addr" "$SSH_PORT" "$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")" >>"$dir/known_hosts"
    printf '[%s]:%s %s\n' "$addr" "$SSH_PORT" "$(cut -d' ' -f1,2 "$dir/other_host_ed25519.pub")" >>"$dir/known_hosts_wrong"
  done
  # A session's first SetEnv wins, so every Match block sets all of these. SHLVL=1: bash, the login
  # shell sshd runs each command with, skips ~/.bashrc only when it is not the first shell; this
  # machine's root .bashrc starts pyenv (0.17 s of CPU a session, a few thousand sessions a run), which
  # a deploy host does not have. SETUPTOOLS_USE_DISTUTILS=stdlib: Debian's docker-compose 1.29 imports
  # distutils, which setuptools' hook answers by importing all of setuptools (0.5 s of CPU a call, 0.33 s
  # without; docs/operations.md gives operators the same tip). Keelson's commands run the same either way.
  local SESSION_ENV="SHLVL=1 SETUPTOOLS_USE_DISTUTILS=stdlib"
  cat >"$dir/sshd_config" <<CFG
ListenAddress 127.0.0.1
ListenAddress 127.0.0.2
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
Match LocalAddress 127.0.0.2
    SetEnv DOCKER_HOST=$HOST_B_SOCK KEELSON_TEST_HOST=b $SESSION_ENV
Match User $DEPLOY_USER
    PasswordAuthentication yes
Match all
    SetEnv $SESSION_ENV
CFG
  if (exec 3<>"/dev/tcp/127.0.0.1/$SSH_PORT") 2>/dev/null; then
    if cmp -s "$dir/sshd_config" "$dir/sshd_config.running"; then
      return
    fi
    log "restarting sshd: its configuration changed"
    [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
    sleep 0.5
  fi
  cp "$dir/sshd_config" "$dir/sshd_config.running"
  log "starting sshd on 127.0.0.1:$SSH_PORT"
  setsid nohup /usr/sbin/sshd -f "$dir/sshd_config" -D -e >"$STATE/sshd.log" 2>&1 </dev/null &
  wait_for 15 sshd bash -c "exec 3<>/dev/tcp/127.0.0.1/$SSH_PORT"
}

forget_test_images() {
  # The tests push a few hundred images a run under $REGISTRY/it/; left in the engine, they pile up on
  # a machine that runs the suite again and again (8 500 after a day here), and every build and image
  # lookup of the engine slows down with them. Those no container uses go (the registry keeps its copy).
  local ids
  ids=$("$DOCKER" images --filter "reference=$REGISTRY/it/*" -q | sort -u)
  [ -z "$ids" ] || printf '%s\n' "$ids" | xargs -r -n 200 "$DOCKER" rmi >/dev/null 2>&1 || true
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
CMD ["sh","-c","trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done"]
DF
  # healthy: like app, with a healthcheck that passes after a moment.
  cat >"$ctx/Dockerfile.healthy" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
ARG NONCE=0
RUN echo "$NONCE" > /nonce
HEALTHCHECK --interval=1s --timeout=1s --retries=3 CMD ["test","-f","/tmp/ready"]
CMD ["sh","-c","trap 'exit 0' TERM; mkdir -p /tmp; touch /tmp/ready; while true; do sleep 1 & wait $!; done"]
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

token_signing_key() {
  # A key and self-signed certificate with which the tests' token server signs registry tokens.
  [ -f "$STATE/token.crt" ] && return
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$STATE/token.key" -out "$STATE/token.crt" -days 3650 \
    -subj /CN=keelson-test-token >/dev/null 2>&1
}

jre_base_image() {
  # Keelson's own small base image (jlink'ed JRE from this machine's Debian JDK), built by the
  # project's script; the image test and bench/footprint.sh build Keelson on it.
  local script; script="$(dirname "$0")/../src/main/docker/build-jre.sh"
  [ "$("$DOCKER" image inspect --format '{{index .Config.Labels "io.keelson.build-jre"}}' "$JRE_BASE" 2>/dev/null)" = \
    "$(md5sum "$script" | cut -c 1-12)" ] && return
  log "building $JRE_BASE with src/main/docker/build-jre.sh"
  DOCKER=$DOCKER "$script" "$JRE_BASE" >/dev/null
}

edge_image() {
  # The edge (HAProxy from Debian) that handovers go through, built by the project's script and
  # pushed to the test registry, as an operator pushes it to theirs.
  local script; script="$(dirname "$0")/build-edge.sh"
  [ "$("$DOCKER" image inspect --format '{{index .Config.Labels "io.keelson.edge.build"}}' "$EDGE_IMAGE" 2>/dev/null)" = \
    "$(md5sum "$script" | cut -c 1-12)" ] && curl -fs "http://$REGISTRY/v2/keelson/edge/manifests/2.6" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null && return
  log "building $EDGE_IMAGE with scripts/build-edge.sh"
  DOCKER=$DOCKER "$script" "$EDGE_IMAGE" >/dev/null
  # An edge the tests made from an older build goes with its routes; the next handover makes a new one.
  local engine
  for engine in "" "$HOST_B_SOCK"; do
    "$DOCKER" ${engine:+-H "$engine"} rm -f keelson-edge >/dev/null 2>&1 || true
    "$DOCKER" ${engine:+-H "$engine"} volume rm -f keelson-edge >/dev/null 2>&1 || true
  done
}

start_postgres() {
  # A PostgreSQL of the tests' own on 127.0.0.1:$PG_PORT (database and user keelson), for the
  # PostgreSQL build of Keelson. Its own cluster folder; the package's default cluster is not used.
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then return; fi
  mkdir -p "$STATE/postgres"; chown postgres "$STATE/postgres"
  if [ ! -f "$STATE/postgres/PG_VERSION" ]; then
    su postgres -s /bin/sh -c "$bin/initdb -D $STATE/postgres -U postgres --auth=trust" >"$STATE/initdb.log" 2>&1 ||
      die "initdb failed; see $STATE/initdb.log"
  fi
  # Nothing answers on the port, so a lock file left by a killed server is stale.
  rm -f "$STATE/postgres/postmaster.pid"
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $STATE/postgres -l $STATE/postgres/server.log -w -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1' start" >/dev/null ||
    die "PostgreSQL did not start; see $STATE/postgres/server.log"
  "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -tc "SELECT 1 FROM pg_roles WHERE rolname='keelson'" | grep -q 1 ||
    "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE ROLE keelson LOGIN PASSWORD 'keelson'" -c "CREATE DATABASE keelson OWNER keelson"
}

stop_dockerd_b() {
  local pid
  pid=$(cat "$HOST_B_RUN/docker.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  die "the second dockerd (pid $pid) did not stop within 30s"
}

# `test-env.sh restart-engine-b [SECONDS]`: the fault suite restarts the second engine mid-recreate,
# leaving it down for SECONDS (default 3), exactly as this script starts it.
if [ "${1:-}" = restart-engine-b ]; then
  stop_dockerd_b
  sleep "${2:-3}"
  start_dockerd_b
  exit 0
fi

install_packages
token_signing_key
start_dockerd
start_dockerd_b
start_registry
start_postgres
start_sshd
forget_test_images
build_images
jre_base_image
edge_image
cat >"$STATE/env" <<ENV
KEELSON_TEST_ENV_DIR=$STATE
KEELSON_TEST_SSH_HOST=127.0.0.1
KEELSON_TEST_SSH_PORT=$SSH_PORT
KEELSON_TEST_REGISTRY=$REGISTRY
KEELSON_TEST_HOST_B=127.0.0.2
KEELSON_TEST_HOST_B_DOCKER=$HOST_B_SOCK
ENV
log "ready: docker (+ $HOST_B_SOCK), registry $REGISTRY, sshd 127.0.0.1 and 127.0.0.2 :$SSH_PORT, images in $REGISTRY/keelson-test"
