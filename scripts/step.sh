#!/usr/bin/env bash
# One install step of `make setup`, as one line:  step.sh NAME WHAT COMMAND-LINE
#   prints "• WHAT … 1m12s", with every line COMMAND-LINE prints (pip's and npm's chatter,
#   the index warnings of this machine's pip configuration) kept in $SPOON_LOG_DIR/NAME.log
#   (default .make/logs). If it fails: the last lines of that log, its path, and its exit code.
# COMMAND-LINE is run by `bash -euo pipefail -c`: several commands may be joined with `;`.
set -uo pipefail
if (($# < 3)); then
  echo "usage: $0 NAME WHAT COMMAND-LINE" >&2
  exit 2
fi
name=$1 what=$2
shift 2
log_dir=${SPOON_LOG_DIR:-.make/logs}
mkdir -p "$log_dir"
log="$log_dir/$name.log"

elapsed() {
  local s=$((SECONDS - start))
  if ((s < 60)); then printf '%ss' "$s"; else printf '%sm%02ds' $((s / 60)) $((s % 60)); fi
}

start=$SECONDS
printf '• %s … ' "$what"
{ echo "# $(date -u +%FT%TZ) $what"; echo "# \$ $*"; } >"$log"
if bash -euo pipefail -c "$*" >>"$log" 2>&1 </dev/null; then
  echo "$(elapsed)"
  exit 0
else
  rc=$?
  echo "FAILED after $(elapsed) (exit $rc)"
  {
    echo "  last lines of $log:"
    grep -v "^WARNING: Location '.*' is ignored" "$log" | tail -n 25 | sed 's/^/  | /'
    echo "  full log: $log"
  } >&2
  exit "$rc"
fi
