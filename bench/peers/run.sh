#!/usr/bin/env bash
# Dragoman next to tuned peers: one upstream stub playing TF Serving, nginx and HAProxy as reverse proxies, and
# the Dragoman gateway, all on 127.0.0.1. Checks that every proxy routes and rewrites, then loads each one with wrk
# in interleaved rounds and prints medians and ratios to nginx. See bench/README.md for how to read the output.
#
#   upstream  127.0.0.1:18081  nginx stub: POST /v1/models/half_plus_two:predict -> fixed predictions JSON
#   nginx     127.0.0.1:18082  reverse proxy with an upstream keep-alive pool
#   haproxy   127.0.0.1:18083  reverse proxy with http-reuse always
#   dragoman  127.0.0.1:18084  gateway/target/dragoman-gateway.jar (admin on 18884), or GATEWAY_URL
#   floor     127.0.0.1:18089  bench/floor/Floor.java: the least a JVM proxy can do (only when asked for, small bodies,
#                              one route): what the JVM itself costs on this machine
#
# Every proxy maps POST /models/half_plus_two/ -> POST /v1/models/half_plus_two:predict on the stub, and sends the
# client's Host, X-Forwarded-For/-Proto/-Host/-Port and a request id with it, as the gateway does (the floor excepted).
#
# Environment (default):
#   DURATION (10)   seconds per measured wrk run         ROUNDS (3)    measured rounds, targets rotated each round
#   WARMUP (30)     seconds of unmeasured load per target before its first measured run (the JVM needs it),
#                   in runs of WARMUP_CHUNK (10) seconds on new connections each
#   CONNS (64)      wrk connections                      THREADS (2)   wrk threads (capped at CONNS)
#   BODY_BYTES (0)  0 = the small JSON body; N = a generated JSON body of exactly N bytes (the stub then reads it)
#   ROUTES (1)      routes in every table: 1 = only half_plus_two; N adds N-1 prefixes /svc-<i>/
#   PACE_MS (0)     0 = each connection sends its next request as soon as the answer is in (saturation); N = it
#                   waits N ms first, so every target gets about the same load below its capacity (latency at a
#                   given load rather than at each target's own limit)
#   TARGETS ("upstream nginx haproxy dragoman")  which targets run, in round-1 order; add "floor" to compare with it
#   GATEWAY_URL     use a Dragoman already running (full URL of the route) instead of starting the jar
#   GATEWAY_JAR (gateway/target/dragoman-gateway.jar)
#   JAVA_OPTS ("-XX:+UseSerialGC")  JVM flags; the default is the collector the Deployment and the image set
#   CASE            name of the case in the results file (default: derived from CONNS, BODY_BYTES, ROUTES)
#   SMOKE=1         DURATION=2 ROUNDS=1 WARMUP=2: starts everything, measures once, fails only on routing/errors
#   SPLIT=1         the proxy under test alone on the last CPU (one worker, one I/O thread), the stub and wrk on the
#                   others: what each proxy costs with a core of its own (needs 2+ CPUs, numbered from 0); JVMs
#                   compile on that CPU too, so give them WARMUP=180 or more
#   KEEP_TMP=1      keep the temp folder (configs, logs, wrk output)
#   UPSTREAM_PORT NGINX_PORT HAPROXY_PORT DRAGOMAN_PORT DRAGOMAN_ADMIN_PORT FLOOR_PORT   move a listener that is taken
#
# Exit status: 0 done; 1 a check failed, a server died, or a run had non-2xx answers or socket errors;
# 2 a tool is missing and this user cannot install it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [[ ${SMOKE:-0} == 1 ]]; then
  DURATION=${DURATION:-2} ROUNDS=${ROUNDS:-1} WARMUP=${WARMUP:-2}
fi
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-30}
WARMUP_CHUNK=${WARMUP_CHUNK:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
BODY_BYTES=${BODY_BYTES:-0}
ROUTES=${ROUTES:-1}
PACE_MS=${PACE_MS:-0}
TARGETS=${TARGETS:-upstream nginx haproxy dragoman}
GATEWAY_URL=${GATEWAY_URL:-}
GATEWAY_JAR=${GATEWAY_JAR:-$repo/gateway/target/dragoman-gateway.jar}
JAVA_OPTS=${JAVA_OPTS--XX:+UseSerialGC}
KEEP_TMP=${KEEP_TMP:-0}
PAUSE=1                # idle seconds between runs, so one run's tail does not overlap the next
READY_SECONDS=60       # how long Dragoman may take to report ready
WRK_TIMEOUT=5s

UPSTREAM_PORT=${UPSTREAM_PORT:-18081} NGINX_PORT=${NGINX_PORT:-18082} HAPROXY_PORT=${HAPROXY_PORT:-18083}
DRAGOMAN_PORT=${DRAGOMAN_PORT:-18084} DRAGOMAN_ADMIN_PORT=${DRAGOMAN_ADMIN_PORT:-18884}
FLOOR_PORT=${FLOOR_PORT:-18089}
FRONT=/models/half_plus_two/
BACK=/v1/models/half_plus_two:predict
ANSWER='{"predictions": [2.5, 3.0, 4.5]}'
SMALL_BODY='{"instances": [1.0, 2.0, 5.0]}'
ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so

say() { printf '[bench] %s\n' "$*" >&2; }
fail() { printf '[bench] FAILED: %s\n' "$*" >&2; exit 1; }

for v in DURATION ROUNDS WARMUP WARMUP_CHUNK CONNS THREADS BODY_BYTES ROUTES PACE_MS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || fail "$v: \"${!v}\" (expected: a non-negative integer)"
done
((DURATION > 0 && ROUNDS > 0 && WARMUP_CHUNK > 0 && CONNS > 0 && THREADS > 0 && ROUTES > 0)) \
  || fail "DURATION, ROUNDS, WARMUP_CHUNK, CONNS, THREADS and ROUTES must be at least 1"
((BODY_BYTES == 0 || BODY_BYTES >= 32)) || fail "BODY_BYTES: $BODY_BYTES (expected: 0 or at least 32)"
((BODY_BYTES <= 1048576)) || fail "BODY_BYTES: $BODY_BYTES (expected: at most 1048576, the stub's limit)"
((THREADS > CONNS)) && THREADS=$CONNS
# wrk gives each thread CONNS/THREADS connections, rounded down: refuse a count it would silently shrink.
((CONNS % THREADS == 0)) || fail "CONNS: $CONNS (expected: a multiple of THREADS=$THREADS)"
STUB_READS_BODY=$((BODY_BYTES > 0 ? 1 : 0))
CASE=${CASE:-c${CONNS}-b${BODY_BYTES}-r${ROUTES}}
CORES=$(nproc) # the affinity mask's size, so `taskset -c 0` gives every server one worker
# Workers per proxy, and the commands that place proxies and load (stub, wrk) on CPUs: all share every CPU, unless
# SPLIT=1 gives the proxies the last CPU and the load the others.
SPLIT=${SPLIT:-0}
PROXY_CORES=$CORES LOAD_CORES=$CORES PROXY_PIN=() LOAD_PIN=()
if [[ $SPLIT == 1 ]]; then
  ((CORES >= 2)) || fail "SPLIT=1 needs at least 2 CPUs (this process may use $CORES)"
  PROXY_CORES=1 LOAD_CORES=$((CORES - 1))
  PROXY_PIN=(taskset -c "$((CORES - 1))") LOAD_PIN=(taskset -c "0-$((CORES - 2))")
  CASE=$CASE-split
fi
PLACEMENT="$CORES cores shared by all"
[[ $SPLIT == 1 ]] && PLACEMENT="proxy alone on CPU $((CORES - 1)), stub and wrk on CPUs 0-$((CORES - 2))"

# --- tools --------------------------------------------------------------------------------------------------------
need_packages=()
for tool in nginx haproxy wrk curl; do command -v "$tool" >/dev/null || need_packages+=("$tool"); done
((STUB_READS_BODY == 0)) || [[ -f $ECHO_MODULE ]] || need_packages+=(libnginx-mod-http-echo)
if ((${#need_packages[@]} > 0)); then
  if ((EUID == 0)); then
    say "installing ${need_packages[*]}"
    apt-get install -y "${need_packages[@]}" >&2 || { apt-get update >&2 && apt-get install -y "${need_packages[@]}" >&2; }
  else
    echo "missing: ${need_packages[*]}; install with: sudo apt-get install -y ${need_packages[*]}" >&2
    exit 2
  fi
fi
if [[ " $TARGETS " == *" dragoman "* && -z $GATEWAY_URL ]]; then
  command -v java >/dev/null || fail "java 17 is needed to start Dragoman (or give GATEWAY_URL)"
  [[ -f $GATEWAY_JAR ]] || fail "no $GATEWAY_JAR; build it with: mvn -B -q package -DskipTests (repository root)"
fi

# --- temp folder and cleanup --------------------------------------------------------------------------------------
tmp=$(mktemp -d /tmp/dragoman-bench.XXXXXX)
chmod 755 "$tmp" # nginx workers run as an unprivileged user when started by root
started=()       # pids of every server this script started; nginx workers are listed too, in case a master dies
wrk_pid=

stop_all() {
  local pid
  [[ -n $wrk_pid ]] && kill "$wrk_pid" 2>/dev/null || true
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in {1..50}; do
    local left=0
    for pid in "${started[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for pid in "${started[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [[ $KEEP_TMP == 1 ]]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Running and not a zombie (a dead child stays a zombie until this shell waits for it).
running() { [[ -r /proc/$1/stat ]] && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

await_port() { # pid port logfile
  for _ in {1..100}; do
    running "$1" || { tail -n 20 "$3" >&2 || true; fail "pid $1 exited before listening on :$2"; }
    listening "$2" && return 0
    sleep 0.1
  done
  fail "nothing on :$2 after 10 s (log: $3)"
}

ports=$UPSTREAM_PORT
[[ " $TARGETS " == *" nginx "* ]] && ports+=" $NGINX_PORT"
[[ " $TARGETS " == *" haproxy "* ]] && ports+=" $HAPROXY_PORT"
[[ " $TARGETS " == *" dragoman "* && -z $GATEWAY_URL ]] && ports+=" $DRAGOMAN_PORT $DRAGOMAN_ADMIN_PORT"
if [[ " $TARGETS " == *" floor "* ]]; then
  if ((BODY_BYTES <= 8192 && ROUTES == 1)); then
    ports+=" $FLOOR_PORT"
  else
    # Floor.java keeps a whole request in one 16 KiB buffer and knows one route: here it would measure nothing real.
    say "floor left out of this case: it serves only small bodies and one route (BODY_BYTES <= 8192, ROUTES=1)"
    TARGETS=$(echo " $TARGETS " | sed 's/ floor / /; s/^ *//; s/ *$//')
  fi
fi
for port in $ports; do
  listening "$port" && fail "port $port is taken (an earlier run still up? ss -ltnp 'sport = :$port')"
done

# --- request body and wrk script ----------------------------------------------------------------------------------
body=$tmp/body.json
if ((BODY_BYTES == 0)); then
  printf '%s' "$SMALL_BODY" > "$body"
else
  # {"instances": [1.0, 1.0, ...]} padded with spaces (valid JSON whitespace) to exactly BODY_BYTES.
  awk -v n="$BODY_BYTES" 'BEGIN {
    s = "{\"instances\": [1.0"; while (length(s) + 5 + 2 <= n) s = s ", 1.0"
    while (length(s) + 2 < n) s = s " "; printf "%s]}", s }' > "$body"
fi
body_len=$(wc -c < "$body")

cat > "$tmp/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open("$body", "rb"))
wrk.body = f:read("*a")
f:close()

-- One line for the script to parse. wrk counts 4xx/5xx as ordinary responses; errors.status holds them.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK rps=%.1f p50=%d p99=%d p999=%d requests=%d non2xx=%d sockerr=%d\n",
    summary.requests / (summary.duration / 1e6),
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    math.floor(latency:percentile(99.9)),
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
if ((PACE_MS > 0)); then
  # wrk waits this long after each answer before it sends the connection's next request, and times each request
  # from its send: the offered load is about CONNS / (PACE_MS + latency) requests per second for every target.
  printf 'function delay()\n  return %d\nend\n' "$PACE_MS" >> "$tmp/post.lua"
fi

# --- configurations -----------------------------------------------------------------------------------------------
# Routes beyond the first: /svc-<i>/ -> /v1/models/svc-<i>:predict, i = 1 .. ROUTES-1.
extra_routes() { local i; for ((i = 1; i < ROUTES; i++)); do echo "$i"; done; }

nginx_head() { # name
  mkdir -p "$tmp/$1"
  cat <<EOF
daemon off;
pid $tmp/$1/nginx.pid;
error_log $tmp/$1/error.log warn;
worker_rlimit_nofile 8192;
EOF
}
nginx_http_common() { # name
  cat <<EOF
  access_log off;
  server_tokens off;
  keepalive_requests 10000000;   # the default 1000 would make wrk reconnect mid-run
  keepalive_timeout 75s;
  client_body_temp_path $tmp/$1/body;
  proxy_temp_path $tmp/$1/proxy;
  fastcgi_temp_path $tmp/$1/fastcgi;
  uwsgi_temp_path $tmp/$1/uwsgi;
  scgi_temp_path $tmp/$1/scgi;
EOF
}

# The stub answers only the rewritten path (any other gets 404), so a proxy that forgets to rewrite fails the check.
# A request carrying X-Bench-Verify is logged with the URI and body length the stub saw; timed requests are not.
# With a body to read, echo_read_request_body waits for all of it (as a model server would) and echo_exec hands
# over to the same `return`, so the answer keeps its Content-Length.
write_upstream_conf() {
  local answer
  if ((STUB_READS_BODY)); then answer="echo_read_request_body; echo_exec @answer;"; else answer="return 200 '$ANSWER';"; fi
  ((STUB_READS_BODY)) && echo "load_module $ECHO_MODULE;"
  nginx_head upstream
  cat <<EOF
worker_processes $LOAD_CORES;
events { worker_connections 4096; }
http {
$(nginx_http_common upstream)
  client_max_body_size 1m;
  client_body_buffer_size 1m;    # bodies stay in memory
  log_format seen '\$http_x_bench_verify \$request_method \$request_uri \$content_length \$http_host'
    ' \$http_x_forwarded_for \$http_x_forwarded_proto \$http_x_forwarded_host \$http_x_forwarded_port'
    ' \$http_x_request_id';
  server {
    listen 127.0.0.1:$UPSTREAM_PORT backlog=4096 reuseport;
    default_type application/json;
    access_log $tmp/upstream/seen.log seen if=\$http_x_bench_verify;
    location = $BACK { $answer }
    location /v1/models/ { $answer }
    location @answer { return 200 '$ANSWER'; }
    location / { return 404 '{"error": "stub knows only /v1/models/"}'; }
  }
}
EOF
}

write_nginx_conf() {
  nginx_head nginx
  cat <<EOF
worker_processes $PROXY_CORES;   # one worker per core
events { worker_connections 4096; }
http {
$(nginx_http_common nginx)
  client_max_body_size 1m;
  client_body_buffer_size 128k;  # the default 16k would spill 64 KiB bodies to disk
  proxy_http_version 1.1;        # needed for upstream keep-alive
  proxy_set_header Connection "";
  proxy_request_buffering off;   # stream the body upstream as it arrives, like HAProxy and Dragoman
  # The same job as the gateway (and ingress-nginx's defaults): the client's Host, the forwarding headers (no proxy
  # in front is trusted, so the client's own X-Forwarded-* are replaced) and a request id.
  proxy_set_header Host \$http_host;
  proxy_set_header X-Forwarded-For \$remote_addr;
  proxy_set_header X-Forwarded-Proto \$scheme;
  proxy_set_header X-Forwarded-Host \$http_host;
  proxy_set_header X-Forwarded-Port \$server_port;
  proxy_set_header X-Request-ID \$request_id;
  upstream stub {
    server 127.0.0.1:$UPSTREAM_PORT;
    keepalive 256;               # idle upstream connections kept per worker
    keepalive_requests 10000000;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096 reuseport;
    # A prefix location with a URI in proxy_pass replaces the prefix: the same rule as a Mapping's rewrite.
    location $FRONT { proxy_pass http://stub$BACK; }
$(extra_routes | awk '{ printf "    location /svc-%d/ { proxy_pass http://stub/v1/models/svc-%d:predict; }\n", $1, $1 }')
    location / { default_type application/json; return 404 '{"error": "no route"}'; }
  }
}
EOF
}

# HAProxy looks the prefix up in a map (map_beg) and sets the path to the mapped rewrite, so one rule serves any
# number of routes. The benchmark always sends the bare prefix, so nothing follows it in the path.
write_haproxy_conf() {
  { echo "$FRONT $BACK"; extra_routes | awk '{ printf "/svc-%d/ /v1/models/svc-%d:predict\n", $1, $1 }'; } > "$tmp/routes.map"
  cat <<EOF
global
  nbthread $PROXY_CORES          # one thread per core
  maxconn 8192
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
frontend public
  bind 127.0.0.1:$HAPROXY_PORT
  http-request set-var(txn.rewrite) path,map_beg($tmp/routes.map)
  http-request return status 404 content-type application/json string '{"error": "no route"}' unless { var(txn.rewrite) -m found }
  http-request set-path %[var(txn.rewrite)]
  # The same job as the gateway: forwarding headers (the client's own replaced: no proxy in front is trusted) and a
  # request id; the client's Host passes as sent.
  http-request set-header X-Forwarded-For %[src]
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request set-header X-Forwarded-Port %[dst_port]
  unique-id-format %[uuid()]
  unique-id-header X-Request-ID
  default_backend stub
backend stub
  http-reuse always              # any idle upstream connection serves any client
  server stub 127.0.0.1:$UPSTREAM_PORT
EOF
}

# The gateway refuses config files over 1 MiB, so the extra Mappings go 1,000 to a file (about 170 KiB).
write_dragoman_config() {
  mkdir -p "$tmp/dragoman"
  mapping() { printf -- '---\napiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: %s\nspec:\n  prefix: %s\n  rewrite: %s\n  service: 127.0.0.1:%s\n' "$@" "$UPSTREAM_PORT"; }
  mapping half-plus-two "$FRONT" "$BACK" > "$tmp/dragoman/half-plus-two.yaml"
  for i in $(extra_routes); do
    mapping "svc-$i" "/svc-$i/" "/v1/models/svc-$i:predict" >> "$tmp/dragoman/svc-$((i / 1000)).yaml"
  done
}

# --- start --------------------------------------------------------------------------------------------------------
start_nginx() { # name port (the stub is load, any other nginx a proxy)
  local conf=$tmp/$1.conf pid pin=("${PROXY_PIN[@]}") workers=$PROXY_CORES
  [[ $1 == upstream ]] && pin=("${LOAD_PIN[@]}") workers=$LOAD_CORES
  "write_$1_conf" > "$conf"
  nginx -t -q -e "$tmp/$1/error.log" -p "$tmp/$1" -c "$conf" || fail "nginx rejected $conf"
  "${pin[@]}" nginx -e "$tmp/$1/error.log" -p "$tmp/$1" -c "$conf" &
  pid=$!
  started+=("$pid")
  await_port "$pid" "$2" "$tmp/$1/error.log"
  started+=($(ps -o pid= --ppid "$pid"))
  say "$1 up on :$2 (pid $pid, $workers workers)"
}

start_haproxy() {
  local pid
  write_haproxy_conf > "$tmp/haproxy.cfg"
  haproxy -c -q -f "$tmp/haproxy.cfg" || fail "haproxy rejected $tmp/haproxy.cfg"
  "${PROXY_PIN[@]}" haproxy -db -q -f "$tmp/haproxy.cfg" > "$tmp/haproxy.log" 2>&1 &
  pid=$!
  started+=("$pid")
  await_port "$pid" "$HAPROXY_PORT" "$tmp/haproxy.log"
  say "haproxy up on :$HAPROXY_PORT (pid $pid, $PROXY_CORES threads)"
}

start_dragoman() {
  local pid t0 t1
  write_dragoman_config
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  "${PROXY_PIN[@]}" java $JAVA_OPTS -jar "$GATEWAY_JAR" --config "$tmp/dragoman" --access-log off --drain-seconds 0 \
    --port "$DRAGOMAN_PORT" --admin-port "$DRAGOMAN_ADMIN_PORT" > "$tmp/dragoman.log" 2>&1 &
  pid=$!
  started+=("$pid")
  for ((i = 0; i < READY_SECONDS * 10; i++)); do
    running "$pid" || { tail -n 30 "$tmp/dragoman.log" >&2; fail "Dragoman exited before it was ready"; }
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
      "http://127.0.0.1:$DRAGOMAN_ADMIN_PORT/ambassador/v0/check_ready" || true) == 200 ]] && break
    sleep 0.1
  done
  ((i < READY_SECONDS * 10)) || { tail -n 30 "$tmp/dragoman.log" >&2; fail "Dragoman not ready after $READY_SECONDS s"; }
  t1=$(date +%s%N)
  say "dragoman ready on :$DRAGOMAN_PORT (pid $pid, $ROUTES Mappings) after $(((t1 - t0) / 1000000)) ms"
}

start_floor() {
  local pid
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  "${PROXY_PIN[@]}" java $JAVA_OPTS "$repo/bench/floor/Floor.java" "$FLOOR_PORT" "$UPSTREAM_PORT" "$PROXY_CORES" \
    > "$tmp/floor.log" 2>&1 &
  pid=$!
  started+=("$pid")
  await_port "$pid" "$FLOOR_PORT" "$tmp/floor.log"
  say "floor up on :$FLOOR_PORT (pid $pid, $PROXY_CORES threads)"
}

names=() urls=()
start_nginx upstream "$UPSTREAM_PORT"
for t in $TARGETS; do
  case $t in
    upstream) url=http://127.0.0.1:$UPSTREAM_PORT$BACK ;;
    nginx) start_nginx nginx "$NGINX_PORT"; url=http://127.0.0.1:$NGINX_PORT$FRONT ;;
    haproxy) start_haproxy; url=http://127.0.0.1:$HAPROXY_PORT$FRONT ;;
    dragoman)
      if [[ -n $GATEWAY_URL ]]; then url=$GATEWAY_URL; else start_dragoman; url=http://127.0.0.1:$DRAGOMAN_PORT$FRONT; fi ;;
    floor) start_floor; url=http://127.0.0.1:$FLOOR_PORT$FRONT ;;
    *) fail "TARGETS: unknown target \"$t\" (expected: upstream, nginx, haproxy, dragoman, floor)" ;;
  esac
  names+=("$t") urls+=("$url")
done

# --- routing checks -----------------------------------------------------------------------------------------------
# POST the benchmark body through $2 and expect 200, JSON, the exact answer, and a stub log line with the
# rewritten path $3 and the whole body. "Expect:" stops curl's 100-continue on large bodies; wrk never sends it.
check_route() { # name url expected-upstream-uri
  local token=$1-$RANDOM$RANDOM code type got seen
  code=$(curl -sS --max-time 5 -o "$tmp/check.body" -D "$tmp/check.head" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H 'Expect:' -H "X-Bench-Verify: $token" --data-binary "@$body" "$2") \
    || fail "$1: no answer from $2"
  got=$(cat "$tmp/check.body")
  type=$(awk -F': *' 'tolower($1) == "content-type" { sub(/\r$/, "", $2); print $2 }' "$tmp/check.head")
  [[ $code == 200 ]] || fail "$1: HTTP $code from $2: $(head -c 200 <<< "$got")"
  [[ $got == "$ANSWER" ]] || fail "$1: answered '$(head -c 200 <<< "$got")', expected '$ANSWER'"
  [[ $type == application/json* ]] || fail "$1: Content-Type '$type', expected application/json"
  seen=$(awk -v t="$token" '$1 == t { print $2, $3, $4 }' "$tmp/upstream/seen.log")
  [[ $seen == "POST $3 $body_len" ]] || fail "$1: the stub saw '${seen:-nothing}', expected 'POST $3 $body_len'"
  # (A gateway at GATEWAY_URL may sit behind anything, with any port or scheme: its headers are its own business.)
  [[ $1 == upstream || $1 == floor || ($1 == dragoman && -n $GATEWAY_URL) ]] || check_forwarding "$1" "$2" "$token"
  say "check $1: 200, stub saw POST $3 with $body_len bytes"
}

# Every proxy does the same job: the client's Host goes upstream, with X-Forwarded-For/-Proto/-Host/-Port and a
# request id. (The floor passes headers as sent: it is the least a JVM proxy can do, not a gateway.)
check_forwarding() { # name url token
  local hostport expected got
  hostport=${2#http://}
  hostport=${hostport%%/*}
  expected="$hostport 127.0.0.1 http $hostport ${hostport##*:}"
  got=$(awk -v t="$3" '$1 == t { print $5, $6, $7, $8, $9, ($10 == "-" || $10 == "" ? "none" : "some") }' \
    "$tmp/upstream/seen.log")
  [[ $got == "$expected some" ]] \
    || fail "$1: the stub saw Host, X-Forwarded-For/-Proto/-Host/-Port and a request id as '$got', expected '$expected some'"
}

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Expect:' --data-binary "@$body" \
  "http://127.0.0.1:$UPSTREAM_PORT$FRONT" || true)
[[ $code == 404 ]] || fail "stub self-check: un-rewritten $FRONT answered $code, expected 404"
for i in "${!names[@]}"; do check_route "${names[$i]}" "${urls[$i]}" "$BACK"; done
if ((ROUTES > 1)); then
  # The last extra route proves the whole table was loaded, not just the first entry.
  for i in "${!names[@]}"; do
    [[ ${names[$i]} == upstream || (${names[$i]} == dragoman && -n $GATEWAY_URL) ]] && continue
    check_route "${names[$i]}" "${urls[$i]%"$FRONT"}/svc-$((ROUTES - 1))/" "/v1/models/svc-$((ROUTES - 1)):predict"
  done
fi

# --- load ---------------------------------------------------------------------------------------------------------
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" "$2"; } # field name wrk-output

load() { # url seconds output label
  local rc=0 pid
  "${LOAD_PIN[@]}" wrk -t "$THREADS" -c "$CONNS" -d "${2}s" --timeout "$WRK_TIMEOUT" -s "$tmp/post.lua" "$1" > "$3" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || rc=$?
  wrk_pid=
  ((rc == 0)) || { cat "$3" >&2; fail "$4: wrk exited with $rc"; }
  grep -q '^WRK ' "$3" || { cat "$3" >&2; fail "$4: no result line from wrk"; }
  for pid in "${started[@]}"; do running "$pid" || fail "$4: server pid $pid died"; done
  (($(field requests "$3") > 0)) || fail "$4: no request completed"
  (($(field non2xx "$3") == 0)) || fail "$4: $(field non2xx "$3") answers were 4xx/5xx"
  (($(field sockerr "$3") == 0)) || fail "$4: $(field sockerr "$3") socket errors (connect/read/write/timeout)"
}

pacing=saturating
((PACE_MS > 0)) && pacing="${PACE_MS} ms between a connection's requests"
say "case $CASE: ${DURATION}s x $ROUNDS rounds, warm-up ${WARMUP}s, $CONNS conns, $THREADS threads, ${body_len}-byte body, $ROUTES route(s), $pacing, $PLACEMENT"
raw=$tmp/raw.tsv
: > "$raw"
declare -A warmed
n=${#names[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((k = 0; k < n; k++)); do
    i=$(((k + r - 1) % n))
    name=${names[$i]}
    if ((WARMUP > 0)) && [[ -z ${warmed[$name]:-} ]]; then
      # In runs of at most WARMUP_CHUNK seconds, each on new connections: a JIT that compiled only the busy path
      # meets closing and accepting connections (and the idle loop) at the start of every measured round, throws
      # that code away and compiles again, on the same CPUs, inside the round. A gateway in service sees connections
      # come and go all the time; so should its warm-up. Every target gets the same runs.
      for ((left = WARMUP, c = 1; left > 0; left -= WARMUP_CHUNK, c++)); do
        load "${urls[$i]}" "$((left < WARMUP_CHUNK ? left : WARMUP_CHUNK))" "$tmp/warmup-$name-$c.txt" \
          "$name warm-up $c"
        sleep "$PAUSE"
      done
      warmed[$name]=1
    fi
    out=$tmp/r$r-$name.txt
    load "${urls[$i]}" "$DURATION" "$out" "$name round $r"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$name" "$(field rps "$out")" "$(field p50 "$out")" \
      "$(field p99 "$out")" "$(field p999 "$out")" >> "$raw"
    say "$(printf 'round %d %-9s %10.0f req/s  p50 %6d us  p99 %6d us  p99.9 %6d us' "$r" "$name" \
      "$(field rps "$out")" "$(field p50 "$out")" "$(field p99 "$out")" "$(field p999 "$out")")"
    sleep "$PAUSE"
  done
done

# --- report -------------------------------------------------------------------------------------------------------
median_of() { # target column(3 rps, 4 p50, 5 p99, 6 p99.9)
  awk -F'\t' -v t="$1" -v c="$2" '$2 == t { print $c }' "$raw" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }

declare -A rps p50 p99 p999
for name in "${names[@]}"; do
  rps[$name]=$(median_of "$name" 3) p50[$name]=$(median_of "$name" 4)
  p99[$name]=$(median_of "$name" 5) p999[$name]=$(median_of "$name" 6)
done
# For one connection, a proxy's cost is what it adds to the stub's own latency.
latency_case=0
[[ $CONNS == 1 && -n ${p50[upstream]:-} ]] && latency_case=1
added() { awk -v a="$1" -v b="${p50[upstream]}" 'BEGIN { print a - b }'; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$here/results"
result=$here/results/$stamp-$CASE.md
{
  echo "### $CASE: $CONNS conns, ${body_len}-byte body, $ROUTES route(s), $pacing; ${DURATION}s x $ROUNDS rounds, warm-up ${WARMUP}s"
  echo
  echo "$CORES x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) ($PLACEMENT); $(nginx -v 2>&1 | sed 's/.*: //');" \
    "haproxy $(haproxy -v | awk 'NR == 1 { print $3 }'); $(wrk -v 2>&1 | awk 'NR == 1 { print $1, $2 }');" \
    "$(java -version 2>&1 | awk -F'"' 'NR == 1 { print "JDK " $2 }') ${JAVA_OPTS:-(no JVM flags)}; $stamp"
  echo
  if ((latency_case)); then
    echo "| target | req/s | p50 µs | p99 µs | p99.9 µs | req/s vs nginx | p99 vs nginx | added p50 µs | added vs nginx |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  else
    echo "| target | req/s | p50 µs | p99 µs | p99.9 µs | req/s vs nginx | p99 vs nginx |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
  fi
  for name in "${names[@]}"; do
    row=$(printf '| %s | %.0f | %.0f | %.0f | %.0f | %s | %s |' "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" \
      "${p999[$name]}" "$(ratio "${rps[$name]}" "${rps[nginx]:-}")" "$(ratio "${p99[$name]}" "${p99[nginx]:-}")")
    if ((latency_case)); then
      if [[ $name == upstream ]]; then
        row+=" - | - |"
      else
        row+=" $(added "${p50[$name]}") | $(ratio "$(added "${p50[$name]}")" "$([[ -n ${p50[nginx]:-} ]] && added "${p50[nginx]}")") |"
      fi
    fi
    echo "$row"
  done
  echo
  echo "Medians over $ROUNDS rounds. Rounds (round, target, req/s, p50, p99, p99.9 µs):"
  echo
  sed 's/^/    /' "$raw"
} > "$result"
echo
cat "$result"
say "written to ${result#"$repo"/}"
