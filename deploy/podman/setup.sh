#!/usr/bin/env bash
# Make podman usable on a Debian host with no Docker daemon and no registry: install podman,
# buildah, runc and debootstrap when missing, then, if a base image is named and absent,
# make it from Debian's own packages (debootstrap minbase, like debian:bookworm-slim).
#   deploy/podman/setup.sh [localhost/debian-base:bookworm]
set -euo pipefail

base_image="${1:-}"

missing=()
for tool in podman buildah runc debootstrap; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || { echo "Install ${missing[*]} (Debian/Ubuntu: apt-get install ${missing[*]})."; exit 1; }
  echo "Installing Debian packages: ${missing[*]}"
  # Another apt run (a parallel build, unattended upgrades) holds the lock for a while: wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
fi

if [ -z "$base_image" ] || podman image exists "$base_image"; then
  exit 0
fi

# The Debian mirror the host's apt sources name (deb822 or one-line format).
mirror="$({ sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}$/\1/p; s/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]].*/\2/p' \
  /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true; } | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
echo "Making $base_image from $mirror (debootstrap --variant=minbase bookworm)"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
# What debian:bookworm-slim leaves out too: documentation, manual pages and translations
# (now and in every package installed later), the package lists and caches.
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
tar -C "$rootfs" -c . | podman import --quiet --change 'CMD ["bash"]' - "$base_image" >/dev/null
echo "Made $base_image"
