"""The authorization matrix: every operation of docs/openapi.json × every kind of caller, against
a running intake and api. Who may call an operation is its `x-suban-access`; an operation without
one fails the run, so a new route cannot skip the matrix (and OpenAPIDocumentTests keeps the
document equal to the routes served).

  allowed caller  → any answer but 401 and 403 (the request may still be wrong: 404, 409, 422…)
  no key, unknown → 401 on every keyed operation
  a known key of the wrong kind or another unit's → 403 (401 on intake: only a channel's key is a credential there)

Environment: INTAKE_URL, API_URL, SUBAN_BIN (to create keys)."""
import json, os, subprocess, sys, urllib.error, urllib.request, uuid

INTAKE, API, BIN = os.environ["INTAKE_URL"], os.environ["API_URL"], os.environ["SUBAN_BIN"]
UNIT, OTHER_UNIT = "longhua:urban-management", "futian:housing"
document = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "openapi.json")))


def key(*arguments):
    return subprocess.run([BIN, "keys", "create", *arguments, "--label", f"matrix-{uuid.uuid4().hex[:8]}"],
                          check=True, capture_output=True, text=True).stdout.strip()


callers = {
    "no key": None,
    "unknown key": "sbk_" + "0" * 52,
    "channel key": key("--channel", "hotline"),
    "operator key": key("--operator"),
    "right-unit key": key("--department", UNIT),
    "wrong-unit key": key("--department", OTHER_UNIT),
}
allowed = {
    "public": set(callers),
    "channel": {"channel key"},
    "operator": {"operator key"},
    "department": {"right-unit key"},
}
parameters = {"department": UNIT, "ticket": str(uuid.uuid4()), "assignment": "1", "case": "1", "index": "0",
              "code": "0" * 26}


def call(method, url, token):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, method=method.upper(), headers=headers, data=b"{}" if method == "post" else None)
    try:
        with urllib.request.urlopen(request, timeout=40) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


failures, rows = [], 0
for path, methods in document["paths"].items():
    for method, operation in methods.items():
        if not isinstance(operation, dict) or "responses" not in operation:
            continue
        access = operation.get("x-suban-access")
        if access not in allowed:
            failures.append(f"{method.upper()} {path}: no x-suban-access (public, channel, department or operator)")
            continue
        url = (INTAKE if path == "/v1/appeals" else API) + path.format(**parameters)
        if path.endswith("/queue/next"):
            url += "?wait=0"
        for name, token in callers.items():
            status = call(method, url, token)
            rows += 1
            if name in allowed[access]:
                ok = status not in (401, 403)
                expected = "not 401/403"
            elif name in ("no key", "unknown key") or path == "/v1/appeals":
                ok, expected = status == 401, "401"
            else:
                ok, expected = status == 403, "403"
            print(f"{'ok  ' if ok else 'FAIL'}  {method.upper():5} {path:58} {name:15} {status} (expected {expected})")
            if not ok:
                failures.append(f"{method.upper()} {path} with {name}: {status}, expected {expected}")

print(f"\n{rows} calls, {len(failures)} wrong")
for failure in failures:
    print("  " + failure)
sys.exit(1 if failures else 0)
