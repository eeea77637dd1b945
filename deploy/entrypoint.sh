#!/bin/sh
# The image's entry point: one subcommand names the process this container runs.
#   web       gunicorn on $PORT (default 8000), $WEB_CONCURRENCY workers (2) of $GUNICORN_THREADS threads (8)
#   worker    a Celery worker (warehouse syncs, imports, data generation)
#   beat      the Celery beat that schedules the syncs: run exactly one
#   migrate   apply the database migrations, then exit (a one-off job before web starts)
#   manage …  any manage.py command, e.g. `manage createsuperuser`
# Arguments after the subcommand go to gunicorn, celery or manage.py. Web never migrates.
set -eu

usage() {
  echo "usage: folio {web|worker|beat|migrate|manage <command> [args…]} [args…]" >&2
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
    exec gunicorn config.wsgi:application \
      --bind "0.0.0.0:${PORT:-8000}" \
      --workers "${WEB_CONCURRENCY:-2}" \
      --threads "${GUNICORN_THREADS:-8}" \
      --worker-tmp-dir /dev/shm \
      --access-logfile - \
      "$@"
    ;;
  worker)
    settings_check
    exec celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" "$@"
    ;;
  beat)
    settings_check
    exec celery -A config beat --loglevel "${LOG_LEVEL:-INFO}" "$@"
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
