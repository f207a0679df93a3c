#!/usr/bin/env bash
# Entry point of the Airflow image: export the Airflow connections derived from the SPOON_*
# settings (the Airbyte connection in production), then run the container's command.
# A bad setting stops the container here with one line saying what to fix.
set -euo pipefail
exports="$(spoon airflow env)"
eval "${exports}"
exec "$@"
