import EngineCore
import Rooms

/// The console's and the room page's Mustache templates, embedded so that the binary serves
/// them wherever it runs. `layout` is the parent of every page (`{{<layout}}`); each page fills
/// its `main` block with static, labelled markup that the page's script fills with data.
enum ConsoleTemplates {
    /// Every template by name.
    static let all: [String: String] = [
        "layout": layout, "home": home, "scripts": scripts, "liveops": liveops, "money": money,
        "moderation": moderation, "queues": queues, "goods": goods, "orders": orders, "settlement": settlement, "room": room,
    ]

    static let layout = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Showrunner</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/console/assets/console.css">
        <script src="/console/assets/console.js" defer></script>
        </head>
        <body data-page="{{page}}" data-room="{{room}}">
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/console">Showrunner</a>
        {{#console}}
        <nav aria-label="Console pages"><ul>{{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}</ul></nav>
        {{/console}}
        <div id="session" class="session" hidden><span id="who"></span> <button type="button" id="sign-out">Sign out</button></div>
        </header>
        <main id="main" tabindex="-1">
        <h1>{{title}}</h1>
        <div id="status" class="status" role="status" aria-live="polite"></div>
        {{#console}}
        <section id="sign-in" class="card" hidden aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading">Sign in</h2>
        <p>The console needs an operator or admin token. Issue one where the server runs, with the server's secret:</p>
        <pre><code>showrunner token issue --user ops-1 --role operator --ttl 28800</code></pre>
        <p>The token stays in this tab only. Every action calls the <code>/v1/admin</code> API with it, so the console can do exactly what the token's role may.</p>
        <form id="sign-in-form" class="row">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
        <button type="submit">Sign in</button>
        </form>
        </section>
        {{/console}}
        <div id="content"{{#console}} hidden{{/console}}>
        {{$main}}{{/main}}
        </div>
        </main>
        </body>
        </html>
        """#

    static let home = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="pages-heading">
        <h2 id="pages-heading">Pages</h2>
        <ul class="links">
        <li><a href="/console/scripts">Scripts</a>: the live generation, reload, rollback, sources, script tests, what-if replay.</li>
        <li><a href="/console/liveops">Live ops</a>: activities, their boards, tasks, published odds.</li>
        <li><a href="/console/money">Money</a>: wallets, grants, reversals, gifts, refunds, reconcile, the journal's consumers.</li>
        <li><a href="/console/moderation">Moderation</a>: the word list and danmaku held for review.</li>
        <li><a href="/console/queues">Queues</a>: a room's play-together queue.</li>
        <li><a href="/console/goods">Goods review</a>: goods waiting for a decision, the review's words.</li>
        <li><a href="/console/orders">Orders</a>: help-me-play orders by state, streamer, viewer and age; forced transitions.</li>
        <li><a href="/console/settlement">Settlement</a>: guilds, a month's statements and reports, its run and confirmation (admins).</li>
        </ul>
        <p>Viewers watch a room at <code>/rooms/{room}</code>, for example <a href="/rooms/lobby">/rooms/lobby</a>.</p>
        </section>
        {{/main}}{{/layout}}
        """#

    static let scripts = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="live-heading">
        <h2 id="live-heading">Live generation</h2>
        <p>Serving: <code id="generation">-</code></p>
        <div class="row"><button type="button" id="reload">Reload from disk</button></div>
        <h3>Last reload</h3>
        <p id="last-reload">-</p>
        <ul id="problems" class="problems" aria-label="Problems of the last reload"></ul>
        </section>
        <section class="card" aria-labelledby="decl-heading">
        <h2 id="decl-heading">Declarations</h2>
        <div id="declarations"></div>
        </section>
        <section class="card" aria-labelledby="files-heading">
        <h2 id="files-heading">Files</h2>
        <form id="source-form" class="row">
        <label for="source-path">File</label>
        <select id="source-path" name="path"></select>
        <button type="submit">Show source</button>
        </form>
        <pre id="source" class="source" tabindex="0" aria-label="Source"></pre>
        </section>
        <section class="card" aria-labelledby="tests-heading">
        <h2 id="tests-heading">Script tests</h2>
        <p class="hint">Runs the <code>*_test.lua</code> files of the folder this server runs on, as <code>showrunner scripts test</code> does.</p>
        <form id="tests-form" class="row">
        <label for="tests-filter">Only cases containing</label>
        <input id="tests-filter" name="filter" maxlength="200" autocomplete="off" placeholder="(all)">
        <button type="submit" id="run-tests">Run script tests</button>
        </form>
        <p id="tests-summary" role="status" aria-live="polite"></p>
        <ul id="tests-results" class="results" aria-label="Script test results"></ul>
        </section>
        <section class="card" aria-labelledby="replay-heading">
        <h2 id="replay-heading">What-if replay</h2>
        <p class="hint">Runs the folder's scripts over the journal of a past window in a scratch copy (the live data is only read) and compares what they produce with what the live generation produced. At most 31 days.</p>
        <form id="replay-form" class="grid">
        <label for="replay-from">From (local time)</label><input id="replay-from" name="from" type="datetime-local" step="1" required>
        <label for="replay-to">To (local time, exclusive)</label><input id="replay-to" name="to" type="datetime-local" step="1" required>
        <span></span><button type="submit" id="run-replay">Run replay</button>
        </form>
        <p id="replay-summary" role="status" aria-live="polite"></p>
        <div id="replay-result"></div>
        </section>
        <section class="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Kept generations</h2>
        <div class="scroll"><table id="history"><thead><tr><th scope="col">Hash</th><th scope="col">Saved</th><th scope="col">Files</th><th scope="col">Action</th></tr></thead><tbody></tbody></table></div>
        </section>
        {{/main}}{{/layout}}
        """#

    static let liveops = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="activities-heading">
        <h2 id="activities-heading">Activities</h2>
        <div id="activities"></div>
        </section>
        <section class="card" aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">Tasks</h2>
        <div class="scroll"><table id="tasks"><thead><tr><th scope="col">Task</th><th scope="col">Repeats</th><th scope="col">Stages (goal: rewards)</th></tr></thead><tbody></tbody></table></div>
        </section>
        {{/main}}{{/layout}}
        """#

    static let money = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="wallet-heading">
        <h2 id="wallet-heading">Wallet</h2>
        <form id="wallet-form" class="row">
        <label for="wallet-user">User</label>
        <input id="wallet-user" name="user" required autocomplete="off">
        <button type="submit">Look up</button>
        </form>
        <dl id="balances" class="balances"></dl>
        <div class="scroll"><table id="transfers"><thead><tr><th scope="col">Transfer</th><th scope="col">Code</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Amount</th><th scope="col">Memo</th></tr></thead><tbody></tbody></table></div>
        </section>
        <section class="card" aria-labelledby="grant-heading">
        <h2 id="grant-heading">Grant</h2>
        <form id="grant-form" class="grid">
        <label for="grant-user">User</label><input id="grant-user" name="user" required autocomplete="off">
        <label for="grant-asset">Asset</label><input id="grant-asset" name="asset" value="coins" required>
        <label for="grant-amount">Amount</label><input id="grant-amount" name="amount" type="number" min="1" step="1" required>
        <label for="grant-reason">Reason</label><input id="grant-reason" name="reason" required maxlength="200">
        <span></span><button type="submit">Grant</button>
        </form>
        </section>
        <section class="card" aria-labelledby="reverse-heading">
        <h2 id="reverse-heading">Reverse a transfer</h2>
        <form id="reverse-form" class="grid">
        <label for="reverse-id">Transfer id</label><input id="reverse-id" name="id" required autocomplete="off">
        <label for="reverse-reason">Reason</label><input id="reverse-reason" name="reason" required maxlength="200">
        <span></span><button type="submit">Reverse</button>
        </form>
        </section>
        <section class="card" aria-labelledby="gifts-heading">
        <h2 id="gifts-heading">Gift catalog</h2>
        <div class="scroll"><table id="gifts"><thead><tr><th scope="col">Gift</th><th scope="col">Name</th><th scope="col">Price (coins)</th><th scope="col">Action</th></tr></thead><tbody></tbody></table></div>
        <form id="gift-form" class="grid">
        <label for="gift-id">Gift id</label><input id="gift-id" name="id" required autocomplete="off">
        <label for="gift-body">Definition (JSON)</label><textarea id="gift-body" name="body" rows="6" required spellcheck="false"></textarea>
        <span></span><button type="submit">Save gift</button>
        </form>
        </section>
        <section class="card" aria-labelledby="refund-heading">
        <h2 id="refund-heading">Refund a gift send</h2>
        <form id="refund-form" class="grid">
        <label for="refund-offset">Gift send (journal offset)</label><input id="refund-offset" name="offset" type="number" min="1" step="1" required>
        <label for="refund-reason">Reason</label><input id="refund-reason" name="reason" required maxlength="200">
        <span></span><button type="submit">Refund</button>
        </form>
        </section>
        <section class="card" aria-labelledby="reconcile-heading">
        <h2 id="reconcile-heading">Reconcile</h2>
        <p class="hint">Checks every money invariant, gifts against their transfers, every ticket orders held, and that the journal's consumers are caught up, as <code>showrunner reconcile</code> does (without repairing).</p>
        <div class="row"><button type="button" id="reconcile">Reconcile now</button></div>
        <p id="reconcile-summary" role="status" aria-live="polite">-</p>
        <dl id="reconcile-result" class="balances"></dl>
        <ul id="reconcile-violations" class="problems" aria-label="Reconcile violations"></ul>
        </section>
        <section class="card" aria-labelledby="journal-heading">
        <h2 id="journal-heading">Journal consumers</h2>
        <h3>Lag (events behind)</h3>
        <dl id="lag" class="balances"></dl>
        <h3>Parked events</h3>
        <div class="scroll"><table id="parked"><thead><tr><th scope="col">Id</th><th scope="col">Consumer</th><th scope="col">Offset</th><th scope="col">Type</th><th scope="col">Error</th><th scope="col">Attempts</th><th scope="col">Action</th></tr></thead><tbody></tbody></table></div>
        </section>
        {{/main}}{{/layout}}
        """#

    static let moderation = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="review-heading">
        <h2 id="review-heading">Danmaku held for review</h2>
        <p>Approved messages are delivered to their room late, marked as reviewed; rejected ones stay out. Both keep who decided and why.</p>
        <div class="row"><label for="review-reason">Reason for the next decision</label><input id="review-reason" maxlength="200" value="reviewed"></div>
        <div class="scroll"><table id="review"><thead><tr><th scope="col">Id</th><th scope="col">Room</th><th scope="col">User</th><th scope="col">Text</th><th scope="col">Score</th><th scope="col">Decide</th></tr></thead><tbody></tbody></table></div>
        </section>
        <section class="card" aria-labelledby="words-heading">
        <h2 id="words-heading">Word list</h2>
        <div class="scroll"><table id="words"><thead><tr><th scope="col">Word</th><th scope="col">Category</th><th scope="col">Action</th><th scope="col">Score</th></tr></thead><tbody></tbody></table></div>
        <form id="words-form">
        <label for="words-body">Edit the list (JSON, <code>{"words": [{"word", "category", "action", "score"}]}</code>)</label>
        <textarea id="words-body" rows="8" spellcheck="false" required></textarea>
        <button type="submit">Save word list</button>
        </form>
        </section>
        {{/main}}{{/layout}}
        """#

    static let queues = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="queue-heading">
        <h2 id="queue-heading">A room's queue</h2>
        <form id="queue-form" class="row">
        <label for="queue-room">Room</label>
        <input id="queue-room" name="room" value="lobby" required autocomplete="off">
        <button type="submit">Show</button>
        </form>
        <p id="queue-summary"></p>
        <div class="row"><button type="button" id="queue-clear" class="secondary" disabled>Clear the queue</button></div>
        <div class="scroll"><table id="queue"><thead><tr><th scope="col">Place</th><th scope="col">User</th><th scope="col">Joined</th><th scope="col">Where</th><th scope="col">Action</th></tr></thead><tbody></tbody></table></div>
        </section>
        <section class="card" aria-labelledby="gates-heading">
        <h2 id="gates-heading">Queue gates</h2>
        <ul id="gates"></ul>
        </section>
        {{/main}}{{/layout}}
        """#

    static let goods = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="goods-heading">
        <h2 id="goods-heading">Waiting for review</h2>
        <div class="row"><label for="goods-reason">Reason for the next decision</label><input id="goods-reason" maxlength="200" value="reviewed"></div>
        <div class="scroll"><table id="goods-queue"><thead><tr><th scope="col">Id</th><th scope="col">Streamer</th><th scope="col">Title</th><th scope="col">Price (tickets)</th><th scope="col">Score</th><th scope="col">Matched</th><th scope="col">Decide</th></tr></thead><tbody></tbody></table></div>
        </section>
        <section class="card" aria-labelledby="goods-words-heading">
        <h2 id="goods-words-heading">Review words and thresholds</h2>
        <form id="goods-words-form">
        <label for="goods-words-body">Settings (JSON, <code>{"words": [{"word", "weight"}], "review_threshold", "reject_threshold"}</code>)</label>
        <textarea id="goods-words-body" rows="8" spellcheck="false" required></textarea>
        <button type="submit">Save</button>
        </form>
        </section>
        {{/main}}{{/layout}}
        """#

    static let orders = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="orders-heading">
        <h2 id="orders-heading">Orders</h2>
        <form id="orders-form" class="row">
        <label for="orders-state">State</label><input id="orders-state" maxlength="64" spellcheck="false">
        <label for="orders-streamer">Streamer</label><input id="orders-streamer" maxlength="64" spellcheck="false">
        <label for="orders-viewer">Viewer</label><input id="orders-viewer" maxlength="64" spellcheck="false">
        <label for="orders-age">Older than (seconds)</label><input id="orders-age" type="number" min="0" max="315360000">
        <button type="submit">List</button>
        </form>
        <p id="orders-machine" class="hint"></p>
        <div class="scroll"><table id="orders"><thead><tr><th scope="col">Id</th><th scope="col">Title</th><th scope="col">Viewer</th><th scope="col">Streamer</th><th scope="col">Tickets</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Timeout</th></tr></thead><tbody></tbody></table></div>
        <button type="button" id="orders-more" class="secondary" hidden>More</button>
        </section>
        <section class="card" aria-labelledby="force-heading">
        <h2 id="force-heading">Force a transition</h2>
        <p class="hint">Moves an open order to any state of its machine; the money moves as that state says, and the change is journaled with you and your reason.</p>
        <form id="force-form" class="row">
        <label for="force-order">Order id</label><input id="force-order" type="number" min="1" required>
        <label for="force-to">To state</label><select id="force-to" required></select>
        <label for="force-reason">Reason</label><input id="force-reason" maxlength="200" required>
        <button type="submit">Force</button>
        </form>
        </section>
        {{/main}}{{/layout}}
        """#

    static let settlement = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="month-heading">
        <h2 id="month-heading">Month</h2>
        <form id="month-form" class="row">
        <label for="month">Month</label><input id="month" type="month" required>
        <button type="submit">Show</button>
        </form>
        <p id="month-summary"></p>
        <p class="hint">Statements are drafted by a run: <b>Run the month</b> (admins) or <code>showrunner settle run YYYY-MM</code>; re-running before confirmation gives the same result for the same facts.</p>
        <div class="row">
        <button type="button" id="month-run" hidden>Run the month</button>
        <button type="button" id="download-statements" class="secondary">Statements (CSV)</button>
        <button type="button" id="download-guilds" class="secondary">Guilds (CSV)</button>
        <button type="button" id="download-report" class="secondary">Report (HTML)</button>
        <button type="button" id="month-confirm">Confirm the month</button>
        </div>
        <p id="run-status" role="status"></p>
        <ul id="run-problems" class="problems"></ul>
        <div class="scroll"><table id="statements"><thead><tr><th scope="col">Owner</th><th scope="col">Guild</th><th scope="col">Revenue</th><th scope="col">Parts</th><th scope="col">Total</th><th scope="col">Payout</th></tr></thead><tbody></tbody></table></div>
        </section>
        <section class="card" aria-labelledby="guilds-heading">
        <h2 id="guilds-heading">Guilds</h2>
        <div class="scroll"><table id="guilds"><thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Share</th><th scope="col">Created</th></tr></thead><tbody></tbody></table></div>
        </section>
        {{/main}}{{/layout}}
        """#

    static let room = #"""
        {{<layout}}{{$main}}
        <section class="card" aria-labelledby="viewer-heading">
        <h2 id="viewer-heading">You</h2>
        <p id="viewer">Watching anonymously.</p>
        <form id="room-sign-in" class="row">
        <label for="room-token">Token</label>
        <input id="room-token" type="password" autocomplete="off" spellcheck="false" required>
        <button type="submit">Sign in</button>
        </form>
        <p class="hint">Open <code>/rooms/{{room}}?token=…</code> with a viewer's token (<code>showrunner demo seed</code> prints some) to chat and send gifts; without one you watch.</p>
        </section>
        <div class="columns">
        <section class="card" aria-labelledby="chat-heading">
        <h2 id="chat-heading">Danmaku <span id="online" class="muted"></span></h2>
        <ol id="danmaku" class="feed" aria-live="polite" aria-label="Danmaku"></ol>
        <form id="danmaku-form" class="row">
        <label for="danmaku-text">Message</label>
        <input id="danmaku-text" maxlength="100" required autocomplete="off" disabled>
        <button type="submit" id="danmaku-send" disabled>Send</button>
        </form>
        </section>
        <section class="card" aria-labelledby="gifts-heading">
        <h2 id="gifts-heading">Gifts</h2>
        <p>Balance: <strong id="balance">-</strong> coins</p>
        <form id="gift-form" class="grid">
        <label for="gift-select">Gift</label><select id="gift-select" disabled></select>
        <label for="gift-count">Count</label><input id="gift-count" type="number" min="1" max="9999" step="1" value="1" required disabled>
        <span></span><button type="submit" id="gift-send" disabled>Send gift</button>
        </form>
        </section>
        <section class="card" aria-labelledby="board-heading">
        <h2 id="board-heading">Leaderboard</h2>
        <div id="leaderboards"><p class="muted">Updates arrive live.</p></div>
        </section>
        <section class="card" aria-labelledby="events-heading">
        <h2 id="events-heading">Room events</h2>
        <ol id="events" class="feed" aria-live="polite" aria-label="Entries, gifts, notices and broadcasts"></ol>
        </section>
        </div>
        {{/main}}{{/layout}}
        """#
}
