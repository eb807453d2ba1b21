#!/usr/bin/env bash
# Builds the six service images, lectra/<service>:<version> and :latest, from
# deploy/Dockerfile with the repository root as context, then prints each
# image's size and build time.
#
#   deploy/build-images.sh [service ...]        all six when none is named
#
# The base is the official node:24-bookworm-slim. Where Docker Hub cannot be
# reached, deploy/base-image.sh builds a stand-in from Debian and npm and that is
# used instead; LECTRA_BASE_IMAGE names another base outright.
# LECTRA_BUILD_JOBS images are built at once (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(orchestrator llm images slides speech video)
version=$(node -p 'require("./package.json").version')
official=node:24-bookworm-slim

base=${LECTRA_BASE_IMAGE:-}
if [ -z "$base" ]; then
  if docker image inspect "$official" >/dev/null 2>&1 || docker pull -q "$official" >/dev/null 2>&1; then
    base=$official
  else
    echo "build: $official cannot be pulled here; using a stand-in built from Debian and npm"
    base=lectra/node:24-bookworm-slim
    deploy/base-image.sh "$base"
  fi
fi

# A registry reached through a TLS-inspecting proxy needs its CA inside the build
# too: the CAs this machine added to its own trust (Debian keeps them here).
extra_ca=$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
build() {
  local service=$1 started target=runtime
  started=$(date +%s)
  # A service with a final stage of its own (video's adds its ffmpeg) is built to
  # that stage, the others to the common one.
  if grep -Eq "^FROM .+ AS $service\$" deploy/Dockerfile; then target=$service; fi
  if docker build -f deploy/Dockerfile --build-arg "SERVICE=$service" --target "$target" \
    --build-arg "BASE_IMAGE=$base" --build-arg "EXTRA_CA_CERTS=$extra_ca" \
    -t "lectra/$service:$version" -t "lectra/$service:latest" . >"$logs/$service.log" 2>&1; then
    echo "$(($(date +%s) - started))" >"$logs/$service.seconds"
    echo "build: lectra/$service built in $(cat "$logs/$service.seconds") s"
  else
    echo "build: lectra/$service FAILED; the end of its log:"
    tail -40 "$logs/$service.log"
    return 1
  fi
}
export -f build
export base extra_ca version logs

echo "build: ${services[*]} on $base"
started=$(date +%s)
# The video image compiles ffmpeg, the longest step: start it first.
order=$(printf '%s\n' "${services[@]}" | grep -x video || true; printf '%s\n' "${services[@]}" | grep -vx video || true)
echo "$order" | xargs -P "${LECTRA_BUILD_JOBS:-2}" -I{} bash -c 'build {}'
echo "build: all built in $(($(date +%s) - started)) s"

printf '\n%-20s %8s %8s\n' image "size MB" "build s"
for service in "${services[@]}"; do
  size=$(docker image inspect -f '{{.Size}}' "lectra/$service:$version")
  printf '%-20s %8s %8s\n' "lectra/$service" "$(awk -v b="$size" 'BEGIN { printf "%.0f", b / 1e6 }')" "$(cat "$logs/$service.seconds")"
done
