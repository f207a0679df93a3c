#!/usr/bin/env bash
# The system packages the tests need that pip cannot install, from Debian/Ubuntu's apt.
#   scripts/system-packages.sh [--warn] [tests] [stack]
#     tests (default)  what `make test` needs: Chromium, ChromeDriver and a font for the browser
#                      test, npm for the workflow linter, make, git, Python's venv module
#     stack            what `make test-stack` adds: a Docker engine (docker.io) and debootstrap
# Quiet and quick when everything is there (it looks for the commands, so a Chromium or a
# Docker engine installed some other way counts). Otherwise it installs the missing packages
# with apt-get, as root or through `sudo -n`, in one line (output in .make/logs/). When it
# cannot, it prints one line naming the command to run and exits 1; with --warn (what
# `make setup` uses) that line is a warning and it exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

warn=0
groups=()
for arg in "$@"; do
  case "$arg" in
    --warn) warn=1 ;;
    tests | stack) groups+=("$arg") ;;
    *) echo "usage: $0 [--warn] [tests] [stack]" >&2; exit 2 ;;
  esac
done
((${#groups[@]})) || groups=(tests)

# group | Debian package | present when (any of: cmd:NAME on PATH or in /usr/sbin, file:PATH,
# python:MODULE importable by $PYTHON) | its name | what needs it (for the messages)
PACKAGES=(
  "tests|make|cmd:make|make|the Makefile"
  "tests|git|cmd:git|git|the Makefile"
  "tests|python3-venv|python:ensurepip|Python's venv module|the virtualenvs"
  "tests|npm|cmd:npm|Node.js and npm|the workflow linter"
  "tests|chromium|cmd:chromium cmd:chromium-browser|Chromium|the browser test"
  "tests|chromium-driver|cmd:chromedriver|ChromeDriver|the browser test"
  "tests|fonts-dejavu-core|file:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf|a font|the browser test"
  "stack|docker.io|cmd:dockerd|a Docker engine|the stack test"
  "stack|debootstrap|cmd:debootstrap|debootstrap|the stack test"
)

present() {
  local check
  for check in $1; do
    case "$check" in
      cmd:*)
        command -v "${check#cmd:}" >/dev/null 2>&1 && return 0
        [[ -x "/usr/sbin/${check#cmd:}" || -x "/sbin/${check#cmd:}" ]] && return 0
        ;;
      file:*) [[ -e "${check#file:}" ]] && return 0 ;;
      python:*) "${PYTHON:-python3}" -c "import ${check#python:}" >/dev/null 2>&1 && return 0 ;;
    esac
  done
  return 1
}

missing() {  # "package|name|purpose" of each missing package of the groups asked for
  local entry group pkg check name purpose
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r group pkg check name purpose <<<"$entry"
    [[ " ${groups[*]} " == *" $group "* ]] || continue
    present "$check" || printf '%s|%s|%s\n' "$pkg" "$name" "$purpose"
  done
}

mapfile -t gaps < <(missing)
((${#gaps[@]})) || exit 0
# e.g. "Chromium, ChromeDriver and a font (the browser test), a Docker engine (the stack test)"
pkgs=() purposes=()
declare -A names=()
for gap in "${gaps[@]}"; do
  IFS='|' read -r pkg name purpose <<<"$gap"
  pkgs+=("$pkg")
  [[ -v "names[$purpose]" ]] || purposes+=("$purpose")
  names[$purpose]+="${names[$purpose]:+, }$name"
done
what_list=""
for purpose in "${purposes[@]}"; do
  list=${names[$purpose]}
  [[ "$list" == *", "* ]] && list="${list%, *} and ${list##*, }"
  what_list+="${what_list:+, }$list ($purpose)"
done

give_up() {  # one line: what is missing and the command that installs it
  if ((warn)); then
    echo "warning: $1 (make test fails until then)" >&2
    exit 0
  fi
  echo "error: $1" >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  give_up "missing ${what_list}, and this machine has no apt-get: install them with its package manager"
fi
command_line="apt-get install -y --no-install-recommends ${pkgs[*]}"
if [[ "$(id -u)" == 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  give_up "missing ${what_list}; installing them needs root or password-less sudo: run \`sudo apt-get update && sudo ${command_line}\`"
fi

apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y)
if ! bash scripts/step.sh system-packages "installing ${pkgs[*]} (${sudo[*]:+sudo }apt-get)" \
  "${apt[*]} update; ${apt[*]} install --no-install-recommends ${pkgs[*]}"; then
  give_up "apt-get could not install ${pkgs[*]} (log above): fix that, or run \`sudo ${command_line}\` yourself"
fi
mapfile -t still < <(missing)
if ((${#still[@]})); then
  give_up "installed ${pkgs[*]} but still missing: $(printf '%s ' "${still[@]%%|*}")(is a command outside PATH?)"
fi
