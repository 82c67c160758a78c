#!/usr/bin/env bash
# Benchmark: the faults Keelson promises to survive, each injected N times against the real test
# environment, then a count of what they left behind. Per round:
#   kill9-ssh    Keelson killed (-9) while docker-compose recreates a service over SSH; restarted
#   kill9-watch  Keelson killed (-9) while a new watched container waits for its health gate; restarted
#   ssh-cut      the SSH connection killed (its sshd process) while docker-compose recreates the service
#   registry     a watched image whose registry does not answer
# Prints: faults injected, units left not running (goal 0), deployments left unfinished (goal 0),
# secrets found in Keelson's log and in every API answer (goal 0), and how long recovery took.
#
# Usage: bench/faults.sh [N]   (default 3). Needs root and scripts/test-env.sh (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3}
bash scripts/test-env.sh >/dev/null
source bench/lib.sh
WORK=$(mktemp -d /var/tmp/keelson-faults.XXXXXX)
PORT=18081
TOKEN=$(new_token)
REGISTRY_PASSWORD=$(new_token)
SCOPE=bf$$
REPO=127.0.0.1:5000/bench/faults-$$
WREPO=127.0.0.1:5000/bench/faults-watch-$$
DEAD=127.0.0.1:5009/bench/nowhere-$$:latest

cleanup() {
  [ -n "$KEELSON_PID" ] && kill -9 "$KEELSON_PID" 2>/dev/null || true
  (cd "$WORK/project" 2>/dev/null && docker-compose -p "bf$$" down -t 1 >/dev/null 2>&1) || true
  "$DOCKER" ps -aq --filter "label=keelson.scope=$SCOPE" | xargs -r "$DOCKER" rm -f -v >/dev/null 2>&1 || true
  cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-faults-last.log" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

restart_keelson() { kill -9 "$KEELSON_PID"; wait "$KEELSON_PID" 2>/dev/null || true; t0=$(date +%s%N); start_keelson; }

mkdir -p "$WORK/project"
printf '%s\n' "$REGISTRY_PASSWORD" >"$WORK/registry.pass"
cat >"$WORK/project/docker-compose.yml" <<YML
version: "3.8"
services:
  bot:
    image: $REPO:latest
    restart: unless-stopped
    stop_grace_period: 5s
    command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]
YML
start_keelson
api POST /api/v1/targets "$(cat <<JSON
{"name": "bench-ssh", "strategy": "ssh-compose",
 "ssh": {"hosts": ["127.0.0.1"], "port": 2222, "user": "root",
         "privateKeyFile": "$ENVDIR/ssh/client_ed25519", "knownHostsFile": "$ENVDIR/ssh/known_hosts"},
 "compose": {"projectDir": "$WORK/project", "projectName": "bf$$", "services": ["bot"]},
 "registry": {"server": "127.0.0.1:5000", "username": "bench", "passwordFile": "$WORK/registry.pass"},
 "rollout": {"healthTimeout": "30s", "stableFor": "1s", "onFailure": "rollback"}}
JSON
)" >/dev/null
api POST /api/v1/targets "{\"name\": \"bench-watch\", \"strategy\": \"watch\", \"watch\": {\"interval\": \"1h\", \"labelEnable\": true, \"scope\": \"$SCOPE\"},
  \"rollout\": {\"healthTimeout\": \"60s\", \"stableFor\": \"1s\", \"onFailure\": \"rollback\"}}" >/dev/null
push_image "$REPO:latest" app
[ "$(wait_final "$(api POST /api/v1/targets/bench-ssh/deployments '{}' | json 'd["id"]')")" = SUCCEEDED ] || { echo "first deployment failed" >&2; exit 1; }
push_image "$WREPO:latest" app
"$DOCKER" run -d --name "$SCOPE-app" --label "keelson.scope=$SCOPE" --label keelson.enable=true --restart unless-stopped "$WREPO:latest" >/dev/null
"$DOCKER" tag "$WREPO:latest" "$DEAD"
"$DOCKER" run -d --name "$SCOPE-nowhere" --label "keelson.scope=$SCOPE" --label keelson.enable=true "$DEAD" \
  sh -c "trap 'exit 0' TERM; while true; do sleep 1 & wait \$!; done" >/dev/null

INJECTED=0; RECOVER_MS=()
units_down() { # units of both targets not running now
  local down=0
  [ "$("$DOCKER" ps -q --filter "label=com.docker.compose.project=bf$$" --filter label=com.docker.compose.service=bot | wc -l)" = 1 ] || down=$((down + 1))
  for c in "$SCOPE-app" "$SCOPE-nowhere"; do   # running, and not a crashing replacement between restarts
    [ "$("$DOCKER" inspect --format '{{.State.Running}} {{.State.Restarting}} {{.RestartCount}}' "$c" 2>/dev/null)" = "true false 0" ] ||
      down=$((down + 1))
  done
  echo "$down"
}
wait_units_up() { # how long until every unit runs again (ms), or "NA" after 90 s
  local start; start=$(date +%s%N)
  for _ in $(seq 900); do [ "$(units_down)" = 0 ] && { echo $(( ($(date +%s%N) - start) / 1000000 )); return; }; sleep 0.1; done
  echo NA
}

for round in $(seq "$N"); do
  # kill9-ssh
  push_image "$REPO:latest" app
  id=$(api POST /api/v1/targets/bench-ssh/deployments '{}' | json 'd["id"]')
  wait_log "$id" "up -d --no-deps bot" && sleep 1
  restart_keelson; INJECTED=$((INJECTED + 1)); RECOVER_MS+=("$(wait_units_up)")
  # kill9-watch
  api POST /api/v1/targets/bench-watch/resume >/dev/null
  push_image "$WREPO:latest" crash
  id=$(api POST /api/v1/targets/bench-watch/deployments '{}' | json 'd["id"]')
  wait_log "$id" "waiting for the health gate" || true
  restart_keelson; INJECTED=$((INJECTED + 1)); RECOVER_MS+=("$(wait_units_up)")
  # ssh-cut
  push_image "$REPO:latest" app
  id=$(api POST /api/v1/targets/bench-ssh/deployments '{}' | json 'd["id"]')
  wait_log "$id" "up -d --no-deps bot" && sleep 1
  pkill -KILL -f '^sshd: root' || true; INJECTED=$((INJECTED + 1))
  wait_final "$id" >/dev/null; RECOVER_MS+=("$(wait_units_up)")
  # registry that does not answer
  id=$(api POST /api/v1/targets/bench-watch/deployments '{}' | json 'd["id"]')
  INJECTED=$((INJECTED + 1)); wait_final "$id" >/dev/null; RECOVER_MS+=("$(wait_units_up)")
  echo "round $round/$N: units down now $(units_down)" >&2
done

sleep 5
DOWN=$(units_down)
UNFINISHED=0
for t in bench-ssh bench-watch; do
  n=$(api GET "/api/v1/targets/$t/deployments?limit=500" | json 'sum(1 for x in d if x["status"] in ("QUEUED","RUNNING"))')
  UNFINISHED=$((UNFINISHED + n))
done
SECRETS=0
for s in "$TOKEN" "$REGISTRY_PASSWORD"; do
  n=$(cat "$WORK/keelson.log" "$WORK/answers.log" | grep -cF -- "$s" || true)
  SECRETS=$((SECRETS + n))
done
echo "faults injected:               $INJECTED ($N rounds of kill9-ssh, kill9-watch, ssh-cut, registry)"
echo "units left not running:        $DOWN (goal 0)"
echo "deployments left unfinished:   $UNFINISHED (goal 0)"
echo "secrets found (log + answers): $SECRETS (goal 0)"
echo "after each fault, from Keelson answering again (or the deployment ending) until every unit runs, median ms:"
echo "                               $(printf '%s\n' "${RECOVER_MS[@]}" | grep -v NA | median) (samples: ${RECOVER_MS[*]}; NA = not within 90 s)"
