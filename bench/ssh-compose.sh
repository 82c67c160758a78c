#!/usr/bin/env bash
# Benchmark: one service deployed over SSH three ways, each with a new ~50 MB digest per run:
#   keelson  - POST …/deployments?wait=true (health gate stableFor 0s)
#   shell    - the USERS.md §1 sequence: stop, rm, pull, up (one SSH session)
#   floor    - pull, then up -d --no-deps (one SSH session)
# Prints, per way, the median wall time and the median downtime (old container's `die` to the new
# container's `start`, from `docker events`), and the ratios the issue sets as goals.
#
# Usage: bench/ssh-compose.sh [runs]   (default 5). Needs root and scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS=${1:-5}
bash scripts/test-env.sh >/dev/null
WORK=$(mktemp -d /var/tmp/keelson-bench.XXXXXX)
REPO=127.0.0.1:5000/bench/bot-$$
PORT=18080
TOKEN=$(new_token)

cleanup() {
  [ -n "$KEELSON_PID" ] && kill "$KEELSON_PID" 2>/dev/null || true
  [ -f "$WORK/keelson.log" ] && cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-bench-last.log"
  for way in keelson shell floor; do
    [ -d "$WORK/$way" ] && (cd "$WORK/$way" && docker-compose -p "bench$way$$" down -t 1 >/dev/null 2>&1) || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

make_project() { # make_project WAY
  mkdir -p "$WORK/$1"
  cat >"$WORK/$1/docker-compose.yml" <<YML
version: "3.8"
services:
  bot:
    image: $REPO:latest
    restart: unless-stopped
    stop_grace_period: 10s
YML
}

downtime_ms() { # downtime_ms PROJECT SINCE_NS UNTIL_NS: first die to the next start
  "$DOCKER" events --since "$(awk "BEGIN{printf \"%.3f\", $2/1e9}")" --until "$(awk "BEGIN{printf \"%.3f\", $3/1e9 + 1}")" \
    --filter type=container --filter "label=com.docker.compose.project=$1" \
    --filter event=die --filter event=start --format '{{.TimeNano}} {{.Action}}' |
    awk '$2=="die" && !d {d=$1} $2=="start" && d && !s {s=$1} END {if (d && s) printf "%.0f", (s-d)/1e6; else print "NA"}'
}

write_catalog() {
  mkdir -p "$WORK/catalog"
  cat >"$WORK/catalog/bench.yaml" <<YML
name: bench
strategy: ssh-compose
ssh:
  hosts: [127.0.0.1]
  port: 2222
  user: root
  privateKeyFile: $ENVDIR/ssh/client_ed25519
  knownHostsFile: $ENVDIR/ssh/known_hosts
compose:
  projectDir: $WORK/keelson
  projectName: benchkeelson$$
  services: [bot]
rollout:
  healthTimeout: 60s
  stableFor: 0s
  onFailure: rollback
YML
}

deploy() { # deploy WAY
  local p="bench$1$$"
  case $1 in
    keelson) curl -fsS -o "$WORK/last.json" -X POST -H "Authorization: Bearer $TOKEN" \
               "localhost:$PORT/api/v1/targets/bench/deployments?wait=true" -d '{}' ;;
    shell)   "${SSH[@]}" "cd $WORK/shell && docker-compose -p $p stop bot && docker-compose -p $p rm -f bot && docker-compose -p $p pull bot && docker-compose -p $p up -d bot" >/dev/null 2>&1 ;;
    floor)   "${SSH[@]}" "cd $WORK/floor && docker-compose -p $p pull bot && docker-compose -p $p up -d --no-deps bot" >/dev/null 2>&1 ;;
  esac
}

write_catalog
start_keelson
push_new_image "$REPO"
for way in keelson shell floor; do make_project "$way"; deploy "$way"; done   # first start, not measured

declare -A WALL DOWN
for run in $(seq "$RUNS"); do
  for way in keelson shell floor; do
    push_new_image "$REPO"
    t0=$(now_ns); deploy "$way"; t1=$(now_ns)
    WALL[$way]+="$(( (t1 - t0) / 1000000 )) "
    [ "$way" = keelson ] && phases "$(json 'd["id"]' <"$WORK/last.json")" >>"$WORK/phases.txt"
    DOWN[$way]+="$(downtime_ms "bench$way$$" "$t0" "$t1") "
  done
  echo "run $run/$RUNS: wall ms keelson ${WALL[keelson]##* } …" >/dev/null
done

printf '%-8s %10s %10s   %s\n' way wall_ms down_ms "samples (wall | down)"
for way in keelson shell floor; do
  w=$(tr ' ' '\n' <<<"${WALL[$way]}" | grep -v '^$' | median)
  d=$(tr ' ' '\n' <<<"${DOWN[$way]}" | grep -v -e '^$' -e NA | median)
  printf '%-8s %10s %10s   %s| %s\n' "$way" "$w" "$d" "${WALL[$way]}" "${DOWN[$way]}"
  eval "W_$way=$w D_$way=$d"
done
awk -v dk="$D_keelson" -v df="$D_floor" -v ds="$D_shell" -v wk="$W_keelson" -v ws="$W_shell" 'BEGIN {
  printf "downtime keelson/floor = %.2f (goal <= 1.20)\n", dk/df
  printf "downtime keelson/shell = %.2f (goal <= 0.25)\n", dk/ds
  printf "wall     keelson/shell = %.2f (goal <= 1.00)\n", wk/ws
}'
echo "where a Keelson deployment's time went (medians, from its own log):"
phase_table "$WORK/phases.txt"
