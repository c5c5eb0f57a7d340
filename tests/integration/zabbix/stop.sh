#!/usr/bin/env bash
# Ends what start.sh DIR started: the PHP server, zabbix_server, PostgreSQL.
set -uo pipefail

dir=$(realpath "$1")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
for pidfile in "$dir/php.pid" "$dir/zabbix_server.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
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
