#!/usr/bin/env python3
"""The SQL floor of the live-operations drain's derived facts: inserts the `task_completed`
facts a drain journals (by default the 173,960 that `showrunner-bench liveops --events 100000`
derives from 100,000 gifts on the shipped scripts, in its 98 transactions), the way the task
consumer writes them (64 rows per `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING`, WAL,
synchronous=FULL), through SQLite's C library from Python's sqlite3 module with nothing else
around them. The drain cannot finish faster than this.

usage: facts_sql_floor.py DB [--facts N] [--transactions N] [--users N]
(DB: a store migrated by starting `showrunner serve --db DB` once)
"""
import argparse, sqlite3, time

p = argparse.ArgumentParser()
p.add_argument("db")
p.add_argument("--facts", type=int, default=173_960)
p.add_argument("--transactions", type=int, default=98)
p.add_argument("--users", type=int, default=10_000)
a = p.parse_args()

db = sqlite3.connect(a.db, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=FULL", "temp_store=MEMORY", "cache_size=-65536"):
    db.execute("PRAGMA " + pragma)
per_transaction = -(-a.facts // a.transactions)
cpu0, wall0 = time.process_time(), time.time()
i = 0
while i < a.facts:
    db.execute("BEGIN IMMEDIATE")
    rows = []
    for _ in range(min(per_transaction, a.facts - i)):
        i += 1
        user, stage = f"u{i % a.users}", i % 100 + 1
        rows.append(("task_completed",
                     f'{{"goal":{stage * 10},"period":"2027-01-21","stage":{stage},"task_id":"gift_ladder","user_id":"{user}"}}',
                     1_800_000_000_000, f"task_completed:gift_ladder:{user}:2027-01-21:{stage}:{i}"))
    for k in range(0, len(rows), 64):
        chunk = rows[k:k + 64]
        db.execute("INSERT INTO journal (type, payload, created_at, idempotency_key) VALUES "
                   + ",".join(["(?, ?, ?, ?)"] * len(chunk)) + " ON CONFLICT (idempotency_key) DO NOTHING",
                   [x for row in chunk for x in row])
    db.execute("COMMIT")
cpu, wall = time.process_time() - cpu0, time.time() - wall0
print(f"facts floor: {a.facts} facts in {wall:.2f} s ({a.facts / wall:.0f}/s), {cpu / a.facts * 1e6:.1f} µs CPU per fact, "
      f"{a.transactions} transactions, synchronous=FULL")
