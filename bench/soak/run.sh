#!/usr/bin/env bash
# Soak: the gateway under mixed load with configuration churn, for SOAK_SECONDS (default 600). Samples, every
# SAMPLE_SECONDS (30), the gateway's heap after a full GC, threads, open file descriptors and established upstream
# connections, and prints them as a table: a leak shows as a number that keeps climbing. Besides 32 keep-alive
# connections, a second load opens a new connection for every request.
#
# Everything runs on 127.0.0.1: an nginx stub upstream, the gateway jar, wrk. Needs nginx, wrk, curl, jcmd.
#   bench/soak/run.sh                      # 10 minutes
#   SOAK_SECONDS=60 bench/soak/run.sh      # a quick look
#   JAVA_OPTS="-XX:+UseSerialGC -Xmx768m -Xlog:gc:file=/tmp/gc.log" bench/soak/run.sh   # JVM flags, GC log kept
set -euo pipefail
cd "$(dirname "$0")/../.."
SOAK_SECONDS=${SOAK_SECONDS:-600}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-30}
JAR=${GATEWAY_JAR:-gateway/target/dragoman-gateway.jar}
UP_PORT=${UP_PORT:-28181}
GW_PORT=${GW_PORT:-28184}
ADMIN_PORT=${ADMIN_PORT:-28884}
for tool in nginx wrk curl jcmd; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is needed (apt-get install -y nginx wrk curl)" >&2; exit 2; }
done
[[ -f $JAR ]] || { echo "soak: $JAR not found (mvn -B -q package -DskipTests)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_buffer_size 1m;
  server {
    listen 127.0.0.1:$UP_PORT;
    location /slow/ { return 200 '{"slow": true}'; }
    location / { return 200 '{"predictions": [2.5, 3.0, 4.5]}'; }
  }
}
NGINX
nginx -c "$work/nginx.conf"

mkdir -p "$work/config"
mapping() { # name prefix extra
  printf 'apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: %s}\nspec:\n  prefix: %s\n  service: 127.0.0.1:%s\n%s\n---\n' \
    "$1" "$2" "$UP_PORT" "${3:-}"
}
{
  mapping predict /models/half_plus_two/ "  rewrite: /v1/models/half_plus_two:predict"
  mapping status /status/ ""
  mapping canary-a /canary/ "  weight: 70"
  mapping canary-b /canary/ "  weight: 30"
} > "$work/config/base.yaml"

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
java ${JAVA_OPTS:-} -jar "$JAR" --config "$work/config" --port "$GW_PORT" --admin-port "$ADMIN_PORT" --access-log off \
  --drain-seconds 0 > "$work/gateway.log" 2>&1 &
gw=$!
pids+=("$gw")
for _ in $(seq 1 120); do curl -sf "127.0.0.1:$ADMIN_PORT/ambassador/v0/check_ready" >/dev/null && break; sleep 0.5; done
curl -sf "127.0.0.1:$ADMIN_PORT/ambassador/v0/check_ready" >/dev/null || { echo "soak: gateway not ready" >&2; exit 1; }

cat > "$work/mixed.lua" <<'LUA'
local paths = {"/models/half_plus_two/", "/status/x", "/canary/y", "/nowhere"}
local i = 0
request = function()
  i = i + 1
  local p = paths[(i % #paths) + 1]
  if p == "/models/half_plus_two/" then
    return wrk.format("POST", p, {["Content-Type"] = "application/json"}, '{"instances": [1.0, 2.0, 5.0]}')
  end
  return wrk.format("GET", p)
end
LUA

# Churn: a file of changing Mappings, rewritten every 200 ms, for the whole run.
( n=0; end=$((SECONDS + SOAK_SECONDS)); while (( SECONDS < end )); do
    n=$((n + 1)); mapping "churn-$((n % 20))" "/churn-$n/" "" > "$work/config/.churn.tmp"
    mv "$work/config/.churn.tmp" "$work/config/churn.yaml"; sleep 0.2; done ) &
pids+=("$!")

wrk -t2 -c32 -d"${SOAK_SECONDS}s" -s "$work/mixed.lua" "http://127.0.0.1:$GW_PORT" > "$work/wrk.txt" 2>&1 &
load=$!
pids+=("$load")
# Connection churn beside it: every request on a new connection (each one passes through the idle sweep and takes
# and gives back its buffers), so a connection or buffer the gateway fails to let go of shows in the table.
wrk -t1 -c4 -d"${SOAK_SECONDS}s" -H "Connection: close" "http://127.0.0.1:$GW_PORT/status/x" > "$work/churn.txt" 2>&1 &
pids+=("$!")

sample() {
  local heap threads fds upstream gen
  # The class histogram collects first and counts only what is reachable: the live heap. (GC.run then GC.heap_info
  # read the young generation's use too, which under this load refills by tens of MB between the two commands.)
  heap=$(jcmd "$gw" GC.class_histogram 2>/dev/null | awk '/^Total/ {printf "%dK", $3 / 1024}')
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$gw/status")
  fds=$(ls "/proc/$gw/fd" | wc -l)
  upstream=$(ss -tn state established "( dport = :$UP_PORT )" 2>/dev/null | tail -n +2 | wc -l)
  gen=$(curl -s "127.0.0.1:$ADMIN_PORT/ambassador/v0/diag/?json=true" | sed -n 's/.*"generation" : \([0-9]*\).*/\1/p' | head -1 || true)
  printf '| %6s | %10s | %7s | %5s | %18s | %10s |\n' "$1" "$heap" "$threads" "$fds" "$upstream" "$gen"
}
echo "| second | live heap | threads | fds | upstream connections | generation |"
echo "|---:|---:|---:|---:|---:|---:|"
start=$SECONDS
sample 0
while kill -0 "$load" 2>/dev/null; do
  sleep "$SAMPLE_SECONDS"
  kill -0 "$load" 2>/dev/null || break
  sample $((SECONDS - start))
done
wait "$load" || true
sample $((SECONDS - start))
echo
grep -E "Requests/sec|requests in|Socket errors|Non-2xx" "$work/wrk.txt" || true
echo "(Non-2xx includes the 404s for /nowhere: a quarter of the requests, by design.)"
echo "Connection churn (one request per connection):"
grep -E "Requests/sec|requests in|Socket errors|Non-2xx" "$work/churn.txt" || true
