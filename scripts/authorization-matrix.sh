#!/usr/bin/env bash
# Who may call what, tried: every operation of docs/openapi.json × (no key, an unknown key, a
# channel's key, an operator key, the unit's own key, another unit's key) against a running
# intake and api on throw-away servers; each operation's `x-suban-access` says who is allowed.
#   scripts/authorization-matrix.sh [swift build flags, e.g. -c release]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! out=$(swift build --product suban "$@" 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build --show-bin-path "$@")/suban"

source scripts/fleet.sh
fleet_sandbox "$bin" authorization
trap fleet_discard EXIT
# Every refused key is the point here: the api's limit on them would answer 429 instead.
export LOG_LEVEL=warning API_REFUSED_KEY_BURST=100000
fleet_roles 1 0 0 0 0 1 "$http_port" $((http_port + 1)) $((http_port + 2))
export INTAKE_URL="http://127.0.0.1:$http_port" API_URL="http://127.0.0.1:$((http_port + 1))" SUBAN_BIN=$bin
fleet_await_health "$INTAKE_URL"; fleet_await_health "$API_URL"
python3 tests/security/authorization_matrix.py
