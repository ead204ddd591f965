#!/usr/bin/env bash
# Starts the whole system locally: Redis and PostgreSQL under ./var, the schema,
# every role with its replica count, supervised (restarted on crash), then a
# demo workload. Ctrl-C stops everything.
#   INTAKE=2 DISPATCH=2 SWEEPER=1 CALLBACK=1 API=1 DEMO_COUNT=200 BUILD=release scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
INTAKE=${INTAKE:-2}; DISPATCH=${DISPATCH:-2}; SWEEPER=${SWEEPER:-1}; CALLBACK=${CALLBACK:-1}; API=${API:-1}
DEMO_COUNT=${DEMO_COUNT:-200}; BUILD=${BUILD:-release}
REDIS_PORT=${REDIS_PORT:-6390}; PG_PORT=${PG_PORT:-5440}
STAY=${STAY:-1}

bash scripts/install-deps.sh
echo "building ($BUILD)..."
swift build -c "$BUILD" --product suban
bin="$(swift build -c "$BUILD" --show-bin-path)/suban"

mkdir -p var/log
rm -f var/stopping
eval "export $(bash scripts/servers.sh start var "$REDIS_PORT" "$PG_PORT" | tr '\n' ' ')"
echo "redis $REDIS_URL, postgres $DATABASE_URL"
"$bin" migrate

pids=()
# Restarts a role whenever it exits, until the script stops.
supervise() {
  local name=$1; shift
  ( trap 'kill $child 2>/dev/null; wait $child 2>/dev/null; exit 0' TERM INT
    while true; do
      "$bin" "$@" >>"var/log/$name.log" 2>&1 & child=$!
      wait $child || true
      [ -f var/stopping ] && exit 0
      echo "$(date -u +%FT%TZ) $name exited, restarting" >>"var/log/supervisor.log"
      sleep 1
    done ) &
  pids+=($!)
}
stop_all() {
  echo; echo "stopping..."
  touch var/stopping
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/servers.sh stop var
}
trap stop_all EXIT
trap 'exit 130' INT TERM

for i in $(seq 0 $((INTAKE - 1))); do supervise "intake-$i" intake --port $((8080 + 100 * i)); done
for i in $(seq 0 $((DISPATCH - 1))); do supervise "dispatch-$i" dispatch; done
for i in $(seq 0 $((SWEEPER - 1))); do supervise "sla-sweeper-$i" sla-sweeper; done
# SMS and webhooks go to a local sink in development: var/log/dev-sink.log shows every message.
supervise dev-sink dev-sink --port 8099
export SMS_GATEWAY_URL=http://127.0.0.1:8099/sms CALLBACK_WEBHOOKS="app=http://127.0.0.1:8099/webhook/app|dev-secret"
for i in $(seq 0 $((CALLBACK - 1))); do supervise "callback-$i" callback; done
for i in $(seq 0 $((API - 1))); do supervise "api-$i" api --port $((8081 + 100 * i)); done
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:8080/health >/dev/null && break; sleep 0.2; done
echo "intake: http://127.0.0.1:8080 (+$((INTAKE - 1)) more on 8180, 8280, ...), api: http://127.0.0.1:8081, logs: var/log/"

for _ in $(seq 1 100); do curl -sf http://127.0.0.1:8081/health >/dev/null && break; sleep 0.2; done
"$bin" demo --intake http://127.0.0.1:8080 --api http://127.0.0.1:8081 --count "$DEMO_COUNT"
"$bin" status   # streams, consumer groups, dead letters, the outbox and deadlines after the demo
if [ "$STAY" = 1 ]; then
  echo "running; Ctrl-C stops everything"
  # A background sleep, so a signal to this script runs its trap at once.
  while true; do sleep 3600 & wait $!; done
fi
