#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (Debian's `postgresql` package): `start DIR`
# makes a cluster in DIR, listening only on a Unix socket in DIR (so no port can clash),
# without fsync (it is thrown away), and prints its URL; `stop DIR` stops it. PostgreSQL
# refuses to run as root, so as root the cluster runs as the `postgres` user.
# `start DIR --durable` keeps fsync on (PostgreSQL's defaults: every commit is flushed), for
# the benchmarks, whose creates are measured durable.
set -euo pipefail

bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql (install postgresql)" >&2
  exit 1
fi
as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

command=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}
fsync=off
case "${3:-}" in
  "") ;;
  --durable) fsync=on ;;
  *) echo "usage: $0 start DIR [--durable] | stop DIR" >&2; exit 2 ;;
esac
case "$command" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U switchboard --no-sync \
      >"$dir/initdb.log" 2>&1
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
      "-k $dir -c listen_addresses='' -c fsync=$fsync -c max_connections=300" start >/dev/null
    echo "postgresql://switchboard@/postgres?host=$dir"
    ;;
  stop)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
