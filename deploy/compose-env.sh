#!/usr/bin/env bash
# Writes the compose topology's .env at first start: a generated PostgreSQL password,
# Redis password and webhook signing secret (the dev sink's webhook, plain http allowed
# to it). An existing file is kept. Usage: deploy/compose-env.sh [PATH, default .env]
set -euo pipefail
cd "$(dirname "$0")/.."
env_file=${1:-.env}
if [ -e "$env_file" ]; then echo "compose-env: $env_file exists, kept"; exit 0; fi
secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
cat > "$env_file" <<ENV
POSTGRES_PASSWORD=$(secret)
REDIS_PASSWORD=$(secret)
CALLBACK_WEBHOOKS=app=http://dev-sink:8099/webhook/app|$(secret)
CALLBACK_ALLOW_HTTP=1
ENV
echo "compose-env: wrote $env_file (generated passwords; see .env.example for every setting)"
