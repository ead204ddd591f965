#!/usr/bin/env bash
# docs/schema.sql is the schema every migration makes, dumped from a migrated database, so
# the current shape of each table is one file to read. On the PostgreSQL server of
# DATABASE_URL (scripts/test.sh's throw-away one), in a database of its own:
#   scripts/schema.sh          rewrites docs/schema.sql
#   scripts/schema.sh --check  fails, showing the difference, when docs/schema.sql is not what the migrations make
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SUBAN_BIN:-$(swift build --show-bin-path)/suban}
: "${DATABASE_URL:?DATABASE_URL must name a PostgreSQL server (scripts/test.sh sets it)}"
server=${DATABASE_URL%/*}
database="schema_$$"
psql "$server/postgres" -qc "CREATE DATABASE $database"
trap 'psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1' EXIT
DATABASE_URL="$server/$database" LOG_LEVEL=warning "$bin" migrate >/dev/null
# Monthly timeline partitions are made for the months around today: only the parent is shown.
# pg_dump's version lines and its per-run \restrict keys are not part of the schema.
dump=$("$(pg_config --bindir)/pg_dump" --schema-only --no-owner --no-privileges --exclude-table='ticket_events_2*' "$server/$database" \
  | grep -v '^-- Dumped \|^\\restrict \|^\\unrestrict ' | cat -s)
header="-- The schema the migrations in Sources/SubanStore/migrations make, dumped by scripts/schema.sh.
-- Generated: change a migration (a new file), then run scripts/schema.sh; CI compares."
if [ "${1:-}" = --check ]; then
  if ! diff -u docs/schema.sql <(printf '%s\n%s\n' "$header" "$dump"); then
    echo "docs/schema.sql is not what the migrations make: run scripts/schema.sh and commit it" >&2; exit 1
  fi
  echo "docs/schema.sql: what the migrations make"
else
  printf '%s\n%s\n' "$header" "$dump" > docs/schema.sql
  echo "docs/schema.sql: $(grep -c '^CREATE TABLE' docs/schema.sql) tables"
fi
