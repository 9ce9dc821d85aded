#!/usr/bin/env python3
"""Fails when a source folder includes one it must not (the layers of docs/architecture.md).

Layers point one way: core <- contract, storage <- domain <- runtime, telephony, webhooks <- api
<- app <- main; media/ (audio codecs, resampling, voice detection, pacing) stands on core alone
and serves runtime, telephony and above. http/ (message types, router, dispatcher, error mapping) and net/ (the server and
the outbound clients) sit beside them: below api/ only http/message.hpp (plain request and
response values) and net/'s outbound clients may be used, never the router, the dispatcher,
the error mapping or the server.

Usage: python3 scripts/check_layers.py [--root DIR]   (exit 1 and one line per violation)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# Folder -> the folders its files may include (its own is always allowed).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "media": {"core"},
    "contract": {"core"},
    "storage": {"core"},
    "domain": {"core", "contract", "storage"},
    "http": {"core", "contract"},
    "net": {"core", "http"},
    "webhooks": {"core", "contract", "storage", "domain", "http", "net"},
    "runtime": {"core", "media", "contract", "storage", "domain", "webhooks", "http", "net"},
    "telephony": {"core", "media", "contract", "storage", "domain", "webhooks", "http", "net"},
    "auth": {"core", "storage", "http"},
    "api": {"core", "media", "contract", "storage", "domain", "runtime", "telephony", "webhooks", "auth",
            "http", "net"},
    "app": {"core", "media", "contract", "storage", "domain", "runtime", "telephony", "webhooks", "auth",
            "http", "net", "api"},
    "main.cpp": {"app"},
}

# Below api/, the only headers of http/ and net/ that may be used.
BELOW_API = {"domain", "webhooks", "runtime", "telephony", "storage", "contract", "core", "media"}
BELOW_API_HEADERS = {
    "http/message.hpp",             # request and response values, no routing or error mapping
    "net/http_client.hpp",          # the outbound client
    "net/outbound_target.hpp",      # where an outbound request goes
    "net/io_threads.hpp",           # the context and clock a component is placed on
    "net/timer.hpp",                # a timer on a component's context and clock
    "net/websocket.hpp",            # the outbound WebSocket client and the socket interface
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path: Path, src: Path) -> str:
    rel = path.relative_to(src)
    return rel.parts[0] if len(rel.parts) > 1 else rel.name


def violations(src: Path) -> list[str]:
    found = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".cpp", ".hpp", ".h"):
            continue
        layer = folder_of(path, src)
        if layer not in ALLOWED:
            found.append(f"{path}: folder {layer}/ has no place in the layers (add it to ALLOWED)")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(1)
            target = header.split("/")[0] if "/" in header else None
            if target is None or target == layer:
                continue
            where = f"{path.relative_to(src.parent)}:{number}"
            if target not in ALLOWED[layer]:
                found.append(f"{where}: {layer}/ must not include {header}")
            elif layer in BELOW_API and target in ("http", "net") and header not in BELOW_API_HEADERS:
                found.append(f"{where}: below api/, {layer}/ may use only "
                             f"{', '.join(sorted(BELOW_API_HEADERS))}, not {header}")
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    found = violations(args.root / "src")
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"layer check: {len(found)} include(s) against the layers", file=sys.stderr)
        return 1
    print("layer check: every include follows the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
