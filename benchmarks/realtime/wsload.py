#!/usr/bin/env python3
"""WebSocket fan-out load client (picows), loopback only, bounded runs.

fanout: N subscribers in one room (split over --procs processes) read every frame; one
publisher POSTs events at rising rates, each carrying "t=<monotonic ns> s=<step>"; per step it
reports delivered events/s, p50/p99 publish-to-receive latency and loss for clients that stayed
connected. The same client drives showrunner (notices) and nginx + nchan (raw messages).
idle: opens N connections and reports the server's RSS growth per connection.

--client picows (default) holds the subscribers in Python processes; --client c runs the C
subscriber (wssub, built by setup.sh) instead, which reads over a million frames a second on one
core, so the client is not the ceiling; the publisher is this script either way.
"""
import argparse, asyncio, json, multiprocessing as mp, os, socket, subprocess, sys, time
from urllib.parse import urlparse
from picows import ws_connect, WSListener, WSMsgType

class Sub(WSListener):
    def __init__(self, state, sample):
        self.state, self.sample, self.closed = state, sample, None

    def on_ws_frame(self, transport, frame):
        if frame.msg_type == WSMsgType.CLOSE:
            self.closed = frame.get_close_code()
            transport.disconnect()
            return
        data = frame.get_payload_as_bytes()
        i = data.find(b"t=")
        if i < 0:
            return
        j = data.find(b" s=", i)
        k = data.find(b"\"", j) if data.find(b"\"", j) > 0 else len(data)
        step = int(data[j + 3:k])
        counts = self.state["counts"]
        counts[step] = counts.get(step, 0) + 1
        if self.sample:
            self.state["lat"].setdefault(step, []).append(time.monotonic_ns() - int(data[i + 2:j]))

PING = b'{"type":"ping"}'

async def connect_all(url, n, factory):
    """Opens n connections, 100 at a time. Returns [(transport, listener)]."""
    conns = []
    for first in range(0, n, 100):
        batch = [ws_connect(lambda c=c: factory(c), url, max_frame_size=1 << 20) for c in range(first, min(n, first + 100))]
        for result in await asyncio.gather(*batch, return_exceptions=True):
            if not isinstance(result, BaseException):
                conns.append(result)
    return conns

async def keep_alive(conns, target):
    """showrunner closes connections silent for 60 s (4002): ping every 20 s, spread out."""
    while target == "showrunner":
        for transport, listener in conns:
            if listener.closed is None:
                transport.send(WSMsgType.TEXT, PING)
            await asyncio.sleep(20 / max(len(conns), 1))

async def subscriber_main(url, n, every, ready, done, out, target):
    state = {"counts": {}, "lat": {}}
    conns = await connect_all(url, n, lambda c: Sub(state, c % every == 0))
    subs = [listener for _, listener in conns]
    pinger = asyncio.create_task(keep_alive(conns, target))
    ready.set()
    while not done.is_set():
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    out.send({"counts": state["counts"], "lat": state["lat"],
              "closed": sum(1 for s in subs if s.closed is not None) + n - len(subs),
              "codes": sorted({s.closed for s in subs if s.closed is not None})})

def subscriber_proc(url, n, every, ready, done, out, target):
    asyncio.run(subscriber_main(url, n, every, ready, done, out, target))

class Publisher:
    """Keep-alive HTTP/1.1 POSTs over a few connections, one request in flight per connection."""
    def __init__(self, host, port, path, headers, conns=8):
        self.host, self.port, self.path, self.headers, self.conns = host, port, path, headers, conns

    async def open(self):
        self.pool = [await asyncio.open_connection(self.host, self.port) for _ in range(self.conns)]

    async def post(self, index, body):
        request = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\n{self.headers}"
                   f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        try:
            reader, writer = self.pool[index % self.conns]
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            # The server ended the keep-alive connection (nginx: keepalive_requests): reopen, resend.
            self.pool[index % self.conns] = reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), 0)
        if length:
            await reader.readexactly(length)
        return head[9:12] in (b"200", b"201", b"202")

async def publish_steps(pub, rates, seconds, body_of):
    await pub.open()
    sent = {}
    for step, rate in enumerate(rates):
        total, ok, start = int(rate * seconds), 0, time.monotonic()
        queues = [asyncio.Queue() for _ in range(pub.conns)]
        async def worker(w):
            nonlocal ok
            while (item := await queues[w].get()) is not None:
                accepted = await pub.post(w, body_of(time.monotonic_ns(), step))
                ok += accepted
        workers = [asyncio.create_task(worker(w)) for w in range(pub.conns)]
        for n in range(total):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            queues[n % pub.conns].put_nowait(n)
        for q in queues:
            q.put_nowait(None)
        await asyncio.gather(*workers)
        sent[step] = (ok, time.monotonic() - start)
        await asyncio.sleep(1.0)
    return sent

def pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p))] / 1e6 if values else float("nan")

def create_room(a):
    if a.target != "showrunner":
        return
    host, port = a.http.split(":")
    body = json.dumps({"id": a.room, "streamer_id": "bench-streamer", "title": "bench", "category": "bench"}).encode()
    pub = Publisher(host, int(port), "/v1/admin/rooms", f"Authorization: Bearer {a.token}\r\n", conns=1)
    async def go():
        await pub.open()
        await pub.post(0, body)
    asyncio.run(go())

class CSubs:
    """The C subscriber processes (wssub), one per --procs, driven over stdin/stdout."""
    def __init__(self, a, per):
        url = urlparse(a.ws)
        binary = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wssub")
        ping = "20" if a.target == "showrunner" else "0"
        self.procs = [subprocess.Popen([binary, "--host", url.hostname, "--port", str(url.port), "--path", url.path,
                                        "--conns", str(n), "--ping", ping],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for n in per]

    def ready(self):
        return sum(int(p.stdout.readline().split()[1]) for p in self.procs)

    def status(self):
        for p in self.procs:
            p.stdin.write("status\n"); p.stdin.flush()
        return sum(int(p.stdout.readline().split()[1]) for p in self.procs)

    def done(self):
        for p in self.procs:
            p.stdin.write("done\n"); p.stdin.flush()
        results = [json.loads(p.stdout.readline()) for p in self.procs]
        for p in self.procs:
            p.wait()
        return results

def hist_pct(hists, unit_us, p):
    """Percentile (ms) of merged [[bucket, count], ...] histograms."""
    merged = {}
    for h in hists:
        for b, n in h:
            merged[b] = merged.get(b, 0) + n
    total = sum(merged.values())
    if not total:
        return float("nan")
    rank, seen = int(total * p), 0
    for b in sorted(merged):
        seen += merged[b]
        if seen > rank:
            return (b + 0.5) * unit_us / 1000
    return float("nan")

def fanout(a):
    per = [a.subscribers // a.procs + (1 if i < a.subscribers % a.procs else 0) for i in range(a.procs)]
    if a.client == "c":
        return fanout_c(a, per)
    done, pipes, procs, readies = mp.Event(), [], [], []
    for n in per:
        ready, (rx, tx) = mp.Event(), mp.Pipe(False)
        p = mp.Process(target=subscriber_proc, args=(a.ws, n, a.sample_every, ready, done, tx, a.target))
        p.start(); procs.append(p); pipes.append(rx); readies.append(ready)
    for r in readies:
        if not r.wait(120):
            sys.exit("subscribers did not connect in 120 s")
    time.sleep(1)
    host, port = a.http.split(":")
    if a.target != "showrunner":
        pub = Publisher(host, int(port), f"/pub?id={a.room}", "", conns=a.pub_conns)
        body_of = lambda t, s: f"t={t} s={s}".encode()
    else:
        pub = Publisher(host, int(port), f"/v1/admin/rooms/{a.room}/notices", f"Authorization: Bearer {a.token}\r\n",
                        conns=a.pub_conns)
        body_of = lambda t, s: json.dumps({"text": f"t={t} s={s}"}).encode()
    rates = [int(r) for r in a.rates.split(",")]
    sent = asyncio.run(publish_steps(pub, rates, a.seconds, body_of))
    done.set()
    results = [rx.recv() for rx in pipes]
    for p in procs:
        p.join()
    closed = sum(r["closed"] for r in results)
    codes = sorted({c for r in results for c in r["codes"]})
    print(f"| target | subscribers | rate/s | published | delivered/s | p50 ms | p99 ms | loss | closed |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for step, rate in enumerate(rates):
        ok, elapsed = sent[step]
        got = sum(r["counts"].get(step, 0) for r in results)
        lat = sorted(x for r in results for x in r["lat"].get(step, []))
        loss = ok * (a.subscribers - closed) - got + 0
        print(f"| {a.target} | {a.subscribers} | {rate} | {ok} | {got / elapsed:,.0f} | {pct(lat, .5):.1f} "
              f"| {pct(lat, .99):.1f} | {max(loss, 0)} | {closed}{' ' + str(codes) if codes else ''} |")

def make_publisher(a):
    host, port = a.http.split(":")
    if a.target != "showrunner":
        return Publisher(host, int(port), f"/pub?id={a.room}", "", conns=a.pub_conns), lambda t, s: f"t={t} s={s}".encode()
    pub = Publisher(host, int(port), f"/v1/admin/rooms/{a.room}/notices", f"Authorization: Bearer {a.token}\r\n",
                    conns=a.pub_conns)
    return pub, lambda t, s: json.dumps({"text": f"t={t} s={s}"}).encode()

def fanout_c(a, per):
    subs = CSubs(a, per)
    opened = subs.ready()
    print(f"({opened} of {a.subscribers} subscribers connected)", flush=True)
    time.sleep(1)
    pub, body_of = make_publisher(a)
    rates = [int(r) for r in a.rates.split(",")]
    sent = asyncio.run(publish_steps(pub, rates, a.seconds, body_of))
    time.sleep(0.5)
    results = subs.done()
    closed = sum(r["closed"] for r in results)
    codes = sorted({c for r in results for c in r["codes"]})
    unit = results[0]["hist_us"]
    print("| target | subscribers | rate/s | published | delivered/s | p50 ms | p99 ms | loss | closed |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for step, rate in enumerate(rates):
        ok, elapsed = sent[step]
        got = sum(r["counts"].get(str(step), 0) for r in results)
        hists = [r["hist"].get(str(step), []) for r in results]
        loss = ok * (a.subscribers - closed) - got
        print(f"| {a.target} | {a.subscribers} | {rate} | {ok} | {got / elapsed:,.0f} | {hist_pct(hists, unit, .5):.1f} "
              f"| {hist_pct(hists, unit, .99):.1f} | {max(loss, 0)} | {closed}{' ' + str(codes) if codes else ''} |", flush=True)

def idle_c(a, per):
    before = rss_kib(a.server_pid)
    start = time.monotonic()
    subs = CSubs(a, per)
    subs.ready()
    connecting = time.monotonic() - start
    time.sleep(3)
    after = rss_kib(a.server_pid)
    opened = subs.status()
    subs.done()
    print(f"(connected in {connecting:.0f} s; {opened} still open when RSS was read)")
    print("| target | connections | RSS before KiB | RSS after KiB | KiB per connection |")
    print("|---|---:|---:|---:|---:|")
    print(f"| {a.target} | {opened} | {before} | {after} | {(after - before) / max(opened, 1):.2f} |", flush=True)

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))

async def idle_conns(url, n, ready, done, target, measured):
    conns = await connect_all(url, n, lambda c: Sub({"counts": {}, "lat": {}}, False))
    pinger = asyncio.create_task(keep_alive(conns, target))
    ready.send(len(conns))
    while not measured.is_set():
        await asyncio.sleep(0.2)
    ready.send(sum(1 for _, l in conns if l.closed is None))
    while not done.is_set():
        await asyncio.sleep(0.2)

def idle(a):
    per = [a.subscribers // a.procs + (1 if i < a.subscribers % a.procs else 0) for i in range(a.procs)]
    if a.client == "c":
        return idle_c(a, per)
    before = rss_kib(a.server_pid)
    done, measured, pipes, procs = mp.Event(), mp.Event(), [], []
    start = time.monotonic()
    for n in per:
        rx, tx = mp.Pipe(False)
        p = mp.Process(target=lambda n=n, tx=tx: asyncio.run(idle_conns(a.ws, n, tx, done, a.target, measured)))
        p.start(); procs.append(p); pipes.append(rx)
    sum(rx.recv() for rx in pipes)
    connecting = time.monotonic() - start
    time.sleep(3)
    after = rss_kib(a.server_pid)
    measured.set()
    opened = sum(rx.recv() for rx in pipes)
    print(f"(connected in {connecting:.0f} s; {opened} still open when RSS was read)")
    done.set()
    for p in procs:
        p.join()
    print("| target | connections | RSS before KiB | RSS after KiB | KiB per connection |")
    print("|---|---:|---:|---:|---:|")
    print(f"| {a.target} | {opened} | {before} | {after} | {(after - before) / max(opened, 1):.2f} |")

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["fanout", "idle"])
    ap.add_argument("--target", default="showrunner", choices=["showrunner", "nchan", "ceiling"])
    ap.add_argument("--client", default="picows", choices=["picows", "c"])
    ap.add_argument("--ws", required=True)
    ap.add_argument("--http", default="127.0.0.1:8080")
    ap.add_argument("--room", default="bench")
    ap.add_argument("--token", default="")
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--rates", default="100,500,1000,2000")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--pub-conns", type=int, default=8,
                    help="publisher keep-alive connections, one request in flight on each")
    ap.add_argument("--sample-every", type=int, default=10)
    ap.add_argument("--server-pid", type=int, default=0)
    a = ap.parse_args()
    create_room(a)
    fanout(a) if a.mode == "fanout" else idle(a)
