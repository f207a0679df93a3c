#!/usr/bin/env bash
# base-image.sh ROOTFS IMAGE: a minimal Debian bookworm with Python 3.11 (python3, venv),
# made with debootstrap and imported into the current Docker engine as IMAGE.
# The host's CA bundle goes in too, so pip and apt inside builds trust the same
# (possibly intercepting) proxy as the host does.
set -euo pipefail
rootfs="$1" image="$2"
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)"
mirror="${mirror:-http://deb.debian.org/debian}"
rm -rf "$rootfs"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -n 20 "$rootfs.log"; exit 1; }
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/tmp/*
tar -C "$rootfs" -c . | docker import \
  --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
rm -rf "$rootfs"
echo "[stack] $image: $(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec)"
