#!/usr/bin/env bash
# A local PostgreSQL server for tests (Debian's package; installed if missing).
#   deploy/postgres/postgres.sh start|stop|status|createdb NAME...
# Environment: PGPORT (55432), PG_DATA_DIR (.local/postgres-<port>).
# Trust authentication on 127.0.0.1 only: this server is for tests, never production.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${PGPORT:-55432}"
data="${PG_DATA_DIR:-$root/.local/postgres-$port}"

die() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  return 1
}

ensure_installed() {
  bindir >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed: apt-get install postgresql"
  echo "postgres.sh: installing PostgreSQL (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir >/dev/null || die "PostgreSQL install did not provide pg_ctl"
}

# PostgreSQL refuses to run as root; as root we run it as the 'postgres' user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg() { as_owner "$(bindir)/$1" "${@:2}"; }

start() {
  ensure_installed
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data" && chmod 700 "$data"
    pg initdb -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if pg pg_ctl -D "$data" status >/dev/null 2>&1; then
    echo "postgres.sh: already running on 127.0.0.1:$port"; return 0
  fi
  rm -f "$data/postmaster.pid"  # stale after a crash; pg_ctl status said no server runs
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "port $port is taken by another process; set PGPORT"
  pg pg_ctl -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || die "start failed; see $data/server.log"
  echo "postgres.sh: up on 127.0.0.1:$port (data in $data)"
}

stop() {
  [ -f "$data/PG_VERSION" ] || { echo "postgres.sh: not running"; return 0; }
  pg pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 && echo "postgres.sh: stopped" || echo "postgres.sh: not running"
}

createdb() {
  for db in "$@"; do
    exists=$(pg psql -h 127.0.0.1 -p "$port" -U postgres -tAc "select 1 from pg_database where datname='$db'")
    [ "$exists" = 1 ] || pg psql -h 127.0.0.1 -p "$port" -U postgres -qc "create database $db" >/dev/null
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) pg pg_ctl -D "$data" status ;;
  createdb) shift; createdb "$@" ;;
  *) echo "usage: $0 start|stop|status|createdb NAME..." >&2; exit 2 ;;
esac
