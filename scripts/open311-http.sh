#!/usr/bin/env bash
# Open311 GeoReport v2 as a third-party app meets it: a small fleet (intake, dispatch, api)
# on throw-away servers, and tests/open311/open311_client_test.py, a client written from the
# specification, against it: every endpoint in JSON and XML, the filters, paging and errors.
#   scripts/open311-http.sh [swift build flags, e.g. -c release]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/fleet.sh
# One street office's boundary (a square around Futian's civic centre): a request that gives only
# coordinates there must reach that street office.
fleet_prepare() {
  cat >"$work/boundaries.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"street": "futian.futian"},
 "geometry": {"type": "Polygon", "coordinates": [[[114.04, 22.53], [114.07, 22.53], [114.07, 22.56], [114.04, 22.56], [114.04, 22.53]]]}}]}
JSON
  "$fleet_bin" gazetteer boundaries "$work/boundaries.geojson" >/dev/null
}
http_fleet open311 1 "$@"
python3 tests/open311/open311_client_test.py
