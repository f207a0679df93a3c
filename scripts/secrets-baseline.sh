#!/usr/bin/env bash
# Refresh .secrets.baseline: the findings of detect-secrets that are known not to be secrets
# (test fakes, placeholders). `scripts/lint.sh secrets` fails on any finding not in it.
# Review the diff before committing: every new entry must be a fake. A single line can
# also be marked in place with a `pragma: allowlist secret` comment.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SPOON_LINT_VENV:-.venv}/bin"
EXCLUDE='(^|/)package-lock\.json$|^\.secrets\.baseline$'
mapfile -t files < <(git ls-files --cached --others --exclude-standard | while IFS= read -r f; do
  [[ -f "$f" ]] && printf '%s\n' "$f"
done)
if [[ -f .secrets.baseline ]]; then
  # keeps the audit marks of findings that are still there
  "$BIN/detect-secrets" scan --baseline .secrets.baseline --exclude-files "$EXCLUDE" "${files[@]}"
else
  "$BIN/detect-secrets" scan --exclude-files "$EXCLUDE" "${files[@]}" > .secrets.baseline
fi
python3 -c "import json; d = json.load(open('.secrets.baseline')); \
print(f'.secrets.baseline: {sum(map(len, d[\"results\"].values()))} known finding(s) in {len(d[\"results\"])} file(s)')"
