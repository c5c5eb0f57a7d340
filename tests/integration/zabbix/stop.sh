#!/usr/bin/env bash
# Ends what start.sh DIR started: the PHP server, zabbix_server, PostgreSQL.
set -uo pipefail

dir=$(realpath "$1")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
[ -f "$dir/php.pid" ] && kill "$(cat "$dir/php.pid")" 2>/dev/null
if [ -f "$dir/zabbix_server.pid" ]; then
  server=$(cat "$dir/zabbix_server.pid")
  kill -TERM "$server" 2>/dev/null
  for _ in $(seq 1 50); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  # A server that is still there waits for its database; it must not outlive it.
  pkill -KILL -P "$server" 2>/dev/null
  kill -KILL "$server" 2>/dev/null
fi
pg_home=$(cat "$dir/pg_home" 2>/dev/null) || exit 0
if [ -f "$pg_home/data/postmaster.pid" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_home/data" -m immediate stop >/dev/null
  else
    "$pg_bin/pg_ctl" -D "$pg_home/data" -m immediate stop >/dev/null
  fi
fi
# Outside DIR when started as root (see start.sh), so not removed with it.
case "$pg_home" in /tmp/noc-zabbix-pg.*) rm -rf "$pg_home" ;; esac
exit 0
