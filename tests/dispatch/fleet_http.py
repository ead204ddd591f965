"""What the over-HTTP checks share: one JSON call to a running fleet, retried the way a
channel retries (429 and 503 after a pause, no answer until the role is up)."""
import json, time, urllib.error, urllib.request


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
