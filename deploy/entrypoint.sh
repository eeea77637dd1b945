#!/bin/sh
# The image's entry point: one subcommand names the process this container runs.
#   web       gunicorn on $PORT (default 8000), $WEB_CONCURRENCY workers (2) of $GUNICORN_THREADS threads (8)
#   events    daphne on $PORT (default 8000): the live events (/ws/events/, /api/analytics/events)
#   worker    a Celery worker (warehouse syncs, imports, data generation)
#   beat      the Celery beat that schedules the syncs: run exactly one
#   migrate   apply the database migrations, then exit (a one-off job before web starts)
#   manage …  any manage.py command, e.g. `manage createsuperuser`
# Arguments after the subcommand go to gunicorn, daphne, celery or manage.py. Web never migrates.
set -eu

usage() {
  echo "usage: folio {web|events|worker|beat|migrate|manage <command> [args…]} [args…]" >&2
  exit 2
}

# The settings refuse to load when a required variable is missing or a value is wrong:
# say so in one line rather than in every gunicorn worker's or Celery's traceback.
settings_check() {
  python -c '
import sys
from django.core.exceptions import ImproperlyConfigured
try:
    from django.conf import settings
    settings.INSTALLED_APPS
except ImproperlyConfigured as error:
    sys.exit(f"folio: cannot start: {error}")
'
}

[ $# -gt 0 ] || usage
command="$1"
shift
case "$command" in
  web)
    settings_check
    # Every gunicorn worker writes its metrics here and /metrics adds them up (prometheus
    # multiprocess mode); emptied at start, as the files of dead processes would count twice.
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/folio-metrics}"
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec gunicorn config.wsgi:application \
      --config /app/deploy/gunicorn.conf.py \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" \
      --threads "${GUNICORN_THREADS:-8}" \
      --worker-tmp-dir /dev/shm \
      "$@"
    ;;
  events)
    settings_check
    # One process, one event loop: thousands of open sockets cost memory, not threads, and
    # gunicorn's (benchmarked) threads never wait on one. daphne, the server `runserver`
    # already uses in development, so both run the same ASGI stack. Scale with replicas:
    # a publish reaches every process through Redis pub/sub. --verbosity 0: daphne's access
    # lines are plain text outside Folio's (JSON) logging; its warnings and errors stay.
    exec daphne -b 0.0.0.0 -p "${PORT:-8000}" --verbosity 0 config.asgi:application "$@"
    ;;
  worker)
    settings_check
    exec celery --quiet -A config worker --loglevel "${LOG_LEVEL:-INFO}" "$@"
    ;;
  beat)
    settings_check
    exec celery --quiet -A config beat --loglevel "${LOG_LEVEL:-INFO}" "$@"
    ;;
  migrate)
    settings_check
    exec python manage.py migrate --noinput "$@"
    ;;
  manage)
    [ $# -gt 0 ] || usage
    settings_check
    exec python manage.py "$@"
    ;;
  *)
    usage
    ;;
esac
