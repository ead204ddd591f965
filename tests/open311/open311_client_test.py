"""An Open311 GeoReport v2 client written from the specification (wiki.open311.org/GeoReport_v2),
not from Suban's code: it speaks to a running fleet's intake over plain HTTP, in both formats,
and checks every endpoint, the filters, the paging and the error bodies.

Environment: INTAKE_URL (the intake role), API_URL (the api role, to act as the handling unit),
SUBAN_BIN (to create keys), OPEN311_ROOT (default /open311/v2)."""
import json, os, re, subprocess, sys, time, urllib.error, urllib.parse, urllib.request
import xml.etree.ElementTree as ET

ROOT = os.environ["INTAKE_URL"] + os.environ.get("OPEN311_ROOT", "/open311/v2")
API = os.environ["API_URL"]
BIN = os.environ["SUBAN_BIN"]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")
failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def http(method, url, body=None, headers=None):
    """(status, content type, body bytes); retries only while the role is not up yet."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    for attempt in range(20):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3 * (attempt + 1))
    raise SystemExit(f"{url}: no answer")


def get(path, format="json", **query):
    url = f"{ROOT}/{path}.{format}" + ("?" + urllib.parse.urlencode(query) if query else "")
    status, content_type, body = http("GET", url)
    return status, content_type, parse(body, format)


def post(fields, format="json", content_type="application/x-www-form-urlencoded"):
    body = urllib.parse.urlencode(fields).encode() if isinstance(fields, (dict, list)) else fields
    status, received_type, data = http("POST", f"{ROOT}/requests.{format}", body, {"Content-Type": content_type})
    return status, received_type, parse(data, format)


def parse(body, format):
    if format == "json":
        return json.loads(body)
    return ET.fromstring(body)


def xml_items(root):
    """An XML list as dicts of its children's text (one level deep)."""
    return [{child.tag: (child.text or "") for child in item} for item in root]


def is_error_list(data, format, code):
    if format == "json":
        return isinstance(data, list) and data and all(e.get("code") == code and e.get("description") for e in data)
    return data.tag == "errors" and len(data) and all(e.find("code").text == str(code) and e.find("description").text for e in data)


def key(*arguments):
    return subprocess.run([BIN, "keys", "create", *arguments], check=True, capture_output=True, text=True).stdout.strip()


def api(method, path, key, body=None):
    status, _, data = http(method, API + path, json.dumps(body).encode() if body is not None else None,
                           {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    return status, json.loads(data or b"null")


# discovery
for format in ("json", "xml"):
    status, content_type, data = get("discovery", format)
    if format == "json":
        endpoint = data["endpoints"][0]
        ok = status == 200 and data["contact"] and endpoint["url"].endswith("/open311/v2") and "text/xml" in endpoint["formats"]
    else:
        ok = status == 200 and data.tag == "discovery" and data.find("endpoints/endpoint/url").text.endswith("/open311/v2") \
            and "application/json" in [f.text for f in data.findall("endpoints/endpoint/formats/format")]
    check(ok and ("json" if format == "json" else "xml") in content_type, f"discovery.{format}: endpoint, formats, content type")

# services and one service definition
status, _, services = get("services")
codes = [s["service_code"] for s in services]
check(status == 200 and len(services) > 300 and all(s["service_name"] and s["group"] and isinstance(s["metadata"], bool)
                                                     and s["type"] in ("realtime", "batch", "blackbox") for s in services),
      f"services.json: {len(services)} services with name, group, metadata and type")
status, _, root = get("services", "xml")
check(status == 200 and root.tag == "services" and [s["service_code"] for s in xml_items(root)] == codes, "services.xml lists the same services")
code = "urban-management.street-vendor" if "urban-management.street-vendor" in codes else codes[0]
status, _, definition = get(f"services/{code}")
attributes = {a["code"]: a for a in definition.get("attributes", [])}
check(status == 200 and definition["service_code"] == code and "appeal_type" in attributes
      and attributes["appeal_type"]["datatype"] == "singlevaluelist" and {v["key"] for v in attributes["appeal_type"]["values"]} >= {"complaint", "help"},
      f"services/{code}.json: its attributes with their values")
status, _, root = get(f"services/{code}", "xml")
check(status == 200 and root.tag == "service_definition" and root.find("attributes/attribute/values/value/key") is not None,
      f"services/{code}.xml: the same definition")
for format in ("json", "xml"):
    status, _, data = get("services/no-such.service", format)
    check(status == 404 and is_error_list(data, format, 404), f"services/<unknown>.{format}: 404 with the spec's error list")
status, _, data = get("services", "json", jurisdiction_id="elsewhere.example")
check(status == 404 and is_error_list(data, "json", 404), "services.json for another jurisdiction: 404")
status, _, data = get("services", "json", jurisdiction_id="")
check(status == 200 and len(data) == len(services), "an empty jurisdiction_id counts as none")

# keys: none, a department's, another channel's, then Open311's own
open311_key = key("--channel", "open311", "--label", "open311-spec-client")
app_key = key("--channel", "app", "--label", "app-channel")
operator_key = key("--operator", "--label", "open311-operator")
valid = {"service_code": code, "lat": "22.5431", "long": "114.0579", "description": "路口天天有人摆摊卖水果，把盲道和人行道都占了，推轮椅过不去。",
         "attribute[appeal_type]": "complaint", "attribute[danger_now]": "no", "media_url": "https://example.org/photo.jpg",
         "phone": "+86 138-0013-8000", "first_name": "Li", "email": "li@example.org", "account_id": "acct-42"}
for format in ("json", "xml"):
    for label, given in (("no api_key", None), ("an operator key", operator_key), ("another channel's key", app_key), ("an unknown key", "sbk_nope")):
        fields = dict(valid, **({"api_key": given} if given else {}))
        status, _, data = post(fields, format)
        check(status == 403 and is_error_list(data, format, 403), f"POST requests.{format} with {label}: 403")

# bad submissions: 400 naming the field, nothing stored
bad = [
    ("no service_code", {k: v for k, v in valid.items() if k != "service_code"}, "service_code"),
    ("an unknown service_code", dict(valid, service_code="no.such-service"), "service_code"),
    ("a latitude that is not a number", dict(valid, lat="north"), "lat"),
    ("a point outside the city", dict(valid, lat="40.7", long="-74.0"), "lat"),
    ("no location at all", {k: v for k, v in valid.items() if k not in ("lat", "long")}, "lat"),
    ("lat without long", {k: v for k, v in valid.items() if k != "long"}, "long"),
    ("a value the attribute does not list", dict(valid, **{"attribute[appeal_type]": "praise"}), "attribute[appeal_type]"),
    ("an attribute the service does not have", dict(valid, **{"attribute[colour]": "red"}), "attribute[colour]"),
    ("a description over 4,000 characters", dict(valid, description="摊" * 4001), "description"),
    ("a phone that is no number", dict(valid, phone="call me maybe"), "phone"),
    ("a field the spec does not have", dict(valid, favourite="x"), "favourite"),
]
for label, fields, field in bad:
    status, _, data = post(dict(fields, api_key=open311_key))
    check(status == 400 and is_error_list(data, "json", 400) and any(e["description"].startswith(field + ":") for e in data),
          f"POST requests.json with {label}: 400 naming {field}")
status, _, data = post(json.dumps(dict(valid, api_key=open311_key)).encode(), content_type="application/json")
check(status == 400 and is_error_list(data, "json", 400), "POST requests.json with a JSON body: 400 (the spec posts forms)")
status, _, data = post(dict(valid, api_key=open311_key, jurisdiction_id="elsewhere.example"), "xml")
check(status == 404 and is_error_list(data, "xml", 404), "POST requests.xml for another jurisdiction: 404")

# good submissions, in both formats
status, _, data = post(dict(valid, api_key=open311_key, jurisdiction_id=""))
first = data[0] if status == 201 else {}
check(status == 201 and first.get("service_request_id") and first.get("token") and "15个工作日" in first.get("service_notice", "")
      and first.get("account_id") == "acct-42", "POST requests.json: 201 with service_request_id, token, service notice (15 working days), account_id")
second_fields = {"service_code": "transport.road-damage" if "transport.road-damage" in codes else code, "address_string": "深圳市南山区科技园南区高新南四道",
                 "description": "高新南四道靠近地铁口那段路面塌了个大坑，电动车已经摔了两个人。", "attribute[danger_now]": "yes", "api_key": open311_key}
status, _, root = post(second_fields, "xml")
second = xml_items(root)[0] if status == 201 else {}
check(status == 201 and root.tag == "service_requests" and second.get("service_request_id") and second.get("token")
      and "24小时" in second.get("service_notice", ""), "POST requests.xml: 201 with the request's id, token and an urgent notice")
third_fields = {"service_code": code, "address_string": "福田区华强北路", "description": "", "api_key": open311_key}
status, _, data = post(third_fields)
third = data[0] if status == 201 else {}
check(status == 201 and third.get("service_request_id"), "POST requests.json with an empty description: the chosen service is the appeal")
ids = [r.get("service_request_id") for r in (first, second, third)]

# A client's retry with an Idempotency-Key is the same request; the key with another form is refused
retry_key = f"retry-{time.time_ns()}"
retry_fields = dict(valid, api_key=open311_key, description="同一个路口又有人摆摊，占了盲道。")
def post_with_key(fields):
    status, _, body = http("POST", f"{ROOT}/requests.json", urllib.parse.urlencode(fields).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": retry_key})
    return status, json.loads(body)
status_one, one = post_with_key(retry_fields)
status_two, two = post_with_key(retry_fields)
check(status_one == 201 and status_two == 200 and one[0]["service_request_id"] == two[0]["service_request_id"],
      "a retry with the same Idempotency-Key answers the same request (201, then 200)")
status, other = post_with_key(dict(retry_fields, description="完全不同的另一件事"))
check(status == 400 and any(e["description"].startswith("Idempotency-Key") for e in other),
      "the same Idempotency-Key with another form: 400, nothing filed")

# tokens
for format in ("json", "xml"):
    status, _, data = get(f"tokens/{first.get('token')}", format)
    items = data if format == "json" else xml_items(data)
    check(status == 200 and items and items[0]["service_request_id"] == first.get("service_request_id") and items[0]["token"] == first.get("token"),
          f"tokens/{{token}}.{format}: the request's id")
status, _, data = get("tokens/NOSUCHTOKEN", "json")
check(status == 404 and is_error_list(data, "json", 404), "tokens/<unknown>.json: 404")

# one request, in both formats, once dispatch has placed it
deadline = time.time() + 30
request = {}
while time.time() < deadline:
    status, _, data = get(f"requests/{first.get('service_request_id')}")
    request = data[0] if status == 200 and isinstance(data, list) and data else {}
    if request.get("agency_responsible"):
        break
    time.sleep(0.5)
check(request.get("status") == "open" and request.get("agency_responsible") and request.get("service_code") and request.get("service_name")
      and W3C.match(request.get("requested_datetime", "")) and W3C.match(request.get("updated_datetime", ""))
      and W3C.match(request.get("expected_datetime") or "") and abs(float(request.get("lat", 0)) - 22.5431) < 1e-6
      and request.get("media_url") == "https://example.org/photo.jpg" and request.get("description") == valid["description"],
      f"requests/{{id}}.json: open, agency {request.get('agency_responsible')}, times with a zone, place and media")
status, _, root = get(f"requests/{first.get('service_request_id')}", "xml")
items = xml_items(root) if status == 200 else []
check(root.tag == "service_requests" and len(items) == 1 and items[0]["service_request_id"] == first.get("service_request_id")
      and items[0]["status"] == "open", "requests/{id}.xml: a one-element list")
for format in ("json", "xml"):
    status, _, data = get("requests/00000000-0000-4000-8000-000000000000", format)
    check(status == 404 and is_error_list(data, format, 404), f"requests/<unknown>.{format}: 404")

# the list, its filters and its pages
status, _, data = get("requests")
listed = [r["service_request_id"] for r in data] if status == 200 else []
check(all(i in listed for i in ids), "requests.json lists the new requests (the default 90-day window)")
status, _, root = get("requests", "xml")
check(status == 200 and root.tag == "service_requests" and all(i in [r["service_request_id"] for r in xml_items(root)] for i in ids),
      "requests.xml lists them too")
status, _, data = get("requests", service_request_id=f"{ids[0]},{ids[1]}", status="closed")
check(status == 200 and sorted(r["service_request_id"] for r in data) == sorted(ids[:2]), "service_request_id=a,b returns both, ignoring other filters")
status, _, data = get("requests", service_code=code)
check(status == 200 and data and all(r["service_code"] == code for r in data), "service_code filters")
status, _, data = get("requests", status="closed")
check(status == 200 and not any(r["service_request_id"] in ids for r in data), "status=closed leaves the open requests out")
status, _, data = get("requests", status="open,closed")
check(status == 200 and all(i in [r["service_request_id"] for r in data] for i in ids), "status=open,closed keeps them")
status, _, data = get("requests", start_date="2031-01-01T00:00:00+08:00", end_date="2031-01-02T00:00:00+08:00")
check(status == 200 and data == [], "a window in the future is empty")
status, _, data = get("requests", start_date="2020-01-01T00:00:00Z", end_date="2020-06-01T00:00:00Z")
check(status == 400 and is_error_list(data, "json", 400) and any(e["description"].startswith("end_date") for e in data), "a window over 90 days: 400")
status, _, data = get("requests", "xml", start_date="yesterday")
check(status == 400 and is_error_list(data, "xml", 400), "a date that is not W3C: 400 in XML")
page_one = get("requests", page_size=1, page=1)[2]
page_two = get("requests", page_size=1, page=2)[2]
check(len(page_one) == 1 and len(page_two) == 1 and page_one[0]["service_request_id"] != page_two[0]["service_request_id"],
      "page_size=1: page 1 and page 2 are different requests")
status, _, data = get("requests", page_size=0)
check(status == 400 and any(e["description"].startswith("page_size") for e in data), "page_size=0: 400")

# the unit replies: the request is closed, with the reply as its status notes
# Which units hold it is the store's business; the test reads it there, as an operator would in the console.
psql = os.path.join(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip(), "psql")
units = subprocess.run([psql, os.environ["DATABASE_URL"], "-Atc",
                        f"SELECT department_code, role FROM assignments WHERE ticket_id = '{ids[0]}' ORDER BY role = 'lead'"],
                       capture_output=True, text=True).stdout.split()
units = [line.split("|") for line in units]
lead = next((code for code, role in units if role == "lead"), None)
check(lead == "street:futian.futian", f"the coordinates alone placed it: the street office inside whose boundary they lie leads ({lead})")
reply = "已联系街道执法队清理摊点，并安排每日巡查。"
for code, role in units:  # co-handlers first, the lead last: the request closes when every unit has replied
    unit_key = key("--department", code, "--label", f"open311-{code}")
    status, _ = api("POST", f"/v1/departments/{code}/tickets/{ids[0]}/accept", unit_key, {})
    check(status == 200, f"{role} {code} accepts the request")
    status, _ = api("POST", f"/v1/departments/{code}/tickets/{ids[0]}/reply", unit_key, {"text": reply if role == "lead" else "已配合巡查。"})
    check(status == 200, f"and replies")
status, _, data = get(f"requests/{ids[0]}")
check(status == 200 and data[0]["status"] == "closed" and data[0]["status_notes"] == reply,
      "requests/{id}.json: closed, the lead unit's reply as status notes")
status, _, data = get("requests", status="closed")
check(status == 200 and ids[0] in [r["service_request_id"] for r in data], "status=closed now lists it")

# privacy: only Open311 requests are public, never a number or a tracking code
hotline_key = key("--channel", "hotline", "--label", "open311-test-hotline")
status, _, body = http("POST", os.environ["INTAKE_URL"] + "/v1/appeals", json.dumps({
    "channel": "hotline", "channel_ref": f"open311-test-{time.time_ns()}", "type": "complaint", "text": "楼下烧烤店油烟很大",
    "location": {"district": "futian"}, "contact": {"phone": "13900139000"}}).encode(),
    {"Content-Type": "application/json", "Authorization": f"Bearer {hotline_key}"})
hotline = json.loads(body)
status, _, data = get(f"requests/{hotline.get('ticket_id')}")
check(status == 404, "a hotline appeal is not an Open311 request (404)")
_, _, everything = http("GET", f"{ROOT}/requests.json")
text = everything.decode()
check("13800138000" not in text and "13900139000" not in text and hotline.get("tracking_code", "?") not in text
      and "li@example.org" not in text, "no number, e-mail or tracking code in the public list")
status, _, body = http("POST", os.environ["INTAKE_URL"] + "/v1/appeals", json.dumps({
    "channel": "open311", "channel_ref": "forged-1", "type": "complaint", "text": "伪造的Open311请求",
    "location": {"district": "futian"}, "contact": {"anonymous": True}}).encode(),
    {"Content-Type": "application/json", "Authorization": f"Bearer {open311_key}"})
check(status == 422 and any(f["field"] == "channel" for f in json.loads(body)["fields"]),
      "POST /v1/appeals may not file an Open311 request, even with Open311's key (422 channel)")

print(f"{len(failures)} of the Open311 checks failed" if failures else "every Open311 check passed")
sys.exit(1 if failures else 0)
