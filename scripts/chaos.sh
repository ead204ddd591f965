#!/usr/bin/env bash
# The chaos test: the whole fleet (2 intake, 2 dispatch and one of every other role,
# supervised) under a steady load, while processes are killed with kill -9 at random,
# Redis is restarted (AOF) and PostgreSQL crashes and stays down PG_DOWN seconds (default 3;
# long enough, both dispatchers claim each other's entries past the poison limit, and none
# may be buried for it). Then `suban-tools chaos check`
# holds every acknowledged appeal against PostgreSQL, the unit queues and the SMS and
# webhooks sent, prints the counts and exits non-zero on any loss or double.
#
#   scripts/chaos.sh [SECONDS]      short form (CI, via scripts/test.sh): 60 s at 20 appeals/s
#   RATE=50 KILL_EVERY=3 PG_DOWN=180 scripts/chaos.sh 600     long form, a 3-minute outage
# Keeps its folder (logs of every role) when it fails: CHAOS_KEEP=1 keeps it always.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${CHAOS_SECONDS:-60}}; rate=${RATE:-20}; kill_every=${KILL_EVERY:-3}; pg_down=${PG_DOWN:-3}
bash scripts/install-deps.sh
if ! out=$(swift build "${@:2}" 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build --show-bin-path "${@:2}")/suban"; tools="$(dirname "$bin")/suban-tools"

source scripts/fleet.sh
fleet_sandbox "$bin" chaos
servers() { bash scripts/servers.sh "$1" "$work" "$redis_port" "$pg_port" >/dev/null; }
status=1
finish() {
  if [ "$status" = 0 ] && [ "${CHAOS_KEEP:-0}" != 1 ]; then fleet_discard; else
    fleet_stop; bash scripts/servers.sh stop "$work"; echo "chaos: logs kept in $work/log"; fi
}
trap finish EXIT

# Dead dispatchers' entries are taken over after 5 s, so the run settles soon after.
export DISPATCH_CLAIM_IDLE=5 LOG_LEVEL=${LOG_LEVEL:-info}
fleet_roles 2 2 1 1 1 1 "$http_port" $((http_port + 1)) $((http_port + 2))
fleet_await_health "http://127.0.0.1:$http_port"; fleet_await_health "http://127.0.0.1:$((http_port + 100))"
fleet_await_health "http://127.0.0.1:$((http_port + 1))"

victims=(intake-0 intake-1 dispatch-0 dispatch-1 sla-sweeper-0 callback-0 analytics-0 api-0)
echo "chaos: ${seconds}s at $rate appeals/s; kill -9 every ~${kill_every}s among ${victims[*]}; Redis restart at 1/3, PostgreSQL crash at 2/3 (down ${pg_down}s)"
"$tools" chaos load --intake "http://127.0.0.1:$http_port,http://127.0.0.1:$((http_port + 100))" \
  --rate "$rate" --seconds "$seconds" --record "$work/outcomes.tsv" &
load=$!

kills=0; restarts=0; started=$SECONDS; redis_done=0; pg_done=0
while kill -0 "$load" 2>/dev/null && [ $((SECONDS - started)) -lt "$seconds" ]; do
  sleep $((kill_every / 2 + RANDOM % kill_every + 1))
  elapsed=$((SECONDS - started))
  if [ "$redis_done" = 0 ] && [ "$elapsed" -ge $((seconds / 3)) ]; then
    echo "chaos ${elapsed}s: Redis stops (SIGTERM, AOF fsynced), down 3 s"
    bash scripts/servers.sh stop-redis "$work"; sleep 3; servers start
    redis_done=1; restarts=$((restarts + 1))
  elif [ "$pg_done" = 0 ] && [ "$elapsed" -ge $((2 * seconds / 3)) ]; then
    echo "chaos ${elapsed}s: PostgreSQL crashes (immediate stop), down ${pg_down} s, recovers from its WAL"
    bash scripts/servers.sh crash-postgres "$work"; sleep "$pg_down"; servers start
    pg_done=1; restarts=$((restarts + 1))
  else
    victim=${victims[$((RANDOM % ${#victims[@]}))]}
    if kill -9 "$(cat "$work/pids/$victim")" 2>/dev/null; then
      kills=$((kills + 1)); echo "chaos ${elapsed}s: kill -9 $victim"
    fi
  fi
done
wait "$load"

echo "chaos: load over; checking (kills $kills, server restarts $restarts)"
if "$tools" chaos check --record "$work/outcomes.tsv" --sink-log "$work/log/dev-sink.log" --log-dir "$work/log" --timeout 180; then status=0; fi
echo "kills         $kills (kill -9), role restarts by the supervisor $(grep -c restarting "$work/log/supervisor.log" 2>/dev/null || echo 0)"
echo "restarts      $restarts (Redis once, PostgreSQL once)"
exit $status
