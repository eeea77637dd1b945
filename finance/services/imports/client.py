"""The Paris open-data portal's explore API v2.1: pages of records over HTTP, parsed
without losing digits (big integers and decimals stay exact)."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

EXPLORE_PAGE_SIZE = 100  # the explore API v2.1 refuses limit > 100
EXPLORE_OFFSET_LIMIT = 10_000  # the explore API refuses offset + limit > 10,000; past that use /exports
HTTP_TIMEOUT_SECONDS = 30.0


class ExploreFetchError(Exception):
    """The explore API did not answer, or answered with an error or a body that is not records."""


def _page_url(url: str, *, limit: int, offset: int) -> str:
    """The URL with its limit and offset query parameters set, other parameters kept."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k not in {"limit", "offset"}
    ]
    query += [("limit", str(limit)), ("offset", str(offset))]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def explore_page_fetch(*, url: str, timeout: float = HTTP_TIMEOUT_SECONDS) -> dict[str, Any]:
    """One explore API response as a dict, numbers as Decimal; ExploreFetchError names the URL on failure."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "folio-import"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise ExploreFetchError(f"GET {url} failed: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):  # a timeout while connecting comes wrapped in URLError
            raise ExploreFetchError(f"GET {url} failed: no answer within {timeout:g} s") from None
        raise ExploreFetchError(f"GET {url} failed: {error.reason}") from None
    except TimeoutError:
        raise ExploreFetchError(f"GET {url} failed: no answer within {timeout:g} s") from None
    try:
        page = json_parse(body)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ExploreFetchError(f"GET {url} did not return JSON: {error}") from None
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise ExploreFetchError(f"GET {url} did not return explore API records (no 'results' list)")
    return page


# Longer integers become Decimal: past int64 no field is an int, and int() refuses 4,300+ digits.
JSON_INT_DIGITS = 18


def _json_int(text: str) -> int | Decimal:
    return int(text) if len(text.lstrip("-")) <= JSON_INT_DIGITS else Decimal(text)


def json_parse(body: bytes | str) -> Any:
    """JSON with exact numbers: fractions and long integers as Decimal, NaN and Infinity as Decimal
    (so that a row check refuses them as numbers); ValueError says why a body is not JSON."""
    try:
        return json.loads(body, parse_float=Decimal, parse_int=_json_int, parse_constant=Decimal)
    except RecursionError:
        # json's C decoder recurses once per nesting level: `[` * 100,000 exhausts the stack limit.
        raise ValueError("it nests arrays or objects too deeply") from None


def explore_records_fetch(
    *,
    url: str,
    page_size: int = EXPLORE_PAGE_SIZE,
    timeout: float = HTTP_TIMEOUT_SECONDS,
    on_page: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every record of an explore API v2.1 `/records` URL, page by page until `total_count`.

    `on_page(received, total_count)` is called after each page (for a progress bar).
    """
    if not 1 <= page_size <= EXPLORE_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {EXPLORE_PAGE_SIZE}, got {page_size}")
    offset = 0
    while True:
        page_url = _page_url(url, limit=page_size, offset=offset)
        page = explore_page_fetch(url=page_url, timeout=timeout)
        total = page.get("total_count")
        if not isinstance(total, int):
            raise ExploreFetchError(f"GET {page_url} did not return an integer total_count")
        if total > EXPLORE_OFFSET_LIMIT:
            raise ExploreFetchError(
                f"{url} has {total:,} records, more than the {EXPLORE_OFFSET_LIMIT:,} the records endpoint pages "
                "through; download the CSV export and import the file instead"
            )
        records = page["results"]
        yield from records
        offset += len(records)
        if on_page is not None:
            on_page(offset, total)
        # An empty page before total_count means the dataset shrank while we read it: stop, do not loop.
        if offset >= total or not records:
            return
