#!/usr/bin/env bash
# Benchmark: review environments, from a request to an environment that serves, and from a DELETE to
# nothing left on the host, for 1 environment and for N created side by side; beside the same steps
# done by hand over SSH in the same run (mkdir; cp; docker-compose up -d  /  down -v; rm -rf), as the
# shell scripts Keelson replaces do them.
#
# "Serving" is an HTTP 200 from the environment's published port (busybox httpd in the test image);
# "nothing left" is no container, volume or network with the project's label and no folder.
# Prints, per way and per size: the median and the slowest of the per-environment times (ms), and
# the wall time of the whole batch; then the ratio Keelson / by hand of the medians.
#
# Usage: bench/review-env.sh [N] [ROUNDS]   (default 10 environments, 3 rounds). Needs root and
# scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
ROUNDS=${2:-3}
bash scripts/test-env.sh >/dev/null
source bench/lib.sh
WORK=$(mktemp -d /var/tmp/keelson-review-bench.XXXXXX)
PORT=18083
TOKEN=$(new_token)
REPO=127.0.0.1:5000/bench/review-$$
FIRST_PORT=$(( 30000 + ($$ % 1000) * 20 ))

cleanup() {
  [ -n "$KEELSON_PID" ] && kill -9 "$KEELSON_PID" 2>/dev/null || true
  "$DOCKER" ps -a --format '{{.ID}} {{.Label "com.docker.compose.project"}}' | awk -v p="br$$" 'index($2, p) == 1 { print $1 }' |
    xargs -r "$DOCKER" rm -f -v >/dev/null 2>&1 || true
  "$DOCKER" volume ls -q | grep "^br$$" | xargs -r "$DOCKER" volume rm -f >/dev/null 2>&1 || true
  "$DOCKER" network ls -q --filter "name=br$$" | xargs -r "$DOCKER" network rm >/dev/null 2>&1 || true
  cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-review-bench-last.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/template" "$WORK/review" "$WORK/hand"
cat >"$WORK/template/docker-compose.yml" <<YML
version: "3.8"
services:
  web:
    image: $REPO:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; mkdir -p /www; echo ok > /www/index.html; httpd -f -p 8080 -h /www & while true; do sleep 1 & wait \$\$!; done"]
    ports: ["\${KEELSON_PORT_WEB:-0}:8080"]
    volumes: [data:/data]
    stop_grace_period: 2s
volumes:
  data: {}
YML
push_image "$REPO:latest" app
start_keelson
api POST /api/v1/targets "$(cat <<JSON
{"name": "bench-review", "strategy": "ssh-compose",
 "ssh": {"hosts": ["127.0.0.1"], "port": 2222, "user": "root",
         "privateKeyFile": "$ENVDIR/ssh/client_ed25519", "knownHostsFile": "$ENVDIR/ssh/known_hosts"},
 "compose": {"projectDir": "$WORK/template", "projectName": "br$$-template", "services": ["web"]},
 "environments": {"projectDir": "$WORK/review/{slug}", "projectName": "br$$-{slug}",
                  "ports": {"web": "$FIRST_PORT-$(( FIRST_PORT + 2 * N + 5 ))"},
                  "url": "http://127.0.0.1:{port.web}/", "ttl": "1h", "max": $(( N + 5 ))},
 "rollout": {"healthTimeout": "30s", "stableFor": "1s", "onFailure": "rollback"}}
JSON
)" >/dev/null

serves() { # serves URL: until it answers 200 (30 s at most)
  for _ in $(seq 300); do curl -fs -o /dev/null --max-time 1 "$1" && return 0; sleep 0.1; done
  return 1
}
nothing_left() { # nothing_left PROJECT DIR: until no container, volume, network or folder is left (30 s at most)
  for _ in $(seq 300); do
    if [ -z "$("$DOCKER" ps -aq --filter "label=com.docker.compose.project=$1")" ] &&
       [ -z "$("$DOCKER" volume ls -q --filter "label=com.docker.compose.project=$1")" ] &&
       [ -z "$("$DOCKER" network ls -q --filter "label=com.docker.compose.project=$1")" ] && [ ! -e "$2" ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

keelson_up() { # keelson_up SLUG: PUT with wait, then until the URL serves; prints ms
  local t0 url; t0=$(now_ns)
  url=$(api PUT "/api/v1/targets/bench-review/environments/$1?wait=true&timeout=300" '{}' | json 'd["environment"]["url"]')
  serves "$url" || { echo "environment $1 does not serve at $url" >&2; exit 1; }
  ms_since "$t0"
}
keelson_down() { # keelson_down SLUG: DELETE (it waits), then until nothing is left; prints ms
  local t0; t0=$(now_ns)
  api DELETE "/api/v1/targets/bench-review/environments/$1" >/dev/null
  nothing_left "br$$-$1" "$WORK/review/$1" || { echo "environment $1 left something" >&2; exit 1; }
  ms_since "$t0"
}
hand_up() { # hand_up SLUG PORT: what a shell job does over SSH; prints ms
  local t0 dir=$WORK/hand/$1; t0=$(now_ns)
  "${SSH[@]}" "mkdir -p '$dir' && cp -a '$WORK/template/.' '$dir' && echo KEELSON_PORT_WEB=$2 > '$dir/.env' && cd '$dir' && docker-compose -p 'br$$-h$1' up -d -t 2 >/dev/null 2>&1"
  serves "http://127.0.0.1:$2/" || { echo "by hand: $1 does not serve" >&2; exit 1; }
  ms_since "$t0"
}
hand_down() {
  local t0 dir=$WORK/hand/$1; t0=$(now_ns)
  "${SSH[@]}" "cd '$dir' && docker-compose -p 'br$$-h$1' down -v -t 2 >/dev/null 2>&1 && rm -rf '$dir'"
  nothing_left "br$$-h$1" "$dir" || { echo "by hand: $1 left something" >&2; exit 1; }
  ms_since "$t0"
}

# run WAY SIZE ROUND: SIZE environments up side by side, then down side by side; per-environment
# times go to $WORK/t.<WAY>.<SIZE>.<up|down>, the batch's wall time to $WORK/w.<WAY>.<SIZE>.<up|down>
run() {
  local way=$1 size=$2 round=$3 i t0 pids=()
  t0=$(now_ns)
  for i in $(seq "$size"); do
    if [ "$way" = keelson ]; then keelson_up "r$round-e$i" >>"$WORK/t.$way.$size.up" &
    else hand_up "r$round-e$i" $(( FIRST_PORT + N + 5 + i )) >>"$WORK/t.$way.$size.up" & fi
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  ms_since "$t0" >>"$WORK/w.$way.$size.up"
  pids=(); t0=$(now_ns)
  for i in $(seq "$size"); do
    if [ "$way" = keelson ]; then keelson_down "r$round-e$i" >>"$WORK/t.$way.$size.down" &
    else hand_down "r$round-e$i" >>"$WORK/t.$way.$size.down" & fi
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  ms_since "$t0" >>"$WORK/w.$way.$size.down"
}

for round in $(seq "$ROUNDS"); do
  for size in 1 "$N"; do
    run keelson "$size" "$round"
    run hand "$size" "$round"
  done
done

printf '%-8s %-5s %-5s %12s %12s %14s\n' way envs step "median ms" "slowest ms" "batch wall ms"
for size in 1 "$N"; do
  for step in up down; do
    for way in keelson hand; do
      printf '%-8s %-5s %-5s %12s %12s %14s\n' "$way" "$size" "$step" \
        "$(median <"$WORK/t.$way.$size.$step")" "$(sort -n "$WORK/t.$way.$size.$step" | tail -1)" \
        "$(median <"$WORK/w.$way.$size.$step")"
    done
  done
done
for size in 1 "$N"; do
  for step in up down; do
    k=$(median <"$WORK/t.keelson.$size.$step"); h=$(median <"$WORK/t.hand.$size.$step")
    printf 'ratio keelson/hand, %s env(s), %s: %s\n' "$size" "$step" "$(awk -v k="$k" -v h="$h" 'BEGIN { printf "%.2f", k / h }')"
  done
done
echo "rounds: $ROUNDS; 'up' = request to HTTP 200, 'down' = request to nothing left (containers, volumes, networks, folder)"
