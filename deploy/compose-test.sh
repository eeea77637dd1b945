#!/usr/bin/env bash
# `make compose-test`: run compose.yaml's Folio services (migrate, then web, events, worker and beat)
# from the image against services on this host, and check that they answer:
#   - PostgreSQL at TEST_POSTGRES_URL's server (two scratch databases, dropped at the end),
#   - Redis at TEST_REDIS_URL (cache and Celery broker),
#   - the lake in a moto S3 server started here on loopback,
# with compose.host.yaml putting the containers on the host's network. It checks /healthz
# and /readyz through the web container, and runs each container's own health check.
# IMAGE names the image (default folio:latest, as `make image` tags it).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-folio:latest}"
PG_URL="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/folio}"
REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
WEB_PORT="${COMPOSE_TEST_PORT:-8765}"
PY=.venv/bin/python
COMPOSE=(.venv/bin/podman-compose --project-name folio-compose-test -f compose.yaml -f compose.host.yaml)

command -v podman >/dev/null || { echo "compose-test needs podman (apt-get install podman)"; exit 1; }
[ -x .venv/bin/podman-compose ] || { echo "compose-test needs podman-compose in .venv (make install)"; exit 1; }
podman image exists "$IMAGE" || { echo "No image $IMAGE here: build it with make image"; exit 1; }
# This machine's podman settings (runc, no default ulimits), when the image's tooling ships them.
if [ -z "${CONTAINERS_CONF:-}" ] && [ -f deploy/podman/containers.conf ]; then
  export CONTAINERS_CONF="$PWD/deploy/podman/containers.conf"
fi

work="$(mktemp -d)"
moto_pid=""
cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "--- logs of the Folio containers ---"
    "${COMPOSE[@]}" logs 2>/dev/null | tail -200 || true
  fi
  "${COMPOSE[@]}" down --volumes >/dev/null 2>&1 || true
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  "$PY" - "$PG_URL" drop <<'PY' || true
import sys
from urllib.parse import urlsplit, urlunsplit
import psycopg
from psycopg import sql
parts = urlsplit(sys.argv[1])
with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
    for name in ("folio_compose_test", "folio_compose_test_warehouse"):
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
PY
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "Scratch databases folio_compose_test and folio_compose_test_warehouse at $PG_URL"
"$PY" - "$PG_URL" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
import psycopg
from psycopg import sql
parts = urlsplit(sys.argv[1])
with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
    for name in ("folio_compose_test", "folio_compose_test_warehouse"):
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
PY
database_url="$("$PY" -c 'import sys; from urllib.parse import urlsplit, urlunsplit; print(urlunsplit(urlsplit(sys.argv[1])._replace(path="/" + sys.argv[2])))' "$PG_URL" folio_compose_test)"
warehouse_url="$("$PY" -c 'import sys; from urllib.parse import urlsplit, urlunsplit; print(urlunsplit(urlsplit(sys.argv[1])._replace(path="/" + sys.argv[2])))' "$PG_URL" folio_compose_test_warehouse)"

moto_port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "The lake: moto's S3 server on 127.0.0.1:$moto_port"
.venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
"$PY" - "http://127.0.0.1:$moto_port" <<'PY'
import sys
import time
import boto3
for _ in range(50):
    try:
        boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket="folio-lake")
        break
    except Exception:  # the server is still starting
        time.sleep(0.2)
else:
    sys.exit("moto's S3 server did not start")
PY

# The env file compose.yaml reads (FOLIO_ENV_FILE) and interpolates from (--env-file).
secret_key="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
cat >"$work/env" <<EOF
POSTGRES_PASSWORD=unused-here
LAKE_ACCESS_KEY=testing
LAKE_SECRET_KEY=unused-here
FOLIO_IMAGE=$IMAGE
DJANGO_SECRET_KEY=$secret_key
DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
DJANGO_SECURE_SSL_REDIRECT=false
PORT=$WEB_PORT
FOLIO_EVENTS_PORT=$((WEB_PORT + 1))
WEB_CONCURRENCY=1
GUNICORN_THREADS=4
DATABASE_URL=$database_url
REDIS_URL=$REDIS_URL
CELERY_BROKER_URL=$REDIS_URL
LAKE_URL=s3://folio-lake/lake
AWS_ENDPOINT_URL=http://127.0.0.1:$moto_port
AWS_ACCESS_KEY_ID=testing
AWS_SECRET_ACCESS_KEY=testing
AWS_DEFAULT_REGION=us-east-1
WAREHOUSE_URL=$warehouse_url
EOF
export FOLIO_ENV_FILE="$work/env"
COMPOSE+=(--env-file "$work/env")

echo "migrate, then web, events, worker and beat from $IMAGE"
"${COMPOSE[@]}" up -d web events worker beat

echo "Waiting for http://127.0.0.1:$WEB_PORT/healthz"
"$PY" - "$WEB_PORT" <<'PY'
import json
import sys
import time
import urllib.error
import urllib.request

port = sys.argv[1]


def get(path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


deadline = time.monotonic() + 120
while True:
    try:
        status, body = get("/healthz")
        if status == 200:
            break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("web did not answer /healthz with 200 within 120 s")
    time.sleep(2)
print("/healthz", status, body)
status, body = get("/readyz")
print("/readyz", status, body)
if status != 200:
    sys.exit("/readyz did not answer 200")
json.loads(body)
PY

# podman runs health checks from systemd timers, which this machine may not have: run each
# container's own check once, so that a wrong command fails here and not in production.
for service in web events worker beat; do
  container="$(podman ps --filter "label=com.docker.compose.service=$service" \
    --filter "label=com.docker.compose.project=folio-compose-test" --format '{{.Names}}' | head -1)"
  [ -n "$container" ] || { echo "$service is not running"; exit 1; }
  # A worker answers pings, and beat writes its schedule file, a few seconds after starting.
  for attempt in $(seq 1 12); do
    podman healthcheck run "$container" >/dev/null 2>&1 && break
    [ "$attempt" -lt 12 ] || { echo "$service's health check failed for a minute"; exit 1; }
    sleep 5
  done
  echo "$service: health check passed"
done
migrate_status="$(podman ps -a --filter "label=com.docker.compose.service=migrate" \
  --filter "label=com.docker.compose.project=folio-compose-test" --format '{{.Status}}' | head -1)"
echo "migrate: $migrate_status"
echo "compose-test passed"
