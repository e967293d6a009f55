#!/usr/bin/env bash
# Smoke run of every benchmark, for CI: each one starts, measures briefly and prints its figures. Nothing here
# asserts on time; a step fails only when its benchmark is broken (bad routing, 4xx/5xx, an exception, no output).
#
#   peers        SMOKE=1 bench/peers/cases.sh: stub, nginx, HAProxy, gateway/target/dragoman-gateway.jar and the
#                floor (bench/floor), routing checked, 2 s of wrk each, a table printed (about 40 s)
#   jmh          builds bench/jmh with the gateway from the same reactor (bench/pom.xml) and runs each benchmark
#                once at 1,000 Mappings, both shapes, 1 s warm-up + 1 s measured
#   propagation  PropagationBenchmark with 200 Services and 10 annotation changes
#
# Usage: bench/smoke.sh [--ci] [maven flags, e.g. -o]   (after `mvn -B verify`, which builds the gateway jar)
#   --ci, or CI=true: a missing nginx/haproxy/wrk/curl fails the run; otherwise the peers step is skipped with a
#   message (the other steps still run).
# Environment: SMOKE_STEPS ("peers jmh propagation") runs a subset. The peers step listens on the first free set of
# 28081-28085/28884, 27081-27085/27884, 26081-26085/26884 (never a gateway's 8080/8877 or the 1808x a full
# benchmark uses), unless UPSTREAM_PORT, NGINX_PORT, HAPROXY_PORT, DRAGOMAN_PORT, DRAGOMAN_ADMIN_PORT or FLOOR_PORT
# is set.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

ci=0
[[ ${CI:-} == true || ${CI:-} == 1 ]] && ci=1
mvn_flags=()
for arg; do
  case $arg in
    --ci) ci=1 ;;
    *) mvn_flags+=("$arg") ;;
  esac
done
STEPS=${SMOKE_STEPS:-peers jmh propagation}
JAR=$repo/gateway/target/dragoman-gateway.jar

say() { printf '[smoke] %s\n' "$*" >&2; }
fail() { printf '[smoke] FAILED: %s\n' "$*" >&2; exit 1; }

free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Exports the six peer ports: the caller's, or the first base whose ports are all free.
pick_ports() {
  if [[ -n ${UPSTREAM_PORT:-}${NGINX_PORT:-}${HAPROXY_PORT:-}${DRAGOMAN_PORT:-}${DRAGOMAN_ADMIN_PORT:-}${FLOOR_PORT:-} ]]; then
    return 0 # the caller chose; run.sh fills in the rest
  fi
  local base
  for base in 28080 27080 26080; do
    if free $((base + 1)) && free $((base + 2)) && free $((base + 3)) && free $((base + 4)) && free $((base + 5)) \
      && free $((base + 804)); then
      export UPSTREAM_PORT=$((base + 1)) NGINX_PORT=$((base + 2)) HAPROXY_PORT=$((base + 3))
      export DRAGOMAN_PORT=$((base + 4)) DRAGOMAN_ADMIN_PORT=$((base + 804)) FLOOR_PORT=$((base + 5))
      return 0
    fi
  done
  fail "peers: no free port set among 2808x, 2708x, 2608x (with admin 28884/27884/26884); set UPSTREAM_PORT," \
    "NGINX_PORT, HAPROXY_PORT, DRAGOMAN_PORT, DRAGOMAN_ADMIN_PORT and FLOOR_PORT"
}

step_peers() {
  local missing=() tool
  for tool in nginx haproxy wrk curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]} > 0)); then
    local hint="install with: apt-get install -y ${missing[*]}"
    ((ci)) && fail "peers: ${missing[*]} not found ($hint; .ci/run installs them)"
    say "peers SKIPPED: ${missing[*]} not found ($hint); CI runs this step"
    skipped=1
    return 0
  fi
  pick_ports
  say "peers: ports ${UPSTREAM_PORT:-} ${NGINX_PORT:-} ${HAPROXY_PORT:-} ${DRAGOMAN_PORT:-} admin ${DRAGOMAN_ADMIN_PORT:-}" \
    "floor ${FLOOR_PORT:-}"
  SMOKE=1 TARGETS="upstream nginx haproxy dragoman floor" "$here/peers/cases.sh"
}

step_jmh() {
  mvn -B -q "${mvn_flags[@]}" -f "$here/pom.xml" package -DskipTests
  # -foe: a benchmark that throws fails the run (JMH's exit status is 0 otherwise).
  java -jar "$here/jmh/target/benchmarks.jar" -f 1 -wi 1 -i 1 -w 1s -r 1s -foe true -p size=1000 \
    'Route(Match|Build)Benchmark'
}

step_propagation() {
  local out=$repo/gateway/target/surefire-reports/io.dragoman.gateway.bench.PropagationBenchmark-output.txt
  rm -f "$out"
  mvn -B -q "${mvn_flags[@]}" -pl gateway test -Dtest=PropagationBenchmark -Dsurefire.excludedGroups= \
    -Dservices=200 -Dchanges=10
  # Surefire sends test output to a file (redirectTestOutputToFile): show the figures here.
  grep '^propagation:' "$out" >&2 || fail "propagation: no figures in $out"
}

[[ -f $JAR ]] || fail "no $JAR; run mvn -B verify first (scripts/test.sh does)"
for step in $STEPS; do
  case $step in
    peers | jmh | propagation) ;;
    *) fail "SMOKE_STEPS: unknown step \"$step\" (expected: peers, jmh, propagation)" ;;
  esac
done
# Steps run under set -e (never behind || or if, which would switch it off inside them); the trap names the one
# that failed.
current= timings= skipped=
trap 'rc=$?; ((rc == 0)) || say "FAILED in step ${current:-setup} (exit status $rc)"' EXIT
for step in $STEPS; do
  current=$step
  say "== $step"
  t0=$SECONDS
  skipped=
  "step_$step"
  timings+="${timings:+, }$step $(if [[ -n $skipped ]]; then echo SKIPPED; else echo "$((SECONDS - t0)) s"; fi)"
done
current=
say "benchmark smoke passed: $timings"
