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
cp=$(ls "$lib"/com.h2database.h2-*.jar "$lib"/org.bitbucket.b_c.jose4j-*.jar "$lib"/org.slf4j.slf4j-api-*.jar 2>/dev/null | paste -sd:)
WORK=$(mktemp -d /var/tmp/keelson-bench-floor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "auth floor: $RUNS runs of $COUNT tokens (after one warm-up run), H2 file in $WORK"
java -cp "$cp" bench/AuthFloor.java "$WORK" src/main/resources/db/migration/h2 "$COUNT" "$RUNS"
