#!/usr/bin/env python3
"""First-token latency of streamed chats, through Switchboard and straight from the stand-in.

A blocking raw-socket client, one request at a time: a garbage-collected client's own pauses
would be larger than what is measured. The stand-in's model "bench:<n>:<ms>" puts its
process.hrtime (CLOCK_MONOTONIC, like time.monotonic_ns) in the first delta's text at the
moment it writes it; the sample is the time from then to the recv() that brings it here.

  chat_latency.py --switchboard URL --key KEY --assistant ID --standin URL [--chats 1000]
"""
import argparse
import json
import re
import socket
import time
from urllib.parse import urlparse

STAMP = re.compile(rb"t=(\d+);")


def post_stream(url, path, headers, body):
    """Sends one POST and reads until the stream ends; returns the first-token latency (ms)."""
    u = urlparse(url)
    payload = json.dumps(body).encode()
    head = f"POST {path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((u.hostname, u.port), timeout=30) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(head.encode() + payload)
        seen = b""
        tail = b""
        latency = None
        while True:
            chunk = s.recv(65536)
            now = time.monotonic_ns()
            if not chunk:
                break
            # Both answer chunked; the last chunk ends the answer (no need to wait for the close).
            tail = (tail + chunk)[-5:]
            if latency is not None and tail == b"0\r\n\r\n":
                break
            if latency is None:
                seen += chunk
                m = STAMP.search(seen)
                if m:
                    latency = (now - int(m.group(1))) / 1e6
        if latency is None:
            raise RuntimeError(f"no stamped token in the answer: {seen[:300]!r}")
        return latency


def pct(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(p * len(s)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--switchboard", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--assistant", required=True)
    ap.add_argument("--standin", required=True)
    ap.add_argument("--model", default="bench:3:5")
    ap.add_argument("--chats", type=int, default=1000)
    a = ap.parse_args()
    through_headers = {"Authorization": f"Bearer {a.key}"}
    direct_body = {"model": a.model, "stream": True,
                   "messages": [{"role": "system", "content": "Be quick."},
                                {"role": "user", "content": "hello"}]}
    chat_body = {"assistantId": a.assistant, "input": "hello", "stream": True}

    def through():
        return post_stream(a.switchboard, "/chat", through_headers, chat_body)

    def direct():
        return post_stream(a.standin, "/v1/chat/completions", {}, direct_body)

    for _ in range(30):  # warm-up
        through()
        direct()
    t, d = [], []
    for _ in range(a.chats):
        t.append(through())
        d.append(direct())

    def fmt(xs):
        return f"p50 {pct(xs, .5):.3f} ms  p99 {pct(xs, .99):.3f} ms  max {max(xs):.3f} ms"

    print(f"first token → client, {a.chats} streamed chats one at a time (raw-socket client)")
    print(f"  through Switchboard  {fmt(t)}")
    print(f"  straight (reference) {fmt(d)}")
    print(f"  added by Switchboard p50 {pct(t, .5) - pct(d, .5):.3f} ms  "
          f"p99 {pct(t, .99) - pct(d, .99):.3f} ms  (target p99 <= 2 ms)")


if __name__ == "__main__":
    main()
