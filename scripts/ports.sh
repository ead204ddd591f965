# Sourced by the scripts that start servers: free_port LOW HIGH [OFFSET…] prints a
# port in [LOW, HIGH) that, with every OFFSET added (replicas step by 100), is free
# to listen on now. LOW..HIGH must lie outside Linux's ephemeral range
# (/proc/sys/net/ipv4/ip_local_port_range, 32768–60999 here): a port in that range
# may be taken by any outgoing connection between the check and the server's bind.
free_port() {
  python3 - "$@" <<'PY'
import random, socket, sys
low, high = int(sys.argv[1]), int(sys.argv[2])
offsets = [int(x) for x in sys.argv[3:]] or [0]
try:
    ephemeral = [int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split()]
except OSError:
    ephemeral = [32768, 60999]
def usable(port):
    if ephemeral[0] <= port <= ephemeral[1]:
        return False
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False
for _ in range(500):
    base = random.randrange(low, high)
    if all(usable(base + offset) for offset in offsets):
        print(base)
        sys.exit(0)
sys.exit(f"free_port: no free port in [{low}, {high}) with offsets {offsets}")
PY
}

# Waits until an HTTP role answers /health; when it never does, says so and shows
# the end of LOG… (the role's own log), so a failed start is never silent.
await_health() {
  local url=$1; shift
  for _ in $(seq 1 300); do curl -sf "$url/health" >/dev/null && return 0; sleep 0.2; done
  echo "no answer from $url/health within 60 s" >&2
  local log
  for log in "$@"; do [ -f "$log" ] && { echo "--- $log (last 40 lines)" >&2; tail -n 40 "$log" >&2; }; done
  return 1
}
