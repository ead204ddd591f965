#!/usr/bin/env python3
"""Submits the held-out appeals to a running fleet as hotline calls, reads each one back
from GET /v1/appeals/{code} once dispatch has decided, and prints the same figures as
`suban-tools evaluate classifier`: category, lead unit, urgent recall and precision. Only the
standard library; exits 1 under the bars.

    INTAKE_URL=http://127.0.0.1:8080 API_URL=http://127.0.0.1:8081 \
        tests/dispatch/held_out_over_http.py [DATA_DIR] [--min-category 0.9 ...]
"""
import argparse, glob, json, os, sys, time, uuid
from concurrent.futures import ThreadPoolExecutor

from fleet_http import call, key

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("data", nargs="?", default=os.path.join(here, "../../Sources/SubanData/data"))
parser.add_argument("--min-category", type=float, default=0.90)
parser.add_argument("--min-lead-unit", type=float, default=0.90)
parser.add_argument("--min-urgent-recall", type=float, default=0.98)
parser.add_argument("--min-urgent-precision", type=float, default=0.60)
parser.add_argument("--misses", help="write every appeal the fleet got wrong (JSON Lines: text, gold, what it decided) to this file")
parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for dispatch to decide every appeal")
args = parser.parse_args()
intake, api = os.environ["INTAKE_URL"].rstrip("/"), os.environ["API_URL"].rstrip("/")

catalog = {}
for line in open(os.path.join(args.data, "catalog.jsonl"), encoding="utf-8"):
    item = json.loads(line)
    catalog[item["code"]] = item
appeals = [json.loads(line) for path in sorted(glob.glob(os.path.join(args.data, "appeals/held-out/*.jsonl")))
           for line in open(path, encoding="utf-8") if line.strip()]
run = uuid.uuid4().hex[:8]


def submit(indexed):
    index, appeal = indexed
    body = {"channel": "hotline", "channel_ref": f"heldout-{run}-{index}", "type": appeal.get("type") or "complaint",
            "text": appeal["text"], "contact": {"anonymous": True}}
    if appeal.get("district"):
        body["location"] = {"district": appeal["district"]}
    status, answer = call("POST", f"{intake}/v1/appeals", body, key=key("channel", "hotline"))
    if status not in (200, 202):
        raise SystemExit(f"appeal {index} refused with {status}: {answer}")
    return answer["tracking_code"]


def acceptable_lead(gold, district, lead, consultation):
    """The gold item's lead unit at the appeal's district, as routing names it; a street duty
    may fall back to the district government when the street is not known, and a consultation
    with no place at all goes to the municipal department of the item's first co-handler."""
    if lead is None:
        return False
    kind, _, function = catalog[gold]["lead"].partition(":")
    if kind == "city":
        return lead == f"city:{function}"
    if kind == "district":
        return lead.endswith(f":{function}") and (district is None or lead.startswith(f"{district}:"))
    if consultation and district is None:
        counterparts = [f"city:{h.partition(':')[2]}" for h in catalog[gold]["co_handlers"] if h != "street"]
        if counterparts and lead == counterparts[0]:
            return True
    return lead.startswith("street:" + (district + "." if district else "")) or lead == f"{district}:gov" or (district is None and lead.endswith(":gov"))


started = time.time()
with ThreadPoolExecutor(8) as pool:
    codes = list(pool.map(submit, enumerate(appeals)))
print(f"submitted {len(codes)} held-out appeals in {time.time() - started:.1f}s")

views = {}
deadline = time.time() + args.timeout
while len(views) < len(codes) and time.time() < deadline:
    pending = [code for code in codes if code not in views]
    with ThreadPoolExecutor(8) as pool:
        for code, (status, view) in zip(pending, pool.map(lambda c: call("GET", f"{api}/v1/appeals/{c}"), pending)):
            if status == 200 and view["status"] != "received":
                views[code] = view
    if len(views) < len(codes):
        print(f"  {len(views)}/{len(codes)} decided")
        time.sleep(2)
if len(views) < len(codes):
    raise SystemExit(f"only {len(views)} of {len(codes)} were decided within {args.timeout}s")

category = lead_unit = urgent_flagged = urgent_total = urgent_caught = triaged = waiting_for_place = 0
misses = []
for appeal, code in zip(appeals, codes):
    view, gold = views[code], appeal["item"]
    right_category = view.get("category") == catalog[gold]["category"]
    category += right_category
    lead = next((unit["department"] for unit in view.get("departments", []) if unit["role"] == "lead"), None)
    right_lead = acceptable_lead(gold, appeal.get("district"), lead, appeal.get("type") == "consultation")
    if lead is None and view["status"] == "triage" and view.get("item") in catalog:
        # Only the place is missing (a street office's duty, no district at all): the unit is the
        # kind its item goes to once an operator places it — what `suban-tools evaluate` compares too.
        waiting_for_place += 1
        right_lead = catalog[view["item"]]["lead"] == catalog[gold]["lead"]
    lead_unit += right_lead
    if not (right_category and right_lead) or view["urgent"] != appeal["urgent"]:
        misses.append({"text": appeal["text"], "district": appeal.get("district"), "item": gold, "urgent": appeal["urgent"],
                       "decided": {key: view.get(key) for key in ("status", "category", "item", "urgent")}, "lead": lead})
    triaged += view["status"] == "triage"
    urgent_flagged += view["urgent"]
    if appeal["urgent"]:
        urgent_total += 1
        urgent_caught += view["urgent"]
n = len(appeals)
figures = [("category", category / n, args.min_category), ("lead unit", lead_unit / n, args.min_lead_unit),
           ("urgent recall", urgent_caught / max(1, urgent_total), args.min_urgent_recall),
           ("urgent precision", urgent_caught / max(1, urgent_flagged), args.min_urgent_precision)]
print(f"over HTTP: {n} appeals, {urgent_total} urgent, {triaged} sent to triage, {waiting_for_place} of them lacking only a place "
      f"(they keep their category and item; their lead unit is counted by the kind of unit their item goes to once placed)")
for name, value, bar in figures:
    print(f"  {name:17} {value * 100:5.1f}%   (bar {bar * 100:.1f}%)")
if args.misses:
    with open(args.misses, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(miss, ensure_ascii=False) + "\n" for miss in misses)
    print(f"{len(misses)} appeals with a wrong category, lead unit or urgency written to {args.misses}")
failed = [name for name, value, bar in figures if value < bar]
print("FAIL: " + ", ".join(failed) if failed else "PASS")
sys.exit(1 if failed else 0)
