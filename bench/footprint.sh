#!/usr/bin/env bash
# Footprint of Keelson: image size, start-to-ready time and idle memory, in a container and as the
# jar on the host (median of 3 starts, empty catalog, memory read after 10 s idle).
# Usage: bench/footprint.sh [BASE_IMAGE] (default: the debootstrap JRE image of scripts/test-env.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-env.sh >/dev/null
BASE=${1:-keelson-test/jre-base:bookworm}
DOCKER=/usr/bin/docker
WORK=$(mktemp -d /var/tmp/keelson-footprint.XXXXXX)
PORT=18095
trap '$DOCKER rm -f keelson-footprint >/dev/null 2>&1 || true; [ -n "${PID:-}" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/catalog"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -DskipTests package
$DOCKER build -q -f src/main/docker/Dockerfile --build-arg "BASE_IMAGE=$BASE" -t keelson:footprint . >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
ready_ms() { # ms from $1 (start) until ready answers 200
  for _ in $(seq 600); do curl -fs -o /dev/null "localhost:$PORT/q/health/ready" && { echo $(( $(now_ms) - $1 )); return; }; sleep 0.05; done
  echo NA
}

c_ready=(); c_mem=()
for run in 1 2 3; do
  t0=$(now_ms)
  $DOCKER run -d --name keelson-footprint -p "$PORT:8080" -v "$WORK/catalog:/etc/keelson/deploy-targets:ro" \
    -e KEELSON_AUTH_TOKENS_X_SECRET=footprint-token-0123456789 keelson:footprint >/dev/null
  c_ready+=($(ready_ms "$t0"))
  sleep 10
  c_mem+=($($DOCKER stats --no-stream --format '{{.MemUsage}}' keelson-footprint | awk '{v=$1; u=v; gsub(/[0-9.]/,"",u); gsub(/[A-Za-z]/,"",v); print (u=="GiB"? v*1024 : v)}'))
  $DOCKER rm -f keelson-footprint >/dev/null
done

h_ready=(); h_rss=()
for run in 1 2 3; do
  rm -rf "$WORK/data"
  t0=$(now_ms)
  QUARKUS_HTTP_PORT=$PORT KEELSON_TARGETS_DIR="$WORK/catalog" QUARKUS_DATASOURCE_JDBC_URL="jdbc:h2:file:$WORK/data/keelson" \
    KEELSON_AUTH_TOKENS_X_SECRET=footprint-token-0123456789 java -jar target/quarkus-app/quarkus-run.jar >"$WORK/jar.log" 2>&1 &
  PID=$!
  h_ready+=($(ready_ms "$t0"))
  sleep 10
  h_rss+=($(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$PID/status))
  kill $PID; wait $PID 2>/dev/null || true; PID=
done

size() { $DOCKER image inspect --format '{{.Size}}' "$1" | awk '{printf "%.0f", $1/1e6}'; }
echo "image keelson:footprint on $BASE"
echo "image size MB                 $(size keelson:footprint) (base $(size "$BASE"), Keelson's layers $(( $(size keelson:footprint) - $(size "$BASE") )))"
echo "container start-to-ready ms   $(printf '%s\n' "${c_ready[@]}" | median)   [${c_ready[*]}]"
echo "container idle memory MiB     $(printf '%s\n' "${c_mem[@]}" | median)   [${c_mem[*]}]  (docker stats, after 10 s)"
echo "jar start-to-ready ms         $(printf '%s\n' "${h_ready[@]}" | median)   [${h_ready[*]}]"
echo "jar idle RSS MiB              $(printf '%s\n' "${h_rss[@]}" | median)   [${h_rss[*]}]  (after 10 s)"
