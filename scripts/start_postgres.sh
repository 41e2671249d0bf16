#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the cross-engine test and prints its port.
#   scripts/start_postgres.sh [DIR]     (default DIR: .engines/postgres)
# The cluster lives in DIR/data, is owned by the user `postgres` when run as root (initdb
# refuses root), listens on 127.0.0.1 only, on a free port, with trust auth for local
# connections only. Idempotent: a cluster already running from DIR is reused. Writes the
# port to DIR/port. Stop it with `scripts/start_postgres.sh --stop [DIR]`.
set -euo pipefail

stop=0
if [ "${1:-}" = "--stop" ]; then stop=1; shift; fi
dir="$(mkdir -p "${1:-.engines/postgres}" && cd "${1:-.engines/postgres}" && pwd)"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bindir" ]; then
  echo "start_postgres: PostgreSQL not installed (run scripts/install_engines.sh)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi

if [ "$stop" = 1 ]; then
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
  exit 0
fi

if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  cat "$dir/port"
  exit 0
fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
echo "$port" >"$dir/port"
# Unix socket in DIR (not /var/run/postgresql, which may not exist or belong to the system).
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC -c shared_buffers=256MB -c work_mem=64MB" \
  start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
echo "$port"
