#!/usr/bin/env bash
# Dispatch's resident memory, as the issue's bar (under 64 MB) means it: a release build on
# throw-away servers, `suban migrate` (which stores the shipped model), one intake and one
# dispatch; prints dispatch's VmRSS once it is idle with its model loaded, then again after
# 300 held-out appeals were decided, and its peak (VmHWM).
#   scripts/dispatch-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! out=$(swift build -c release 2>&1); then echo "$out"; exit 1; fi
bin="$(swift build -c release --show-bin-path)/suban"

source scripts/fleet.sh
fleet_sandbox "$bin" dispatch-memory
trap fleet_discard EXIT
export LOG_LEVEL=warning
fleet_roles 1 1 0 0 0 0 "$http_port" $((http_port + 1)) $((http_port + 2))
export INTAKE_URL="http://127.0.0.1:$http_port" SUBAN_BIN=$bin
fleet_await_health "$INTAKE_URL"
pid=$(cat "$fleet_dir/pids/dispatch-0")
memory() { echo "$1 $(awk '$1 == "VmRSS:" || $1 == "VmHWM:" { printf "%s %.1f MB  ", $1, $2 / 1024 }' "/proc/$pid/status")"; }
sleep 5
memory "idle:              "
python3 - <<'PY'
import glob, json, os, sys, time
sys.path.insert(0, "tests/dispatch")
from fleet_http import call, key
appeals = [json.loads(line) for path in sorted(glob.glob("Sources/SubanData/data/appeals/held-out/*.jsonl")) for line in open(path)][:300]
for index, appeal in enumerate(appeals):
    body = {"channel_ref": f"memory-{time.time_ns()}-{index}", "type": appeal.get("type") or "complaint", "text": appeal["text"],
            "contact": {"anonymous": True}}
    if appeal.get("district"):
        body["location"] = {"district": appeal["district"]}
    status, answer = call("POST", os.environ["INTAKE_URL"] + "/v1/appeals", body, key=key("channel", "hotline"))
    assert status == 202, answer
PY
sleep 10  # dispatch decides them
memory "after 300 appeals: "
