#!/usr/bin/env bash
# Validates the deployment files without a Docker engine or a cluster: docker-compose.yml
# (Debian's docker-compose parses and resolves it offline) with every role it names and no
# secret of its own (it must refuse to start without them; scripts/compose-test.sh runs it),
# the Kubernetes manifests in deploy/k8s, and the Grafana dashboard's metric names.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
if docker-compose --env-file /dev/null -f docker-compose.yml config --quiet 2>/dev/null; then
  echo "docker-compose.yml starts without POSTGRES_PASSWORD, REDIS_PASSWORD and CALLBACK_WEBHOOKS: a default secret is committed" >&2; exit 1
fi
if grep -n "change-me\|PASSWORD: [a-z]" docker-compose.yml; then echo "docker-compose.yml commits a secret" >&2; exit 1; fi
env_file=$(mktemp -u /tmp/suban-compose-env.XXXXXX)
bash deploy/compose-env.sh "$env_file" >/dev/null
trap 'rm -f "$env_file"' EXIT
docker-compose --env-file "$env_file" -f docker-compose.yml config --quiet
services=$(docker-compose --env-file "$env_file" -f docker-compose.yml config --services | sort | tr '\n' ' ')
for role in migrate intake dispatch sla-sweeper callback analytics api; do
  case " $services " in *" $role "*) ;; *) echo "compose is missing the $role service" >&2; exit 1 ;; esac
done
echo "docker-compose.yml: valid; services: $services"

# Kubernetes manifests: every document parses, every container runs a real role, and
# every ScaledObject names a stream and group the code uses.
swift build --product suban >/dev/null 2>&1
SUBAN_ROLES=$("$(swift build --show-bin-path)/suban" --help | sed -n '/SUBCOMMANDS:/,$p' | awk '/^  [a-z]/{print $1}' | tr '\n' ' ')
export SUBAN_ROLES
python3 - <<'PY'
import glob, os, sys, yaml
roles = set(os.environ["SUBAN_ROLES"].split())
names = open("Sources/SubanStore/StreamNames.swift").read()
problems, kinds, default_deny = [], [], False
for path in sorted(glob.glob("deploy/k8s/*.yaml")):
    for doc in yaml.safe_load_all(open(path)):
        if not doc: continue
        kinds.append(f"{doc['kind']}/{doc['metadata']['name']}")
        spec = doc.get("spec", {})
        pod = spec.get("template", {}).get("spec", {})
        if pod.get("containers"):
            context = pod.get("securityContext", {})
            if not context.get("runAsNonRoot") or context.get("seccompProfile", {}).get("type") != "RuntimeDefault":
                problems.append(f"{path}: {doc['metadata']['name']} may run as root or without the default seccomp profile")
        for container in pod.get("containers", []):
            role = container.get("args", [""])[0]
            if role not in roles: problems.append(f"{path}: {role} is not a suban subcommand")
            context = container.get("securityContext", {})
            if context.get("allowPrivilegeEscalation") is not False or not context.get("readOnlyRootFilesystem") \
                    or context.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{path}: container {container['name']} may escalate, write its file system or keep capabilities")
        if doc["kind"] == "Secret":
            problems.append(f"{path}: a Secret is committed; secrets are made at install (deploy/README.md)")
        if doc["kind"] == "NetworkPolicy" and doc["spec"].get("podSelector") == {} and not doc["spec"].get("ingress") \
                and "Ingress" in doc["spec"].get("policyTypes", []):
            default_deny = True
        for trigger in spec.get("triggers", []) if doc["kind"] == "ScaledObject" else []:
            meta = trigger.get("metadata", {})
            for key in ("stream", "consumerGroup"):
                value = meta.get(key)
                if value and value.replace("{", "").replace("}", "").split(":")[-1] not in names: problems.append(f"{path}: unknown {key} {value}")
if not default_deny: problems.append("deploy/k8s: no default-deny NetworkPolicy")
for path in sorted(glob.glob("deploy/k8s/*.yaml")):
    if "change-me" in open(path).read(): problems.append(f"{path}: a placeholder secret (change-me) is committed")
print("deploy/k8s: " + ", ".join(kinds))
if problems: print("\n".join(problems)); sys.exit(1)
PY

# The Grafana dashboard charts only metrics the code reports.
python3 - <<'PY'
import glob, json, re, sys
code = "".join(open(f).read() for f in glob.glob("Sources/**/*.swift", recursive=True))
dashboard = json.load(open("deploy/grafana/suban.json"))
missing = set()
for panel in dashboard["panels"]:
    for target in panel["targets"]:
        for metric in re.findall(r"\b(suban_[a-z_]+)", target["expr"]):
            base = re.sub(r"_(bucket|sum|count)$", "", metric)
            if f'"{base}"' not in code: missing.add(base)
if missing: print("dashboard charts metrics nobody reports:", sorted(missing)); sys.exit(1)
print(f"deploy/grafana/suban.json: {len(dashboard['panels'])} panels, every suban_* metric reported by the code")
PY
