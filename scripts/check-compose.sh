#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine (Debian's docker-compose
# parses and resolves the file offline), and checks every role it names exists.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config --quiet
services=$(docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')
for role in migrate intake dispatch sla-sweeper callback analytics api; do
  case " $services " in *" $role "*) ;; *) echo "compose is missing the $role service" >&2; exit 1 ;; esac
done
echo "docker-compose.yml: valid; services: $services"
