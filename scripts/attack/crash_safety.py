#!/usr/bin/env python3
"""Crash-safety attack: acknowledged writes must survive kill -9.

64 concurrent writers create and update phone numbers while the server is killed with
SIGKILL at a random moment; this repeats (20 rounds by default) on the same data directory.
After every restart, each write that got a 2xx must be present and intact (a write that was
in flight when the server died may or may not have landed), the database must pass
PRAGMA integrity_check, and the server must answer its first request well under a second.

    scripts/attack/crash_safety.py [--binary PATH] [--rounds 20] [--writers 64]

Without --binary it builds the Release binary first. Exits non-zero if any bar is missed.
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data_dir, key):
        self.binary, self.data_dir, self.key = binary, data_dir, key
        self.port = free_port()
        self.proc = None

    def start(self):
        """Starts the server; returns seconds from exec to the first answered request."""
        started = time.monotonic()
        env = dict(os.environ, SWITCHBOARD_API_KEY=self.key)
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--data-dir", self.data_dir,
             "--access-log", "off"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while time.monotonic() - started < 10:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return time.monotonic() - started
            except OSError:
                time.sleep(0.001)
        raise RuntimeError("server did not start within 10 s")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


class Ledger:
    """What clients were told. For each id: the number, the last acknowledged name, and every
    name sent since then without an answer (any of those may legitimately be stored)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.objects = {}  # id -> {"number": str, "acked": str, "pending": set}
        self.acked_writes = 0

    def created(self, obj_id, number, name):
        with self.lock:
            self.objects[obj_id] = {"number": number, "acked": name, "pending": set()}
            self.acked_writes += 1

    def sending(self, obj_id, name):
        with self.lock:
            self.objects[obj_id]["pending"].add(name)

    def updated(self, obj_id, name):
        with self.lock:
            entry = self.objects[obj_id]
            entry["acked"] = name
            entry["pending"] = set()
            self.acked_writes += 1


def create_credential(server):
    """A byo-sip-trunk credential for the numbers to name (the server checks a credentialId is
    one of the org's); returns its id."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    body = {"provider": "byo-sip-trunk", "name": "crash trunk", "gateways": [{"ip": "192.0.2.10"}]}
    conn.request("POST", "/credential", json.dumps(body),
                 {"Authorization": f"Bearer {server.key}", "Content-Type": "application/json"})
    res = conn.getresponse()
    data = res.read()
    if res.status != 201:
        raise RuntimeError(f"creating the credential answered {res.status}: {data[:300]!r}")
    return json.loads(data)["id"]


def writer(server, ledger, credential_id, writer_id, stop, round_no):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    headers = {"Authorization": f"Bearer {server.key}", "Content-Type": "application/json"}
    mine, seq = [], 0
    while not stop.is_set():
        seq += 1
        try:
            if not mine or random.random() < 0.6:
                number = f"+1{200 + round_no:03d}{writer_id:02d}{seq:05d}"
                name = f"w{writer_id}-created"
                body = {"provider": "byo-phone-number", "credentialId": credential_id, "number": number,
                        "name": name, "server": {"url": "https://example.com/hook"}}
                conn.request("POST", "/phone-number", json.dumps(body), headers)
                res = conn.getresponse()
                data = res.read()
                if res.status == 201:
                    obj = json.loads(data)
                    ledger.created(obj["id"], number, name)
                    mine.append(obj["id"])
            else:
                obj_id = random.choice(mine)
                name = f"w{writer_id}-v{seq}"
                ledger.sending(obj_id, name)
                conn.request("PATCH", f"/phone-number/{obj_id}", json.dumps({"name": name}), headers)
                res = conn.getresponse()
                res.read()
                if res.status == 200:
                    ledger.updated(obj_id, name)
        except (OSError, http.client.HTTPException):
            return  # the server is gone; whatever was in flight is unknown


def verify(server, ledger):
    """Returns (found, missing, corrupt) over every acknowledged object."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    headers = {"Authorization": f"Bearer {server.key}"}
    found = missing = corrupt = 0
    for obj_id, entry in ledger.objects.items():
        conn.request("GET", f"/phone-number/{obj_id}", headers=headers)
        res = conn.getresponse()
        data = res.read()
        if res.status == 404:
            missing += 1
            print(f"  MISSING {obj_id} {entry['number']}", file=sys.stderr)
            continue
        obj = json.loads(data)
        allowed = {entry["acked"]} | entry["pending"]
        if obj.get("number") != entry["number"] or obj.get("name") not in allowed:
            corrupt += 1
            print(f"  CORRUPT {obj_id}: {obj.get('number')} {obj.get('name')} "
                  f"(expected {entry['number']}, one of {sorted(allowed)})", file=sys.stderr)
            continue
        # What is stored now is the truth the next round builds on.
        entry["acked"], entry["pending"] = obj["name"], set()
        found += 1
    return found, missing, corrupt


def integrity_ok(data_dir):
    db = sqlite3.connect(f"file:{data_dir}/switchboard.db?mode=ro", uri=True, timeout=10)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def build_release():
    out = subprocess.run([os.path.join(ROOT, "scripts", "build-release.sh")], check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writers", type=int, default=64)
    args = parser.parse_args()
    binary = args.binary or build_release()

    data_dir = tempfile.mkdtemp(prefix="switchboard-crash-")
    server = Server(binary, data_dir, str(uuid.uuid4()))
    ledger = Ledger()
    failures, startup_times = 0, []
    startup_times.append(server.start())
    credential_id = create_credential(server)
    for round_no in range(1, args.rounds + 1):
        stop = threading.Event()
        threads = [threading.Thread(target=writer,
                                    args=(server, ledger, credential_id, w, stop, round_no))
                   for w in range(args.writers)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 2.0))
        server.kill()  # mid-write: no warning, no flush
        stop.set()
        for t in threads:
            t.join()
        startup_times.append(server.start())
        found, missing, corrupt = verify(server, ledger)
        intact = integrity_ok(data_dir)
        ok = missing == 0 and corrupt == 0 and intact
        failures += not ok
        print(f"round {round_no:2d}: acknowledged {ledger.acked_writes:6d} writes, "
              f"{len(ledger.objects):6d} objects: found {found}, missing {missing}, "
              f"corrupt {corrupt}, integrity {'ok' if intact else 'FAILED'}, "
              f"restart {startup_times[-1] * 1000:.0f} ms {'' if ok else 'FAIL'}", flush=True)
    server.kill()
    slowest = max(startup_times)
    print(f"\n{args.rounds} kill -9 rounds, {args.writers} writers: {ledger.acked_writes} writes "
          f"acknowledged, {len(ledger.objects)} objects all checked after every restart; "
          f"rounds failed: {failures}; restart to first answer: median "
          f"{sorted(startup_times)[len(startup_times) // 2] * 1000:.0f} ms, max {slowest * 1000:.0f} ms")
    subprocess.run(["rm", "-rf", data_dir])
    # No acknowledged write would make every check pass vacuously (e.g. every create refused).
    if failures or slowest >= 1.0 or ledger.acked_writes == 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
