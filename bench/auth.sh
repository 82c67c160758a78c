#!/usr/bin/env bash
# Benchmark of a request's authentication: a Keelson token against a CI ID token (RS256, keys already
# cached), side by side, on the same read endpoint (GET /api/v1/targets/NAME), with wrk.
#   An ID token is used once (its jti is spent in the database), so the ID-token run sends a fresh
#   token per request, minted beforehand with openssl; the issuer is python's http.server serving
#   the discovery document and the JWKS over HTTPS with a CA of the bench's own.
# Prints, for each: requests/s and latency p50/p99 (median of RUNS runs of SECONDS s each), and the
# p99 difference (goal: an ID-token check costs at most 1 ms p99 more).
# Usage: bench/auth.sh [SECONDS] [RUNS]. Needs openssl, wrk, curl, python3 (scripts/test-env.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-5}
RUNS=${2:-3}
CONNECTIONS=4
source bench/lib.sh
for tool in openssl wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/auth.sh needs $tool: run scripts/test-env.sh as root" >&2; exit 1; }
done
WORK=$(mktemp -d /var/tmp/keelson-bench-auth.XXXXXX)
PORT=18082
ISSUER_PORT=18445
ISSUER="https://127.0.0.1:$ISSUER_PORT"
AUDIENCE=https://keelson.bench
TOKEN=$(new_token)
SERVER_PID=

cleanup() {
  [ -n "$KEELSON_PID" ] && kill "$KEELSON_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -f "$WORK/keelson.log" ] && cp "$WORK/keelson.log" "${TMPDIR:-/tmp}/keelson-bench-auth-last.log"
  rm -rf "$WORK"
}
trap cleanup EXIT

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# The issuer: a CA, a certificate for 127.0.0.1, a signing key and its JWKS, served by openssl.
mkdir -p "$WORK/www/.well-known"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$WORK/tls.key" -out "$WORK/tls.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$WORK/san.ext"
openssl x509 -req -in "$WORK/tls.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
  -extfile "$WORK/san.ext" -out "$WORK/tls.pem" 2>/dev/null
openssl genrsa -out "$WORK/sign.key" 2048 2>/dev/null
n=$(openssl rsa -in "$WORK/sign.key" -noout -modulus | cut -d= -f2 | xxd -r -p | b64url)
printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"bench-1","n":"%s","e":"AQAB"}]}' "$n" >"$WORK/www/jwks"
printf '{"issuer":"%s","jwks_uri":"%s/jwks"}' "$ISSUER" "$ISSUER" >"$WORK/www/.well-known/openid-configuration"
# The issuer's two documents over HTTPS (python's http.server: openssl s_server -WWW never ends its
# answers for Java's client).
python3 - "$WORK/www" "$ISSUER_PORT" "$WORK/tls.pem" "$WORK/tls.key" >"$WORK/issuer.log" 2>&1 <<'PY' &
import http.server, os, ssl, sys
os.chdir(sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), http.server.SimpleHTTPRequestHandler)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(sys.argv[3], sys.argv[4])
server.socket = tls.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
SERVER_PID=$!
for _ in $(seq 50); do curl -fs --cacert "$WORK/ca.pem" "$ISSUER/jwks" >/dev/null 2>&1 && break; sleep 0.1; done

cat >"$WORK/oidc.properties" <<PROPS
keelson.auth.oidc.bench.issuer=$ISSUER
keelson.auth.oidc.bench.audience=$AUDIENCE
keelson.auth.oidc.bench.ca-file=$WORK/ca.pem
PROPS
QUARKUS_CONFIG_LOCATIONS="$WORK/oidc.properties" start_keelson
api POST /api/v1/targets '{"name": "bench-auth", "strategy": "watch", "watch": {"interval": "1h", "labelEnable": true, "scope": "bench-auth"},
  "trustedPipelines": [{"issuer": "bench", "claims": {"project_id": "1"}, "role": "deploy"}]}' >/dev/null

header=$(printf '{"alg":"RS256","kid":"bench-1","typ":"JWT"}' | b64url)
mint() { # mint COUNT: that many fresh tokens, one per line
  local exp=$(( $(date +%s) + 3600 )) i payload
  for i in $(seq "$1"); do
    payload=$(printf '{"iss":"%s","aud":"%s","exp":%d,"jti":"%s-%d","project_id":"1","project_path":"bench/app","pipeline_id":"%d"}' \
      "$ISSUER" "$AUDIENCE" "$exp" "$RANDOM$RANDOM" "$i" "$i" | b64url)
    printf '%s.%s.%s\n' "$header" "$payload" \
      "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$WORK/sign.key" | b64url)"
  done
}
# Keys fetched once before measuring: the goal is the check with cached keys.
first=$(mint 1)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $first" "localhost:$PORT/api/v1/targets/bench-auth")
[ "$code" = 200 ] || { echo "an ID token was refused ($code); see ${TMPDIR:-/tmp}/keelson-bench-auth-last.log" >&2; exit 1; }

cat >"$WORK/static.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat >"$WORK/idtoken.lua" <<'LUA'
-- each request its own token, read from the file; a thread takes every Nth line
local tokens, next = {}, 1
function init(args)
  local id = tonumber(args[2]); local threads = tonumber(args[3])
  local i = 0
  for line in io.lines(args[1]) do
    if i % threads == id then tokens[#tokens + 1] = line end
    i = i + 1
  end
end
function request()
  local t = tokens[next] or "exhausted"
  next = next + 1
  return wrk.format("GET", nil, {Authorization = "Bearer " .. t})
end
LUA

run() { # run KIND: one wrk run, prints "rps p50_ms p99_ms non2xx"
  local out
  if [ "$1" = static ]; then
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$WORK/static.lua" "http://localhost:$PORT/api/v1/targets/bench-auth")
  else
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -s "$WORK/idtoken.lua" "http://localhost:$PORT/api/v1/targets/bench-auth" -- "$WORK/tokens" 0 1)
  fi
  printf '%s\n' "$out" >>"$WORK/wrk.log"
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {bad.group(1) if bad else 0}")
PY
}

echo "auth bench: ${RUNS} runs of ${SECONDS_EACH}s each, ${CONNECTIONS} connections, GET /api/v1/targets/bench-auth"
for kind in static idtoken; do
  for r in $(seq "$RUNS"); do
    if [ "$kind" = idtoken ]; then
      # more tokens than the static run's rate could use, each sent once
      rate=$(awk '{print $1}' "$WORK/static.runs" | median)
      mint $(( rate * SECONDS_EACH * 12 / 10 + 100 )) >"$WORK/tokens"
    fi
    run "$kind" | tee -a "$WORK/$kind.runs" >/dev/null
  done
done
for kind in static idtoken; do
  printf '%-8s  %7s req/s  p50 %6s ms  p99 %6s ms  non-2xx %s\n' "$kind" \
    "$(awk '{print $1}' "$WORK/$kind.runs" | median)" \
    "$(awk '{print $2}' "$WORK/$kind.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(awk '{print $3}' "$WORK/$kind.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "$(awk '{s+=$4} END {print s}' "$WORK/$kind.runs")"
done
s99=$(awk '{print $3}' "$WORK/static.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
i99=$(awk '{print $3}' "$WORK/idtoken.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "ID token p99 - static p99: $(awk -v a="$i99" -v b="$s99" 'BEGIN {printf "%.2f", a - b}') ms (goal: at most 1 ms)"
