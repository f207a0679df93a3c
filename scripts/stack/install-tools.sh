#!/usr/bin/env bash
# Debian packages the stack test needs: a Docker engine (docker.io) and debootstrap.
# Idempotent and quiet when they are already installed.
set -euo pipefail
missing=()
for p in docker.io debootstrap; do
  # a Docker engine installed some other way (docker-ce, moby) is fine: don't fight it
  [[ "$p" == docker.io ]] && command -v dockerd >/dev/null 2>&1 && continue
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[stack] installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
