#!/usr/bin/env bash
# Benchmark: what a deployment costs the clients of an HTTP service, under 200 requests/s from hey
# (a new connection per request, 4 clients at 50/s), four ways side by side in one run:
#   overlap - Keelson, ssh-docker target, handover mode overlap (the edge switches to the new copy)
#   hold    - Keelson, ssh-docker target, handover mode hold (the edge holds connections while it restarts)
#   plain   - Keelson, ssh-docker target without handover (its own stop-then-start replacement)
#   seed    - the seed's shell over SSH: docker stop; docker rm; docker pull; docker run
# Each way gets DEPLOYS deployments, each of a new digest of a small busybox httpd image with a
# healthcheck (the gate waits for it, stableFor 0s). Prints, per way: requests, failed ones (any
# non-2xx and every socket error), p99 latency at rest (the same load with no deployment) and during
# the deployments, their ratio, the median wall time of a deployment, and for overlap the median time
# from "new copy healthy" to "switched" (the deployment log's own figure).
#
# Usage: bench/handover.sh [DEPLOYS]   (default 20). Needs root and scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DEPLOYS=${1:-20}
bash scripts/test-env.sh >/dev/null
command -v hey >/dev/null || { echo "hey is missing: run scripts/test-env.sh" >&2; exit 1; }
WORK=$(mktemp -d /var/tmp/keelson-bench.XXXXXX)
REPO=127.0.0.1:5000/bench/web-$$
PORT=18083
TOKEN=$(new_token)
WAYS=(overlap hold plain seed)
declare -A HOSTPORT=([overlap]=28081 [hold]=28082 [plain]=28083 [seed]=28084)

cleanup() {
  [ -n "$KEELSON_PID" ] && kill "$KEELSON_PID" 2>/dev/null || true
  [ -f "$WORK/keelson.log" ] && cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-bench-last.log"
  for way in "${WAYS[@]}"; do
    "$DOCKER" ps -aq --filter "name=bench-$way-$$" | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
    "$DOCKER" exec keelson-edge /usr/share/keelson-edge/edge drop-route "bench-$way-$$-${HOSTPORT[$way]}" >/dev/null 2>&1 || true
  done
  "$DOCKER" exec keelson-edge /usr/share/keelson-edge/edge reload >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

push_web() { # push_web: a new digest of busybox httpd answering its nonce on 8000, healthy once it answers
  local ctx=$WORK/web
  mkdir -p "$ctx"
  cp /bin/busybox "$ctx/busybox"
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$ctx/nonce"
  cat >"$ctx/Dockerfile" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
COPY nonce /www/index.html
HEALTHCHECK --interval=1s --timeout=1s --retries=30 CMD ["wget","-q","-O","/dev/null","http://127.0.0.1:8000/"]
CMD ["sh","-c","trap 'exit 0' TERM; httpd -p 8000 -h /www; while true; do sleep 0.2; done"]
DF
  "$DOCKER" build -q -t "$REPO:latest" "$ctx" >/dev/null && "$DOCKER" push -q "$REPO:latest" >/dev/null
}

write_catalog() { # one ssh-docker target per Keelson way
  local way mode
  mkdir -p "$WORK/catalog"
  for way in overlap hold plain; do
    mode=
    [ "$way" != plain ] && mode="
handover:
  drainTimeout: 10s
  units:
    bench-$way-$$: {mode: $way, ports: [\"127.0.0.1:${HOSTPORT[$way]}:8000\"]}"
    cat >"$WORK/catalog/bench-$way.yaml" <<YML
name: bench-$way
strategy: ssh-docker
ssh:
  hosts: [127.0.0.1]
  port: 2222
  user: root
  privateKeyFile: $ENVDIR/ssh/client_ed25519
  knownHostsFile: $ENVDIR/ssh/known_hosts
containers:
  - name: bench-$way-$$
    image: $REPO:latest
rollout:
  healthTimeout: 60s
  stableFor: 0s
  onFailure: rollback$mode
YML
  done
}

run_args() { echo "-d --name bench-$1-$$ -p 127.0.0.1:${HOSTPORT[$1]}:8000 --restart unless-stopped $REPO:latest"; }

deploy() { # deploy WAY
  case $1 in
    seed) "${SSH[@]}" "docker stop bench-seed-$$ && docker rm bench-seed-$$ && docker pull -q $REPO:latest && docker run $(run_args seed)" >/dev/null 2>&1 ;;
    *) curl -fsS -o "$WORK/last.json" -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
         "localhost:$PORT/api/v1/targets/bench-$1/deployments?wait=true" -d '{}' || true
       [ "$(json 'd["status"]' <"$WORK/last.json")" = SUCCEEDED ] || { echo "bench-$1: $(cat "$WORK/last.json")" >&2; exit 1; }
       json '"\n".join(d["log"])' <"$WORK/last.json" >>"$WORK/$1.log"
       phases "$(json 'd["id"]' <"$WORK/last.json")" >>"$WORK/phases-$1.txt" ;;
  esac
}

load_start() { # load_start WAY: hey in the background, its report in $WORK/hey-WAY.txt
  hey -z 3600s -c 4 -q 50 -t 20 -disable-keepalive "http://127.0.0.1:${HOSTPORT[$1]}/" >"$WORK/hey-$1.txt" 2>&1 &
  HEY_PID=$!
}

load_stop() { kill -INT "$HEY_PID"; wait "$HEY_PID" 2>/dev/null || true; }

ok_of() { grep -Eo '\[2[0-9][0-9]\][[:space:]]+[0-9]+ responses' "$1" | awk '{s+=$2} END {print s+0}'; }
failed_of() { # every non-2xx answer and every error hey counted
  local bad errors
  bad=$(grep -Eo '\[[013-9][0-9][0-9]\][[:space:]]+[0-9]+ responses' "$1" | awk '{s+=$2} END {print s+0}')
  errors=$(sed -n '/Error distribution:/,$p' "$1" | grep -Eo '^\s*\[[0-9]+\]' | tr -d '[] ' | awk '{s+=$1} END {print s+0}')
  echo $((bad + errors))
}
p99_ms() { awk '/99% in/ {printf "%.1f", $3 * 1000}' "$1"; }

write_catalog
start_keelson
push_web
for way in "${WAYS[@]}"; do "${SSH[@]}" "docker run $(run_args "$way")" >/dev/null; done
for way in overlap hold; do deploy "$way"; done   # the first deployment adopts the port: not measured
: >"$WORK/overlap.log"; rm -f "$WORK"/phases-*.txt

declare -A WALL
for way in "${WAYS[@]}"; do
  for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:${HOSTPORT[$way]}/" && break; sleep 0.1; done
  hey -z 5s -c 4 -q 50 -t 20 -disable-keepalive "http://127.0.0.1:${HOSTPORT[$way]}/" >"$WORK/rest-$way.txt" 2>&1
  load_start "$way"
  sleep 1
  for _ in $(seq "$DEPLOYS"); do
    push_web
    t0=$(now_ns); deploy "$way"; t1=$(now_ns)
    WALL[$way]+="$(( (t1 - t0) / 1000000 )) "
  done
  sleep 1
  load_stop
done

SWITCH=$(grep -Eo 'switched to the new copy [0-9a-f]+ [0-9]+ ms after its gate' "$WORK/overlap.log" | awk '{print $(NF-4)}' | median)
printf '%-8s %6s %9s %7s %11s %13s %6s %8s %10s\n' way deploys requests failed p99_rest_ms p99_deploy_ms ratio wall_ms switch_ms
for way in "${WAYS[@]}"; do
  rest=$(p99_ms "$WORK/rest-$way.txt"); during=$(p99_ms "$WORK/hey-$way.txt")
  ok=$(ok_of "$WORK/hey-$way.txt"); failed=$(failed_of "$WORK/hey-$way.txt")
  wall=$(tr ' ' '\n' <<<"${WALL[$way]}" | grep -v '^$' | median)
  printf '%-8s %6s %9s %7s %11s %13s %6s %8s %10s\n' "$way" "$DEPLOYS" "$((ok + failed))" "$failed" "$rest" "$during" \
    "$(awk -v a="$during" -v b="$rest" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')" "$wall" \
    "$([ "$way" = overlap ] && echo "$SWITCH" || echo -)"
done
echo "goals: 0 failed with overlap and hold; switch <= 100 ms after the gate; p99 during <= 2x p99 at rest"
for way in overlap hold plain; do
  echo "where a $way deployment's time went (medians, from Keelson's log):"
  phase_table "$WORK/phases-$way.txt"
done
