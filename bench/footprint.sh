#!/usr/bin/env bash
# Keelson's footprint beside a bare Quarkus application with the same extensions (bench/bare), measured
# in one run on this machine: time from launch to a 200 from /q/health/ready, and memory after 10 s idle
# (VmRSS, and RssAnon: the private part, without the file-backed pages of jars and class caches).
# Each lever of bin/keelson is measured on its own, then Keelson as shipped, then the container image.
#
#   bench/footprint.sh [RUNS]       median of RUNS starts per line (default 3); about 8 minutes at 3
#
# Every start opens an existing database (one untimed start first creates it, and records bin/keelson's
# class-data cache), with an empty catalog; each process gets the same four requests after it is ready.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
IDLE=10
PORT=18095
DOCKER=/usr/bin/docker
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
TOKEN=footprint-token-0123456789
bash scripts/test-env.sh >/dev/null

WORK=$(mktemp -d /var/tmp/keelson-footprint.XXXXXX)
PID=
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  $DOCKER rm -f keelson-footprint >/dev/null 2>&1 || true
  $DOCKER volume rm keelson-footprint >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/catalog"

echo "building Keelson and the bare application..." >&2
./mvnw -B -q -DskipTests package >/dev/null
./mvnw -B -q -f bench/bare/pom.xml -DskipTests package >/dev/null
KEELSON_JAR=$PWD/target/quarkus-app/quarkus-run.jar
BARE_JAR=$PWD/bench/bare/target/quarkus-app/quarkus-run.jar
rm -f target/quarkus-app/keelson-jdk*

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
java_pid() { pgrep -f -n -- "-jar $1" || pgrep -f -n -- "$1"; }

# start DATA JAR CMD... : launches, prints "ready_ms rss_mib anon_mib", stops with SIGTERM and waits.
start() {
  local data=$1 jar=$2; shift 2
  local t0 ready=NA pid
  t0=$(now_ms)
  QUARKUS_HTTP_PORT=$PORT KEELSON_TARGETS_DIR="$WORK/catalog" KEELSON_AUTH_TOKENS_X_SECRET=$TOKEN \
    QUARKUS_DATASOURCE_JDBC_URL="jdbc:h2:file:$data/db" "$@" >>"$WORK/process.log" 2>&1 &
  PID=$!
  for _ in $(seq 1500); do
    if curl -fs -o /dev/null "localhost:$PORT/q/health/ready"; then ready=$(( $(now_ms) - t0 )); break; fi
    sleep 0.02
  done
  for path in /api/v1/targets /api/v1/token /q/metrics /; do
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "localhost:$PORT$path" || true
  done
  sleep "$IDLE"
  pid=$(java_pid "$jar")
  echo "$ready $(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/"$pid"/status) $(awk '/RssAnon/ {printf "%.0f", $2/1024}' /proc/"$pid"/status)"
  kill -TERM "$pid"; wait "$PID" 2>/dev/null || true; PID=
}

declare -A READY RSS ANON
# measure KEY LABEL JAR CMD... : one untimed start, then RUNS timed ones; prints a line of medians.
measure() {
  local key=$1 label=$2 jar=$3; shift 3
  local data="$WORK/data-$key" r=() m=() a=() line
  start "$data" "$jar" "$@" >/dev/null
  for _ in $(seq "$RUNS"); do
    read -r -a line < <(start "$data" "$jar" "$@")
    r+=("${line[0]}"); m+=("${line[1]}"); a+=("${line[2]}")
  done
  READY[$key]=$(printf '%s\n' "${r[@]}" | median)
  RSS[$key]=$(printf '%s\n' "${m[@]}" | median)
  ANON[$key]=$(printf '%s\n' "${a[@]}" | median)
  printf '%-58s %6s ms %5s MiB %5s MiB   [%s | %s]\n' "$label" "${READY[$key]}" "${RSS[$key]}" "${ANON[$key]}" "${r[*]}" "${m[*]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

SIZED="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:MaxMetaspaceSize=160m -Xss512k"
C1="-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=32m"

echo
echo "Java: $(java -version 2>&1 | head -n 1); $(nproc) cores; median of $RUNS starts, memory after ${IDLE} s idle"
printf '%-58s %9s %9s %9s\n' "" "ready" "RSS" "private"
measure bare "bare Quarkus app, default flags" "$BARE_JAR" java -jar "$BARE_JAR"
measure plain "Keelson, default flags (java -jar)" "$KEELSON_JAR" java -jar "$KEELSON_JAR"
measure serial "  + -XX:+UseSerialGC" "$KEELSON_JAR" java -XX:+UseSerialGC -jar "$KEELSON_JAR"
# shellcheck disable=SC2086
measure sized "  + heap 16m..128m, metaspace 160m, stacks 512k" "$KEELSON_JAR" java $SIZED -jar "$KEELSON_JAR"
# shellcheck disable=SC2086
measure c1 "  + quick compiler only (C1), code cache 32m" "$KEELSON_JAR" java $SIZED $C1 -jar "$KEELSON_JAR"
measure arena "  + MALLOC_ARENA_MAX=2 (bin/keelson, KEELSON_CDS=off)" "$KEELSON_JAR" env KEELSON_CDS=off bin/keelson
measure shipped "  + class-data cache: Keelson as shipped (bin/keelson)" "$KEELSON_JAR" bin/keelson
rm -f target/quarkus-app/keelson-jdk*
measure reloc "  (not shipped) + cache mapped unrelocated" "$KEELSON_JAR" \
  env JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0" bin/keelson
rm -f target/quarkus-app/keelson-jdk*
# The floor: the bare app itself started the way Keelson is shipped (every setting above and its own
# class-data cache). No Keelson code runs in it, so no change to Keelson can bring it below this line.
BARE_APP=$(dirname "$BARE_JAR")
rm -f "$BARE_APP"/keelson-jdk*
measure floor "bare app started by bin/keelson (the floor for any app)" "$BARE_JAR" env KEELSON_APP="$BARE_APP" bin/keelson
rm -f "$BARE_APP"/keelson-jdk*

echo
echo "Keelson as shipped / bare app:  start $(ratio "${READY[shipped]}" "${READY[bare]}")x   RSS $(ratio "${RSS[shipped]}" "${RSS[bare]}")x   private $(ratio "${ANON[shipped]}" "${ANON[bare]}")x   (goal: 0.60x or less)"
echo "Keelson default flags / bare:   start $(ratio "${READY[plain]}" "${READY[bare]}")x   RSS $(ratio "${RSS[plain]}" "${RSS[bare]}")x"
echo "the floor / bare app:            start $(ratio "${READY[floor]}" "${READY[bare]}")x   RSS $(ratio "${RSS[floor]}" "${RSS[bare]}")x   private $(ratio "${ANON[floor]}" "${ANON[bare]}")x   (the bare app with every lever)"
echo "Keelson as shipped / the floor: start $(ratio "${READY[shipped]}" "${READY[floor]}")x   RSS $(ratio "${RSS[shipped]}" "${RSS[floor]}")x   private $(ratio "${ANON[shipped]}" "${ANON[floor]}")x"

if [ -x "$JDK25" ]; then
  echo
  echo "Java: $("$JDK25" -version 2>&1 | head -n 1) (Temurin, not a Debian package: the host only)"
  measure bare25 "bare Quarkus app, default flags" "$BARE_JAR" "$JDK25" -jar "$BARE_JAR"
  measure shipped25 "Keelson, bin/keelson (ahead-of-time cache)" "$KEELSON_JAR" env JAVA="$JDK25" bin/keelson
  rm -f target/quarkus-app/keelson-jdk*
  echo "Keelson on 25 / bare on 25:     start $(ratio "${READY[shipped25]}" "${READY[bare25]}")x   RSS $(ratio "${RSS[shipped25]}" "${RSS[bare25]}")x   private $(ratio "${ANON[shipped25]}" "${ANON[bare25]}")x"
  echo "Keelson on 25 / bare on 17:     start $(ratio "${READY[shipped25]}" "${READY[bare]}")x   RSS $(ratio "${RSS[shipped25]}" "${RSS[bare]}")x"
fi

# What an empty catalog leaves unloaded: the Docker client (watch, ssh-docker) and SSH (ssh targets).
rm -rf "$WORK/data-classes"
start "$WORK/data-classes" "$KEELSON_JAR" env KEELSON_CDS=off JAVA_OPTS="-Xlog:class+load:file=$WORK/classes.txt" bin/keelson >/dev/null
echo
echo "classes loaded with no target: $(grep -c 'class,load' "$WORK/classes.txt") in all, $(grep -c -E 'com\.github\.dockerjava' "$WORK/classes.txt") of docker-java, $(grep -c -E 'net\.schmizz|com\.hierynomus' "$WORK/classes.txt") of sshj, $(grep -c -E 'org\.bouncycastle' "$WORK/classes.txt") of BouncyCastle"

# The image on Keelson's small base, and the container's figures (docker stats: memory without page cache).
$DOCKER build -q -f src/main/docker/Dockerfile -t keelson:footprint . >/dev/null
size() { $DOCKER image inspect --format '{{.Size}}' "$1" | awk '{printf "%.0f", $1/1e6}'; }
c_ready=(); c_mem=()
for run in $(seq 0 "$RUNS"); do
  t0=$(now_ms)
  $DOCKER run -d --name keelson-footprint -p "$PORT:8080" -v keelson-footprint:/var/lib/keelson/data \
    -v "$WORK/catalog:/etc/keelson/deploy-targets:ro" -e KEELSON_AUTH_TOKENS_X_SECRET=$TOKEN keelson:footprint >/dev/null
  ready=NA
  for _ in $(seq 1500); do
    if curl -fs -o /dev/null "localhost:$PORT/q/health/ready"; then ready=$(( $(now_ms) - t0 )); break; fi
    sleep 0.02
  done
  sleep "$IDLE"
  mem=$($DOCKER stats --no-stream --format '{{.MemUsage}}' keelson-footprint | awk '{v=$1; u=v; gsub(/[0-9.]/,"",u); gsub(/[A-Za-z]/,"",v); printf "%.0f", (u=="GiB"? v*1024 : v)}')
  $DOCKER stop -t 30 keelson-footprint >/dev/null; $DOCKER rm keelson-footprint >/dev/null
  if [ "$run" -gt 0 ]; then c_ready+=("$ready"); c_mem+=("$mem"); fi # run 0 records the cache
done
echo
echo "image keelson:footprint        $(size keelson:footprint) MB (base keelson/jre:17-slim $(size keelson/jre:17-slim) MB; goal 150 MB or less)"
echo "container start to ready       $(printf '%s\n' "${c_ready[@]}" | median) ms   [${c_ready[*]}]  (docker run to 200; cache recorded by an untimed first run)"
echo "container idle memory          $(printf '%s\n' "${c_mem[@]}" | median) MiB  [${c_mem[*]}]  (docker stats after ${IDLE} s)"
