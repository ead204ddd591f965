#!/usr/bin/env bash
# Open311 GeoReport v2 as a third-party app meets it: a small fleet (intake, dispatch, api)
# on throw-away servers, and tests/open311/open311_client_test.py, a client written from the
# specification, against it: every endpoint in JSON and XML, the filters, paging and errors.
#   scripts/open311-http.sh [swift build flags, e.g. -c release]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! out=$(swift build --product suban "$@" 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build --show-bin-path "$@")/suban"

source scripts/fleet.sh
fleet_sandbox "$bin" open311
trap fleet_discard EXIT
export LOG_LEVEL=warning
# One street office's boundary (a square around Futian's civic centre): a request that gives only
# coordinates there must reach that street office.
cat >"$work/boundaries.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"street": "futian.futian"},
 "geometry": {"type": "Polygon", "coordinates": [[[114.04, 22.53], [114.07, 22.53], [114.07, 22.56], [114.04, 22.56], [114.04, 22.53]]]}}]}
JSON
"$bin" gazetteer boundaries "$work/boundaries.geojson" >/dev/null
fleet_roles 1 1 0 0 0 1 "$http_port" $((http_port + 1)) $((http_port + 2))
export INTAKE_URL="http://127.0.0.1:$http_port" API_URL="http://127.0.0.1:$((http_port + 1))" SUBAN_BIN=$bin
fleet_await_health "$INTAKE_URL"; fleet_await_health "$API_URL"
python3 tests/open311/open311_client_test.py
