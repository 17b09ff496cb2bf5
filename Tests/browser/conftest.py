"""Fixtures of the browser tests: a headless Chromium per test (or two), the server's address
and tokens (from Tests/browser/run.sh), and the check that no page logged a JavaScript error."""
import json
import os
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

BASE = os.environ.get("SHOWRUNNER_BASE", "http://127.0.0.1:8080")
SHOTS = os.environ.get("SHOWRUNNER_SCREENSHOTS", "")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WIDE = (1280, 900)
NARROW = (390, 844)


def token(name):
    """A token run.sh issued: ops, admin, viewer1, viewer2, viewer3, streamer (ava), streamer_bo."""
    value = os.environ.get("SHOWRUNNER_TOKEN_" + name.upper())
    if not value:
        pytest.fail("run the browser tests with Tests/browser/run.sh (no token " + name + ")")
    return value


def api(method, path, tok, body=None):
    """Calls the JSON API directly (to set up or check what a page did)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + tok)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def page_errors(driver):
    """Entries of the browser's log that are errors of the page: uncaught exceptions, console
    errors, refused scripts or styles. An API call the page makes and shows the refusal of
    (a 4xx from /v1/...) is logged by the browser as a network error: that one is expected."""
    errors = []
    for entry in driver.get_log("browser"):
        if entry.get("level") != "SEVERE":
            continue
        if entry.get("source") == "network" and "/v1/" in entry.get("message", ""):
            continue
        errors.append(entry)
    return errors


class Browser:
    """One Chromium session, its collected errors and its screenshots."""

    def __init__(self):
        options = Options()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--no-first-run", "--disable-extensions", "--lang=en-US"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_window_size(*WIDE)
        self.driver.implicitly_wait(0)
        self.errors = []

    def open(self, path):
        self.collect()
        self.driver.get(BASE + path)

    def collect(self):
        self.errors.extend(page_errors(self.driver))

    def screenshot(self, name, size=WIDE):
        """Saves docs/screenshots/NAME.png (when SHOWRUNNER_SCREENSHOTS names the folder), the
        whole page at this width."""
        if not SHOTS:
            return
        self.driver.set_window_size(size[0], size[1])
        height, chrome = self.driver.execute_script(
            "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight]")
        self.driver.set_window_size(size[0], max(size[1], min(int(height) + int(chrome) + 20, 4000)))
        os.makedirs(SHOTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(SHOTS, name + ".png"))
        self.driver.set_window_size(*WIDE)

    def close(self):
        self.collect()
        self.driver.quit()


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()
    assert b.errors == [], "the page logged JavaScript errors"


@pytest.fixture
def second_browser():
    b = Browser()
    yield b
    b.close()
    assert b.errors == [], "the second page logged JavaScript errors"
