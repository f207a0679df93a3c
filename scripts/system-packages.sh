#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; quiet when already installed).
# docker.io and debootstrap are for `make test-stack` (a private Docker engine and a Debian
# base image built without a registry; scripts/stack/install-tools.sh checks them too).
set -euo pipefail
PACKAGES=(make git chromium chromium-driver fonts-dejavu-core docker.io debootstrap)
missing=()
for p in "${PACKAGES[@]}"; do
  # a Docker engine installed some other way (docker-ce, moby) is fine: don't fight it
  [[ "$p" == docker.io ]] && command -v dockerd >/dev/null 2>&1 && continue
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
