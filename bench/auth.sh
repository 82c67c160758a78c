#!/usr/bin/env bash
# Benchmark of a request's authentication: a Keelson token against a CI ID token (RS256, keys already
# cached), side by side, on the same read endpoint (GET /api/v1/targets/NAME), with a JDK client.
#   An ID token is used once (its jti is spent in the database), so the ID-token run sends a fresh
#   token per request, minted beforehand (the JDK signs); the issuer is python's http.server serving
#   the discovery document and the JWKS over HTTPS with a CA of the bench's own.
# Each run sends a fixed number of requests, the two kinds
# take turns, and one run of each before the measured ones warms the JIT up (not counted).
# Prints, for each: requests/s and latency p50/p99 (medians over RUNS runs), and the p99 difference
# (goal: an ID-token check costs at most 1 ms p99 more); then Keelson's own timing of the ID-token
# check's steps (keelson_id_token_check_seconds). bench/auth-floor.sh times the two steps the contract
# requires (verify, spend) with nothing around them.
# Usage: bench/auth.sh [REQUESTS] [RUNS] [CONNECTIONS] (default 3000 5 4). With one connection no request
# waits behind another, so the difference is what the check itself costs; with four, the two cores are
# saturated and latency is mostly queueing. Needs openssl, curl, python3 and a JDK (scripts/test-env.sh
# installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-3000}
RUNS=${2:-5}
CONNECTIONS=${3:-4}
source bench/lib.sh
for tool in openssl curl python3 java javac; do
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

# Minting: a few thousand RS256 signatures, by the JDK (openssl per token was ~20 ms each).
openssl pkcs8 -topk8 -nocrypt -in "$WORK/sign.key" -outform DER -out "$WORK/sign.der"
cat >"$WORK/Mint.java" <<'JAVA'
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
/** Mint KEY.der ISSUER AUDIENCE COUNT PREFIX: COUNT tokens of project 1, one per line, each its own jti. */
public class Mint {
    public static void main(String[] a) throws Exception {
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(Path.of(a[0]))));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"bench-1\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        long exp = System.currentTimeMillis() / 1000 + 3600;
        Signature rsa = Signature.getInstance("SHA256withRSA");
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= Integer.parseInt(a[3]); i++) {
            String claims = "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%d,\"jti\":\"%s-%d\",\"project_id\":\"1\",\"project_path\":\"bench/app\",\"pipeline_id\":\"%d\"}"
                    .formatted(a[1], a[2], exp, a[4], i, i);
            String signed = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            out.append(signed).append('.').append(b64.encodeToString(rsa.sign())).append('\n');
        }
        System.out.print(out);
    }
}
JAVA
mint() { # mint COUNT: that many fresh tokens, one per line
  java "$WORK/Mint.java" "$WORK/sign.der" "$ISSUER" "$AUDIENCE" "$1" "$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}
# Keys fetched once before measuring: the goal is the check with cached keys.
first=$(mint 1)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $first" "localhost:$PORT/api/v1/targets/bench-auth")
[ "$code" = 200 ] || { echo "an ID token was refused ($code); see ${TMPDIR:-/tmp}/keelson-bench-auth-last.log" >&2; exit 1; }

# The load: one small JDK client for both kinds, so they are measured the same way. It sends a fixed
# number of requests over CONNECTIONS threads (each its own keep-alive connection), each with the next
# token of its list (one static token repeated, or one ID token per request), and prints
# "rps p50_ms p99_ms non2xx". (wrk cannot stop after a number of requests, and a time-bound run either
# runs out of ID tokens or wastes minting.)
cat >"$WORK/Load.java" <<'JAVA'
import java.net.URI;
import java.net.http.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
/** Load URL TOKENS_FILE REQUESTS CONNECTIONS: a line of tokens is used per request (the last one again when short). */
public class Load {
    public static void main(String[] a) throws Exception {
        List<String> tokens = Files.readAllLines(Path.of(a[1]));
        int requests = Integer.parseInt(a[2]), connections = Integer.parseInt(a[3]);
        long[] took = new long[requests];
        AtomicInteger next = new AtomicInteger(), bad = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                for (int i; (i = next.getAndIncrement()) < requests; ) {
                    HttpRequest r = HttpRequest.newBuilder(URI.create(a[0]))
                            .header("Authorization", "Bearer " + tokens.get(Math.min(i, tokens.size() - 1))).build();
                    long t = System.nanoTime();
                    try {
                        if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) bad.incrementAndGet();
                    } catch (Exception e) { bad.incrementAndGet(); }
                    took[i] = System.nanoTime() - t;
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(took);
        System.out.printf(Locale.ROOT, "%.0f %.2f %.2f %d%n", requests / seconds,
                took[requests / 2] / 1e6, took[(int) (requests * 0.99)] / 1e6, bad.get());
    }
}
JAVA
javac -d "$WORK/classes" "$WORK/Load.java"
printf '%s\n' "$TOKEN" >"$WORK/static.tokens"
run() { # run TOKENS_FILE: prints "rps p50_ms p99_ms non2xx"
  java -cp "$WORK/classes" Load "http://localhost:$PORT/api/v1/targets/bench-auth" "$1" "$REQUESTS" "$CONNECTIONS"
}

echo "auth bench: ${RUNS} runs of ${REQUESTS} requests each per kind (after one warm-up run each), ${CONNECTIONS} connections, GET /api/v1/targets/bench-auth"
echo "minting $(( (RUNS + 1) * REQUESTS )) ID tokens..."
for r in $(seq 0 "$RUNS"); do mint "$REQUESTS" >"$WORK/tokens.$r"; done
for r in $(seq 0 "$RUNS"); do
  target=runs; [ "$r" = 0 ] && target=warmup
  run "$WORK/static.tokens" | tee -a "$WORK/static.$target" >/dev/null
  run "$WORK/tokens.$r" | tee -a "$WORK/idtoken.$target" >/dev/null
done
mid() { awk "{print \$$1}" "$2" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for kind in static idtoken; do
  printf '%-8s  %7s req/s  p50 %6s ms  p99 %6s ms  non-2xx %s   (warm-up: %s req/s, p99 %s ms)\n' "$kind" \
    "$(mid 1 "$WORK/$kind.runs")" "$(mid 2 "$WORK/$kind.runs")" "$(mid 3 "$WORK/$kind.runs")" \
    "$(awk '{s+=$4} END {print s}' "$WORK/$kind.runs")" "$(mid 1 "$WORK/$kind.warmup")" "$(mid 3 "$WORK/$kind.warmup")"
done
s99=$(mid 3 "$WORK/static.runs"); i99=$(mid 3 "$WORK/idtoken.runs")
s50=$(mid 2 "$WORK/static.runs"); i50=$(mid 2 "$WORK/idtoken.runs")
echo "ID token - static: p50 $(awk -v a="$i50" -v b="$s50" 'BEGIN {printf "%+.2f", a - b}') ms, p99 $(awk -v a="$i99" -v b="$s99" 'BEGIN {printf "%+.2f", a - b}') ms (goal: p99 at most 1 ms more)"
# Keelson's own figures for the ID-token steps (its timers' p50 and p99 over the last minutes, so
# mostly the measured runs): what the difference above is made of.
curl -fs "localhost:$PORT/q/metrics" | awk -F'[{}",= ]+' '/^keelson_id_token_check_seconds\{/ && /quantile/ {
  for (i = 2; i < NF; i += 2) { if ($i == "step") step = $(i + 1); if ($i == "quantile") q = $(i + 1) }
  v[step, q] = $NF * 1000; steps[step] = 1 }
  END { printf "inside Keelson, per ID-token request:"; n = split("verify rules spend", order, " ")
        for (k = 1; k <= n; k++) if (order[k] in steps) printf "  %s p50 %.2f / p99 %.2f ms", order[k], v[order[k], "0.5"], v[order[k], "0.99"]
        print "" }'
