#!/usr/bin/env bash
# Starts or stops a Redis and a PostgreSQL that belong to one folder, on loopback.
#   scripts/servers.sh start DIR REDIS_PORT PG_PORT   prints REDIS_URL=... and DATABASE_URL=...
#   scripts/servers.sh stop DIR
#   scripts/servers.sh stop-redis DIR       SIGTERM: Redis fsyncs its AOF and exits (start brings it back)
#   scripts/servers.sh crash-postgres DIR   immediate stop, as a crash: recovery replays the WAL on start
# PostgreSQL refuses to run as root, so as root its binaries run as the postgres user.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?folder}
bindir=$(pg_config --bindir)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  redis_port=${3:?redis port}; pg_port=${4:?postgres port}
  mkdir -p "$dir/redis" "$dir/pg"
  dir=$(cd "$dir" && pwd)
  if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    # 256 databases: each integration test takes one of its own (TestServers.freshRedis).
    redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --appendonly yes --appendfsync everysec \
      --databases 256 --save "" --daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" >/dev/null
  fi
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir/pg"; fi
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$dir/pg/data" status >/dev/null 2>&1; then
    as_pg "$bindir/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 60 \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $dir/pg -c max_connections=300 -c shared_buffers=256MB" start >/dev/null
  fi
  # PING answers LOADING while an AOF replays; only PONG means ready.
  for _ in $(seq 1 300); do [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'suban'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE ROLE suban LOGIN SUPERUSER"
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'suban'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE suban OWNER suban"
  echo "REDIS_URL=redis://127.0.0.1:$redis_port"
  echo "DATABASE_URL=postgresql://suban@127.0.0.1:$pg_port/suban"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/redis/redis.pid" ]; then kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true; fi
  if [ -f "$dir/pg/data/PG_VERSION" ]; then as_pg "$bindir/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  ;;
stop-redis)
  dir=$(cd "$dir" && pwd)
  pid=$(cat "$dir/redis/redis.pid")
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  ;;
crash-postgres)
  dir=$(cd "$dir" && pwd)
  as_pg "$bindir/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null
  ;;
*) echo "usage: $0 start DIR REDIS_PORT PG_PORT | stop DIR | stop-redis DIR | crash-postgres DIR" >&2; exit 2 ;;
esac
