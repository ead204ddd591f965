#!/usr/bin/env bash
# Who may call what, tried: every operation of docs/openapi.json × (no key, an unknown key, a
# channel's key, an operator key, the unit's own key, another unit's key) against a running
# intake and api on throw-away servers; each operation's `x-suban-access` says who is allowed.
#   scripts/authorization-matrix.sh [swift build flags, e.g. -c release]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/fleet.sh
# Every refused key is the point here: the api's limit on them would answer 429 instead.
export API_REFUSED_KEY_BURST=100000
http_fleet authorization 0 "$@"
python3 tests/security/authorization_matrix.py
