#!/usr/bin/env bash
# The compose topology for real, on a Docker engine of its own: builds the images with no
# registry (deploy/images/build.sh), starts docker-compose.yml with a generated .env, and then
#   1. steady load through the TLS gateway: every acknowledged appeal stored, dispatched, queued;
#   2. `--scale dispatch=3 --scale intake=2` under load: every new replica takes work;
#      a dispatch container killed (SIGKILL) and the PostgreSQL container restarted mid-load;
#   3. `compose down` and `up` again: the tickets and queues are still there (volumes);
# `suban-tools chaos check` after each: 0 lost, 0 doubled. Prints each phase's time and counts.
# Starts dockerd on its own socket and data root, and removes both at the end, pass or fail
# (COMPOSE_KEEP=1 keeps the containers' logs in artifacts/compose/ either way).
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${RATE:-20}
started=$SECONDS; phase_started=$SECONDS
phases=()
phase_done() { phases+=("$(printf '%-34s %4d s' "$1" $((SECONDS - phase_started)))"); echo "compose: $1 done in $((SECONDS - phase_started)) s"; phase_started=$SECONDS; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" iptables >/dev/null
fi
bash scripts/install-deps.sh
source scripts/ports.sh

work=$(mktemp -d /tmp/suban-compose.XXXXXX)
logs=artifacts/compose
rm -rf "$logs" && mkdir -p "$logs"
export DOCKER_HOST="unix://$work/docker.sock"
project=suban-compose-test
compose() { docker-compose -p "$project" --env-file "$work/.env" -f docker-compose.yml -f tests/compose/host-access.yml "$@"; }
status=1
finish() {
  set +e
  if [ "$status" != 0 ] || [ "${COMPOSE_KEEP:-0}" = 1 ]; then
    for service in $(compose config --services 2>/dev/null); do compose logs --no-color -t "$service" > "$logs/$service.log" 2>&1; done
    cp "$work/dockerd.log" "$logs/" 2>/dev/null
    echo "compose: containers' logs in $logs/"
  fi
  timeout 120 docker-compose -p "$project" --env-file "$work/.env" -f docker-compose.yml -f tests/compose/host-access.yml down -v --remove-orphans >/dev/null 2>&1
  if [ -f "$work/dockerd.pid" ]; then
    kill "$(cat "$work/dockerd.pid")" 2>/dev/null
    for _ in $(seq 1 50); do [ -f "$work/dockerd.pid" ] && kill -0 "$(cat "$work/dockerd.pid")" 2>/dev/null || break; sleep 0.2; done
  fi
  # The engine's overlay and namespace mounts, deepest first, then its data root.
  awk -v root="$work/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n 1 umount -l
  rm -rf "$work"
}
trap finish EXIT

# No default bridge: builds use the host's network, the topology its own compose network,
# so this engine never meets another one's docker0.
dockerd --host "$DOCKER_HOST" --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
  --bridge none >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 100); do docker info >/dev/null 2>&1 && break; sleep 0.3; done
docker info >/dev/null 2>&1 || { echo "dockerd did not start"; tail -n 30 "$work/dockerd.log"; exit 1; }
phase_done "dockerd started"

bash deploy/images/build.sh
bin=$(swift build -c release --show-bin-path)/suban-tools   # built by build.sh, for the load and the checks
phase_done "images built"

gateway_port=$(free_port 20000 25000 1)
redis_port=$(free_port 25000 27000); pg_port=$(free_port 27000 29000)
bash deploy/compose-env.sh "$work/.env" >/dev/null
cat >> "$work/.env" <<ENV
GATEWAY_INTAKE_PORT=$gateway_port
GATEWAY_API_PORT=$((gateway_port + 1))
TEST_REDIS_PORT=$redis_port
TEST_PG_PORT=$pg_port
INTAKE_RATE_LIMIT=1000
INTAKE_RATE_BURST=2000
ENV
setting() { sed -n "s/^$1=//p" "$work/.env"; }
export REDIS_URL="redis://:$(setting REDIS_PASSWORD)@127.0.0.1:$redis_port" DATABASE_URL="postgresql://suban:$(setting POSTGRES_PASSWORD)@127.0.0.1:$pg_port/suban"

# Every long-running container healthy and migrate exited 0, or the logs of those that are not.
await_topology() {
  local deadline=$((SECONDS + ${1:-240})) waiting
  while true; do
    waiting=""
    for id in $(compose ps -q); do
      read -r name state health code <<<"$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")"
      case "$name" in
        *migrate*) [ "$state" = exited ] && [ "$code" = 0 ] || waiting+=" ${name#/}($state)" ;;
        *) [ "$state" = running ] && { [ "$health" = healthy ] || [ "$health" = none ]; } || waiting+=" ${name#/}($state/$health)" ;;
      esac
    done
    [ -z "$waiting" ] && return 0
    if [ $SECONDS -ge $deadline ]; then
      echo "compose: not ready:$waiting"
      for name in $waiting; do docker logs --tail 30 "${name%%(*}" 2>&1 | sed "s/^/  ${name%%(*}: /"; done
      return 1
    fi
    sleep 2
  done
}

# The dev sink's log is its record of every message delivered, streamed to a file that outlives
# its container (`down` removes the container and its log).
follow_sink() { compose logs -f --no-color --no-log-prefix dev-sink >> "$work/sink.log" 2>/dev/null & }
compose up -d --quiet-pull 2>&1 | grep -v "^Creating\|^Starting" || true
await_topology
compose ps
follow_sink
phase_done "topology up and healthy"

docker cp "$(compose ps -q gateway):/etc/suban-tls/gateway.crt" "$work/gateway.crt"
intake_url="https://localhost:$gateway_port"; api_url="https://localhost:$((gateway_port + 1))"

# What each replica of a pool has handled, from its own /metrics inside the network.
handled() {  # service, metrics port, metric line pattern
  local total=0 id name count
  for id in $(compose ps -q "$1"); do
    name=$(docker inspect -f '{{.Name}}' "$id"); name=${name#/}
    count=$(docker exec "$id" curl -fsS "http://127.0.0.1:$2/metrics" 2>/dev/null | grep -E "$3" | awk '{s += $NF} END {printf "%d", s}')
    printf '  %-40s %s\n' "$name" "${count:-0}"
  done
}
dispatch_handled() { handled dispatch 9464 '^suban_stream_entries_total\{.*group="dispatch".*outcome="handled"'; }
intake_handled() { handled intake 8080 '^suban_intake_appeals_total'; }

check() {  # the outcomes so far against PostgreSQL, the unit queues and the dev sink
  cat "$work"/outcomes-*.tsv > "$work/outcomes.tsv"
  mkdir -p "$work/logs"
  for service in intake dispatch sla-sweeper callback analytics api; do compose logs --no-color --no-log-prefix "$service" > "$work/logs/$service.log" 2>&1; done
  "$bin" chaos check --record "$work/outcomes.tsv" --sink-log "$work/sink.log" --log-dir "$work/logs" --timeout 180
}
load() {  # name seconds
  "$bin" chaos load --intake "$intake_url" --ca-file "$work/gateway.crt" --rate "$rate" --seconds "$2" --record "$work/outcomes-$1.tsv"
}

echo "compose: 1. steady load through the gateway ($rate appeals/s for 15 s)"
load steady 15
check
curl -fsS --cacert "$work/gateway.crt" "$api_url/console" -o /dev/null -w "compose: the console answers through the gateway (HTTP %{http_code})\n"
code=$(curl -s --cacert "$work/gateway.crt" -o /dev/null -w '%{http_code}' "$intake_url/metrics")
[ "$code" = 404 ] || { echo "compose: the gateway routes /metrics (HTTP $code)"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$gateway_port/health" || true)
case "$code" in 2*) echo "compose: the gateway serves plain http (HTTP $code)"; exit 1 ;; esac
answer=$(compose exec -T redis redis-cli ping 2>&1 || true)
case "$answer" in *NOAUTH*) echo "compose: Redis refuses a client without its password" ;; *) echo "compose: Redis answered without a password: $answer"; exit 1 ;; esac
phase_done "1. steady load, checked"

echo "compose: 2. scaling under load, then a dispatch container killed and PostgreSQL restarted"
echo "handled before scaling: dispatch"; dispatch_handled; echo "  intake"; intake_handled
load scale 60 &
loader=$!
sleep 5
compose up -d --no-recreate --scale dispatch=3 --scale intake=2 2>&1 | grep -v "^Creating\|^Starting\|is up-to-date" || true
await_topology 120
sleep 20   # the gateway re-resolves intake every 10 s; the new dispatchers join their group at once
echo "handled after scaling (20 s of load): dispatch"; dispatch_handled | tee "$work/dispatch-after"; echo "  intake"; intake_handled | tee "$work/intake-after"
if awk '$2 == 0 { idle = 1 } END { exit !idle }' "$work/dispatch-after" "$work/intake-after"; then
  echo "compose: a replica took no work after scaling"; exit 1
fi
victim=$(compose ps -q dispatch | head -n 1)
echo "compose: kill -9 $(docker inspect -f '{{.Name}}' "$victim" | tr -d /) (its restart policy brings it back)"
kill -9 "$(docker inspect -f '{{.State.Pid}}' "$victim")"
sleep 5
echo "compose: PostgreSQL container restarted"
docker restart -t 10 "$(compose ps -q postgres)" >/dev/null
wait "$loader"
await_topology 120
check
phase_done "2. scaled, killed, restarted, checked"

echo "compose: 3. down and up again: the data stays in its volumes"
tickets_before=$(compose exec -T postgres psql -U suban -d suban -Atc "SELECT count(*) FROM tickets")
compose down 2>&1 | grep -v "^Stopping\|^Removing" || true
compose up -d 2>&1 | grep -v "^Creating\|^Starting" || true
await_topology
follow_sink
tickets_after=$(compose exec -T postgres psql -U suban -d suban -Atc "SELECT count(*) FROM tickets")
echo "compose: tickets before down $tickets_before, after up $tickets_after"
[ "$tickets_before" = "$tickets_after" ] || { echo "compose: tickets lost across down/up"; exit 1; }
docker cp "$(compose ps -q gateway):/etc/suban-tls/gateway.crt" "$work/gateway-again.crt"
cmp -s "$work/gateway.crt" "$work/gateway-again.crt" || { echo "compose: the gateway made a new certificate (its volume was lost)"; exit 1; }
load again 5
check
phase_done "3. down/up, checked"

echo
echo "compose-test: passed in $((SECONDS - started)) s"
printf '  %s\n' "${phases[@]}"
status=0
