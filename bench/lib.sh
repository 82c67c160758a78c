# Shared by the benchmarks (sourced, not run): a Keelson jar of its own on a port of its own, with an
# H2 file database under $WORK that outlives a kill -9, and the helpers they all use.
ENVDIR=${KEELSON_TEST_ENV_DIR:-/var/tmp/keelson-test-env}
DOCKER=/usr/bin/docker
KEELSON_PID=

# root on the test sshd, host key checked, as the shell ways of the benchmarks log in
SSH=(ssh -q -i "$ENVDIR/ssh/client_ed25519" -o UserKnownHostsFile="$ENVDIR/ssh/known_hosts" -o StrictHostKeyChecking=yes -p 2222 root@127.0.0.1)

new_token() { printf 'bench-%s' "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

start_keelson() { # start_keelson: env PORT WORK TOKEN; appends to $WORK/keelson.log
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -DskipTests package
  mkdir -p "$WORK/catalog" "$WORK/data"
  # LAUNCHER=bin: as shipped, through bin/keelson (128 MiB heap, exit on out-of-memory; no class-data cache)
  local run=(java -jar target/quarkus-app/quarkus-run.jar)
  [ "${LAUNCHER:-}" = bin ] && run=(env KEELSON_CDS=off bin/keelson)
  QUARKUS_HTTP_PORT=$PORT KEELSON_TARGETS_DIR="$WORK/catalog" \
  QUARKUS_DATASOURCE_JDBC_URL="jdbc:h2:file:$WORK/data/keelson" \
  KEELSON_AUTH_TOKENS_BENCH_SECRET="$TOKEN" KEELSON_AUTH_TOKENS_BENCH_ROLES=admin \
    "${run[@]}" >>"$WORK/keelson.log" 2>&1 &
  KEELSON_PID=$!
  for _ in $(seq 300); do curl -fs "localhost:$PORT/q/health/live" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "Keelson did not start; see $WORK/keelson.log" >&2; exit 1
}

api() { # api METHOD PATH [BODY]: prints the body; every answer is also kept for the secret scan
  local out; out=$(curl -sS -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "localhost:$PORT$2" ${3:+-d "$3"})
  printf '%s\n' "$out" >>"$WORK/answers.log"
  printf '%s' "$out"
}

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

wait_log() { # wait_log ID TEXT [SECONDS]: until the deployment's log has a line containing TEXT
  for _ in $(seq $(( ${3:-60} * 10 ))); do
    api GET "/api/v1/deployments/$1/log" | grep -qF -- "$2" && return 0
    sleep 0.1
  done
  return 1
}

wait_final() { # wait_final ID [SECONDS]: prints the final status, or the last one seen
  local s=
  for _ in $(seq $(( ${2:-120} * 5 ))); do
    s=$(api GET "/api/v1/deployments/$1" | json 'd["status"]' 2>/dev/null || true)
    case $s in SUCCEEDED|FAILED|ROLLED_BACK|INTERRUPTED) echo "$s"; return 0 ;; esac
    sleep 0.2
  done
  echo "${s:-unknown}"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "NA"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.0f", (a[NR/2]+a[NR/2+1])/2}'; }
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {if (NR==0) {print "NA"; exit} i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }

push_image() { # push_image REF KIND (app | crash): a new digest each time
  local ctx; ctx=$(mktemp -d "$WORK/image.XXXXXX")
  cp /bin/busybox "$ctx/busybox"
  local cmd='["sh","-c","trap '"'"'exit 0'"'"' TERM; while true; do sleep 1 & wait $!; done"]'
  [ "$2" = crash ] && cmd='["sh","-c","exit 3"]'
  printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\nLABEL nonce=%s\nCMD %s\n' \
    "$RANDOM$RANDOM" "$cmd" >"$ctx/Dockerfile"
  "$DOCKER" build -q -t "$1" "$ctx" >/dev/null && "$DOCKER" push -q "$1" >/dev/null
  rm -rf "$ctx"
}

now_ns() { date +%s%N; }

push_new_image() { # push_new_image REPO: a new ~50 MB layer each time, so every pull moves 50 MB
  local ctx=$WORK/image
  mkdir -p "$ctx"
  cp /bin/busybox "$ctx/busybox"
  head -c 50M /dev/urandom >"$ctx/blob"
  cat >"$ctx/Dockerfile" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
COPY blob /blob
CMD ["sh","-c","trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done"]
DF
  "$DOCKER" build -q -t "$1:latest" "$ctx" >/dev/null
  "$DOCKER" push -q "$1:latest" >/dev/null
  "$DOCKER" rmi "$1:latest" >/dev/null   # the host must pull it, as a real one would
}

# phases ID: where one deployment's time went, from the timestamps Keelson's own log (keelson.log) has
# for each of its lines, as "phase ms" lines: queue (accepted to started), connect (SSH and engine),
# pull (to the first unit change), start (to the new container waiting for its gate, or compose up done),
# gate (to healthy or switched), switch (the edge's switch after the gate), drain (the old copy's
# connections), finish (removing the old copy, recording, answering).
phases() {
  grep -F "$1" "$WORK/keelson.log" | awk '
    function ms(t,   p) { split(t, p, /[:,]/); return ((p[1] * 60 + p[2]) * 60 + p[3]) * 1000 + p[4] }
    { t = ms($2); line = $0 }
    !s && /started \(/ { s = t; last = t; next }
    !s { next }
    !c && /connected as/ { print "connect", t - last; last = t; c = 1; next }
    !p && /sha256:[0-9a-f]+ -> sha256:/ { print "pull", t - last; last = t; p = 1; next }
    !g && /waiting for the health gate|Recreating .* done|Creating .* done/ { gs = t }
    !g && /: healthy|switched to the new copy|adopt: the edge serves|lets the held connections on/ {
      if (gs) { print "start", gs - last; last = gs }
      print "gate", t - last; last = t; g = 1
      if (/switched to the new copy/) { n = split(line, w, " "); for (i = 1; i <= n; i++) if (w[i] == "ms") print "switch", w[i - 1] }
      next
    }
    g && /old copy drained/ { print "drain", t - last; last = t; next }
    /deployment (SUCCEEDED|FAILED|ROLLED_BACK)/ { print "finish", t - last; exit }'
}

# phase_table FILE: the median of each phase over the deployments whose phases FILE holds
phase_table() {
  for phase in connect pull start gate switch drain finish; do
    v=$(awk -v p="$phase" '$1 == p {print $2}' "$1" | median)
    [ "$v" = NA ] || printf '  %-8s %6s ms\n' "$phase" "$v"
  done
}
