#!/usr/bin/env bash
# Starts the whole system locally: Redis and PostgreSQL under ./var, the schema,
# every role with its replica count, supervised (restarted on crash), then a
# demo workload. Ctrl-C stops everything.
#   INTAKE=2 DISPATCH=2 SWEEPER=1 CALLBACK=1 ANALYTICS=1 API=1 DEMO_COUNT=200 BUILD=release scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
INTAKE=${INTAKE:-2}; DISPATCH=${DISPATCH:-2}; SWEEPER=${SWEEPER:-1}; CALLBACK=${CALLBACK:-1}; ANALYTICS=${ANALYTICS:-1}; API=${API:-1}
DEMO_COUNT=${DEMO_COUNT:-200}; BUILD=${BUILD:-release}
REDIS_PORT=${REDIS_PORT:-6390}; PG_PORT=${PG_PORT:-5440}
STAY=${STAY:-1}

bash scripts/install-deps.sh
echo "building ($BUILD)..."
swift build -c "$BUILD"
bin="$(swift build -c "$BUILD" --show-bin-path)/suban"

source scripts/fleet.sh
fleet_init "$bin" var
eval "export $(bash scripts/servers.sh start var "$REDIS_PORT" "$PG_PORT" | tr '\n' ' ')"
echo "redis $REDIS_URL, postgres $DATABASE_URL"
"$bin" migrate

stop_all() {
  echo; echo "stopping..."
  fleet_stop
  bash scripts/servers.sh stop var
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# Intake replicas on 8080, 8180, …; api on 8081, 8181, …; the SMS/webhook sink on 8099.
fleet_roles "$INTAKE" "$DISPATCH" "$SWEEPER" "$CALLBACK" "$ANALYTICS" "$API" 8080 8081 8099
fleet_await_health http://127.0.0.1:8080
echo "intake: http://127.0.0.1:8080 (+$((INTAKE - 1)) more on 8180, 8280, ...), api: http://127.0.0.1:8081, logs: var/log/"

fleet_await_health http://127.0.0.1:8081
"$(dirname "$bin")/suban-tools" demo --intake http://127.0.0.1:8080 --api http://127.0.0.1:8081 --count "$DEMO_COUNT"
"$bin" status   # streams, consumer groups, dead letters, the outbox and deadlines after the demo
if [ "$STAY" = 1 ]; then
  echo "running; Ctrl-C stops everything"
  # A background sleep, so a signal to this script runs its trap at once.
  while true; do sleep 3600 & wait $!; done
fi
