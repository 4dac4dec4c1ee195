#!/usr/bin/env bash
# Sourced by tests/run: start_throwaway_pg starts a private PostgreSQL on a free loopback port
# (as the postgres user when run as root) and exports RMS_TEST_DATABASE_URL;
# stop_throwaway_pg stops it by its data directory and removes it.
PG_BIN=/usr/lib/postgresql/15/bin

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start_throwaway_pg() {
  RMS_PG_DIR=$(mktemp -d /tmp/rms-pg.XXXXXX)
  chmod 755 "$RMS_PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$RMS_PG_DIR"
  local port; port=$(free_port)
  pg_as_owner "$PG_BIN/initdb" -D "$RMS_PG_DIR/data" -A trust -U rms >"$RMS_PG_DIR/initdb.log"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$RMS_PG_DIR/data" -l "$RMS_PG_DIR/log" -w start \
    -o "-p $port -k $RMS_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
  export RMS_TEST_DATABASE_URL="postgresql://rms@127.0.0.1:$port/postgres"
  export RMS_PG_DIR
}

stop_throwaway_pg() {
  [ -n "${RMS_PG_DIR:-}" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$RMS_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$RMS_PG_DIR"
}
