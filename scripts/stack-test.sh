#!/usr/bin/env bash
# make test-stack: the compose stack for real, in a private Docker engine.
#   1. start a private dockerd (own data root and socket; stopped by its PID at the end)
#   2. build a Debian base with debootstrap (no registry is reachable), then the images
#      (dbt before Airflow, which copies its dbt from the dbt image)
#   3. `make up` with a throwaway .env (random secrets, free ports), wait for every healthcheck
#   4. log in to Airflow's REST API, trigger shopify_daily (embedded demo shop), wait for success
#   5. check the marts, the dashboard and the docs on 127.0.0.1; tear everything down
#   6. production mode (tests/stack/test_stack_production.py, pytest + testcontainers): the
#      same images with SPOON_SOURCE=airbyte, SPOON_WAREHOUSE=snowflake on stand-in
#      containers (moto, fakesnow with a Snowpipe stand-in, the fake Airbyte API); two runs
# STACK_MODE=embedded (steps 1-5) or production (1, 2, 6); both by default.
# If the engine cannot start this fails loudly, unless SPOON_SKIP_STACK=1 (then it only warns).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
ART="${SPOON_STACK_DIR:-$ROOT/test-artifacts/stack}"
ENGINE="$ART/engine"
EXEC_ROOT="/tmp/spoon-stack-exec-$(id -u)"   # short: unix socket paths are limited
SOCK="$ENGINE/docker.sock"
PIDFILE="$ENGINE/dockerd.pid"
PROJECT=spoon-stacktest
BASE_IMAGE=local/debian:bookworm
MODE="${STACK_MODE:-both}"
[[ "$MODE" =~ ^(both|embedded|production)$ ]] || {
  echo "error: STACK_MODE=$MODE: use embedded, production or both (the default)" >&2; exit 2; }
start=$(date +%s)

say() { printf '\n\033[1m[stack %4ss] %s\033[0m\n' "$(( $(date +%s) - start ))" "$*"; }
die() { printf '\n\033[1;31m[stack] FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

engine_unavailable() {
  printf '\n\033[1;31m%s\n%s\033[0m\n' "!!!!!!!! [stack] THE DOCKER ENGINE CANNOT START: $1" \
    "!!!!!!!! the stack test did NOT run (see $ENGINE/dockerd.log)" >&2
  if [[ "${SPOON_SKIP_STACK:-}" == 1 ]]; then
    echo "[stack] SPOON_SKIP_STACK=1: skipping the stack test" >&2
    exit 0
  fi
  exit 1
}

# --- 0. tools ----------------------------------------------------------------------------------
bash scripts/stack/install-tools.sh
[[ -x .venv/bin/python ]] || die "no .venv: run make setup first"
COMPOSE_BIN="$(ls -1 .venv-compose/lib/python3*/site-packages/compose/docker-compose 2>/dev/null | tail -n1)"
[[ -x "$COMPOSE_BIN" ]] || die "Docker Compose v2 is missing: run make setup"
export DOCKER_CONFIG="$ART/docker-config"
mkdir -p "$DOCKER_CONFIG/cli-plugins" "$ENGINE"
ln -sf "$ROOT/$COMPOSE_BIN" "$DOCKER_CONFIG/cli-plugins/docker-compose"
export DOCKER_HOST="unix://$SOCK"
export DOCKER_BUILDKIT=0 COMPOSE_BAKE=false STACK_PIP_FIND_LINKS=http://127.0.0.1:38791/
COMPOSE=(docker compose -p "$PROJECT" --env-file "$ART/test.env" -f compose.yaml -f scripts/stack/compose.test.yaml)
stack() { SPOON_ENV_FILE="$ART/test.env" "${COMPOSE[@]}" "$@"; }

# --- 1. the private engine ------------------------------------------------------------------------
stop_engine() {
  if [[ -s "$PIDFILE" ]]; then
    local pid; pid="$(cat "$PIDFILE")"
    # only our dockerd: a stale pidfile's number may belong to another process by now
    if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == dockerd ]]; then
      kill "$pid"
      for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
  fi
}
WHEEL_PID=""
cleanup() {
  local rc=$?
  [[ -n "$WHEEL_PID" ]] && kill "$WHEEL_PID" 2>/dev/null
  if docker info >/dev/null 2>&1; then
    if [[ $rc -ne 0 && -f "$ART/test.env" ]]; then
      say "logs of the failed stack (last lines of each service)"
      stack ps -a 2>&1 || true
      stack logs --no-color --tail=25 2>&1 | grep -v 'GET /\(health\|_stcore\| HTTP\)\|http.access' || true
    fi
    say "tearing down"
    stack down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  stop_engine
  echo "[stack] finished in $(( $(date +%s) - start ))s (exit $rc)"
}
trap cleanup EXIT

say "starting a private Docker engine ($SOCK)"
stop_engine
rm -f "$SOCK"
dockerd --data-root "$ENGINE/data" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
  -H "unix://$SOCK" >"$ENGINE/dockerd.log" 2>&1 &
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && break
  kill -0 $! 2>/dev/null || engine_unavailable "dockerd exited: $(tail -n1 "$ENGINE/dockerd.log")"
  sleep 1
done
docker info >/dev/null 2>&1 || engine_unavailable "dockerd did not answer within 60s"
docker version --format 'engine {{.Server.Version}}'

# --- 2. images ------------------------------------------------------------------------------------------
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "building $BASE_IMAGE with debootstrap"
  bash scripts/stack/base-image.sh "$ART/rootfs" "$BASE_IMAGE"
fi
say "wheelhouse: the pinned wheels, from the host's pip cache, served on 127.0.0.1"
mkdir -p "$ART/wheelhouse"
quiet_pip() { .venv/bin/pip download -q "$@" 2> >(grep -v 'is ignored' >&2); }
quiet_pip --no-deps -d "$ART/wheelhouse" -r airflow/requirements.lock setuptools wheel
quiet_pip -d "$ART/wheelhouse" -r dbt/requirements.txt
# a fixed port keeps the build args (hence Docker's layer cache) the same from run to run
WHEEL_PORT=38791
if ! .venv/bin/python -c "import socket; socket.socket().bind(('127.0.0.1', $WHEEL_PORT))" 2>/dev/null; then
  WHEEL_PORT="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
fi
.venv/bin/python -m http.server "$WHEEL_PORT" --bind 127.0.0.1 --directory "$ART/wheelhouse" \
  >/dev/null 2>&1 &
WHEEL_PID=$!
export STACK_PIP_FIND_LINKS="http://127.0.0.1:$WHEEL_PORT/"
OFFLINE=(--build-arg "PIP_FIND_LINKS=$STACK_PIP_FIND_LINKS" --build-arg PIP_NO_INDEX=1)

say "building the images from $BASE_IMAGE"
build() {  # quiet, but a failed build still fails the script (pipefail)
  docker build -q --network host --build-arg BASE_IMAGE="$BASE_IMAGE" "$@" 2>&1 >/dev/null \
    | { grep -v "DEPRECATED\|BuildKit\|environment-variable\|^$" || true; }
}
build -t local/postgres:15-test -f scripts/stack/postgres.Dockerfile scripts/stack
# the dbt image first: the Airflow image copies its dbt venv and project from it (multi-stage),
# and both from the same BASE_IMAGE (a venv works only beside the interpreter it was made with)
DBT_IMAGE=willows-spoon/dbt:0.1.0
build "${OFFLINE[@]}" -t "$DBT_IMAGE" -f dbt/Dockerfile .
say "built $DBT_IMAGE"
build "${OFFLINE[@]}" --build-arg DBT_IMAGE="$DBT_IMAGE" -t willows-spoon/airflow:0.1.0 -f airflow/Dockerfile .
say "built willows-spoon/airflow:0.1.0"
if [[ -f dashboard/Dockerfile ]]; then
  build -t willows-spoon/dashboard:0.1.0 -f dashboard/Dockerfile .
fi
docker images --format '{{.Repository}}:{{.Tag}}  {{.Size}}'

# --- 3. make up with a test .env ----------------------------------------------------------------
.venv/bin/python scripts/stack/check_stack.py write-env "$ART/test.env"
if [[ "$MODE" != production ]]; then
  say "writing a test .env and starting the stack (make up)"
  make --no-print-directory up SPOON_ENV_FILE="$ART/test.env" COMPOSE="SPOON_ENV_FILE=$ART/test.env ${COMPOSE[*]}"
  say "every service is healthy"

  # --- 4./5. run the DAG through the REST API, check what it produced --------------------------
  say "triggering shopify_daily through the REST API and checking the results"
  SPOON_ENV_FILE="$ART/test.env" .venv/bin/python scripts/stack/check_stack.py check "$ART/test.env" -- "${COMPOSE[@]}"
  say "stack test passed (embedded)"
  stack down -v --remove-orphans >/dev/null 2>&1
else
  say "building the stack's images (make up builds them in the embedded mode)"
  stack --profile tools build -q dbt && stack build -q
fi

# --- 6. production mode, from pytest with testcontainers -------------------------------------------
if [[ "$MODE" != embedded ]]; then
  say "production mode: the stack on Airbyte, S3, Snowpipe and Snowflake stand-ins (two DAG runs)"
  SPOON_STACK_PRODUCTION=1 SPOON_STACK_DIR="$ART" SPOON_STACK_BASE_ENV="$ART/test.env" \
    SPOON_STACK_WHEELHOUSE="$ART/wheelhouse" TESTCONTAINERS_RYUK_DISABLED=true \
    .venv/bin/pytest -q -s -p no:cacheprovider tests/stack \
    || die "the production stack test failed (logs: $ART/prod/)"
  say "stack test passed (production)"
fi
say "stack test passed"
