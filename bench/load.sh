#!/usr/bin/env bash
# Benchmark: Keelson under load. 200 deployment requests over 20 ssh-compose targets (the test
# host, gate of zero), sent 40 at a time, while 50 clients follow deployment logs live and
# readiness and GET /api/v1/targets are probed all along. Prints requests accepted, lost (accepted
# but not finished, or never recorded; goal 0), answers with a 5xx (goal 0), p50/p99 answer time of
# GET /api/v1/targets during the load, and Keelson's peak threads and RSS.
#
# Usage: bench/load.sh [REQUESTS] [TARGETS]   (default 200 20). Needs root and scripts/test-env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-200}
TARGETS=${2:-20}
bash scripts/test-env.sh >/dev/null
source bench/lib.sh
WORK=$(mktemp -d /var/tmp/keelson-load.XXXXXX)
PORT=18082
TOKEN=$(new_token)
REPO=127.0.0.1:5000/bench/load-$$

cleanup() {
  [ -n "$KEELSON_PID" ] && kill "$KEELSON_PID" 2>/dev/null || true
  jobs -p | xargs -r kill 2>/dev/null || true
  for t in $(seq "$TARGETS"); do (cd "$WORK/p$t" 2>/dev/null && docker-compose -p "bl$$t$t" down -t 1 >/dev/null 2>&1) || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

start_keelson
push_image "$REPO:latest" app
for t in $(seq "$TARGETS"); do
  mkdir -p "$WORK/p$t"
  printf 'version: "3.8"\nservices:\n  bot:\n    image: %s:latest\n    restart: unless-stopped\n    stop_grace_period: 1s\n' "$REPO" >"$WORK/p$t/docker-compose.yml"
  api POST /api/v1/targets "{\"name\": \"load-$t\", \"strategy\": \"ssh-compose\",
    \"ssh\": {\"hosts\": [\"127.0.0.1\"], \"port\": 2222, \"user\": \"root\",
              \"privateKeyFile\": \"$ENVDIR/ssh/client_ed25519\", \"knownHostsFile\": \"$ENVDIR/ssh/known_hosts\"},
    \"compose\": {\"projectDir\": \"$WORK/p$t\", \"projectName\": \"bl$$t$t\", \"services\": [\"bot\"]},
    \"rollout\": {\"healthTimeout\": \"60s\", \"stableFor\": \"0s\"}}" >/dev/null
done

sample() { # peak threads and RSS of Keelson, every 200 ms, into $WORK/samples
  while kill -0 "$KEELSON_PID" 2>/dev/null; do
    awk '/^Threads:/ {t=$2} /^VmRSS:/ {r=$2} END {print t, r}' "/proc/$KEELSON_PID/status" >>"$WORK/samples" 2>/dev/null || true
    sleep 0.2
  done
}
probe() { # GET /api/v1/targets and readiness, back to back, until $WORK/done exists
  while [ ! -f "$WORK/done" ]; do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" "localhost:$PORT/api/v1/targets" >>"$WORK/list"
    curl -s -o /dev/null -w '%{http_code}\n' "localhost:$PORT/q/health/ready" >>"$WORK/ready"
    sleep 0.05
  done
}
sample & probe &

# 200 requests, 40 in flight; each answer's status code and deployment id.
seq "$REQUESTS" | xargs -P 40 -I{} sh -c '
  t=$(( ({} - 1) % '"$TARGETS"' + 1 ))
  curl -s -o "'"$WORK"'/r{}" -w "%{http_code}\n" -X POST -H "Authorization: Bearer '"$TOKEN"'" -H "Content-Type: application/json" \
    -H "Idempotency-Key: load-{}" "localhost:'"$PORT"'/api/v1/targets/load-$t/deployments" -d "{\"force\": true}"' >"$WORK/codes"
ids=$(cat "$WORK"/r* | python3 -c 'import sys,json,re
for m in re.finditer(r"\"id\"\s*:\s*\"([0-9A-Z]{26})\"", sys.stdin.read()): print(m.group(1))' | sort -u)
# 50 live followers of the first 50 accepted deployments.
for id in $(head -n 50 <<<"$ids"); do
  curl -s -N -H "Authorization: Bearer $TOKEN" -H 'Accept: text/event-stream' --max-time 600 \
    "localhost:$PORT/api/v1/deployments/$id/log" -o /dev/null -w '%{http_code}\n' >>"$WORK/follow" &
done
t0=$(date +%s)
LOST=0
for id in $ids; do
  s=$(wait_final "$id" 600)
  case $s in SUCCEEDED|FAILED|ROLLED_BACK|INTERRUPTED) ;; *) LOST=$((LOST + 1)) ;; esac
done
touch "$WORK/done"; sleep 0.5
ACCEPTED=$(grep -c '^202$' "$WORK/codes" || true)
RECORDED=$(wc -w <<<"$ids")
LOST=$((LOST + ACCEPTED - RECORDED))
FIVExx=$(cat "$WORK/codes" "$WORK/follow" "$WORK/ready" <(cut -d' ' -f1 "$WORK/list") | grep -c '^5' || true)
echo "requests sent:                    $REQUESTS over $TARGETS targets (40 in flight), 50 live log followers"
echo "requests accepted (202):          $ACCEPTED; other answers: $(grep -v '^202$' "$WORK/codes" | sort | uniq -c | tr '\n' ' ')"
echo "accepted but lost:                $LOST (goal 0)"
echo "answers with a 5xx:               $FIVExx (goal 0; deployments, followers, readiness, target list)"
echo "readiness not 200:                $(grep -vc '^200$' "$WORK/ready" || true) of $(wc -l <"$WORK/ready")"
echo "GET /api/v1/targets during load:  p50 $(cut -d' ' -f2 "$WORK/list" | awk '{printf "%.0f\n", $1*1000}' | percentile 50) ms, p99 $(cut -d' ' -f2 "$WORK/list" | awk '{printf "%.0f\n", $1*1000}' | percentile 99) ms ($(wc -l <"$WORK/list") calls)"
echo "all deployments ended after:      $(( $(date +%s) - t0 )) s"
echo "Keelson peak threads:             $(cut -d' ' -f1 "$WORK/samples" | sort -n | tail -n 1)"
echo "Keelson peak RSS:                 $(( $(cut -d' ' -f2 "$WORK/samples" | sort -n | tail -n 1) / 1024 )) MiB"
