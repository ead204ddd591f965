#!/usr/bin/env bash
# The web console in a real browser: headless Chromium and chromium-driver from Debian,
# selenium from PyPI. Starts a small fleet on throw-away servers, sends a demo workload
# (so the pages have real figures), then tests/browser/console_test.py drives every page:
# ops, analytics, a unit's workbench (accept, reply) and the citizen's tracking page
# (rate the reply, on a phone-sized window). Screenshots: artifacts/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
need=()
[ -x /usr/bin/chromedriver ] || need+=(chromium chromium-driver)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || fc-list 2>/dev/null | grep -qi "cjk\|wqy" || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
venv="${BROWSER_VENV:-.build/browser-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import selenium" 2>/dev/null; then
  python3 -m venv "$venv" 2>/dev/null || { apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q 'selenium>=4.20,<5'
fi
if ! out=$(swift build "$@" 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build --show-bin-path "$@")/suban"

source scripts/fleet.sh
fleet_sandbox "$bin" browser
trap fleet_discard EXIT
export LOG_LEVEL=warning
fleet_roles 1 1 1 1 1 1 "$http_port" $((http_port + 1)) $((http_port + 2))
intake="http://127.0.0.1:$http_port"; api="http://127.0.0.1:$((http_port + 1))"
fleet_await_health "$intake"; fleet_await_health "$api"
"$(dirname "$bin")/suban-tools" demo --intake "$intake" --api "$api" --count 60 --handle 10 >/dev/null
mkdir -p artifacts/browser
INTAKE_URL=$intake API_URL=$api SUBAN_BIN=$bin ARTIFACTS=artifacts/browser SINK_LOG="$fleet_dir/log/dev-sink.log" \
OPERATOR_KEY=$("$bin" keys create --operator --label browser-test 2>/dev/null) "$venv/bin/python" tests/browser/console_test.py
