#!/usr/bin/env bash
# Benchmark: one plain container (no compose) deployed over SSH three ways, each with a new ~50 MB
# digest per run:
#   keelson - POST …/deployments?wait=true on an ssh-docker target (health gate stableFor 0s)
#   seed    - the USERS.md §1 "older variant": docker stop; docker rm; docker pull; docker run (one SSH session)
#   floor   - docker pull first, then docker stop; docker rm; docker run (one SSH session)
# Prints, per way, the median wall time and the median downtime (old container's `die` to the new
# container's `start`, from `docker events`), and the ratios the issue sets as goals.
#
# Usage: bench/ssh-docker.sh [runs]   (default 5). Needs root and scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RUNS=${1:-5}
bash scripts/test-env.sh >/dev/null
WORK=$(mktemp -d /var/tmp/keelson-bench.XXXXXX)
REPO=127.0.0.1:5000/bench/app-$$
PORT=18081
TOKEN=$(new_token)

cleanup() {
  [ -n "$KEELSON_PID" ] && kill "$KEELSON_PID" 2>/dev/null || true
  [ -f "$WORK/keelson.log" ] && cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-bench-last.log"
  for way in keelson seed floor; do "$DOCKER" rm -f "bench-$way-$$" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

downtime_ms() { # downtime_ms WAY SINCE_NS UNTIL_NS: first die to the next start
  "$DOCKER" events --since "$(awk "BEGIN{printf \"%.3f\", $2/1e9}")" --until "$(awk "BEGIN{printf \"%.3f\", $3/1e9 + 1}")" \
    --filter type=container --filter "label=bench=$1-$$" \
    --filter event=die --filter event=start --format '{{.TimeNano}} {{.Action}}' |
    awk '$2=="die" && !d {d=$1} $2=="start" && d && !s {s=$1} END {if (d && s) printf "%.0f", (s-d)/1e6; else print "NA"}'
}

write_catalog() {
  mkdir -p "$WORK/catalog"
  cat >"$WORK/catalog/bench.yaml" <<YML
name: bench
strategy: ssh-docker
ssh:
  hosts: [127.0.0.1]
  port: 2222
  user: root
  privateKeyFile: $ENVDIR/ssh/client_ed25519
  knownHostsFile: $ENVDIR/ssh/known_hosts
containers:
  - name: bench-keelson-$$
    image: $REPO:latest
rollout:
  healthTimeout: 60s
  stableFor: 0s
  onFailure: rollback
YML
}

run_args() { echo "-d --name bench-$1-$$ --label bench=$1-$$ -p 127.0.0.1::8000 --restart unless-stopped $REPO:latest"; }

deploy() { # deploy WAY
  local c="bench-$1-$$"
  case $1 in
    keelson) curl -fsS -o "$WORK/last.json" -X POST -H "Authorization: Bearer $TOKEN" \
               "localhost:$PORT/api/v1/targets/bench/deployments?wait=true" -d '{}' ;;
    seed)    "${SSH[@]}" "docker stop $c && docker rm $c && docker pull $REPO:latest && docker run $(run_args seed)" >/dev/null 2>&1 ;;
    floor)   "${SSH[@]}" "docker pull $REPO:latest && docker stop $c && docker rm $c && docker run $(run_args floor)" >/dev/null 2>&1 ;;
  esac
}

write_catalog
start_keelson
push_new_image "$REPO"
for way in keelson seed floor; do "${SSH[@]}" "docker pull -q $REPO:latest >/dev/null && docker run $(run_args "$way")" >/dev/null; done   # first start, not measured
# One Keelson deployment, not measured, as bench/ssh-compose.sh's first start is: a Keelson that runs
# for weeks has long compiled its deployment path, and the first one after a start pays the JIT (its
# wall was 2.7-3.1 s against 1.9-2.2 s for the next ones here), which no shell pays.
push_new_image "$REPO"
deploy keelson

declare -A WALL DOWN
for run in $(seq "$RUNS"); do
  for way in keelson seed floor; do
    push_new_image "$REPO"
    t0=$(now_ns); deploy "$way"; t1=$(now_ns)
    WALL[$way]+="$(( (t1 - t0) / 1000000 )) "
    [ "$way" = keelson ] && phases "$(json 'd["id"]' <"$WORK/last.json")" >>"$WORK/phases.txt"
    DOWN[$way]+="$(downtime_ms "$way" "$t0" "$t1") "
  done
done

printf '%-8s %10s %10s   %s\n' way wall_ms down_ms "samples (wall | down)"
for way in keelson seed floor; do
  w=$(tr ' ' '\n' <<<"${WALL[$way]}" | grep -v '^$' | median)
  d=$(tr ' ' '\n' <<<"${DOWN[$way]}" | grep -v -e '^$' -e NA | median)
  printf '%-8s %10s %10s   %s| %s\n' "$way" "$w" "$d" "${WALL[$way]}" "${DOWN[$way]}"
  eval "W_$way=$w D_$way=$d"
done
awk -v dk="$D_keelson" -v df="$D_floor" -v ds="$D_seed" -v wk="$W_keelson" -v ws="$W_seed" 'BEGIN {
  printf "downtime keelson/floor = %.2f (goal <= 1.20)\n", dk/df
  printf "downtime keelson/seed  = %.2f (goal <= 0.25)\n", dk/ds
  printf "wall     keelson/seed  = %.2f\n", wk/ws
}'
echo "where a Keelson deployment's time went (medians, from its own log):"
phase_table "$WORK/phases.txt"
