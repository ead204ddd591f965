#!/usr/bin/env bash
# The test command: installs what is missing, starts a throw-away Redis and
# PostgreSQL on loopback, builds, runs every test against them, stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

work=$(mktemp -d /tmp/suban-test.XXXXXX)
chmod 755 "$work"
cleanup() { bash scripts/servers.sh stop "$work"; rm -rf "$work"; }
trap cleanup EXIT
source scripts/ports.sh
redis_port=$(free_port 20000 25000); pg_port=$(free_port 25000 30000)
eval "export $(bash scripts/servers.sh start "$work" "$redis_port" "$pg_port" | tr '\n' ' ')"
export SUBAN_TEST_PG_PORT=$pg_port

swift build --build-tests "$@"
export SUBAN_BIN="$(swift build --show-bin-path "$@")/suban" SUBAN_TOOLS="$(swift build --show-bin-path "$@")/suban-tools"
swift test --skip-build "$@"
bash scripts/schema.sh --check      # docs/schema.sql is what the migrations make
"$SUBAN_TOOLS" evaluate classifier   # held-out category, lead unit and urgency; fails below its bars
bash scripts/dispatch-http.sh "$@"  # the labelled duplicate pairs, then the held-out appeals, over HTTP through a running fleet
bash scripts/open311-http.sh "$@"   # a GeoReport v2 client written from the spec: every Open311 endpoint, both formats, filters, errors
bash scripts/authorization-matrix.sh "$@"   # every documented operation × every kind of key: who may call what
"$SUBAN_TOOLS" evaluate places       # street offices from the places citizens name, on held-out appeals
"$SUBAN_TOOLS" evaluate duplicates   # precision and recall on the labelled pairs; fails below its bars
bash scripts/fuzz.sh 10            # schemathesis against a live intake and api: no 5xx, every answer as documented
PG_DOWN=${CHAOS_PG_DOWN:-75} bash scripts/chaos.sh "${CHAOS_SECONDS:-60}" "$@"   # the fleet under load, killed, restarted, 75 s without PostgreSQL: nothing lost, nothing buried
bash scripts/browser-test.sh "$@"             # every console page in headless Chromium; screenshots in artifacts/browser/
