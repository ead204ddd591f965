"""The web console in a real browser (headless Chromium from Debian, through selenium).

Against a running fleet with demo data (scripts/browser-test.sh starts one): each page
loads and shows real figures; a unit accepts and replies to a fresh appeal from its
workbench; the citizen rates the reply from the tracking page, on a phone-sized window.
Screenshots go to $ARTIFACTS (artifacts/browser/). Exit status 1 on any failure.
"""
import json
import os
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

INTAKE = os.environ["INTAKE_URL"]
API = os.environ["API_URL"]
BIN = os.environ["SUBAN_BIN"]
OPERATOR_KEY = os.environ["OPERATOR_KEY"]
ARTIFACTS = os.environ.get("ARTIFACTS", "artifacts/browser")
SINK_LOG = os.environ["SINK_LOG"]  # the dev sink's log: every SMS the fleet sent, one JSON body a line


def call(method, url, body=None, key=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"content-type": "application/json", **({"authorization": "Bearer " + key} if key else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def eventually(what, condition, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out waiting for " + what)


def rating_token(code):
    """The token in the evaluation SMS the citizen received (the dev sink logs it)."""
    for line in open(SINK_LOG, encoding="utf-8"):
        _, path, _, body = line.rstrip("\n").split(" ", 3)
        message = json.loads(body) if path == "/sms" else {}
        if message.get("tracking_code") == code and message.get("rating_token"):
            return message["rating_token"]
    return None


def new_key(option, name):
    """`suban keys create --department <unit>` or `--channel <channel>` (intake files only with a channel's key)."""
    return subprocess.check_output([BIN, "keys", "create", f"--{option}", name, "--label", f"browser-{time.time_ns()}"],
                                   stderr=subprocess.DEVNULL, text=True).strip()


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=zh-CN"]:
        options.add_argument(flag)
    downloads = os.path.abspath(os.path.join(ARTIFACTS, "downloads"))
    os.makedirs(downloads, exist_ok=True)
    for old in os.listdir(downloads):
        os.remove(os.path.join(downloads, old))
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    wait = WebDriverWait(browser, 30)
    passed = []

    def shot(name):
        browser.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def text(selector):
        return browser.find_element(By.CSS_SELECTOR, selector).text

    try:
        # 运维: the operator's key, then the streams and groups of the running fleet.
        browser.get(API + "/console/ops")
        browser.find_element(By.ID, "key").send_keys(OPERATOR_KEY)
        browser.find_element(By.CSS_SELECTOR, "#key-form button").click()
        wait.until(lambda b: "suban:{tickets}:new" in text("#streams tbody"))
        assert "dispatch" in text("#streams tbody"), text("#streams tbody")
        assert browser.find_elements(By.CSS_SELECTOR, "#throughput svg polyline"), "throughput chart"
        assert int(browser.find_element(By.CSS_SELECTOR, "#open .card b").text) >= 0
        shot("ops")
        passed.append("ops: streams, groups, open tickets, throughput chart")

        # 分析: the key is kept by the browser; figures from the demo's tickets.
        browser.get(API + "/console/analytics")
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#summary .card"))
        received = int(browser.find_element(By.CSS_SELECTOR, "#summary .card b").text)
        assert received > 0, "received figure"
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#trend svg polyline[data-series]"))
        assert browser.find_elements(By.CSS_SELECTOR, "#by-category svg rect"), "category bars"
        assert browser.find_elements(By.CSS_SELECTOR, "#hot-items li"), "today's hot items"
        shot("analytics")
        # The export carries the operator's key: a CSV of days × categories arrives, not a 401.
        browser.find_element(By.ID, "csv").click()
        wait.until(lambda b: any(name.endswith(".csv") for name in os.listdir(downloads)))
        exported = open(os.path.join(downloads, next(n for n in os.listdir(downloads) if n.endswith(".csv"))), encoding="utf-8-sig").read()
        assert exported.splitlines()[0].startswith("day,category"), exported[:200]
        passed.append(f"analytics: {received} received, trend, category bars, top-10, CSV export ({len(exported.splitlines()) - 1} rows)")

        # A fresh appeal, placed by dispatch; its lead unit works it from the workbench.
        # A block number of its own marks the appeal (a word such as "测试" would read as a complaint about a website).
        marker = f"{time.time_ns() % 100000}栋"
        appeal = call("POST", INTAKE + "/v1/appeals", {
            "channel": "web", "channel_ref": f"browser-{marker}", "type": "complaint",
            "text": f"小区{marker}门口的路灯坏了一个多月，晚上很黑",
            "location": {"district": "futian", "address": f"沙头街道{marker}花园"}, "contact": {"phone": "13800138999", "anonymous": False}},
            key=new_key("channel", "web"))
        code, ticket = appeal["tracking_code"], appeal["ticket_id"].lower()
        view = eventually("dispatch", lambda: (lambda v: v if v["departments"] else None)(call("GET", API + "/v1/appeals/" + code)))
        lead = next(u["department"] for u in view["departments"] if u["role"] == "lead")
        browser.get(API + "/console/workbench")
        browser.find_element(By.ID, "unit").send_keys(lead)
        key = new_key("department", lead)
        browser.find_element(By.ID, "key").clear()
        browser.find_element(By.ID, "key").send_keys(key)
        browser.find_element(By.CSS_SELECTOR, "#unit-form button").click()
        row = f"//tr[td[contains(., '{marker}')]]"
        wait.until(EC.presence_of_element_located((By.XPATH, row + "//button[text()='受理']"))).click()
        wait.until(EC.presence_of_element_located((By.XPATH, row + "//button[text()='答复']")))
        shot("workbench")
        browser.find_element(By.XPATH, row + "//button[text()='答复']").click()
        alert = wait.until(EC.alert_is_present())
        alert.send_keys("已更换路灯灯具，恢复照明")
        alert.accept()
        wait.until(EC.invisibility_of_element_located((By.XPATH, row)))
        for unit in view["departments"]:
            if unit["role"] != "lead":   # co-handlers send their parts over the API
                other = new_key("department", unit["department"])
                base = f"{API}/v1/departments/{unit['department']}/tickets/{ticket}"
                call("POST", base + "/accept", {}, other)
                call("POST", base + "/reply", {"text": "已配合处理"}, other)
        passed.append(f"workbench: {lead} accepted and replied")

        # 诉求查询 on a phone: the timeline, then the rating form once the reply is in.
        browser.set_window_size(390, 844)
        eventually("the rating to open", lambda: call("GET", API + "/v1/appeals/" + code)["can_rate"])
        token = eventually("the evaluation SMS", lambda: rating_token(code))
        browser.get(API + "/track?code=" + code + "&token=" + token)
        wait.until(EC.visibility_of_element_located((By.ID, "rating")))
        assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline li")) >= 3, "the timeline"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 392, "fits a phone's width"
        shot("track-before-rating")
        for dimension, score in [("speed", "5"), ("effect", "4"), ("service", "5"), ("quality", "4")]:
            Select(browser.find_element(By.ID, "dim-" + dimension)).select_by_value(score)
        browser.find_element(By.CSS_SELECTOR, "#rating button").click()
        wait.until(EC.visibility_of_element_located((By.ID, "rated")))
        shot("track-rated")
        after = call("GET", API + "/v1/appeals/" + code)
        assert after["status"] in ("rated", "closed") and not after["can_rate"], after["status"]
        passed.append(f"track: the citizen rated from the page; status {after['status']}")
    except Exception as error:  # noqa: BLE001 — report, keep the screenshot, fail
        shot("failure")
        print("FAIL", type(error).__name__, error, file=sys.stderr)
        for line in passed:
            print("ok  ", line)
        return 1
    finally:
        browser.quit()
    for line in passed:
        print("ok  ", line)
    print(f"browser tests passed; screenshots in {ARTIFACTS}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
