#!/usr/bin/env python3
"""Time from exec() of the server to its first answered request (GET /health).

Usage: first_request.py BINARY PORT DATA_DIR. Prints milliseconds; kills the server after.
"""
import os
import socket
import subprocess
import sys
import time

binary, port, data_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
request = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
start = time.monotonic()
proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data_dir,
                         "--access-log", "off"], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
try:
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(request)
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.0005)
        if time.monotonic() - start > 10:
            sys.exit("server did not answer within 10 s")
    print(f"{(time.monotonic() - start) * 1000:.1f}")
finally:
    proc.terminate()
    proc.wait()
