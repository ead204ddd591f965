#!/usr/bin/env bash
# The labelled duplicate pairs over HTTP: a small fleet (intake, dispatch, api) on throw-away
# servers; tests/dispatch/duplicate_pairs_over_http.py submits each pair as its channel gave
# it, reads back whether dispatch linked the second report, closes both, and fails under
# the bars `suban evaluate duplicates` holds.
#   scripts/duplicates-http.sh [swift build flags, e.g. -c release]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! out=$(swift build --product suban "$@" 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build --show-bin-path "$@")/suban"

source scripts/fleet.sh
fleet_sandbox "$bin" duplicates-http
trap fleet_discard EXIT
export LOG_LEVEL=warning
fleet_roles 1 1 0 0 0 1 "$http_port" $((http_port + 1)) $((http_port + 2))
intake="http://127.0.0.1:$http_port"; api="http://127.0.0.1:$((http_port + 1))"
fleet_await_health "$intake"; fleet_await_health "$api"
INTAKE_URL=$intake API_URL=$api SUBAN_BIN=$bin python3 tests/dispatch/duplicate_pairs_over_http.py ${PAIRS_VERBOSE:+--verbose} \
  --min-recall 0.82 --min-district-only-recall 0.72 --min-precision 0.95
