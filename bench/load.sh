#!/usr/bin/env bash
# Benchmark: Keelson under load. 200 deployment requests over 20 ssh-compose targets (the test
# host, gate of zero), sent 40 at a time, while 50 clients follow deployment logs live and
# readiness and GET /api/v1/targets are probed all along. Prints requests accepted, lost (accepted
# but not finished, or never recorded; goal 0), answers with a 5xx (goal 0), p50/p99 answer time of
# GET /api/v1/targets during the load, and Keelson's peak threads and RSS.
# Then what a caller with a read token can do by reading (Keelson runs as shipped, through
# bin/keelson: 128 MiB heap, exit on out-of-memory): 250 live followers held on a deployment in a
# 30 s gate (how many were admitted, how many refused with 429, GET /api/v1/targets p50/p99 and the
# time a deploy request takes meanwhile), then 20 s of parallel ?limit=500 history, deployment and
# log reads (answers by status, and whether Keelson is still the same process).
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
READER=$(new_token)
export KEELSON_AUTH_TOKENS_READER_SECRET=$READER KEELSON_AUTH_TOKENS_READER_ROLES=read
export LAUNCHER=bin
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

# ---- what a read token can do by reading -----------------------------------------------------
mkdir -p "$WORK/slow"
printf 'version: "3.8"\nservices:\n  bot:\n    image: %s:latest\n    restart: unless-stopped\n    stop_grace_period: 1s\n' "$REPO" >"$WORK/slow/docker-compose.yml"
api POST /api/v1/targets "{\"name\": \"load-slow\", \"strategy\": \"ssh-compose\",
  \"ssh\": {\"hosts\": [\"127.0.0.1\"], \"port\": 2222, \"user\": \"root\",
            \"privateKeyFile\": \"$ENVDIR/ssh/client_ed25519\", \"knownHostsFile\": \"$ENVDIR/ssh/known_hosts\"},
  \"compose\": {\"projectDir\": \"$WORK/slow\", \"projectName\": \"bl$$slow\", \"services\": [\"bot\"]},
  \"rollout\": {\"healthTimeout\": \"90s\", \"stableFor\": \"30s\"}}" >/dev/null
slow=$(api POST /api/v1/targets/load-slow/deployments '{"force": true}' | json 'd["id"]')
wait_log "$slow" "up -d --no-deps" 60 || true  # the 30 s gate follows the up
: >"$WORK/list2"
followers=()
for _ in $(seq 250); do
  curl -s -N -H "Authorization: Bearer $READER" -H 'Accept: text/event-stream' --max-time 120 \
    "localhost:$PORT/api/v1/deployments/$slow/log" -o /dev/null -w '%{http_code}\n' >>"$WORK/follow2" &
  followers+=($!)
done
sleep 2
for _ in $(seq 40); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $READER" "localhost:$PORT/api/v1/targets" >>"$WORK/list2"
  sleep 0.1
done
deploy_time=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" "localhost:$PORT/api/v1/targets/load-1/deployments" -d '{}')
final=$(wait_final "$slow" 120)
wait "${followers[@]}"
echo "-- a read token reading --"
echo "250 live followers on one token:  $(sort "$WORK/follow2" | uniq -c | tr '\n' ' ')(200 = followed to the end, 429 = refused past the bound)"
echo "GET /api/v1/targets meanwhile:    p50 $(cut -d' ' -f2 "$WORK/list2" | awk '{printf "%.0f\n", $1*1000}' | percentile 50) ms, p99 $(cut -d' ' -f2 "$WORK/list2" | awk '{printf "%.0f\n", $1*1000}' | percentile 99) ms; statuses $(cut -d' ' -f1 "$WORK/list2" | sort | uniq -c | tr '\n' ' ')"
echo "a deploy request meanwhile:       $deploy_time s; the followed deployment ended $final"
pid_before=$KEELSON_PID
end=$(( $(date +%s) + 20 ))
ids_list=$(tr ' ' '\n' <<<"$ids" | head -n 100)
flood() { # flood PATH-KIND: reads until $end, one status code a line
  while [ "$(date +%s)" -lt "$end" ]; do
    id=$(shuf -n 1 <<<"$ids_list")
    case $1 in
      history) path="/api/v1/targets/load-1/deployments?limit=500" ;;
      one) path="/api/v1/deployments/$id" ;;
      log) path="/api/v1/deployments/$id/log" ;;
    esac
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -H "Authorization: Bearer $READER" "localhost:$PORT$path"
  done
}
floods=()
for kind in history one log history one log; do flood "$kind" >>"$WORK/flood" & floods+=($!); done
live_fail=0
while [ "$(date +%s)" -lt "$end" ]; do
  curl -fs -o /dev/null --max-time 5 "localhost:$PORT/q/health/live" || live_fail=$((live_fail + 1))
  sleep 0.25
done
wait "${floods[@]}"
echo "20 s of parallel reads (6 loops): $(sort "$WORK/flood" | uniq -c | tr '\n' ' ')"
echo "liveness failures during them:    $live_fail (goal 0); same process: $(kill -0 "$pid_before" 2>/dev/null && echo yes || echo NO)"
