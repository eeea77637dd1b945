"""The file of a report, made in its owner's scope: a question's table through ask() and the
API's own CSV/XLSX renderers (the same file /api/analytics/<question>?format= gives), or a
dashboard page printed by headless Chromium signed in as the owner (what the owner sees)."""

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User

from analytics.api.renderers import CSVRenderer, XLSXRenderer, export_filename
from analytics.api.workspace import SESSION_KEY as WORKSPACE_SESSION_KEY
from analytics.questions.ask import ask
from analytics.questions.catalogue import question_get
from reports.models import filters_query
from workspaces.scope import Scope

RENDERERS = {"csv": CSVRenderer, "xlsx": XLSXRenderer}
PAGE_TYPES = {"pdf": "application/pdf", "png": "image/png"}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The page has drawn every panel, or one of its panels says it could not load.
SETTLED = """() => document.body.dataset.ready === "true"
    || [...document.querySelectorAll('[role="alert"]')].some((el) => el.textContent.includes("Could not load"))"""
PANEL_ERROR = """() => [...document.querySelectorAll('[role="alert"]')]
    .filter((el) => el.textContent.includes("Could not load")).map((el) => el.textContent.trim()).join(" | ")"""


class RenderFailed(Exception):
    """The file could not be made now (a timeout, a page showing an error, no data yet): tried again later."""


@dataclass(frozen=True)
class Rendered:
    """A report's file."""

    content: bytes
    filename: str
    content_type: str
    generation: int | None


@dataclass(frozen=True)
class _Table:
    """What the API's renderers read off their view: the endpoint, and the columns of an empty table."""

    endpoint: str
    columns: tuple[str, ...]
    ratio_columns: tuple[str, ...]


def table_render(*, question: str, params: dict, scope: Scope, fmt: str) -> Rendered:
    """The question's answer in the scope as CSV or XLSX, rendered as the API renders it.
    Raises a DRF ValidationError when the parameters no longer hold, RenderFailed when the
    answer has more rows than an export may (API_EXPORT_MAX_ROWS)."""
    asked = ask(question, params, scope=scope)
    body = asked.body()
    rows = len(body.get("results") or [])
    if rows > settings.API_EXPORT_MAX_ROWS:
        raise RenderFailed(f"The table has {rows:,} rows; exports are limited to {settings.API_EXPORT_MAX_ROWS:,}.")
    found = question_get(question)
    renderer = RENDERERS[fmt]()
    context = {"view": _Table(found.name, found.columns, found.ratio_columns)}
    content = renderer.render(body, renderer.media_type, context)
    content = content.encode("utf-8") if isinstance(content, str) else content
    charset = f"; charset={renderer.charset}" if renderer.charset else ""
    return Rendered(
        content=content,
        filename=export_filename(body, context, fmt),
        content_type=f"{renderer.media_type}{charset}",
        generation=int(body["generation"]),
    )


def owner_session(user: User, workspace_id: int) -> str:
    """A new server-side session of the user acting in the workspace, as a login would make
    it (the auth keys, with the password hash that keeps it valid): the browser's cookie."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[WORKSPACE_SESSION_KEY] = workspace_id
    store.create()
    assert store.session_key is not None
    return store.session_key


def session_end(session_key: str) -> None:
    """Delete the session the browser used."""
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key).delete()


def page_url(page: str, params: dict) -> str:
    """The address the worker's browser opens: the page with its filters, as the dashboard's URL holds them."""
    return f"{settings.REPORT_RENDER_URL or settings.FOLIO_BASE_URL}{page}{filters_query(params)}"


def page_render(*, user: User, workspace_id: int, page: str, params: dict, fmt: str, name: str) -> Rendered:
    """The page as the owner sees it, printed by headless Chromium once every panel has
    drawn (body[data-ready="true"]): PDF (A4 landscape, backgrounds) or a full-page PNG.
    Raises RenderFailed on a timeout, a panel showing an error, or a browser that fails."""
    session_key = owner_session(user, workspace_id)
    try:
        content = _print(url=page_url(page, params), session_key=session_key, fmt=fmt)
    finally:
        session_end(session_key)
    stem = "".join(char if char.isalnum() else "-" for char in name.lower()).strip("-") or "report"
    return Rendered(content=content, filename=f"{stem}.{fmt}", content_type=PAGE_TYPES[fmt], generation=None)


def _print(*, url: str, session_key: str, fmt: str) -> bytes:
    # Imported here: only the worker prints pages; the web server never loads Playwright.
    # The slim image has neither Playwright nor Chromium (Containerfile INCLUDE_CHROMIUM).
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RenderFailed(
            "PDF and PNG reports need Playwright and Chromium in the worker: run it from the image built "
            'with INCLUDE_CHROMIUM=true (README "Scheduled reports").'
        ) from None
    if not Path(settings.REPORT_CHROMIUM_PATH).exists():
        raise RenderFailed(
            f"PDF and PNG reports need Chromium in the worker: REPORT_CHROMIUM_PATH ({settings.REPORT_CHROMIUM_PATH}) "
            "does not exist."
        )

    timeout_ms = settings.REPORT_RENDER_TIMEOUT * 1000
    base = urlsplit(url)
    behind_tls = base.scheme == "http" and urlsplit(settings.FOLIO_BASE_URL).scheme == "https"
    # Playwright's sync API runs an event loop in this thread while the block lasts: no ORM
    # call is made inside it (Django refuses them beside a running loop).
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=settings.REPORT_CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context(
                    viewport={"width": 1440, "height": 900},
                    locale="en-US",
                    extra_http_headers={"X-Forwarded-Proto": "https"} if behind_tls else None,
                )
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": session_key,
                            "url": f"{base.scheme}://{base.netloc}",
                            "httpOnly": True,
                            "sameSite": "Lax",
                        }
                    ]
                )
                tab = context.new_page()
                tab.goto(url, timeout=timeout_ms)
                tab.wait_for_function(SETTLED, timeout=timeout_ms)
                shown = tab.evaluate(PANEL_ERROR)
                if shown:
                    raise RenderFailed(f"The page shows an error: {shown}"[:1000])
                if urlsplit(tab.url).path.startswith("/login"):
                    raise RenderFailed("The page asked for a login: the owner's session was refused.")
                if fmt == "pdf":
                    tab.emulate_media(media="screen")
                    return tab.pdf(format="A4", landscape=True, print_background=True)
                return tab.screenshot(full_page=True, type="png")
            finally:
                browser.close()
    except PlaywrightError as failure:
        message = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
        raise RenderFailed(f"The page could not be rendered: {message}"[:1000]) from failure
