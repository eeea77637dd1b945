"""Server locations (file paths, lake and warehouse URLs) taken out of what the API shows
to callers who are not staff: they say where the data lives on the servers, which only
the people who run Folio need to know."""

import re
from collections.abc import Mapping
from typing import overload

HIDDEN = "[location hidden]"
# Keys whose whole value is a location, and keys whose value is a path of Folio's own API.
LOCATION_KEYS = frozenset({"location", "lake_prefix", "lake_url", "warehouse_url", "path"})
API_PATH_KEYS = frozenset({"status_url"})
LOCATION_PATTERNS = re.compile(
    r"""
    \b[a-z][a-z0-9+.-]*://[^\s'"<>]*     # a URL or URI: file://, s3://, duckdb://, postgresql://user@host/db
    | (?<![\w.~/-])/[^\s'"<>:;,()]+       # an absolute POSIX path (not the "/" of "1/2" or "and/or")
    | \b[a-z]:\\[^\s'"<>]*                # a Windows path
    | (?<=server\ at\ )"[^"]*"(\ \([^)]*\))? # a database server in libpq's messages: "host" (address)
    """,
    re.IGNORECASE | re.VERBOSE,
)


@overload
def locations_hidden(value: Mapping[str, object]) -> dict[str, object]: ...
@overload
def locations_hidden(value: object) -> object: ...
def locations_hidden(value: object) -> object:
    """The value with every location replaced: keys naming one dropped, paths and URLs in
    strings (error messages, an upload's stored path) masked; lists and dicts are walked."""
    if isinstance(value, str):
        return LOCATION_PATTERNS.sub(HIDDEN, value)
    if isinstance(value, Mapping):
        return {
            key: item if key in API_PATH_KEYS else locations_hidden(item)
            for key, item in value.items()
            if key not in LOCATION_KEYS
        }
    if isinstance(value, list | tuple):
        return [locations_hidden(item) for item in value]
    return value
