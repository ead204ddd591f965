#!/usr/bin/env bash
# The held-out appeals over HTTP: a small fleet (intake, 2 dispatch, api) on throw-away
# servers, every held-out appeal submitted as a hotline call with its district, read back
# from GET /v1/appeals/{code}; tests/dispatch/held_out_over_http.py prints category,
# lead-unit, urgent recall and precision and fails under the bars `suban evaluate` holds.
#   scripts/dispatch-http.sh [swift build flags, e.g. -c release]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! out=$(swift build --product suban "$@" 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build --show-bin-path "$@")/suban"

source scripts/fleet.sh
fleet_sandbox "$bin" dispatch-http
trap fleet_discard EXIT
export LOG_LEVEL=warning
fleet_roles 1 2 0 0 0 1 "$http_port" $((http_port + 1)) $((http_port + 2))
intake="http://127.0.0.1:$http_port"; api="http://127.0.0.1:$((http_port + 1))"
fleet_await_health "$intake"; fleet_await_health "$api"
# Bars just under today's figures (a triaged appeal has no lead unit yet, and no category unless only its place is missing).
INTAKE_URL=$intake API_URL=$api python3 tests/dispatch/held_out_over_http.py ${HTTP_MISSES:+--misses "$HTTP_MISSES"} \
  --min-category 0.88 --min-lead-unit 0.84 --min-urgent-recall 0.97 --min-urgent-precision 0.69
