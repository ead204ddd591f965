# Sourced by run.sh and chaos.sh: runs roles as supervised processes.
#   fleet_sandbox BIN NAME throw-away servers for a test or benchmark (below)
#   fleet_init BIN DIR     logs go to DIR/log/, each role's current pid to DIR/pids/<name>
#   supervise NAME CMD ARGS… runs `CMD ARGS…` (fleet_bin: suban, fleet_tools: suban-tools), restarting it whenever it exits
#   fleet_roles …          every role with its replica count (below)
#   fleet_stop             stops every supervised role (SIGTERM, then waits)

source scripts/ports.sh
fleet_pids=()

# A throw-away Redis and PostgreSQL in a new folder under /tmp (sets work, redis_port,
# pg_port, http_port and exports REDIS_URL and DATABASE_URL), migrated, with the fleet's
# logs and pids beside them. fleet_discard stops everything and removes the folder.
fleet_sandbox() {
  local bin=$1 name=$2
  work=$(mktemp -d "/tmp/suban-$name.XXXXXX")
  chmod 755 "$work"
  redis_port=$(free_port 20000 25000); pg_port=$(free_port 25000 30000)
  # Intake, api and sink at +0, +1, +2; replicas 100 apart.
  http_port=$(free_port 10000 19000 0 1 2 100 101 102 200 201)
  eval "export $(bash scripts/servers.sh start "$work" "$redis_port" "$pg_port" | tr '\n' ' ')"
  fleet_init "$bin" "$work"
  LOG_LEVEL=warning "$bin" migrate >/dev/null
}

fleet_discard() {
  fleet_stop
  bash scripts/servers.sh stop "$work"
  rm -rf "$work"
}

fleet_init() {
  fleet_bin=$1; fleet_dir=$2; fleet_tools="$(dirname "$1")/suban-tools"
  mkdir -p "$fleet_dir/log" "$fleet_dir/pids"
  rm -f "$fleet_dir/stopping"
}

# Restarts a role whenever it exits (a crash, kill -9), until fleet_stop.
supervise() {
  local name=$1; shift
  ( trap 'kill $child 2>/dev/null; wait $child 2>/dev/null; exit 0' TERM INT
    while true; do
      "$@" >>"$fleet_dir/log/$name.log" 2>&1 & child=$!
      echo "$child" >"$fleet_dir/pids/$name"
      wait $child || true
      [ -f "$fleet_dir/stopping" ] && exit 0
      echo "$(date -u +%FT%TZ) $name exited, restarting" >>"$fleet_dir/log/supervisor.log"
      sleep 1
    done ) 2>>"$fleet_dir/log/supervisor.log" &
  fleet_pids+=($!)
}

# The whole topology: replica counts per role, then the first intake, api and sink
# ports (replicas step by 100). SMS and webhooks go to the local sink, whose log
# (log/dev-sink.log) shows every message.
fleet_roles() {
  local intake=$1 dispatch=$2 sweeper=$3 callback=$4 analytics=$5 api=$6 intake_port=$7 api_port=$8 sink_port=$9 i
  for i in $(seq 0 $((intake - 1))); do supervise "intake-$i" "$fleet_bin" intake --port $((intake_port + 100 * i)); done
  for i in $(seq 0 $((dispatch - 1))); do supervise "dispatch-$i" "$fleet_bin" dispatch; done
  for i in $(seq 0 $((sweeper - 1))); do supervise "sla-sweeper-$i" "$fleet_bin" sla-sweeper; done
  supervise dev-sink "$fleet_tools" dev-sink --port "$sink_port"
  export SMS_GATEWAY_URL=http://127.0.0.1:$sink_port/sms CALLBACK_WEBHOOKS="app=http://127.0.0.1:$sink_port/webhook/app|dev-secret"
  for i in $(seq 0 $((callback - 1))); do supervise "callback-$i" "$fleet_bin" callback; done
  for i in $(seq 0 $((analytics - 1))); do supervise "analytics-$i" "$fleet_bin" analytics; done
  for i in $(seq 0 $((api - 1))); do supervise "api-$i" "$fleet_bin" api --port $((api_port + 100 * i)); done
}

fleet_stop() {
  touch "$fleet_dir/stopping"
  for pid in "${fleet_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${fleet_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# Waits until an HTTP role of the fleet answers /health, else shows every role's log.
fleet_await_health() { await_health "$1" "$fleet_dir"/log/*.log; }

# The over-HTTP checks' fleet: builds suban and suban-tools (swift build flags after the two arguments), a
# sandbox with one intake, DISPATCH dispatchers and one api; exports INTAKE_URL, API_URL and
# SUBAN_BIN once both answer, and discards everything on exit. A caller's `fleet_prepare`
# function, when defined, runs after migration and before the roles start.
#   http_fleet NAME DISPATCH [swift build flags]
http_fleet() {
  local name=$1 dispatchers=$2 out bin; shift 2
  bash scripts/install-deps.sh
  if ! out=$(swift build "$@" 2>&1); then echo "$out"; exit 1; fi
  bin="$(swift build --show-bin-path "$@")/suban"
  fleet_sandbox "$bin" "$name"
  trap fleet_discard EXIT
  export LOG_LEVEL=${LOG_LEVEL:-warning}
  if declare -F fleet_prepare >/dev/null; then fleet_prepare; fi
  fleet_roles 1 "$dispatchers" 0 0 0 1 "$http_port" $((http_port + 1)) $((http_port + 2))
  export INTAKE_URL="http://127.0.0.1:$http_port" API_URL="http://127.0.0.1:$((http_port + 1))" SUBAN_BIN=$bin
  fleet_await_health "$INTAKE_URL"; fleet_await_health "$API_URL"
}
