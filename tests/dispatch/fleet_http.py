"""What the over-HTTP checks share: one JSON call to a running fleet, retried the way a
channel retries (429 and 503 after a pause, no answer until the role is up)."""
import json, os, subprocess, time, urllib.error, urllib.request, uuid


def call(method, url, body=None, key=None):
    """(status, JSON body); gives up after 20 tries."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method, headers=headers)
    for attempt in range(20):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code in (429, 503):
                time.sleep(0.2 * (attempt + 1))
                continue
            return error.code, json.loads(error.read() or b"null")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2 * (attempt + 1))
    raise SystemExit(f"{url}: no answer")


_keys = {}


def key(option, name):
    """A key made once with `suban keys create --<option> <name>`: a unit's, or a channel's (intake files only with one)."""
    if (option, name) not in _keys:
        _keys[(option, name)] = subprocess.run(
            [os.environ["SUBAN_BIN"], "keys", "create", f"--{option}", name, "--label", f"{option}-{name}-{uuid.uuid4().hex[:8]}"],
            check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return _keys[(option, name)]
