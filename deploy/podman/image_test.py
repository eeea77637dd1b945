"""`make image-test`: run the built image against the host's PostgreSQL and Redis and check it.

What it proves, through the container only (podman, host network): the image's metadata
(uid 10001, a HEALTHCHECK, the size target), that production settings refuse to start
without their variables and say which, that `migrate` is a job of its own, that `web`
serves /healthz over plain HTTP, /readyz, a session login and an API answer on data made
inside the container, that the HEALTHCHECK passes, and that worker and beat start. The container's app gets a
PostgreSQL database of its own (created and dropped here) and Redis database 8.

With --chromium (the image built with INCLUDE_CHROMIUM=true, for the worker that delivers
reports) the same checks run, with a size target of its own, and then the Overview page is
rendered to PDF inside the web container by `manage report_render` (Playwright driving the
image's Chromium as uid 10001, signed in as the test user) and the PDF is opened here: it must
show the revenue the API answered.

    python deploy/podman/image_test.py --image folio:latest
    python deploy/podman/image_test.py --image folio:chromium --chromium
"""

import argparse
import http.client
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

MAX_IMAGE_BYTES = 600 * 1000 * 1000  # the target, in podman's (decimal) megabytes
# With Debian's Chromium, its fonts and Playwright (its driver is a Node.js binary): the target
# of the reports worker's variant.
MAX_CHROMIUM_IMAGE_BYTES = 1500 * 1000 * 1000
FOLIO_UID = "10001"


class Failed(Exception):
    """A check did not hold; the message says which and what was seen."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", default="folio:latest")
    parser.add_argument("--database", default="folio_image", help="database created and dropped for the container")
    parser.add_argument("--redis-db", type=int, default=8, help="Redis database the container uses (flushed)")
    parser.add_argument("--chromium", action="store_true", help="the INCLUDE_CHROMIUM=true variant: render a PDF")
    options = parser.parse_args()
    postgres_url = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/folio")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        run_checks(options.image, postgres_url, redis_url, options.database, options.redis_db, options.chromium)
    except Failed as failure:
        print(f"image-test FAILED: {failure}", file=sys.stderr)
        return 1
    print("image-test: all checks passed")
    return 0


def run_checks(image: str, postgres_url: str, redis_url: str, database: str, redis_db: int, chromium: bool) -> None:
    check_metadata(image, MAX_CHROMIUM_IMAGE_BYTES if chromium else MAX_IMAGE_BYTES)
    check_refuses_to_start_unconfigured(image)
    app_redis = urlunsplit(urlsplit(redis_url)._replace(path=f"/{redis_db}"))
    port = free_port()
    environment = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": urlunsplit(urlsplit(postgres_url)._replace(path=f"/{database}")),
        "REDIS_URL": app_redis,
        "CELERY_BROKER_URL": app_redis,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
    }
    with own_database(postgres_url, database), flushed_redis(app_redis):
        step("migrate (a one-off container)")
        podman_run(image, environment, "migrate")
        with started_container(image, environment, "web") as container:
            web = Web(port)
            wait_for_health(web, container)
            step("a user and data made inside the web container (generate_sales_data syncs the warehouse)")
            password = secrets.token_urlsafe(16)
            podman("exec", container, "/app/deploy/entrypoint.sh", "manage", "demo_user", "--username", "imagetest",
                   "--password", password)  # fmt: skip
            podman("exec", container, "/app/deploy/entrypoint.sh", "manage", "generate_sales_data",
                   "--books", "20", "--sales", "200", "--seed", "11")  # fmt: skip
            check_readiness(web)
            revenue = check_login_and_answer(web, password)
            if chromium:
                check_pdf_report(container, port, revenue)
            check_json_logs(container)
            step("the image's HEALTHCHECK, run in the web container")
            podman("healthcheck", "run", container)
            uid = podman("exec", container, "id", "-u").strip()
            if uid != FOLIO_UID:
                raise Failed(f"the web process runs as uid {uid}, not {FOLIO_UID}")
        # The worker says it is ready once connected to the broker; beat as it starts ticking.
        for subcommand, ready in (("worker", " ready."), ("beat", "beat: Starting")):
            with started_container(image, environment, subcommand) as container:
                wait_for_log(container, ready)


def check_metadata(image: str, max_bytes: int) -> None:
    step(f"{image}: user, healthcheck, no compilers, size")
    inspected = json.loads(podman("image", "inspect", image))[0]
    config = inspected.get("Config", {})
    if config.get("User") != f"{FOLIO_UID}:{FOLIO_UID}":
        raise Failed(f"the image's user is {config.get('User')!r}, not {FOLIO_UID}:{FOLIO_UID}")
    if not (inspected.get("Healthcheck") or {}).get("Test"):
        raise Failed("the image has no HEALTHCHECK (the OCI format drops it: build with --format docker)")
    if "DJANGO_SETTINGS_MODULE=config.settings.production" not in config.get("Env", []):
        raise Failed("the image does not default to the production settings")
    compilers = subprocess.run(
        ["podman", "run", "--rm", "--entrypoint", "sh", image, "-c", "command -v gcc cc c++ clang make"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if compilers.stdout.strip():
        raise Failed(f"the runtime has build tools: {compilers.stdout.split()}")
    size = int(inspected["Size"])
    print(f"  image size: {size / 1e6:.0f} MB ({size} bytes)")
    if size > max_bytes:
        raise Failed(f"the image is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB target")


def check_refuses_to_start_unconfigured(image: str) -> None:
    step("web without its variables refuses to start, naming them")
    done = subprocess.run(
        ["podman", "run", "--rm", "--network", "host", image, "web"], capture_output=True, text=True, timeout=120
    )
    if done.returncode == 0 or "folio: cannot start" not in done.stderr or "DATABASE_URL" not in done.stderr:
        raise Failed(f"web started, or failed unclearly, without DATABASE_URL and the others: {done.stderr[-800:]}")


class Web:
    """HTTP to the container's web server, keeping cookies (a session's are Secure, which
    the X-Forwarded-Proto: https of a TLS-terminating load balancer makes Django send)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        https: bool = True,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        payload = json.dumps(body).encode() if body is not None else None
        if payload is not None:
            sent["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, {key.lower(): value for key, value in response.getheaders()}, content
        finally:
            connection.close()


def wait_for_health(web: Web, container: str) -> None:
    step("web answers /healthz over plain HTTP (as a load balancer's probe)")
    deadline = time.monotonic() + 90
    seen = "no answer"
    while time.monotonic() < deadline:
        try:
            status, _, content = web.request("GET", "/healthz", https=False)
            if status == 200:
                return
            seen = f"{status} {content[:200]!r}"
        except OSError as error:
            seen = str(error)
        if podman("container", "inspect", "--format", "{{.State.Running}}", container).strip() != "true":
            break
        time.sleep(1)
    raise Failed(f"/healthz did not answer 200 ({seen})")


def wait_for_log(container: str, ready: str) -> None:
    """Until the container's log shows the line that says it is ready (a minute at most)."""
    deadline = time.monotonic() + 60
    log = ""
    while time.monotonic() < deadline:
        log = podman("logs", container, check=False)
        if ready in log:
            return
        if podman("container", "inspect", "--format", "{{.State.Running}}", container).strip() != "true":
            break
        time.sleep(1)
    raise Failed(f"{container} did not log {ready.strip()!r}: {log[-800:]}")


def check_readiness(web: Web) -> None:
    step("/readyz")
    status, headers, content = web.request("GET", "/readyz")
    if not headers.get("content-type", "").startswith("application/json"):
        raise Failed(f"/readyz answered {status} with {headers.get('content-type')!r}: {content[:300]!r}")
    if status != 200 or json.loads(content).get("status") != "ok":
        raise Failed(f"/readyz answered {status}: {content[:300]!r}")
    step("a probe by IP (a load balancer's or kubelet's Host) is answered; other paths refuse that Host")
    by_ip = {"Host": f"10.0.3.7:{web.port}"}
    status, _, content = web.request("GET", "/readyz", headers=by_ip, https=False)
    if status != 200:
        raise Failed(f"/readyz with Host {by_ip['Host']} answered {status}: {content[:300]!r}")
    status, _, content = web.request("GET", "/api/auth/me/", headers=by_ip)
    if status != 400:
        raise Failed(f"/api/auth/me/ with Host {by_ip['Host']} answered {status}, not 400: {content[:300]!r}")


def check_json_logs(container: str) -> None:
    step("web's stdout: one JSON object per line, gunicorn's access lines with the request id")
    lines = [line for line in podman("logs", container).splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise Failed(f"a log line on stdout is not JSON: {line[:300]!r}") from None
    access = [r for r in records if r.get("logger") == "gunicorn.access" and "GET /readyz 200" in r.get("message", "")]
    if not access or "request_id=-" in access[-1]["message"]:
        raise Failed(f"no access line for GET /readyz with a request id among {len(records)} lines")


def check_login_and_answer(web: Web, password: str) -> str:
    step("session login through the API, then an API answer")
    origin = {"Origin": f"https://127.0.0.1:{web.port}", "Referer": f"https://127.0.0.1:{web.port}/"}
    status, _, content = web.request("GET", "/api/auth/csrf/")
    if status != 200:
        raise Failed(f"/api/auth/csrf/ answered {status}: {content[:300]!r}")
    token = json.loads(content)["csrf_token"]
    status, _, content = web.request(
        "POST",
        "/api/auth/login/",
        {"username": "imagetest", "password": password},
        headers={"X-CSRFToken": token, **origin},
    )
    if status != 200 or json.loads(content).get("username") != "imagetest":
        raise Failed(f"login answered {status}: {content[:300]!r}")
    if "sessionid" not in web.cookies:
        raise Failed("login set no session cookie")
    status, _, content = web.request("GET", "/api/analytics/summary")
    if status != 200:
        raise Failed(f"/api/analytics/summary answered {status}: {content[:300]!r}")
    result = json.loads(content)["result"]
    if not result.get("orders") or not result.get("units"):
        raise Failed(f"the summary has no sales: {result}")
    print(f"  summary: {result['orders']} orders, {result['units']} units, revenue {result['revenue']}")
    return str(result["revenue"])


def check_pdf_report(container: str, port: int, revenue: str) -> None:
    step("a PDF report of the Overview page, rendered by Chromium inside the container, opened here")
    from pypdf import PdfReader  # a test dependency: only this check needs it

    path = "/tmp/folio-image-test-report.pdf"
    # The public address is HTTPS (a load balancer's); the worker's browser reaches web directly.
    podman("exec", "--env", f"FOLIO_BASE_URL=https://127.0.0.1:{port}", "--env",
           f"REPORT_RENDER_URL=http://127.0.0.1:{port}", container, "/app/deploy/entrypoint.sh",
           "manage", "report_render", "--username", "imagetest", "--page", "/", "--format", "pdf",
           "--output", path)  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        podman("cp", f"{container}:{path}", folder)
        pdf = (Path(folder) / Path(path).name).read_bytes()
    if not pdf.startswith(b"%PDF-"):
        raise Failed(f"report_render wrote no PDF: {pdf[:60]!r}")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    shown = f"{Decimal(revenue):,.2f}"
    if shown not in text:
        raise Failed(f"the PDF ({len(pdf)} bytes) does not show the revenue {shown}: {text[:400]!r}")
    print(f"  PDF: {len(pdf)} bytes, shows revenue {shown}")


@contextmanager
def own_database(postgres_url: str, database: str) -> Iterator[None]:
    """A fresh database on the host's PostgreSQL for the container, dropped afterwards."""
    admin_url = urlunsplit(urlsplit(postgres_url)._replace(path="/postgres"))

    def execute(statement: sql.Composed) -> None:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)

    try:
        execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
        execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.OperationalError as error:
        raise Failed(f"PostgreSQL at {urlsplit(postgres_url).netloc}: {error}") from None
    try:
        yield
    finally:
        execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


@contextmanager
def flushed_redis(url: str) -> Iterator[None]:
    """The container's Redis database, empty before and after (login counters, throttles, cache)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        raise Failed(f"Redis at {url}: {error}") from None
    try:
        yield
    finally:
        client.flushdb()


@contextmanager
def started_container(image: str, environment: dict[str, str], subcommand: str) -> Iterator[str]:
    """The subcommand running detached; its log is printed if a check fails, and it is removed."""
    name = f"folio-image-test-{subcommand}-{os.getpid()}"
    step(f"{subcommand} in container {name}")
    podman("run", "--detach", "--name", name, "--network", "host", *env_options(environment), image, subcommand,
           env=environment)  # fmt: skip
    try:
        yield name
    except BaseException:
        print(f"--- {name} log ---\n{podman('logs', '--tail', '60', name, check=False)}", file=sys.stderr)
        raise
    finally:
        podman("rm", "--force", "--time", "10", name, check=False)


def podman_run(image: str, environment: dict[str, str], *command: str) -> None:
    podman("run", "--rm", "--network", "host", *env_options(environment), image, *command, env=environment)


def env_options(environment: dict[str, str]) -> list[str]:
    """`--env NAME` for each variable: podman reads the values from its own environment, so
    the secret key never appears in a process list."""
    return [option for name in environment for option in ("--env", name)]


def podman(*arguments: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["podman", *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env} if env else None,
    )
    if check and done.returncode != 0:
        raise Failed(f"podman {' '.join(arguments[:3])} … exited {done.returncode}: {done.stderr[-1500:]}")
    return done.stdout + (done.stderr if not check else "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def step(what: str) -> None:
    print(f"image-test: {what}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
