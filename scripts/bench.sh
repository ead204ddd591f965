#!/usr/bin/env bash
# The throughput benchmark (a command, not a test): a release build, throw-away servers,
# then
#   1. end to end: 2 intake and 2 dispatch, `suban bench` (HTTP → PostgreSQL → queues) with
#      the machine's Redis and PostgreSQL ceilings measured in the same run;
#   2. the dispatch scaling curve: a backlog of COUNT acknowledged tickets with dispatch
#      stopped, then 1, 2 and 4 dispatch replicas drain it; tickets a second for each;
#   3. peak RSS (VmHWM) of every role process.
#   COUNT=20000 CONCURRENCY=64 scripts/bench.sh        figures go to stdout; see docs/performance.md
#   END_TO_END=0 REPLICAS="2 4" scripts/bench.sh      only the scaling runs named
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-20000}; concurrency=${CONCURRENCY:-64}
bash scripts/install-deps.sh
echo "building (release)..."
swift build -c release --product suban 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/suban"

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
  await_health "$intake"; await_health "http://127.0.0.1:$((http_port + 100))"
  "$bin" bench --intake "$intake" --count "$count" --concurrency "$concurrency" --ceilings 2>/dev/null || echo "(not every ticket reached its queues within the bench's 120 s)"
  echo "peak RSS:"; peak_rss
  fleet_stop
done

echo "== 2. dispatch alone: a backlog of $count tickets on a fresh database, drained by 1, 2 and 4 replicas"
for replicas in ${REPLICAS:-1 2 4}; do
  # A fresh database each time: open tickets left by the last run would be more duplicate candidates.
  fleet_discard; fleet_pids=(); fleet_sandbox "$bin" bench
  intake="http://127.0.0.1:$http_port"
  fleet_roles 2 0 0 0 0 0 "$http_port" $((http_port + 1)) $((http_port + 2))
  await_health "$intake"
  "$bin" bench --intake "$intake" --count "$count" --concurrency "$concurrency" --no-wait 2>/dev/null
  start=$(date +%s%N)
  for i in $(seq 0 $((replicas - 1))); do supervise "dispatch-$i" dispatch; done
  until drained; do sleep 0.5; done
  python3 -c "import sys; took = ($(date +%s%N) - $start) / 1e9; print(f'dispatch x$replicas: $count tickets in {took:.1f} s = {$count / took:.0f} tickets/s (start-up and catalog load included)')"
  peak_rss | grep dispatch
  fleet_stop
done
