#!/usr/bin/env bash
# Benchmark of the watch strategy on this machine's engine and registries.
#   N labelled containers over M images (default 50 over 5), one watch target over them:
#   - registry requests one check makes (HEADs from Keelson in the registry's access log)
#   - wall time and Keelson CPU time of one check that changes nothing (median of 5)
#   - push-to-running latency by polling (interval 5s) and by the registry's push notification
#   - time to recreate one container (Keelson, stableFor 0) against docker stop; rm; run (the floor)
#   With "policy" as third argument, the targets carry a deploy policy that checks every new digest
#   (signatures ifSigned with a key of the bench's own: a lookup per new digest; a
#   freeze long past), to compare: an unchanged check must make the same registry requests.
# Usage: bench/watch.sh [N] [M] [policy]. Needs root and scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
M=${2:-5}
POLICY=${3:-}
RUNS=5
bash scripts/test-env.sh >/dev/null
ENVDIR=${KEELSON_TEST_ENV_DIR:-/var/tmp/keelson-test-env}
DOCKER=/usr/bin/docker
WORK=$(mktemp -d /var/tmp/keelson-bench-watch.XXXXXX)
PORT=18081
NOTIFY_REGISTRY=127.0.0.1:5005
SCOPE=bench$$
TOKEN=bench-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
API="localhost:$PORT/api/v1"
KEELSON_PID=
REGISTRY_PID=

cleanup() {
  [ -n "$KEELSON_PID" ] && kill "$KEELSON_PID" 2>/dev/null || true
  [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null || true
  [ -f "$WORK/keelson.log" ] && cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-bench-watch-last.log"
  for s in "$SCOPE" "${SCOPE}poll" "${SCOPE}hook"; do
    "$DOCKER" ps -aq --filter "label=keelson.scope=$s" | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
  done
  "$DOCKER" ps -aq --filter "label=bench.floor=$SCOPE" | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.0f", (a[NR/2]+a[NR/2+1])/2}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14+$15)*1000/hz}' "/proc/$KEELSON_PID/stat"; }

push() { # push REF: a new digest of the small test image
  "$DOCKER" build -q --build-arg "NONCE=$RANDOM$RANDOM" -f "$ENVDIR/images/Dockerfile.app" -t "$1" "$ENVDIR/images" >/dev/null
  "$DOCKER" push -q "$1" >/dev/null
}
digest_of_container() { # the registry digest the container's image has for REPO
  local img; img=$("$DOCKER" inspect --format '{{.Image}}' "$1")
  "$DOCKER" image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$img" | awk -F@ -v r="$2" '$1==r {print $2; exit}'
}
registry_digest() { # the digest the registry now names for REPO:TAG
  curl -fsSI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://${1%%/*}/v2/${1#*/}/manifests/latest" |
    awk 'tolower($1)=="docker-content-digest:" {print $2}' | tr -d '\r'
}
wait_for_digest() { # wait_for_digest CONTAINER REPO DIGEST: ms until the container runs it
  local t0; t0=$(now_ms)
  for _ in $(seq 600); do
    [ "$(digest_of_container "$1" "$2" 2>/dev/null)" = "$3" ] && { echo $(( $(now_ms) - t0 )); return; }
    sleep 0.05
  done
  echo NA
}

# A registry of the benchmark's own that notifies Keelson of every push, as a real one would be set up.
mkdir -p "$WORK/registry" "$WORK/catalog" "$WORK/data"
cat >"$WORK/registry.yml" <<YML
version: 0.1
storage: {filesystem: {rootdirectory: $WORK/registry}, delete: {enabled: true}}
http: {addr: $NOTIFY_REGISTRY}
notifications:
  endpoints:
    - name: keelson
      url: http://127.0.0.1:$PORT/api/v1/hooks/registry
      headers: {Authorization: ["Bearer $TOKEN"]}
      timeout: 2s
      threshold: 5
      backoff: 1s
YML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!

POLICY_YAML=
if [ "$POLICY" = policy ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/cosign.key" 2>/dev/null
  openssl ec -in "$WORK/cosign.key" -pubout -out "$WORK/cosign.pub" 2>/dev/null
  POLICY_YAML="policy: {signatures: {mode: ifSigned, publicKeyFiles: [$WORK/cosign.pub]},
  freezes: [{from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z', reason: past}]}"
fi
target() { # target NAME INTERVAL SCOPE
  cat >"$WORK/catalog/$1.yaml" <<YML
name: $1
strategy: watch
watch: {interval: $2, labelEnable: true, scope: "$3", stopTimeout: 5s}
rollout: {healthTimeout: 30s, stableFor: 0s, onFailure: rollback}
$POLICY_YAML
YML
}
target bench-many 1h "$SCOPE"
target bench-poll 5s "${SCOPE}poll"
target bench-hook 1h "${SCOPE}hook"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -DskipTests package
QUARKUS_HTTP_PORT=$PORT KEELSON_TARGETS_DIR="$WORK/catalog" QUARKUS_DATASOURCE_JDBC_URL="jdbc:h2:file:$WORK/data/keelson" \
KEELSON_AUTH_TOKENS_BENCH_SECRET="$TOKEN" KEELSON_AUTH_TOKENS_BENCH_ROLES=deploy \
  java -jar target/quarkus-app/quarkus-run.jar >"$WORK/keelson.log" 2>&1 &
KEELSON_PID=$!
for _ in $(seq 150); do curl -fs "localhost:$PORT/q/health/live" >/dev/null 2>&1 && break; sleep 0.2; done

# N containers over M images.
for m in $(seq "$M"); do push "127.0.0.1:5000/bench/watch$$-$m:latest"; done
for n in $(seq "$N"); do
  m=$(( (n - 1) % M + 1 ))
  "$DOCKER" run -d --name "$SCOPE-c$n" --label keelson.enable=true --label "keelson.scope=$SCOPE" \
    "127.0.0.1:5000/bench/watch$$-$m:latest" >/dev/null
done
deploy() { curl -fsS -o "$WORK/last.json" -X POST -H "Authorization: Bearer $TOKEN" "$API/targets/$1/deployments?wait=true" -d '{}'; }
deploy bench-many   # warm-up: the JIT, the engine client, the registry connections

heads() { grep -c "\(HEAD\|GET\) /v2/bench/watch$$-.*Java-http-client" "$ENVDIR/registry.log" || true; }
walls=(); cpus=(); requests=
for run in $(seq "$RUNS"); do
  h0=$(heads); c0=$(cpu_ms); t0=$(now_ms)
  deploy bench-many
  t1=$(now_ms); c1=$(cpu_ms); h1=$(heads)
  walls+=($((t1 - t0))); cpus+=($((c1 - c0))); requests=$((h1 - h0))
done
wall=$(printf '%s\n' "${walls[@]}" | median); cpu=$(printf '%s\n' "${cpus[@]}" | median)

# Push-to-running: polling every 5 s.
POLL_REPO=127.0.0.1:5000/bench/poll$$
push "$POLL_REPO:latest"
"$DOCKER" run -d --name "${SCOPE}poll-c" --label keelson.enable=true --label "keelson.scope=${SCOPE}poll" "$POLL_REPO:latest" >/dev/null
polls=()
for run in 1 2 3; do
  t0=$(now_ms); push "$POLL_REPO:latest"; pushed=$(now_ms)
  ms=$(wait_for_digest "${SCOPE}poll-c" "$POLL_REPO" "$(registry_digest "$POLL_REPO")")
  polls+=($(( ms == 0 ? 0 : ms + 0 )))
done
poll=$(printf '%s\n' "${polls[@]}" | median)

# Push-to-running: the registry notifies Keelson of the push.
HOOK_REPO=$NOTIFY_REGISTRY/bench/hook$$
push "$HOOK_REPO:latest"
"$DOCKER" run -d --name "${SCOPE}hook-c" --label keelson.enable=true --label "keelson.scope=${SCOPE}hook" "$HOOK_REPO:latest" >/dev/null
hooks=()
for run in 1 2 3; do
  push "$HOOK_REPO:latest"
  hooks+=($(wait_for_digest "${SCOPE}hook-c" "$HOOK_REPO" "$(registry_digest "$HOOK_REPO")"))
done
hook=$(printf '%s\n' "${hooks[@]}" | median)

# Recreating one container: Keelson (from its deployment record) against docker stop; rm; run.
ONE_REPO=127.0.0.1:5000/bench/watch$$-1
keelson_one=(); floor_one=()
for n in $(seq 2 "$N"); do "$DOCKER" rm -f "$SCOPE-c$n" >/dev/null; done   # keep c1, which runs watch-1
for run in 1 2 3; do
  push "$ONE_REPO:latest"
  deploy bench-many
  grep -q '"status":"SUCCEEDED"' "$WORK/last.json" && grep -q '"unit":"'"$SCOPE"'-c1"' "$WORK/last.json" ||
    { echo "the one-container deployment did not update $SCOPE-c1: $(cat "$WORK/last.json")" >&2; exit 1; }
  keelson_one+=($(python3 -c 'import json,sys,datetime as d; j=json.load(open(sys.argv[1])); p=lambda s: d.datetime.fromisoformat(s.replace("Z","+00:00")); print(int((p(j["finishedAt"])-p(j["startedAt"])).total_seconds()*1000))' "$WORK/last.json"))
  "$DOCKER" pull -q "$ONE_REPO:latest" >/dev/null
  "$DOCKER" run -d --name "$SCOPE-floor" --label "bench.floor=$SCOPE" "$ONE_REPO:latest" >/dev/null 2>&1 || true
  t0=$(now_ms)
  "$DOCKER" stop -t 5 "$SCOPE-floor" >/dev/null && "$DOCKER" rm "$SCOPE-floor" >/dev/null &&
    "$DOCKER" run -d --name "$SCOPE-floor" --label "bench.floor=$SCOPE" "$ONE_REPO:latest" >/dev/null
  floor_one+=($(( $(now_ms) - t0 )))
  "$DOCKER" rm -f "$SCOPE-floor" >/dev/null
done
k1=$(printf '%s\n' "${keelson_one[@]}" | median); f1=$(printf '%s\n' "${floor_one[@]}" | median)

echo "watch benchmark: $N containers over $M images${POLICY:+, with a deploy policy}"
echo "registry requests per check            $requests"
echo "unchanged check, wall ms (median)      $wall   [${walls[*]}]"
echo "unchanged check, Keelson CPU ms        $cpu   [${cpus[*]}]"
echo "push-to-running, polling 5s, ms        $poll   [${polls[*]}]"
echo "push-to-running, registry webhook, ms  $hook   [${hooks[*]}]"
echo "recreate one container, Keelson ms     $k1   [${keelson_one[*]}]  (includes pull, stableFor 0)"
echo "recreate one container, floor ms       $f1   [${floor_one[*]}]  (docker stop; rm; run, image already pulled)"
awk -v k="$k1" -v f="$f1" 'BEGIN {printf "ratio keelson/floor                    %.2f\n", k/f}'
