#!/usr/bin/env python3
"""Hostile and sloppy clients against a running switchboard, while a victim keeps working.

Starts the server on a free port with a temporary data directory (SWITCHBOARD_API_KEY preset,
access log off, deadlines shortened with the serve flags so the run takes a few minutes), then
runs each attack while a separate "victim" process makes normal authenticated GET and POST
requests and records their latency. One line per attack: PASS/FAIL, what the attacker got
(status codes or closed connections, time to cut), the server's RSS before/after, and the
victim's p99 and errors during the attack. Exits non-zero on any FAIL or if the server died.

    scripts/attack/hostile_clients.py --binary build/release/src/switchboard [--quick]

It builds nothing. Python standard library only.
"""
import argparse
import asyncio
import http.client
import json
import multiprocessing as mp
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HEADER_TIMEOUT = 2
BODY_TIMEOUT = 2
FIRST_BYTE_TIMEOUT = 10
IDLE_TIMEOUT = 5
JSON_BODY_LIMIT = 1 << 20
BODY_MEMORY_LIMIT = 64 << 20
ORG_RATE = 200
AUTH_RATE = 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Server:
    """One switchboard process on a fresh data directory."""

    def __init__(self, binary, extra_args=(), nofile=None):
        self.dir = tempfile.TemporaryDirectory(prefix="switchboard-hostile-")
        self.key = str(uuid.uuid4())
        self.port = free_port()
        args = [binary, "serve", "--port", str(self.port), "--data-dir",
                os.path.join(self.dir.name, "data"), "--access-log", "off", *extra_args]
        env = dict(os.environ, SWITCHBOARD_API_KEY=self.key)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        self.stderr = open(os.path.join(self.dir.name, "stderr"), "w+")
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, preexec_fn=limit)
        line = self.proc.stdout.readline()
        if "listening" not in line:
            raise RuntimeError(f"server did not start: {line}{self.stderr_text()}")
        # The byo-sip-trunk credential the numbers created here name: the server checks that a
        # credentialId is one of the org's.
        status, data = self.request("POST", "/credential", json.dumps(
            {"provider": "byo-sip-trunk", "name": "hostile trunk", "gateways": [{"ip": "192.0.2.10"}]}))
        if status != 201:
            raise RuntimeError(f"creating the credential answered {status}: {data[:300]!r}")
        self.credential_id = json.loads(data)["id"]

    def alive(self):
        return self.proc.poll() is None

    def rss_mb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stderr_text(self):
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()

    def request(self, method, path, body=None, key=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Authorization": f"Bearer {key or self.key}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, data

    def create_org(self, binary, name):
        out = subprocess.run([binary, "org", "create", name, "--data-dir",
                              os.path.join(self.dir.name, "data")],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])["apiKey"]

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stdout_rest = self.proc.stdout.read()
        text = self.stderr_text()
        self.stderr.close()
        self.dir.cleanup()
        return self.proc.returncode, text


# --- the victim: a separate process, so the attacker's Python never delays it ----------------

def victim_main(port, key, credential_id, number_prefix, records, stop):
    conn = None
    seen_id = None
    i = 0
    while not stop.is_set():
        i += 1
        post = i % 5 == 1 or seen_id is None
        if post:
            body = json.dumps({"provider": "byo-phone-number", "credentialId": credential_id,
                               "number": f"{number_prefix}{i:06d}", "name": "victim"})
            method, path = "POST", "/phone-number"
        else:
            body, method, path = None, "GET", f"/phone-number/{seen_id}"
        started = time.monotonic()
        status = 0
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {"Authorization": f"Bearer {key}"}
            if body:
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            status = r.status
            if post and status == 201:
                seen_id = json.loads(data)["id"]
            if r.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            if conn:
                conn.close()
            conn = None
        elapsed = time.monotonic() - started
        records.put((started, elapsed, status in (200, 201), status))
        time.sleep(0.01)


class Victim:
    def __init__(self, server, prefix):
        self.records_q = mp.Queue()
        self.stop_event = mp.Event()
        self.records = []
        self.proc = mp.Process(target=victim_main,
                               args=(server.port, server.key, server.credential_id, prefix,
                                     self.records_q, self.stop_event), daemon=True)
        self.proc.start()

    def drain(self):
        while True:
            try:
                self.records.append(self.records_q.get_nowait())
            except Exception:
                return

    def window(self, start, end):
        self.drain()
        return [r for r in self.records if start <= r[0] <= end]

    def stop(self):
        self.stop_event.set()
        self.proc.join(timeout=15)
        self.drain()


def p99_ms(records):
    if not records:
        return float("nan")
    latencies = sorted(r[1] for r in records)
    return latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000


# --- raw connections -----------------------------------------------------------------------

async def exchange(port, chunks, timeout=10.0):
    """Sends chunks (bytes; a float pauses that many seconds); reads until closed/timeout.
    Returns (received bytes, closed, seconds from connect to close or timeout)."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return b"", True, time.monotonic() - started
    received = bytearray()
    closed = False

    async def read():
        nonlocal closed
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    closed = True
                    return
                received.extend(data)
        except OSError:
            closed = True

    reading = asyncio.ensure_future(read())
    try:
        for chunk in chunks:
            if reading.done():
                break
            if isinstance(chunk, float):
                await asyncio.wait([reading], timeout=chunk)
            else:
                writer.write(chunk)
                await writer.drain()
    except OSError:
        pass
    try:
        await asyncio.wait_for(asyncio.shield(reading), timeout=max(0.0, timeout - (time.monotonic() - started)))
    except asyncio.TimeoutError:
        reading.cancel()
    elapsed = time.monotonic() - started
    writer.transport.abort()
    return bytes(received), closed, elapsed


def statuses(raw):
    """Status codes of the HTTP responses in a raw byte stream, in order."""
    out = []
    rest = raw
    while rest.startswith(b"HTTP/"):
        head_end = rest.find(b"\r\n\r\n")
        if head_end < 0:
            break
        head = rest[:head_end].decode("latin1")
        out.append(int(head.split(" ", 2)[1]))
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        rest = rest[head_end + 4 + length:]
    return out


def head(server, method, path, headers=None, version="1.1", key=True):
    lines = [f"{method} {path} HTTP/{version}", "Host: switchboard"]
    if key:
        lines.append(f"Authorization: Bearer {key if isinstance(key, str) else server.key}")
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def summarize(codes):
    counts = {}
    for c in codes:
        counts[c] = counts.get(c, 0) + 1
    return " ".join(f"{k}x{v}" for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])))


# --- attacks: each returns (ok, what happened) -----------------------------------------------

async def slowloris(server, n=1000):
    request = head(server, "GET", "/phone-number", {"X-Padding": "x" * 64})
    async def one():
        chunks = []
        for b in request:
            chunks += [bytes([b]), 1.0]
        return await exchange(server.port, chunks, timeout=HEADER_TIMEOUT + 8)
    results = await asyncio.gather(*(one() for _ in range(n)))
    codes = [(statuses(r)[:1] or ["closed" if c else "open"])[0] for r, c, _ in results]
    cut = [t for _, c, t in results if c]
    ok = len(cut) == n and all(c == 408 for c in codes) and max(cut) < HEADER_TIMEOUT + 3
    return ok, f"{summarize(codes)}; cut after {min(cut or [0]):.1f}-{max(cut or [0]):.1f} s"


async def open_idle(port, n, batch=500):
    conns = []
    async def one():
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port)
            conns.append((r, w, time.monotonic()))
        except OSError:
            pass
    for i in range(0, n, batch):
        await asyncio.gather(*(one() for _ in range(min(batch, n - i))))
    return conns


async def wait_closed(conns, timeout):
    async def one(r, w, opened):
        try:
            data = await asyncio.wait_for(r.read(1), timeout)
            return time.monotonic() - opened if not data else None
        except (asyncio.TimeoutError, OSError):
            return None
        finally:
            w.transport.abort()
    return await asyncio.gather(*(one(*c) for c in conns))


async def idle_flood(server, n=10_000, report=None):
    before = server.rss_mb()
    conns = await open_idle(server.port, n)
    await asyncio.sleep(1.0)
    during = server.rss_mb()
    if report is not None:
        report["rss_idle"] = (before, during, len(conns))
    cut = await wait_closed(conns, FIRST_BYTE_TIMEOUT + 10)
    closed = [t for t in cut if t is not None]
    per_conn_kb = (during - before) * 1024 / max(1, len(conns))
    ok = len(conns) == n and len(closed) == n and max(closed) < FIRST_BYTE_TIMEOUT + 3
    return ok, (f"{len(conns)} open, RSS {before:.0f}->{during:.0f} MB while held "
                f"({per_conn_kb:.1f} KB each); all closed silently after "
                f"{min(closed or [0]):.1f}-{max(closed or [0]):.1f} s" if closed else "none closed")


async def slow_body(server, n=50):
    chunks = [head(server, "POST", "/phone-number",
                   {"Content-Type": "application/json", "Content-Length": 100})]
    for _ in range(20):
        chunks += [b" ", 1.0]
    results = await asyncio.gather(*(exchange(server.port, chunks, timeout=BODY_TIMEOUT + 8)
                                     for _ in range(n)))
    codes = [(statuses(r)[:1] or ["closed"])[0] for r, _, _ in results]
    cut = [t for _, c, t in results if c]
    ok = len(cut) == n and all(c == 408 for c in codes) and max(cut) < BODY_TIMEOUT + 3
    return ok, f"{summarize(codes)}; cut after {min(cut or [0]):.1f}-{max(cut or [0]):.1f} s"


async def body_over_limit(server):
    size = 10 * JSON_BODY_LIMIT
    h = head(server, "POST", "/phone-number",
             {"Content-Type": "application/json", "Content-Length": size})
    t0 = time.monotonic()
    raw, closed, _ = await exchange(server.port, [h], timeout=5)
    announced = time.monotonic() - t0
    raw2, closed2, sent_t = await exchange(server.port, [h, b" " * size], timeout=10)
    ok = statuses(raw) == [413] and closed and statuses(raw2) == [413] and closed2
    return ok, (f"announced 10 MiB: {statuses(raw)} in {announced * 1000:.0f} ms, closed={closed}; "
                f"sent anyway: {statuses(raw2)}, closed={closed2} after {sent_t:.1f} s")


async def upload_flood(server, n=200, size=1_000_000):
    """Many clients upload near-limit bodies at once: bodies in memory stay bounded."""
    body = b'{"provider":"byo-phone-number"' + b" " * (size - 31) + b"}"
    h = head(server, "POST", "/phone-number",
             {"Content-Type": "application/json", "Content-Length": len(body), "Connection": "close"})
    before = server.rss_mb()
    peak = [before]
    async def watch():
        while True:
            peak[0] = max(peak[0], server.rss_mb())
            await asyncio.sleep(0.05)
    watcher = asyncio.ensure_future(watch())
    results = await asyncio.gather(*(exchange(server.port, [h, body], timeout=20) for _ in range(n)))
    watcher.cancel()
    codes = [(statuses(r)[:1] or ["closed"])[0] for r, _, _ in results]
    growth = peak[0] - before
    ok = all(c in (400, 503) for c in codes) and growth < BODY_MEMORY_LIMIT / (1 << 20) * 3 + 64
    return ok, (f"{n} x {size / 1e6:.0f} MB bodies: {summarize(codes)}; RSS peak +{growth:.0f} MB "
                f"(--body-memory-limit {BODY_MEMORY_LIMIT >> 20} MiB)")


async def json_bombs(server):
    def post(body):
        return head(server, "POST", "/phone-number",
                    {"Content-Type": "application/json", "Content-Length": len(body),
                     "Connection": "close"}) + body
    credential = server.credential_id.encode()
    cases = {
        "deep 100k": b'{"name":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "huge array": b'{"provider":"byo-phone-number","credentialId":"' + credential + b'","hooks":['
                      + b",".join([b"1"] * 400_000) + b"]}",
        "bad UTF-8": b'{"provider":"byo-phone-number","credentialId":"' + credential
                     + b'","name":"caf\xc3\x28"}',
        "many keys": b"{" + b",".join(b'"k%d":1' % i for i in range(60_000)) + b"}",
    }
    parts, ok = [], True
    for name, body in cases.items():
        t0 = time.monotonic()
        raw, _, _ = await exchange(server.port, [post(body)], timeout=10)
        ms = (time.monotonic() - t0) * 1000
        codes = statuses(raw)
        ok = ok and codes == [400] and ms < 2000
        parts.append(f"{name} ({len(body) // 1024} KB): {codes} in {ms:.0f} ms")
    number = f"+1415{random.randint(1000000, 9999999)}"
    dup = (f'{{"provider":"byo-phone-number","credentialId":"{server.credential_id}","number":"{number}",'
           f'"name":"first","name":"last"}}').encode()
    raw, _, _ = await exchange(server.port, [post(dup)], timeout=10)
    last = b'"name":"last"' in raw and statuses(raw) == [201]
    ok = ok and last
    parts.append(f"duplicate keys: {statuses(raw)}, last wins={last}")
    return ok, "; ".join(parts)


async def framing(server):
    """Lying Content-Lengths, pipelining, HTTP/1.0, garbage, oversized headers."""
    parts, ok = [], True
    def check(name, got, want, closed_ok=True):
        nonlocal ok
        good = got == want and closed_ok
        ok = ok and good
        parts.append(f"{name}: {got}{'' if good else ' (want ' + str(want) + ')'}")
    raw, closed, t = await exchange(server.port, [
        head(server, "POST", "/phone-number", {"Content-Type": "application/json",
                                               "Content-Length": 5}) + b'{"name":"x"}'])
    check("CL short", statuses(raw), [400, 400], closed)
    raw, closed, t = await exchange(server.port, [
        head(server, "POST", "/phone-number", {"Content-Type": "application/json",
                                               "Content-Length": 500}) + b'{"name":"x"}'])
    check(f"CL long ({t:.1f} s)", statuses(raw), [408], closed)
    raw, closed, _ = await exchange(server.port, [
        head(server, "POST", "/phone-number", {"Content-Length": 4, "Transfer-Encoding": "chunked"})
        + b"0\r\n\r\n"])
    check("CL+TE", statuses(raw), [400], closed)
    pipeline = b"".join(head(server, "GET", "/health", key=False) for _ in range(199))
    pipeline += head(server, "GET", "/health", {"Connection": "close"}, key=False)
    raw, closed, _ = await exchange(server.port, [pipeline])
    codes = statuses(raw)
    check("pipelined x200", f"{len(codes)} answered" if codes == [200] * 200 else codes,
          "200 answered", closed)
    raw, closed, _ = await exchange(server.port, [head(server, "GET", "/phone-number?limit=1",
                                                       version="1.0")])
    check("HTTP/1.0", (raw.split(b"\r\n", 1)[0].decode(), closed), ("HTTP/1.0 200 OK", True))
    raw, closed, _ = await exchange(server.port, [os.urandom(4096)])
    check("random bytes", statuses(raw), [400], closed)
    raw, closed, _ = await exchange(server.port, [
        head(server, "GET", "/health", {"X-Big": "a" * 20_000}, key=False)])
    check("20 KB header", statuses(raw), [431], closed)
    raw, closed, _ = await exchange(server.port, [b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n\r\n"])
    check("100 KB target", statuses(raw), [431], closed)
    return ok, "; ".join(parts)


async def bad_keys(server, n=3000, concurrency=20):
    codes = []
    async def worker(count):
        for _ in range(count):
            raw, _, _ = await exchange(server.port, [
                head(server, "GET", "/phone-number", {"Connection": "close"},
                     key=f"bad-{uuid.uuid4()}")], timeout=5)
            codes.extend(statuses(raw)[:1] or ["closed"])
    t0 = time.monotonic()
    await asyncio.gather(*(worker(n // concurrency) for _ in range(concurrency)))
    elapsed = time.monotonic() - t0
    looked_up = codes.count(401)
    ok = codes.count(429) > 0 and looked_up <= AUTH_RATE * (elapsed + 1) + AUTH_RATE
    return ok, (f"{len(codes)} requests with random keys in {elapsed:.1f} s: {summarize(codes)} "
                f"(database lookups <= {AUTH_RATE}/s)")


async def org_flood(server, key, seconds=4.0, connections=16):
    codes = []
    retry_after = set()
    deadline = time.monotonic() + seconds
    async def worker():
        while time.monotonic() < deadline:
            try:
                r, w = await asyncio.open_connection("127.0.0.1", server.port)
            except OSError:
                continue
            try:
                while time.monotonic() < deadline:
                    w.write(head(server, "GET", "/phone-number?limit=1", key=key))
                    await w.drain()
                    header = await r.readuntil(b"\r\n\r\n")
                    text = header.decode("latin1")
                    status = int(text.split(" ", 2)[1])
                    length = 0
                    for line in text.split("\r\n")[1:]:
                        name, _, value = line.partition(":")
                        if name.lower() == "content-length":
                            length = int(value)
                        if name.lower() == "retry-after":
                            retry_after.add(value.strip())
                    await r.readexactly(length)
                    codes.append(status)
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                w.transport.abort()
    await asyncio.gather(*(worker() for _ in range(connections)))
    allowed = codes.count(200)
    ok = codes.count(429) > 0 and allowed <= ORG_RATE * (seconds + 1) * 1.1 and bool(retry_after)
    return ok, (f"attacker org, {len(codes)} requests in {seconds:.0f} s: {summarize(codes)}; "
                f"Retry-After {sorted(retry_after)} (limit {ORG_RATE}/s)")


# --- the run ----------------------------------------------------------------------------------

class Run:
    def __init__(self, p99_bar_ms):
        self.p99_bar_ms = p99_bar_ms
        self.failed = False

    def line(self, name, ok, what, rss, victim_records):
        p99 = p99_ms(victim_records)
        errors = sum(1 for r in victim_records if not r[2])
        victim_ok = bool(victim_records) and errors == 0 and p99 <= self.p99_bar_ms
        passed = ok and victim_ok
        self.failed = self.failed or not passed
        print(f"{'PASS' if passed else 'FAIL'}  {name:<22} {what} | RSS {rss[0]:.0f}->{rss[1]:.0f} MB"
              f" | victim p99 {p99:.0f} ms, {len(victim_records)} requests, {errors} errors"
              f"{'' if victim_ok else ' (bar: 0 errors, p99 <= %d ms)' % self.p99_bar_ms}",
              flush=True)


async def attack(run, server, victim, name, coro):
    rss_before = server.rss_mb()
    start = time.monotonic()
    try:
        ok, what = await coro
    except Exception as e:  # an attack that crashes is a failed attack, not a crashed run
        ok, what = False, f"attack raised {type(e).__name__}: {e}"
    end = time.monotonic()
    await asyncio.sleep(0.3)
    if not server.alive():
        ok, what = False, what + "; SERVER DIED"
    run.line(name, ok, what, (rss_before, server.rss_mb()), victim.window(start, end))
    return server.alive()


async def cap_attack(binary, run):
    """A server with only 512 descriptors (so its connection cap drops to 384) against 1,500
    idle connections: idle ones are closed to make room, the victim is always served."""
    server = Server(binary, ["--first-byte-timeout", "60"], nofile=512)
    victim = Victim(server, "+1212")
    try:
        await asyncio.sleep(1.0)
        before = server.rss_mb()
        start = time.monotonic()
        conns = await open_idle(server.port, 1500, batch=100)
        await asyncio.sleep(2.0)
        end = time.monotonic()
        cut = await wait_closed(conns, 0.5)
        closed = sum(1 for t in cut if t is not None)
        ok = server.alive() and closed >= 1500 - 384
        what = (f"fd limit 512 -> cap 384; 1500 idle opened, {closed} closed to make room")
        run.line("idle flood past cap", ok, what, (before, server.rss_mb()),
                 victim.window(start, end))
    finally:
        victim.stop()
        code, stderr = server.stop()
        if code != 0 or "ERROR: AddressSanitizer" in stderr or "runtime error:" in stderr:
            run.failed = True
            print(f"FAIL  cap server exited with {code}:\n{stderr[-3000:]}")


async def main_async(args):
    raise_fd_limit()
    run = Run(args.victim_p99_ms)
    server = Server(args.binary, [
        "--header-timeout", str(HEADER_TIMEOUT), "--body-timeout", str(BODY_TIMEOUT),
        "--first-byte-timeout", str(FIRST_BYTE_TIMEOUT), "--idle-timeout", str(IDLE_TIMEOUT),
        "--json-body-limit", str(JSON_BODY_LIMIT), "--body-memory-limit", str(BODY_MEMORY_LIMIT),
        "--rate-limit", str(ORG_RATE), "--auth-rate-limit", str(AUTH_RATE)])
    attacker_key = server.create_org(args.binary, "attacker")
    victim = Victim(server, "+1415")
    report = {}
    try:
        await asyncio.sleep(1.0)
        idle_n = 2000 if args.quick else 10_000
        loris_n = 200 if args.quick else 1000
        attacks = [
            (f"slowloris x{loris_n}", lambda: slowloris(server, loris_n)),
            (f"idle x{idle_n}", lambda: idle_flood(server, idle_n, report)),
            ("slow body x50", lambda: slow_body(server)),
            ("body over limit", lambda: body_over_limit(server)),
            ("upload flood x200", lambda: upload_flood(server)),
            ("JSON bombs", lambda: json_bombs(server)),
            ("framing", lambda: framing(server)),
            ("bad-key flood", lambda: bad_keys(server)),
            ("org flood", lambda: org_flood(server, attacker_key)),
        ]
        for name, make in attacks:
            if not await attack(run, server, victim, name, make()):
                break
        status, _ = server.request("GET", "/phone-number?limit=1")
        if status != 200:
            run.failed = True
            print(f"FAIL  afterwards GET /phone-number answered {status}")
    finally:
        victim.stop()
        rss_end = server.rss_mb()
        died = not server.alive()
        code, stderr = server.stop()
    if died or code != 0 or "ERROR: AddressSanitizer" in stderr or "runtime error:" in stderr:
        run.failed = True
        print(f"FAIL  server {'died' if died else 'exited with %s' % code}:\n{stderr[-3000:]}")
    if "rss_idle" in report:
        before, during, n = report["rss_idle"]
        print(f"RSS with {n} idle connections: {during:.1f} MB ({before:.1f} MB before, "
              f"{(during - before) * 1024 / max(1, n):.1f} KB per connection); "
              f"{rss_end:.1f} MB at the end")
    if not args.skip_cap:
        await cap_attack(args.binary, run)
    return run.failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the switchboard binary to attack")
    parser.add_argument("--victim-p99-ms", type=float, default=500,
                        help="bar for the victim's p99 latency during each attack")
    parser.add_argument("--quick", action="store_true",
                        help="fewer connections (2,000 idle, 200 slowloris)")
    parser.add_argument("--skip-cap", action="store_true", help="skip the connection-cap server")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"not an executable: {args.binary}")
    t0 = time.monotonic()
    failed = asyncio.run(main_async(args))
    print(f"{'FAILED' if failed else 'ALL PASSED'} in {time.monotonic() - t0:.0f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
