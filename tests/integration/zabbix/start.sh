#!/usr/bin/env bash
# Starts a throwaway Zabbix 6.0 in DIR from the Debian 12 packages: PostgreSQL 15 in
# DIR/pg, zabbix_server with its trapper on TRAPPER_PORT, and the PHP frontend's API
# on http://127.0.0.1:WEB_PORT/api_jsonrpc.php (php -S). Nothing outside DIR is
# changed; stop.sh DIR ends every process started here.
#
#   start.sh DIR PG_PORT TRAPPER_PORT WEB_PORT     (TRAPPER_PORT: 1024 to 32767)
#
# Needs: zabbix-server-pgsql zabbix-frontend-php php-cli php-pgsql postgresql.
set -euo pipefail

dir=$(realpath "$1")
pg_port=$2
trapper_port=$3
web_port=$4
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
if [ "$trapper_port" -lt 1024 ] || [ "$trapper_port" -gt 32767 ]; then
  echo "zabbix_server takes a ListenPort of 1024 to 32767 only, not $trapper_port" >&2
  exit 2
fi
mkdir -p "$dir"

# PostgreSQL refuses to run as root; run it as the postgres user then, in a folder
# that user can reach (DIR may be inside a private temporary folder of root's).
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres
  as_pg=(runuser -u postgres --)
  pg_home=$(mktemp -d /tmp/noc-zabbix-pg.XXXXXX)
  chown postgres "$pg_home"
else
  pg_user=$(id -un)
  as_pg=()
  pg_home=$dir/pg
  mkdir -p "$pg_home"
fi
echo "$pg_home" >"$dir/pg_home"
run=$pg_home/run
"${as_pg[@]}" mkdir -p "$run"

"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_home/data" -U "$pg_user" --auth=trust -E UTF8 \
  --locale=C.UTF-8 >"$dir/initdb.log"
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_home/data" -l "$pg_home/postgres.log" -w \
  -o "-p $pg_port -k $run -c listen_addresses='' -c fsync=off -c full_page_writes=off" \
  start >/dev/null
psql=("${as_pg[@]}" psql -h "$run" -p "$pg_port" -U "$pg_user" -v ON_ERROR_STOP=1 -q)
"${psql[@]}" -d postgres -c "CREATE DATABASE zabbix"
for part in schema images data; do
  zcat "/usr/share/zabbix-server-pgsql/$part.sql.gz" | "${psql[@]}" -d zabbix >/dev/null
done

cat >"$dir/zabbix_server.conf" <<EOF
ListenPort=$trapper_port
ListenIP=127.0.0.1
LogFile=$dir/zabbix_server.log
PidFile=$dir/zabbix_server.pid
SocketDir=$dir
DBHost=$run
DBPort=$pg_port
DBName=zabbix
DBUser=$pg_user
CacheUpdateFrequency=1
StartPollers=1
StartPollersUnreachable=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTimers=1
StartEscalators=1
StartAlerters=1
StartPreprocessors=1
AllowRoot=1
EOF
/usr/sbin/zabbix_server -c "$dir/zabbix_server.conf"

# The Debian frontend reads its settings from a fixed path under /etc; a copy that
# reads them from DIR leaves the system as it is.
cp -r /usr/share/zabbix "$dir/frontend"
sed -i "s|'/etc/zabbix/zabbix.conf.php'|'$dir/zabbix.conf.php'|" \
  "$dir/frontend/include/classes/core/CConfigFile.php"
cat >"$dir/zabbix.conf.php" <<EOF
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '$run';
\$DB['PORT'] = '$pg_port';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = '$pg_user';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '$trapper_port';
\$ZBX_SERVER_NAME = 'noc-test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
nohup php -S "127.0.0.1:$web_port" -t "$dir/frontend" >"$dir/php.log" 2>&1 &
echo $! >"$dir/php.pid"

for _ in $(seq 1 300); do
  if curl -sf -H 'Content-Type: application/json-rpc' \
    -d '{"jsonrpc":"2.0","method":"apiinfo.version","params":[],"id":1}' \
    "http://127.0.0.1:$web_port/api_jsonrpc.php" >/dev/null; then
    echo "http://127.0.0.1:$web_port/api_jsonrpc.php"
    exit 0
  fi
  sleep 0.1
done
echo "the Zabbix API did not answer within 30 s:" >&2
tail -n 20 "$dir/php.log" >&2
exit 1
