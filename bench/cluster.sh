#!/usr/bin/env bash
# Benchmark: Keelson replicas (PostgreSQL build, separate JVMs) on one PostgreSQL.
#   throughput - deployments per minute with 1, 2 and 3 replicas on the same ssh-compose targets
#                (the test sshd, gate stableFor 0s, force: every deployment recreates its service),
#                requests sent round-robin to the replicas; also database transactions per deployment
#                (pg_stat_database xact_commit + xact_rollback over the run, all replicas' background
#                work included, divided by the deployments)
#   failover   - kill -9 of the replica running a deployment, to that deployment INTERRUPTED by
#                another replica (median of RUNS; bounded by keelson.cluster.lease-ttl, 15 s default)
#   paused     - the replica running a deployment paused (kill -STOP) for twice the lease during
#                its gate, then resumed (kill -CONT): how long until the other one took over, whether
#                the taker's INTERRUPTED stayed, containers of the service afterwards (goal 1), and
#                whether the resumed one stopped at its fence
#
# Usage: bench/cluster.sh [deployments-per-throughput-run] [failover-runs]   (defaults 36, 5).
# Needs root and scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DEPLOYMENTS=${1:-36}
RUNS=${2:-5}
TARGETS=6
bash scripts/test-env.sh >/dev/null
ENVDIR=/var/tmp/keelson-test-env
WORK=$(mktemp -d /var/tmp/keelson-bench.XXXXXX)
REPO=127.0.0.1:5000/bench/cluster-$$
TOKEN=$(new_token)
PIDS=()
PSQL=(env PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p 5433 -U keelson -d keelson -qAt)

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for d in "$WORK"/p*; do [ -d "$d" ] && (cd "$d" && docker-compose -p "$(basename "$d")$$" down -t 1 >/dev/null 2>&1) || true; done
  cat "$WORK"/replica-*.log > "${TMPDIR:-/tmp}/keelson-bench-cluster-last.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f target/pg-app/quarkus-run.jar ] ||
  ./mvnw -B -q -DskipTests package -Dquarkus.datasource.db-kind=postgresql -Dquarkus.package.output-directory=pg-app

reset_db() { "${PSQL[@]}" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null; }

start_replica() { # start_replica INDEX: PIDS[INDEX] and port 18120+INDEX
  local i=$1 port=$((18120 + $1))
  mkdir -p "$WORK/catalog"
  QUARKUS_HTTP_PORT=$port KEELSON_TARGETS_DIR="$WORK/catalog" \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5433/keelson \
  QUARKUS_DATASOURCE_USERNAME=keelson QUARKUS_DATASOURCE_PASSWORD=keelson \
  KEELSON_AUTH_TOKENS_BENCH_SECRET="$TOKEN" KEELSON_AUTH_TOKENS_BENCH_ROLES=admin \
    java -jar target/pg-app/quarkus-run.jar >>"$WORK/replica-$i.log" 2>&1 &
  PIDS[$i]=$!
  for _ in $(seq 300); do curl -fs "localhost:$port/q/health/live" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "replica $i did not start; see $WORK/replica-$i.log" >&2; exit 1
}

stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }

on() { PORT=$((18120 + $1)); shift; api "$@"; } # on INDEX METHOD PATH [BODY]

create_target() { # create_target NAME STABLE_FOR: an ssh-compose target with its own project
  local dir="$WORK/p$1"
  mkdir -p "$dir"
  printf 'version: "3.8"\nservices:\n  bot:\n    image: %s:latest\n' "$REPO" >"$dir/docker-compose.yml"
  on 0 POST /api/v1/targets "{\"name\": \"$1\", \"strategy\": \"ssh-compose\",
    \"ssh\": {\"hosts\": [\"127.0.0.1\"], \"port\": 2222, \"user\": \"root\",
      \"privateKeyFile\": \"$ENVDIR/ssh/client_ed25519\", \"knownHostsFile\": \"$ENVDIR/ssh/known_hosts\"},
    \"compose\": {\"projectDir\": \"$dir\", \"projectName\": \"p$1$$\", \"services\": [\"bot\"]},
    \"rollout\": {\"healthTimeout\": \"60s\", \"stableFor\": \"$2\", \"onFailure\": \"rollback\"}}" >/dev/null
}

xacts() { "${PSQL[@]}" -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'keelson'"; }
unfinished() { "${PSQL[@]}" -c "SELECT count(*) FROM deployment WHERE status IN ('QUEUED', 'RUNNING')"; }

push_image "$REPO:latest" app >/dev/null

echo "replicas deployments wall_s per_minute xacts_per_deployment succeeded"
for n in 1 2 3; do
  reset_db
  for i in $(seq 0 $((n - 1))); do start_replica "$i"; done
  for t in $(seq 1 $TARGETS); do create_target "t$t" 0s; done
  # one warm-up deployment per target: the project is up and the image pulled before timing
  for t in $(seq 1 $TARGETS); do on $((t % n)) POST "/api/v1/targets/t$t/deployments?wait=true" '{}' >/dev/null; done
  sleep 1
  before=$(xacts); t0=$(now_ns)
  for k in $(seq 0 $((DEPLOYMENTS - 1))); do
    on $((k % n)) POST "/api/v1/targets/t$(( k % TARGETS + 1 ))/deployments" '{"force": true}' >/dev/null
  done
  while [ "$(unfinished)" != 0 ]; do sleep 0.2; done
  t1=$(now_ns); after=$(xacts)
  ok=$("${PSQL[@]}" -c "SELECT count(*) FROM deployment WHERE status = 'SUCCEEDED'")
  awk -v n="$n" -v d="$DEPLOYMENTS" -v ns=$((t1 - t0)) -v x=$((after - before)) -v ok=$((ok - TARGETS)) \
    'BEGIN {s = ns / 1e9; printf "%d %d %.1f %.1f %.1f %d\n", n, d, s, d * 60 / s, x / d, ok}'
  stop_all
done

reset_db
start_replica 0; start_replica 1
create_target slow 30s
on 0 POST "/api/v1/targets/slow/deployments?wait=true" '{"force": true}' >/dev/null || true
: >"$WORK/failover"
for r in $(seq 1 "$RUNS"); do
  id=$(on $((r % 2)) POST /api/v1/targets/slow/deployments '{"force": true}' | json 'd["id"]')
  for _ in $(seq 300); do grep -q "deployment $id of" "$WORK"/replica-*.log && break; sleep 0.1; done
  sleep 2
  victim=$(grep -l "deployment $id of" "$WORK"/replica-*.log | head -n1 | sed 's/.*replica-\([0-9]*\)\.log/\1/')
  other=$((1 - victim))
  t0=$(now_ns); kill -9 "${PIDS[$victim]}"; wait "${PIDS[$victim]}" 2>/dev/null || true
  for _ in $(seq 600); do
    s=$("${PSQL[@]}" -c "SELECT status FROM deployment WHERE id = '$id'")
    [ "$s" = INTERRUPTED ] && break; sleep 0.1
  done
  t1=$(now_ns)
  echo "failover run $r: ${s} after $(( (t1 - t0) / 1000000 )) ms (killed replica $victim, taken over by $other)"
  echo $(( (t1 - t0) / 1000000 )) >>"$WORK/failover"
  while [ "$(unfinished)" != 0 ]; do sleep 0.5; done
  start_replica "$victim"
done
echo "failover median: $(median <"$WORK/failover") ms over $RUNS runs"

# A paused runner: the other replica takes over; the paused one, resumed, must change nothing.
: >"$WORK/takeover"
kept=0; one_container=0; fenced=0
for r in $(seq 1 "$RUNS"); do
  while [ "$(unfinished)" != 0 ]; do sleep 0.5; done
  id=$(on $((r % 2)) POST /api/v1/targets/slow/deployments '{"force": true}' | json 'd["id"]')
  for _ in $(seq 300); do grep -q "deployment $id of" "$WORK"/replica-*.log && break; sleep 0.1; done
  sleep 2
  runner=$(grep -l "deployment $id of" "$WORK"/replica-*.log | head -n1 | sed 's/.*replica-\([0-9]*\)\.log/\1/')
  t0=$(now_ns); kill -STOP "${PIDS[$runner]}"
  for _ in $(seq 600); do
    s=$("${PSQL[@]}" -c "SELECT status FROM deployment WHERE id = '$id'")
    [ "$s" = INTERRUPTED ] && break; sleep 0.1
  done
  t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 )) >>"$WORK/takeover"
  sleep 30 # twice the lease, in all
  kill -CONT "${PIDS[$runner]}"
  for _ in $(seq 60); do grep -q "no longer holds the lane" "$WORK/replica-$runner.log" && break; sleep 0.5; done
  sleep 3
  s=$("${PSQL[@]}" -c "SELECT status FROM deployment WHERE id = '$id'")
  n=$(docker ps -q --filter "label=com.docker.compose.project=pslow$$" | wc -l)
  f=$(grep -c "no longer holds the lane" "$WORK/replica-$runner.log" || true)
  echo "paused run $r: taken over after $(( (t1 - t0) / 1000000 )) ms; status afterwards $s; running containers $n; fence messages in the resumed replica's log $f"
  [ "$s" = INTERRUPTED ] && kept=$((kept + 1))
  [ "$n" = 1 ] && one_container=$((one_container + 1))
  [ "$f" -gt 0 ] && fenced=$((fenced + 1))
done
echo "paused: take-over median $(median <"$WORK/takeover") ms; taker's status kept $kept/$RUNS; one container $one_container/$RUNS; resumed replica stopped at its fence $fenced/$RUNS"
