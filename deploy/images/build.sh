#!/usr/bin/env bash
# Builds Suban's images without a registry, tagged as docker-compose.yml names them:
#   suban          the release binary (built here, static Swift standard library) on Debian
#   suban-tools    the same with the tools binary beside it (the dev sink; load and chaos tools)
#   suban-redis    Redis 7 from Debian, AOF, password required
#   suban-postgres PostgreSQL 15 from Debian, cluster made at first start, password required
#   suban-gateway  nginx from Debian, TLS (self-signed certificate made at first start)
# Every Dockerfile takes its base as a build argument. With no registry (the default) the
# base is made from Debian's packages with debootstrap, cached in var/images/ and imported
# as suban-base:bookworm; with one, pick a public base:
#   deploy/images/build.sh
#   SUBAN_BASE_IMAGE=debian:bookworm-slim deploy/images/build.sh
# Talks to the engine at DOCKER_HOST (or the default socket).
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${SUBAN_BASE_IMAGE:-suban-base:bookworm}
tag=${SUBAN_IMAGE_TAG:-latest}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p var/images
step() { echo "images: $1 ($((SECONDS - started)) s)"; }
started=$SECONDS

if [ "$base" = suban-base:bookworm ] && ! docker image inspect "$base" >/dev/null 2>&1; then
  cache=var/images/bookworm-minbase.tar
  if [ ! -s "$cache" ]; then
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
    root=$(mktemp -d /tmp/suban-base.XXXXXX)
    step "making the Debian base with debootstrap from $mirror"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >var/images/debootstrap.log 2>&1 \
      || { tail -n 20 var/images/debootstrap.log; rm -rf "$root"; exit 1; }
    # Security and point-release updates, as a public Debian image has them.
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
      "$mirror" "$mirror" "$mirror" > "$root/etc/apt/sources.list"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$cache.partial" . && mv "$cache.partial" "$cache"
    rm -rf "$root"
  fi
  docker import "$cache" "$base" >/dev/null
  step "base $base imported from $cache"
fi

step "building the release binaries"
for product in suban suban-tools; do
  swift build -c release --product "$product" --static-swift-stdlib >var/images/swift-build.log 2>&1 \
    || { tail -n 40 var/images/swift-build.log; exit 1; }
done
bin=$(swift build -c release --show-bin-path)
context=var/images/suban
rm -rf "$context" && mkdir -p "$context/dist"
cp deploy/images/suban.Dockerfile deploy/images/tools.Dockerfile "$context/"
cp -r "$bin"/*.resources "$context/dist/"
strip -o "$context/dist/suban" "$bin/suban"
strip -o "$context/suban-tools" "$bin/suban-tools"

build() {  # image, Dockerfile, context
  docker build --network host --build-arg BASE="$base" -t "$1:$tag" -f "$2" "$3" >"var/images/$1.log" 2>&1 \
    || { tail -n 30 "var/images/$1.log"; exit 1; }
  step "$1:$tag built ($(docker image inspect -f '{{.Size}}' "$1:$tag" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}
build suban "$context/suban.Dockerfile" "$context"
docker build --network host --build-arg SUBAN_IMAGE="suban:$tag" -t "suban-tools:$tag" -f "$context/tools.Dockerfile" "$context" \
  >var/images/suban-tools.log 2>&1 || { tail -n 30 var/images/suban-tools.log; exit 1; }
step "suban-tools:$tag built (suban's image with the tools binary)"
for image in redis postgres gateway; do build "suban-$image" "deploy/images/$image.Dockerfile" deploy/images; done
