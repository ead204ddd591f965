#!/usr/bin/env bash
# Installs the system packages Suban builds and tests against, only when missing.
# A fresh machine has Swift and PostgreSQL 15 but no Redis and no hiredis headers.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -f /usr/include/hiredis/hiredis.h ] || need+=(libhiredis-dev)
[ -f /usr/include/postgresql/libpq-fe.h ] || need+=(libpq-dev)
command -v pg_config >/dev/null 2>&1 || need+=(postgresql)
[ -x "$(pg_config --bindir 2>/dev/null)/initdb" ] || need+=(postgresql)
command -v curl >/dev/null 2>&1 || need+=(curl)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts a system redis on install; Suban runs its own on loopback instead.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
