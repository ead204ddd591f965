#!/usr/bin/env bash
# Fuzzes the HTTP API from docs/openapi.json with schemathesis (PyPI) against a
# running intake and api on real servers: no 5xx, no crash, every documented
# response (4xx included) matching its schema — the JSON error body.
#
#   DATABASE_URL=... REDIS_URL=... scripts/fuzz.sh [examples per operation, default 30]
#
# scripts/test.sh runs it (short form) with the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-30}"
: "${DATABASE_URL:?}" "${REDIS_URL:?}"
bin="${SUBAN_BIN:-$(swift build --show-bin-path)/suban}"

venv="${FUZZ_VENV:-.build/fuzz-venv}"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$venv"; }
  "$venv/bin/pip" install -q 'schemathesis>=4,<5'
fi

"$bin" migrate >/dev/null
source scripts/ports.sh
intake_port=$(free_port 10000 19000 0 1); api_port=$((intake_port + 1))
log_dir="$(mktemp -d)"
LOG_LEVEL=warning "$bin" intake --port "$intake_port" >"$log_dir/intake.log" 2>&1 &
intake_pid=$!
LOG_LEVEL=warning "$bin" api --port "$api_port" >"$log_dir/api.log" 2>&1 &
api_pid=$!
trap 'kill $intake_pid $api_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$log_dir"' EXIT
await_health "http://127.0.0.1:$intake_port" "$log_dir/intake.log"
await_health "http://127.0.0.1:$api_port" "$log_dir/api.log"
operator_key=$("$bin" keys create --operator --label "fuzz-$RANDOM" 2>/dev/null)
department=longhua:urban-management
department_key=$("$bin" keys create --department "$department" --label "fuzz-$RANDOM" 2>/dev/null)
hotline_key=$("$bin" keys create --channel hotline --label "fuzz-$RANDOM" 2>/dev/null)
# The department's own paths, so a department key reaches the handlers instead of 403.
printf '[parameters]\n"path.department" = "%s"\n' "$department" >"$log_dir/schemathesis.toml"

run() {
  "$venv/bin/st" "${config[@]}" run docs/openapi.json --url "$1" "${@:2}" --max-examples "$examples" \
    --checks not_a_server_error,response_schema_conformance --generation-deterministic --no-color \
    --request-timeout 40  # a queue pull may long-poll 30 s
}
status=0
config=()
echo "fuzzing intake (POST /v1/appeals) on :$intake_port with the hotline's key"
run "http://127.0.0.1:$intake_port" --include-path-regex '^/v1/appeals$' -H "Authorization: Bearer $hotline_key" || status=1
echo "fuzzing the citizen and operator routes on :$api_port with an operator key"
run "http://127.0.0.1:$api_port" --exclude-path-regex '^/v1/(appeals|departments/.*)$' -H "Authorization: Bearer $operator_key" || status=1
echo "fuzzing $department's routes on :$api_port with its key"
config=(--config-file "$log_dir/schemathesis.toml")
run "http://127.0.0.1:$api_port" --include-path-regex '^/v1/departments/' -H "Authorization: Bearer $department_key" || status=1
if ! kill -0 "$intake_pid" 2>/dev/null || ! kill -0 "$api_pid" 2>/dev/null; then
  echo "a role died under fuzzing:"; tail -n 40 "$log_dir"/*.log; status=1
fi
exit $status
