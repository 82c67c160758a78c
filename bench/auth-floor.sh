#!/usr/bin/env bash
# The floor under bench/auth.sh's difference: what an ID-token check must do that a static token's
# does not (verify an RS256 token with jose4j; spend its jti with one durable insert on H2), timed
# alone in one JVM with the libraries and schema of the packaged build (bench/AuthFloor.java says how).
# Usage: bench/auth-floor.sh [COUNT] [RUNS] (default 3000 5). Needs the build (./mvnw -B -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-3000}
RUNS=${2:-5}
lib=target/quarkus-app/lib/main
[ -d "$lib" ] || ./mvnw -B -q -DskipTests package
jars=()
for jar in com.h2database.h2 org.bitbucket.b_c.jose4j org.slf4j.slf4j-api; do
  found=$(ls "$lib/$jar"-*.jar 2>/dev/null | head -1) || true
  [ -n "$found" ] || { echo "bench/auth-floor.sh: no $jar jar in $lib (an H2 build is needed: ./mvnw -B -DskipTests package)" >&2; exit 1; }
  jars+=("$found")
done
cp=$(IFS=:; echo "${jars[*]}")
WORK=$(mktemp -d /var/tmp/keelson-bench-floor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "auth floor: $RUNS runs of $COUNT tokens (after one warm-up run), H2 file in $WORK"
java -cp "$cp" bench/AuthFloor.java "$WORK" src/main/resources/db/migration/h2 "$COUNT" "$RUNS"
