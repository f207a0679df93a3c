#!/usr/bin/env bash
# Airbyte on this VM with abctl (kind inside Docker). Used by `make airbyte-up|airbyte-down`.
#   scripts/airbyte.sh up     install the pinned abctl if needed, install/start Airbyte once
#   scripts/airbyte.sh down   stop Airbyte (uninstall the kind cluster; data is kept)
# Settings (environment): ABCTL_VERSION, AIRBYTE_CHART_VERSION, AIRBYTE_PORT, AIRBYTE_HOST,
# ABCTL_BIN_DIR (where a downloaded abctl goes), ABCTL_URL (release download base).
set -euo pipefail

ABCTL_VERSION="${ABCTL_VERSION:-v0.30.1}"
AIRBYTE_CHART_VERSION="${AIRBYTE_CHART_VERSION:-}"
AIRBYTE_PORT="${AIRBYTE_PORT:-8000}"
AIRBYTE_HOST="${AIRBYTE_HOST:-localhost}"
ABCTL_BIN_DIR="${ABCTL_BIN_DIR:-$HOME/.local/bin}"
ABCTL_URL="${ABCTL_URL:-https://github.com/airbytehq/abctl/releases/download}"
VALUES="$(cd "$(dirname "$0")/.." && pwd)/airbyte/abctl/values.yaml"

say() { printf '• %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

abctl_version() { "$1" version 2>/dev/null | grep -Eo 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n1; }

# Prints the abctl to use: the one on PATH if it is the pinned version, else a download.
find_abctl() {
  local found
  for found in "$(command -v abctl || true)" "$ABCTL_BIN_DIR/abctl"; do
    if [[ -n "$found" && -x "$found" && "$(abctl_version "$found")" == "$ABCTL_VERSION" ]]; then
      echo "$found"; return
    fi
  done
  local os arch tmp
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;;
    *) die "no abctl build for $(uname -m)" ;; esac
  local name="abctl-${ABCTL_VERSION}-${os}-${arch}"
  say "installing abctl ${ABCTL_VERSION} into ${ABCTL_BIN_DIR}" >&2
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' RETURN
  curl -fsSL --retry 3 -o "$tmp/abctl.tgz" "${ABCTL_URL}/${ABCTL_VERSION}/${name}.tar.gz" \
    || die "cannot download abctl ${ABCTL_VERSION} from ${ABCTL_URL}; install it by hand (https://docs.airbyte.com/platform/deploying-airbyte/abctl) and re-run"
  tar -xzf "$tmp/abctl.tgz" -C "$tmp"
  mkdir -p "$ABCTL_BIN_DIR"
  install -m 0755 "$(find "$tmp" -type f -name abctl | head -n1)" "$ABCTL_BIN_DIR/abctl"
  echo "$ABCTL_BIN_DIR/abctl"
}

deployed() { "$1" local status 2>&1 | grep -q 'Status: deployed'; }

up() {
  command -v docker >/dev/null || die "Docker is needed: install Docker Engine, then re-run make airbyte-up"
  local abctl; abctl="$(find_abctl)"
  if deployed "$abctl"; then
    say "Airbyte is already installed and running (abctl ${ABCTL_VERSION})"
  else
    local args=(local install --low-resource-mode --no-browser --port "$AIRBYTE_PORT" --values "$VALUES")
    [[ "$AIRBYTE_HOST" != localhost ]] && args+=(--host "$AIRBYTE_HOST")
    [[ -n "$AIRBYTE_CHART_VERSION" ]] && args+=(--chart-version "$AIRBYTE_CHART_VERSION")
    say "installing Airbyte with abctl ${ABCTL_VERSION} (low-resource mode; 10-30 minutes the first time)"
    "$abctl" "${args[@]}"
  fi
  cat <<MSG
Airbyte UI:      http://${AIRBYTE_HOST}:${AIRBYTE_PORT}  (from your laptop: ssh -L ${AIRBYTE_PORT}:localhost:${AIRBYTE_PORT} <vm>)
Public API:      http://${AIRBYTE_HOST}:${AIRBYTE_PORT}/api/public/v1  (SPOON_AIRBYTE_URL)
Credentials:     ${abctl} local credentials
                 prints the UI e-mail/password and the client-id/client-secret to put in
                 .env as SPOON_AIRBYTE_CLIENT_ID / SPOON_AIRBYTE_CLIENT_SECRET
Next:            spoon airbyte plan && spoon airbyte apply
MSG
}

down() {
  local abctl
  abctl="$(command -v abctl || true)"
  [[ -z "$abctl" && -x "$ABCTL_BIN_DIR/abctl" ]] && abctl="$ABCTL_BIN_DIR/abctl"
  if [[ -z "$abctl" ]] || ! deployed "$abctl"; then
    say "Airbyte is not running"; return
  fi
  say "stopping Airbyte (its data is kept; make airbyte-up starts it again)"
  "$abctl" local uninstall
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: $0 up|down" ;;
esac
