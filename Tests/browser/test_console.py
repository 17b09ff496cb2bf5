"""The console and the room page in a real browser (headless Chromium), against a live server
that Tests/browser/run.sh starts with the demo data and a copy of Scripts/."""
import os
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import NARROW, api, token

SCRIPTS = os.environ.get("SHOWRUNNER_SCRIPTS", "")
WAIT = 15


def wait(browser, condition, seconds=WAIT):
    # A page that re-renders between finding an element and reading it makes the element stale:
    # that is "not yet", and the condition is asked again.
    return WebDriverWait(browser.driver, seconds, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def text_of(browser, element_id):
    return browser.driver.find_element(By.ID, element_id).text


def wait_text(browser, element_id, fragment, seconds=WAIT):
    wait(browser, EC.text_to_be_present_in_element((By.ID, element_id), fragment), seconds)


def assert_fits(browser, size):
    """At this window size the page needs no sideways scrolling (wide tables scroll in their box)."""
    browser.driver.set_window_size(*size)
    overflow = browser.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "the page is %d px wider than a %d px window" % (overflow, size[0])


def sign_in(browser, path="/console", who="ops"):
    """Signs in on a console page the way a person does: type the token, press Enter (as the
    operator ops-1, or who="admin" for admin-1)."""
    browser.open(path)
    field = wait(browser, EC.visibility_of_element_located((By.ID, "token")))
    assert browser.driver.switch_to.active_element == field, "the token field has the focus"
    field.send_keys(token(who), Keys.ENTER)
    wait_text(browser, "who", "admin-1 (admin)" if who == "admin" else "ops-1 (operator)")
    assert browser.driver.find_element(By.ID, "content").is_displayed()


def test_sign_in_and_every_page_renders(browser):
    browser.open("/console")
    wait(browser, EC.visibility_of_element_located((By.ID, "sign-in")))
    assert "showrunner token issue" in text_of(browser, "sign-in")
    browser.screenshot("console-sign-in")
    # A viewer's token is refused by the console (the API answers the role, not the page).
    browser.driver.find_element(By.ID, "token").send_keys(token("viewer1"), Keys.ENTER)
    wait_text(browser, "status", "needs an operator or admin token")
    browser.driver.find_element(By.ID, "token").send_keys(token("ops"), Keys.ENTER)
    wait_text(browser, "who", "ops-1 (operator)")
    for page, ready in [("liveops", "#activities section"), ("queues", "#queue tbody tr"), ("goods", "#goods-queue tbody tr"), ("orders", "#orders tbody tr"), ("settlement", "#guilds tbody tr"),
                        ("moderation", "#review tbody tr"), ("money", "#parked tbody tr"), ("scripts", "#declarations h3")]:
        browser.open("/console/" + page)
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ready)))
        nav = browser.driver.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]")
        assert nav.get_attribute("href").endswith("/console/" + page)
        if page not in ("queues", "goods"):  # taken with data by test_queue_and_goods_review_pages_act
            browser.screenshot("console-" + page)
    browser.open("/console/money")
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#parked tbody tr")))
    browser.screenshot("console-money-narrow", NARROW)
    assert_fits(browser, NARROW)


def test_keyboard_only_grant_shows_in_wallet(browser):
    sign_in(browser, "/console/money")
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#parked tbody tr")))
    d = browser.driver
    d.find_element(By.ID, "grant-user").click()
    # From the grant form's first field, Tab walks its fields in order; Enter submits.
    order = []
    for value in ["viewer-3", None, "250", "browser test grant"]:
        element = d.switch_to.active_element
        order.append(element.get_attribute("id"))
        if value is not None:
            element.send_keys(value)
        element.send_keys(Keys.TAB)
    assert order == ["grant-user", "grant-asset", "grant-amount", "grant-reason"]
    assert d.switch_to.active_element.text == "Grant"
    d.switch_to.active_element.send_keys(Keys.ENTER)
    wait_text(browser, "status", "Granted 250 coins to viewer-3")
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#balances dd[data-asset=coins]").text == "10250")
    wait_text(browser, "transfers", "browser test grant")
    browser.screenshot("console-money-wallet")


def test_broken_reload_shows_path_line_and_old_generation_serves_then_rollback(browser):
    assert SCRIPTS, "run.sh names the scripts folder the server runs"
    sign_in(browser, "/console/scripts")
    wait(browser, lambda d: d.find_element(By.ID, "generation").text not in ("", "-"))
    serving = text_of(browser, "generation")
    broken = os.path.join(SCRIPTS, "activities", "browser_broken.lua")
    with open(broken, "w") as f:
        f.write("-- a script with a syntax error on line 2\nlocal broken = = 1\nreturn broken\n")
    try:
        browser.driver.find_element(By.ID, "reload").click()
        wait_text(browser, "status", "Reload rejected")
        assert "activities/browser_broken.lua:2: " in text_of(browser, "status")
        wait_text(browser, "problems", "activities/browser_broken.lua:2:")
        assert text_of(browser, "generation") == serving, "the old generation keeps serving"
        status, overview = api("GET", "/v1/admin/scripts", token("ops"))
        assert status == 200 and overview["generation"] == serving
        status, _ = api("GET", "/v1/activities/room-gifts", token("viewer1"))
        assert status == 200, "the old generation's activities still answer"
        browser.screenshot("console-scripts-rejected")
    finally:
        os.remove(broken)
    # A good change makes a new generation; rolling back returns to the one before.
    extra = os.path.join(SCRIPTS, "lib", "browser_extra.lua")
    with open(extra, "w") as f:
        f.write("-- added by the browser tests\nreturn { answer = 42 }\n")
    try:
        browser.driver.find_element(By.ID, "reload").click()
        wait_text(browser, "status", "Reloaded: now serving")
        wait(browser, lambda d: d.find_element(By.ID, "generation").text != serving)
        newer = text_of(browser, "generation")
        row = wait(browser, EC.element_to_be_clickable(
            (By.XPATH, "//table[@id='history']//tr[td/code[starts-with(text(), '%s')]]//button" % serving[:16])))
        row.click()
        wait_text(browser, "status", "Rolled back: now serving " + serving)
        wait(browser, lambda d: d.find_element(By.ID, "generation").text == serving)
        assert newer != serving
        # The source of a file of the serving generation.
        Select(browser.driver.find_element(By.ID, "source-path")).select_by_value("activities/room_gifts.lua")
        browser.driver.find_element(By.CSS_SELECTOR, "#source-form button").click()
        wait_text(browser, "source", 'id = "room-gifts"')
    finally:
        os.remove(extra)


def open_room(browser, viewer):
    browser.open("/rooms/lobby?token=" + token(viewer))
    wait_text(browser, "status", "Connected to lobby")
    assert "token=" not in browser.driver.current_url, "the token leaves the address bar"
    wait(browser, lambda d: d.find_element(By.ID, "balance").text.isdigit())


def send_danmaku(browser, text):
    field = browser.driver.find_element(By.ID, "danmaku-text")
    field.send_keys(text, Keys.ENTER)


def test_two_viewers_see_each_others_danmaku(browser, second_browser):
    open_room(browser, "viewer1")
    open_room(second_browser, "viewer2")
    wait_text(browser, "events", "viewer-2 entered")
    stamp = str(int(time.time() * 1000))
    send_danmaku(browser, "hello from one " + stamp)
    wait_text(second_browser, "danmaku", "hello from one " + stamp)
    send_danmaku(second_browser, "hello back " + stamp)
    wait_text(browser, "danmaku", "hello back " + stamp)
    browser.screenshot("room")
    second_browser.screenshot("room-narrow", NARROW)
    assert_fits(second_browser, NARROW)


SCORE = """
const table = document.querySelector("#leaderboards table[data-board='room-gifts/senders']");
if (!table) return null;
for (const row of table.tBodies[0].rows) {
  if (row.cells.length === 3 && row.cells[1].textContent === arguments[0]) return Number(row.cells[2].textContent);
}
return 0;
"""


def test_gift_lowers_balance_and_moves_leaderboard(browser):
    open_room(browser, "viewer1")
    # The room's live board (the test activity room-gifts ranks senders), as loaded with the page.
    wait(browser, lambda d: d.execute_script(SCORE, "viewer-1") is not None)
    score = browser.driver.execute_script(SCORE, "viewer-1")
    before = int(text_of(browser, "balance"))
    Select(browser.driver.find_element(By.ID, "gift-select")).select_by_value("rose")
    count = browser.driver.find_element(By.ID, "gift-count")
    count.clear()
    count.send_keys("3")
    # The gift goes as a frame on the room's socket: record what the page sends on it.
    browser.driver.execute_script(
        "window.sentFrames = []; const send = WebSocket.prototype.send;"
        "WebSocket.prototype.send = function (data) { window.sentFrames.push(String(data)); return send.call(this, data); };")
    browser.driver.find_element(By.ID, "gift-send").click()
    wait(browser, lambda d: d.find_element(By.ID, "balance").text == str(before - 3))
    wait_text(browser, "status", "Sent.")
    wait_text(browser, "events", "viewer-1 sent 3 x rose")
    frames = [f for f in browser.driver.execute_script("return window.sentFrames") if '"gift"' in f]
    assert len(frames) == 1 and '"gift_id":"rose"' in frames[0] and '"count":3' in frames[0], frames
    # The board's live update arrives within a second or two.
    wait(browser, lambda d: d.execute_script(SCORE, "viewer-1") == score + 3)
    browser.screenshot("room-gift")
    # More than the wallet holds (three 5,000-coin rockets against the demo's 10,000): refused on
    # the socket, said on the page, nothing spent.
    Select(browser.driver.find_element(By.ID, "gift-select")).select_by_value("rocket")
    count.clear()
    count.send_keys("3")
    browser.driver.find_element(By.ID, "gift-send").click()
    wait_text(browser, "status", "The gift was refused: insufficient_funds")
    assert text_of(browser, "balance") == str(before - 3)
    status, wallet = api("GET", "/v1/wallet", token("viewer1"))
    assert status == 200 and wallet["balances"]["coins"] == before - 3


def test_held_danmaku_is_approved_and_delivered_late_marked(browser, second_browser):
    ops = token("ops")
    status, words = api("GET", "/v1/admin/moderation/words", ops)
    assert status == 200
    rules = [w for w in words["words"] if w["word"] != "suspicious"]
    status, _ = api("PUT", "/v1/admin/moderation/words", ops,
                    {"words": rules + [{"word": "suspicious", "category": "test", "action": "score", "score": 50}]})
    assert status == 200
    open_room(second_browser, "viewer2")
    stamp = str(int(time.time() * 1000))
    send_danmaku(second_browser, "a suspicious line " + stamp)
    wait_text(second_browser, "status", "held_for_review")
    sign_in(browser, "/console/moderation")
    wait_text(browser, "review", "a suspicious line " + stamp)
    browser.screenshot("console-moderation")
    reason = browser.driver.find_element(By.ID, "review-reason")
    reason.clear()
    reason.send_keys("fine in context")
    row = browser.driver.find_element(By.XPATH, "//table[@id='review']//tr[td[text()='a suspicious line %s']]" % stamp)
    row.find_element(By.XPATH, ".//button[text()='Approve']").click()
    wait_text(browser, "status", "by ops-1")
    wait_text(second_browser, "danmaku", "a suspicious line " + stamp)
    item = second_browser.driver.find_element(By.XPATH, "//ol[@id='danmaku']/li[contains(., '%s')]" % stamp)
    assert "reviewed" in item.text
    api("PUT", "/v1/admin/moderation/words", ops, {"words": rules})


def test_queue_and_goods_review_pages_act(browser):
    streamer, ops = token("streamer"), token("ops")
    status, _ = api("PUT", "/v1/rooms/music-1/queue", token("streamer_bo"),
                    {"open": True, "game": "chess", "waiting_capacity": 20, "game_capacity": 4})
    assert status == 200
    for viewer in ("viewer2", "viewer3"):
        status, _ = api("POST", "/v1/rooms/music-1/queue/apply", token(viewer))
        assert status == 200
    status, _ = api("PUT", "/v1/admin/goods/words", ops,
                    {"words": [{"word": "boost", "weight": 5}], "review_threshold": 5, "reject_threshold": 50})
    assert status == 200
    status, good = api("POST", "/v1/streamers/me/goods", streamer,
                       {"title": "Rank boost", "game": "chess", "region": "eu", "price_tickets": 30, "details": "Two games together"})
    assert status in (200, 201) and good["state"] == "in_review"

    sign_in(browser, "/console/queues")
    room = browser.driver.find_element(By.ID, "queue-room")
    room.clear()
    room.send_keys("music-1", Keys.ENTER)
    wait_text(browser, "queue", "viewer-3")
    browser.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Promote viewer-2']").click()
    wait_text(browser, "status", "Promoted viewer-2")
    wait(browser, lambda d: "in game" in d.find_element(By.XPATH, "//table[@id='queue']//tr[td[text()='viewer-2']]").text)
    browser.screenshot("console-queues")

    browser.open("/console/goods")
    wait_text(browser, "goods-queue", "Rank boost")
    browser.screenshot("console-goods")
    browser.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Approve goods %d']" % good["id"]).click()
    wait_text(browser, "status", "Goods %d is now listed" % good["id"])
    wait_text(browser, "goods-queue", "Nothing is waiting.")


def test_gift_catalog_edit_and_refund_of_a_gift_send(browser):
    status, receipt = api("POST", "/v1/rooms/games-1/gifts", token("viewer3"),
                          {"gift_id": "rose", "count": 20, "idempotency_key": "browser-refund-1"})
    assert status in (200, 201), receipt
    sign_in(browser, "/console/money")
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#parked tbody tr")))
    # Edit a gift through its JSON definition.
    browser.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Edit ticket-box']").click()
    body = browser.driver.find_element(By.ID, "gift-body")
    assert browser.driver.switch_to.active_element == body
    definition = body.get_attribute("value").replace('"Ticket box"', '"Ticket box deluxe"')
    body.clear()
    body.send_keys(definition)
    browser.driver.find_element(By.CSS_SELECTOR, "#gift-form button[type=submit]").click()
    wait_text(browser, "status", "Saved gift ticket-box")
    wait_text(browser, "gifts", "Ticket box deluxe")
    # The sender's history names the gift send's journal offset; refund it with a reason.
    user = browser.driver.find_element(By.ID, "wallet-user")
    user.send_keys("viewer-3", Keys.ENTER)
    wait_text(browser, "transfers", "(gift send ")
    text = text_of(browser, "transfers")
    offset = text.split("(gift send ", 1)[1].split(")", 1)[0]
    before = int(browser.driver.find_element(By.CSS_SELECTOR, "#balances dd[data-asset=coins]").text)
    browser.driver.find_element(By.ID, "refund-offset").send_keys(offset)
    browser.driver.find_element(By.ID, "refund-reason").send_keys("sent by mistake", Keys.ENTER)
    wait_text(browser, "status", "Refunded gift send " + offset)
    user.clear()
    user.send_keys("viewer-3", Keys.ENTER)
    wait(browser, lambda d: int(d.find_element(By.CSS_SELECTOR, "#balances dd[data-asset=coins]").text) == before + 20)


def test_anonymous_watcher_cannot_send(browser):
    browser.open("/rooms/lobby")
    wait_text(browser, "status", "anonymously")
    assert not browser.driver.find_element(By.ID, "danmaku-text").is_enabled()
    assert browser.driver.find_element(By.ID, "room-token").is_displayed()


def test_orders_page_lists_and_forces(browser):
    viewer = token("viewer3")
    status, listed = api("GET", "/v1/streamers/streamer-ava/goods", viewer)
    assert status == 200
    good = next(g for g in listed["goods"] if g["goods"]["title"] == "Ranked duo")
    status, made = api("POST", "/v1/orders", viewer, {"goods_id": good["id"], "idempotency_key": "browser-order"})
    assert status == 201 and made["order"]["state"] == "paid"
    order_id = made["order"]["id"]

    sign_in(browser, "/console/orders")
    wait_text(browser, "orders", "Ranked duo")
    wait_text(browser, "orders-machine", "help-me-play")
    streamer = browser.driver.find_element(By.ID, "orders-streamer")
    streamer.send_keys("streamer-ava", Keys.ENTER)
    wait_text(browser, "orders", "viewer-3")
    browser.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Force order %d']" % order_id).click()
    assert browser.driver.switch_to.active_element == browser.driver.find_element(By.ID, "force-reason")
    Select(browser.driver.find_element(By.ID, "force-to")).select_by_value("cancelled")
    browser.driver.find_element(By.ID, "force-reason").send_keys("asked by the viewer on stream", Keys.ENTER)
    wait_text(browser, "status", "Order %d is now cancelled (void)" % order_id)
    browser.screenshot("console-orders")
    status, after = api("GET", "/v1/orders/%d" % order_id, viewer)
    assert status == 200 and after["state"] == "cancelled" and after["settled"] == "void"


def test_settlement_page_shows_the_month_and_guilds_and_an_admin_runs_it(browser):
    status, guild = api("POST", "/v1/admin/guilds", token("admin"), {"id": "browser-guild", "name": "Browser Guild", "share_bp": 1500})
    assert status in (200, 201), guild
    status, _ = api("POST", "/v1/admin/guilds", token("ops"), {"id": "ops-guild", "name": "No", "share_bp": 100})
    assert status == 403
    sign_in(browser, "/console/settlement")
    wait_text(browser, "guilds", "Browser Guild")
    wait_text(browser, "month-summary", "open")
    assert "15%" in text_of(browser, "guilds")
    browser.driver.find_element(By.ID, "download-statements").click()
    wait_text(browser, "status", "Downloaded statements.csv")
    # Confirming is for admins: the operator's console shows the API's refusal.
    browser.driver.find_element(By.ID, "month-confirm").click()
    wait_text(browser, "status", "admin")
    # Running is for admins too: the operator's page has no Run button.
    assert not browser.driver.find_element(By.ID, "month-run").is_displayed()

    # Ava signs with the guild today: her next gift gives the guild the contract's 15% of the
    # streamer-and-guild part (rounded down), the streamer the rest.
    today = time.strftime("%Y-%m-%d", time.gmtime())
    status, contract = api("POST", "/v1/admin/guilds/browser-guild/members", token("admin"), {"streamer_id": "streamer-ava", "starts_on": today})
    assert status == 201 and contract["share_bp"] == 1500, contract
    status, receipt = api("POST", "/v1/rooms/lobby/gifts", token("viewer2"), {"gift_id": "rose", "count": 100, "idempotency_key": "browser-settle-1"})
    assert status in (200, 201), receipt
    part = receipt["streamer_revenue"] + receipt["guild_share"]
    assert receipt["guild_id"] == "browser-guild" and receipt["guild_share"] == part * 1500 // 10000, receipt

    # An admin runs the month shown from the page (keyboard only): a settle-run job, polled.
    browser.driver.find_element(By.ID, "sign-out").click()
    sign_in(browser, "/console/settlement", who="admin")
    wait_text(browser, "month-summary", "open")
    month = browser.driver.find_element(By.ID, "month").get_attribute("value")
    run = wait(browser, EC.visibility_of_element_located((By.ID, "month-run")))
    run.send_keys(Keys.ENTER)
    wait_text(browser, "run-status", "Ran " + month, seconds=60)
    assert "pending_review" in text_of(browser, "run-status"), text_of(browser, "run-status")
    wait_text(browser, "status", "Month %s is now pending_review." % month)
    wait_text(browser, "month-summary", "pending_review")
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#run-problems li") == []
    # The job the page ran, and the drafts it wrote, over the API.
    status, jobs = api("GET", "/v1/admin/jobs", token("admin"))
    job = next(j for j in jobs["jobs"] if j["kind"] == "settle-run")
    assert status == 200 and job["state"] == "succeeded", job
    assert job["progress"]["done"] == job["progress"]["total"] == job["result"]["streamers"] + job["result"]["guilds"]
    status, drafted = api("GET", "/v1/admin/settlement/" + month, token("admin"))
    assert status == 200 and drafted["state"] == "pending_review" and len(drafted["statements"]) == job["progress"]["total"]
    assert drafted["inputs_hash"] == job["result"]["inputs_hash"]
    ava = next(st for st in drafted["statements"] if st["owner_kind"] == "streamer" and st["owner_id"] == "streamer-ava")
    guild = next(st for st in drafted["statements"] if st["owner_kind"] == "guild" and st["owner_id"] == "browser-guild")
    assert ava["guild_id"] == "browser-guild" and guild["revenue"] >= receipt["guild_share"], (ava, guild)
    wait_text(browser, "statements", "guild browser-guild")
    browser.screenshot("console-settlement")


def test_script_tests_and_what_if_replay_from_the_scripts_page(browser):
    sign_in(browser, "/console/scripts")
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#declarations h3")))
    # Keyboard only: the filter field, then Enter submits the form.
    field = browser.driver.find_element(By.ID, "tests-filter")
    assert browser.driver.find_element(By.CSS_SELECTOR, "label[for=tests-filter]").text
    field.send_keys(Keys.ENTER)
    wait_text(browser, "tests-summary", "passed,", seconds=120)
    summary = text_of(browser, "tests-summary")
    assert summary.startswith("OK: ") and " 0 failed" in summary, summary
    lines = browser.driver.find_elements(By.CSS_SELECTOR, "#tests-results li code")
    assert lines and all(line.text.startswith("ok ") for line in lines)
    # The same job over the API: the console ran it, the list has it.
    status, jobs = api("GET", "/v1/admin/jobs", token("ops"))
    assert status == 200 and jobs["jobs"][0]["kind"] == "scripts-test" and jobs["jobs"][0]["state"] == "succeeded"

    # What-if replay over the last hour (the form's default window).
    for name in ("replay-from", "replay-to"):
        assert browser.driver.find_element(By.ID, name).get_attribute("value")
        assert browser.driver.find_element(By.CSS_SELECTOR, "label[for=%s]" % name).text
    browser.driver.find_element(By.ID, "replay-to").send_keys(Keys.ENTER)
    wait_text(browser, "replay-summary", "Replayed ", seconds=120)
    assert "journal entries" in text_of(browser, "replay-summary")
    wait_text(browser, "replay-result", "Leaderboards")
    browser.screenshot("console-scripts-jobs")


def test_reconcile_now_is_clean(browser):
    sign_in(browser, "/console/money")
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#parked tbody tr")))
    button = browser.driver.find_element(By.ID, "reconcile")
    button.send_keys(Keys.ENTER)
    wait_text(browser, "reconcile-summary", "lean (finished", seconds=60)
    assert text_of(browser, "reconcile-summary").startswith("Clean"), text_of(browser, "reconcile-summary")
    result = text_of(browser, "reconcile-result")
    assert "transfers" in result and "tickets held" in result and "caught up" in result
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#reconcile-violations li") == []
    browser.screenshot("console-money-reconcile")
    # The page shows the last result when opened again.
    browser.open("/console/money")
    wait_text(browser, "reconcile-summary", "Clean (finished")
