#!/usr/bin/env bash
# Runs the application with its background worker beside it; stopping one stops both.
#   bash scripts/serve.sh dev    Django's development server + one worker, demo data (make run)
#   bash scripts/serve.sh prod   gunicorn + one worker, as in production (make serve)
# Port: PORT (default 8000). Production deployments use the systemd units in deploy/.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-dev}
PORT=${PORT:-8000}
PY=.venv/bin/python
$PY manage.py migrate --noinput
if [ "$MODE" = dev ]; then
    $PY manage.py load_demo
else
    export DEBUG=${DEBUG:-0}
    $PY manage.py collectstatic --noinput -v0
fi
$PY manage.py run_worker &
WORKER=$!
trap 'kill -TERM $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM
if [ "$MODE" = dev ]; then
    $PY manage.py runserver "127.0.0.1:$PORT"
else
    # Workers: 2 per core + 1 (gunicorn's advice); requests longer than 120 s are cut.
    .venv/bin/gunicorn kaoping.web.wsgi:application --bind "127.0.0.1:$PORT" \
        --workers "${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))}" --timeout 120 \
        --access-logfile - --error-logfile -
fi
