#!/usr/bin/env python3
"""The SQL floor of a gift send: the statements durable gifts run in the store (the same SQL,
the same order, one group-commit transaction per --batch gifts, WAL, synchronous=FULL), issued
through SQLite's C library from Python's sqlite3 module with nothing else around them: no HTTP,
no Swift, no scripts. Whatever the server does per gift costs at least this.
`showrunner-bench gifts --sql-floor N` runs it on a freshly migrated store in the same run as
the HTTP benchmark and Redis.

--shape legs (the default) is a send today: two idempotency lookups, the catalog row, the
payer's balance once per commit, one journal row carrying the legs, and every touched balance
written once per commit, no savepoint. --shape chain is a send before the legs moved into the
journal: a savepoint per gift, four ledger transfer rows, an update per leg, the gift_sends row.

usage: gift_sql_floor.py DB [--gifts N] [--batch N] [--senders N] [--streamers N] [--shape legs|chain]
"""
import argparse, sqlite3, time

p = argparse.ArgumentParser()
p.add_argument("db")
p.add_argument("--gifts", type=int, default=20000)
p.add_argument("--batch", type=int, default=33)
p.add_argument("--senders", type=int, default=64)
p.add_argument("--streamers", type=int, default=16)
p.add_argument("--by-statement", action="store_true", help="also print the time per gift of each statement type")
p.add_argument("--shape", choices=["legs", "chain"], default="legs")
a = p.parse_args()

db = sqlite3.connect(a.db, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=FULL", "temp_store=MEMORY", "cache_size=-65536"):
    db.execute("PRAGMA " + pragma)
now = int(time.time() * 1000)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT OR REPLACE INTO gifts (id, version, body, updated_at) VALUES ('rose', 1, '{}', ?)", (now,))
accounts = [(f"user:v{w}:coins", "coins", "user", f"v{w}", 10**12) for w in range(a.senders)]
accounts += [(f"user:s{s}:revenue", "revenue", "user", f"s{s}", 0) for s in range(a.streamers)]
accounts += [(f"system:{n}:{asset}", asset, "system", n, 0) for n, asset in
             [("gift_clearing", "coins"), ("platform_fees", "coins"), ("revenue_issuance", "revenue")]]
for acc in accounts:
    db.execute("INSERT OR IGNORE INTO ledger_accounts (id, asset, owner_kind, owner, balance, pending_debits, created_at) "
               "VALUES (?, ?, ?, ?, ?, 0, ?)", acc + (now,))
db.execute("COMMIT")

payload = ('{"balance_coins":999999990,"combo":1,"count":1,"gift_id":"rose","gift_version":1,"guild_share":0,'
           '"ledger_time":1764000000000123,"platform_fee":5,"price_coins":10,"room_id":"r3","send_id":"u-3-1234",'
           '"sender_id":"v3","streamer_id":"s3","streamer_revenue":5,"total_coins":10,'
           '"transfer_ids":["gift:v3:u-3-1234:paid","gift:v3:u-3-1234:fee","gift:v3:u-3-1234:revenue"]}')
body_hash = "ab" * 32
INSERT = ("INSERT INTO ledger_transfers (id, debit_account, credit_account, asset, amount, code, memo, ts, kind, "
          "pending_id, reverses, linked_batch, body_hash, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
timings = {}
if a.by_statement:
    connection = db

    class Timed:
        """Times each statement (execute and fetch) by its first words."""
        def execute(self, sql, args=()):
            t = time.perf_counter()
            cursor = connection.execute(sql, args)
            rows = cursor.fetchall()
            timings[sql[:40]] = timings.get(sql[:40], 0.0) + time.perf_counter() - t
            return Rows(rows)

    class Rows:
        def __init__(self, rows): self.rows = rows
        def fetchone(self): return self.rows[0] if self.rows else None

    db = Timed()
ts = now * 1000
cpu0, wall0 = time.process_time(), time.time()
i = 0
while i < a.gifts and a.shape == "legs":
    db.execute("BEGIN IMMEDIATE")
    balances = {}
    for _ in range(min(a.batch, a.gifts - i)):
        i += 1
        w, s, key = i % a.senders, i % a.streamers, f"u-{i % a.senders}-{i}"
        payer, payee = f"user:v{w}:coins", f"user:s{s}:revenue"
        db.execute("SELECT payload FROM journal WHERE idempotency_key = ?", (f"gift:v{w}:{key}",)).fetchone()
        db.execute("SELECT body_hash, status, outcome FROM gift_sends WHERE sender_id = ? AND idempotency_key = ?", (f"v{w}", key)).fetchone()
        db.execute("SELECT body FROM gifts WHERE id = ?", ("rose",)).fetchone()
        for account in (payer, payee, "system:gift_clearing:coins", "system:platform_fees:coins", "system:revenue_issuance:revenue"):
            if account not in balances:
                balances[account] = db.execute("SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?", (account,)).fetchone()[0]
        balances[payer] -= 10
        balances[payee] += 5
        balances["system:gift_clearing:coins"] += 5
        balances["system:platform_fees:coins"] += 5
        balances["system:revenue_issuance:revenue"] -= 5
        db.execute("INSERT INTO journal (type, payload, created_at, idempotency_key, payer, payee) VALUES ('gift', ?, ?, ?, ?, ?)",
                   (payload, now, f"gift:v{w}:{key}", payer, payee))
    for account, balance in balances.items():
        db.execute("UPDATE ledger_accounts SET balance = ? WHERE id = ?", (balance, account))
    db.execute("COMMIT")
while i < a.gifts:
    db.execute("BEGIN IMMEDIATE")
    for _ in range(min(a.batch, a.gifts - i)):
        i += 1
        w, s, key = i % a.senders, i % a.streamers, f"u-{i % a.senders}-{i}"
        payer = f"user:v{w}:coins"
        db.execute("SAVEPOINT op")
        db.execute("SELECT * FROM gift_sends WHERE sender_id = ? AND idempotency_key = ?", (f"v{w}", key)).fetchone()
        db.execute("SELECT body FROM gifts WHERE id = ?", ("rose",)).fetchone()
        db.execute("SELECT balance, pending_debits FROM ledger_accounts WHERE id = ?", (payer,)).fetchone()
        db.execute("SELECT ts FROM ledger_transfers ORDER BY seq DESC LIMIT 1").fetchone()
        legs = [(payer, "system:gift_clearing:coins", "coins"), (payer, "system:platform_fees:coins", "coins"),
                ("system:revenue_issuance:revenue", f"user:s{s}:revenue", "revenue")]
        for n, (debit, credit, asset) in enumerate(legs):
            db.execute("SELECT COALESCE(SUM(amount), 0) FROM ledger_pending_open WHERE debit_account = ? AND expires_at <= ?",
                       (debit, ts)).fetchone()
            db.execute("UPDATE ledger_accounts SET balance = balance - ?1 WHERE id = ?2 AND balance >= ?3 "
                       "AND (?4 OR balance - pending_debits >= ?1) RETURNING balance",
                       (5, debit, -2**63 + 5, debit.startswith("system"))).fetchone()
            db.execute("UPDATE ledger_accounts SET balance = balance + ?1 WHERE id = ?2 AND balance <= ?3 RETURNING balance",
                       (5, credit, 2**63 - 1 - 5)).fetchone()
            ts += 1
            db.execute(INSERT, (f"gift:v{w}:{key}:{n}", debit, credit, asset, 5, "gift", "1x rose in r3", ts, "posted",
                                None, None, f"gift:v{w}:{key}:0", body_hash, None))
        db.execute("SELECT balance FROM ledger_accounts WHERE id = ?", (payer,)).fetchone()
        db.execute("INSERT INTO journal (type, payload, created_at, idempotency_key) VALUES (?, ?, ?, ?)",
                   ("gift", payload, now, f"gift:v{w}:{key}"))
        db.execute("INSERT INTO gift_sends (sender_id, idempotency_key, body_hash, status, outcome, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (f"v{w}", key, body_hash, "ok", payload, now))
        db.execute("RELEASE op")
    db.execute("COMMIT")
cpu, wall = time.process_time() - cpu0, time.time() - wall0
print(f"sql floor: {a.gifts / wall:.0f} gifts/s, {cpu / a.gifts * 1e6:.0f} µs CPU per gift "
      f"({a.gifts} gifts, {a.batch} per commit, synchronous=FULL, shape {a.shape})")
for sql, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
    print(f"  {seconds / a.gifts * 1e6:7.1f} µs per gift  {sql}")
