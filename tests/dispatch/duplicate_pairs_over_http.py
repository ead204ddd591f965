#!/usr/bin/env python3
"""Submits the labelled duplicate pairs to a running fleet, one pair at a time, and prints
what `suban-tools evaluate duplicates` prints: precision and recall of linking, per file. Each
pair's appeals go in as app appeals with what its channel gave (the street, the district,
or only the words as the address); the second is linked right when dispatch links it.
After each pair its tickets are closed (their units accept and reply) so no pair meets
another's. Pairs further apart than the window are left out: they cannot be replayed.
Only the standard library; exits 1 under the bars.

    INTAKE_URL=http://127.0.0.1:8080 API_URL=http://127.0.0.1:8081 SUBAN_BIN=.build/debug/suban \\
        tests/dispatch/duplicate_pairs_over_http.py [DATA_DIR] [--min-recall 0.8 ...]
"""
import argparse, json, os, re, subprocess, sys, time, uuid

from fleet_http import call, key

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("data", nargs="?", default=os.path.join(here, "../../Sources/SubanData/data"))
parser.add_argument("--min-recall", type=float, default=0.85, help="pairs whose street the channel or the text gives")
parser.add_argument("--min-district-only-recall", type=float, default=0.70)
parser.add_argument("--min-precision", type=float, default=0.95)
parser.add_argument("--window-hours", type=float, default=72)
parser.add_argument("--verbose", action="store_true", help="list every pair decided wrongly")
args = parser.parse_args()
intake, api, suban = os.environ["INTAKE_URL"].rstrip("/"), os.environ["API_URL"].rstrip("/"), os.environ["SUBAN_BIN"]
run = uuid.uuid4().hex[:8]
line_pattern = re.compile(r"^([=≠])\s+(\d+(?:\.\d+)?)h\s+(?:@(\S+)\s+)?\|\s*(.+?)\s*\|\|\s*(.+?)\s*$")




def submit(text, scope, index):
    location = {}
    if scope and "." in scope:
        location = {"district": scope.split(".")[0], "street": scope}
    elif scope:
        location = {"district": scope}
    else:
        location = {"address": text}  # the operator writes down where the caller says it is
    status, answer = call("POST", f"{intake}/v1/appeals", key=key("channel", "app"), body={"channel": "app", "channel_ref": f"pair-{run}-{index}", "type": "complaint",
                                                          "text": text, "location": location, "contact": {"anonymous": True}})
    if status not in (200, 202):
        raise SystemExit(f"{text}: refused with {status}: {answer}")
    code, ticket = answer["tracking_code"], answer["ticket_id"]
    deadline = time.time() + 60
    while time.time() < deadline:
        status, view = call("GET", f"{api}/v1/appeals/{code}")
        if status == 200 and view["status"] != "received":
            return ticket, view
        time.sleep(0.05)
    raise SystemExit(f"{text}: not decided within 60 s")


def close(ticket, view):
    """Every unit accepts and replies: the ticket is no longer open, so no later pair joins it."""
    if view["status"] != "dispatched" or view.get("linked"):
        return
    for unit in view.get("departments", []):
        path = f"{api}/v1/departments/{unit['department']}/tickets/{ticket}"
        for action, body in (("accept", {}), ("reply", {"text": "已处理"})):
            status, answer = call("POST", f"{path}/{action}", body, key=key("department", unit["department"]))
            if status != 200:
                raise SystemExit(f"{action} by {unit['department']}: {status} {answer}")


failed = []
for name in ("pairs", "district-only"):
    pairs = []
    for line in open(os.path.join(args.data, "duplicates", f"{name}.txt"), encoding="utf-8"):
        match = line_pattern.match(line.strip())
        if match and float(match.group(2)) <= args.window_hours:
            pairs.append((match.group(1) == "=", match.group(3), match.group(4), match.group(5)))
    right = wrong = missed = apart = 0
    started = time.time()
    for index, (same, scope, first, second) in enumerate(pairs):
        first_ticket, first_view = submit(first, scope, f"{name}-{index}-a")
        second_ticket, second_view = submit(second, scope, f"{name}-{index}-b")
        linked = second_view["status"] == "linked"
        right += same and linked
        wrong += linked and not same
        missed += same and not linked
        apart += not same and not linked
        if args.verbose and linked != same:
            print(f"  {'WRONGLY LINKED' if linked else 'missed'} ({first_view['status']} / {second_view['status']}):\n      {first}\n      {second}")
        close(first_ticket, first_view)
        close(second_ticket, second_view)
        if (index + 1) % 25 == 0:
            print(f"  {name}: {index + 1}/{len(pairs)} pairs", flush=True)
    precision = right / max(1, right + wrong)
    recall = right / max(1, right + missed)
    print(f"{name} over HTTP: {len(pairs)} pairs in {time.time() - started:.0f}s  precision {precision * 100:.1f}%  recall {recall * 100:.1f}%"
          f"  (linked right {right}, wrongly {wrong}, missed {missed}, kept apart {apart})")
    min_recall = args.min_district_only_recall if name == "district-only" else args.min_recall
    failed += [f"{name} {what}" for what, value, bar in (("precision", precision, args.min_precision), ("recall", recall, min_recall)) if value < bar]
print("FAIL: " + ", ".join(failed) if failed else "PASS")
sys.exit(1 if failed else 0)
