#!/usr/bin/env bash
# The throughput benchmark (a command, not a test): a release build, throw-away servers,
# then
#   1. end to end: 2 intake and 2 dispatch, `suban-tools bench` (HTTP → PostgreSQL → queues) with
#      the machine's Redis and PostgreSQL ceilings measured in the same run;
#   2. open loop: the same fleet offered a fixed rate (RATES, each for SECONDS), every
#      answer timed from when its request was due: latency at a load, not at saturation;
#   3. the dispatch scaling curve: a backlog of COUNT acknowledged tickets with dispatch
#      stopped, then 1, 2 and 4 dispatch replicas drain it; tickets a second for each;
#   and peak RSS (VmHWM) and CPU a ticket of every role after each run. The figures also go to
#   artifacts/bench/bench.log, drawn as artifacts/bench/bench.svg (scripts/bench-chart.py).
#   COUNT=20000 CONCURRENCY=64 scripts/bench.sh        figures go to stdout; see docs/performance.md
#   END_TO_END=0 RATES= REPLICAS="2 4" scripts/bench.sh      only the scaling runs named
#   END_TO_END=0 RATES="500 1000" SECONDS_EACH=20 REPLICAS= scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-20000}; concurrency=${CONCURRENCY:-64}
bash scripts/install-deps.sh
mkdir -p artifacts/bench
exec > >(tee artifacts/bench/bench.log)
echo "building (release)..."
swift build -c release 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/suban"; tools="$(dirname "$bin")/suban-tools"

source scripts/fleet.sh
fleet_sandbox "$bin" bench
trap fleet_discard EXIT
export LOG_LEVEL=warning
intake="http://127.0.0.1:$http_port"

peak_rss() {  # the high-water RSS of every role process still running, in MB
  for f in "$work"/pids/*; do
    local pid; pid=$(cat "$f")
    if [ -r "/proc/$pid/status" ]; then printf "  %-14s %5d MB\n" "$(basename "$f")" $(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 )); fi
  done
}
# CPU seconds used so far by each role (replicas summed), Redis and PostgreSQL (the postmaster,
# its live backends and the ones that exited), a "name seconds" line each.
cpu_used() {
  local f pid pm
  for f in "$work"/pids/*; do
    pid=$(cat "$f"); [ -r "/proc/$pid/stat" ] && echo "$(basename "$f" | sed 's/-[0-9]*$//') $(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat")"
  done
  echo "redis $(awk '{print ($14 + $15) / 100}' "/proc/$(cat "$work/redis/redis.pid")/stat")"
  pm=$(head -1 "$work/pg/data/postmaster.pid")
  echo "postgresql $( { awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
                        for c in $(ps -o pid= --ppid "$pm"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true; done
                      } | awk '{s += $1} END {print s / 100}')"
}
# Where the CPU went between two cpu_used snapshots, in milliseconds a ticket.
cpu_report() {
  python3 - "$1" "$2" "$3" <<'PY'
import collections, sys
def load(path):
    used = collections.Counter()
    for line in open(path):
        name, seconds = line.split()
        used[name] += float(seconds)
    return used
before, after, tickets = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
print("CPU a ticket, ms:   " + ", ".join(f"{name} {(after[name] - before[name]) * 1000 / tickets:.2f}" for name in sorted(after) if after[name] > before[name]))
PY
}
drained() {  # true once the dispatch group has nothing undelivered or pending
  "$bin" status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)
g=[g for st in s["streams"] for g in st["groups"] if g["name"]=="dispatch"]
sys.exit(0 if g and all((x.get("lag") or 0)==0 and x["pending"]==0 for x in g) else 1)'
}

# The pipeline alone (intake and dispatch, as docs/performance.md's earlier steps), then the whole
# fleet: on 2 cores the callback, analytics and sweeper roles take CPU from the same run.
end_to_end=("2 2 0 0 0 1" "2 2 1 1 1 1")
[ "${END_TO_END:-1}" = 1 ] || end_to_end=()
for roles in "${end_to_end[@]}"; do
  echo "== 1. end to end: intake, dispatch, sla-sweeper, callback, analytics, api = $roles; $count appeals, $concurrency in flight"
  fleet_init "$bin" "$work"; fleet_pids=()
  fleet_roles $roles "$http_port" $((http_port + 1)) $((http_port + 2))
  fleet_await_health "$intake"; fleet_await_health "http://127.0.0.1:$((http_port + 100))"
  cpu_used >"$work/cpu.before"
  "$tools" bench --intake "$intake" --count "$count" --concurrency "$concurrency" --ceilings 2>/dev/null || echo "(not every ticket reached its queues within the bench's 120 s)"
  cpu_used >"$work/cpu.after"; cpu_report "$work/cpu.before" "$work/cpu.after" "$count"
  echo "peak RSS:"; peak_rss
  fleet_stop
done

# A fresh database for each: open tickets left by the last run would be more duplicate candidates.
fresh_fleet() {
  fleet_discard; fleet_pids=(); fleet_sandbox "$bin" bench
  intake="http://127.0.0.1:$http_port"
  fleet_roles "$@" "$http_port" $((http_port + 1)) $((http_port + 2))
  fleet_await_health "$intake"
}

for rate in ${RATES-250 500 1000}; do
  each=${SECONDS_EACH:-15}
  echo "== 2. open loop: intake, dispatch, api = 2 2 1; $rate appeals a second offered for $each s"
  fresh_fleet 2 2 0 0 0 1
  cpu_used >"$work/cpu.before"
  "$tools" bench --intake "$intake" --rate "$rate" --count $((rate * each)) 2>/dev/null || echo "(not every ticket reached its queues within the bench's 120 s)"
  cpu_used >"$work/cpu.after"; cpu_report "$work/cpu.before" "$work/cpu.after" $((rate * each))
  echo "peak RSS:"; peak_rss
  fleet_stop
done

[ -z "${REPLICAS-1 2 4}" ] || echo "== 3. dispatch alone: a backlog of $count tickets on a fresh database, drained by ${REPLICAS-1 2 4} replicas"
for replicas in ${REPLICAS-1 2 4}; do
  fresh_fleet 2 0 0 0 0 0
  "$tools" bench --intake "$intake" --count "$count" --concurrency "$concurrency" --no-wait 2>/dev/null
  start=$(date +%s%N)
  for i in $(seq 0 $((replicas - 1))); do supervise "dispatch-$i" "$bin" dispatch; done
  until drained; do sleep 0.5; done
  python3 -c "import sys; took = ($(date +%s%N) - $start) / 1e9; print(f'dispatch x$replicas: $count tickets in {took:.1f} s = {$count / took:.0f} tickets/s (start-up and catalog load included)')"
  peak_rss | grep dispatch
  fleet_stop
done
if grep -q "^CPU a ticket" artifacts/bench/bench.log; then python3 scripts/bench-chart.py artifacts/bench/bench.log artifacts/bench/bench.svg; fi
