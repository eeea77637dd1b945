"""The API request log: the timing middleware's header and JSON lines, and `manage.py perf_report` over them."""

import csv
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import numpy
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import CommandError, call_command
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import ResolverMatch
from hypothesis import given
from hypothesis import strategies as st

from analytics.api import middleware
from analytics.api.middleware import ApiRequestLogMiddleware
from analytics.perf import EndpointStats, percentile_nearest_rank, perf_report_build

CSV_HEADER = ["endpoint", "count", "avg_ms", "min_ms", "max_ms", "p50_ms", "p95_ms", "p99_ms", "hit_rate", "errors"]


def summary_view(request: HttpRequest) -> HttpResponse:
    """Stands in for the summary endpoint: a cached answer."""
    response = HttpResponse("{}", content_type="application/json")
    response["X-Cache"] = "HIT"
    return response


def log_line(endpoint: str, ms: float, *, status: int = 200, cache: str | None = None, ts: str | None = None) -> str:
    """A request-log line as the middleware writes it."""
    record = {
        "ts": ts or "2025-06-01T08:00:00.000+00:00",
        "method": "GET",
        "path": "/" + endpoint,
        "endpoint": endpoint,
        "status": status,
        "ms": ms,
        "cache": cache,
        "user": 1,
        "format": "json",
    }
    return json.dumps(record) + "\n"


@pytest.fixture
def api_log(tmp_path: Path) -> Iterator[Path]:
    """API_LOG_PATH pointed at a folder that does not exist yet."""
    path = tmp_path / "log" / "api.jsonl"
    with override_settings(API_LOG_PATH=path):
        yield path


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """perf_counter reads 10.0 s then 10.25 s: every request takes exactly 250 ms."""
    readings = iter([10.0, 10.25, 20.0, 20.25])
    monkeypatch.setattr(middleware.time, "perf_counter", lambda: next(readings))


def test_api_request_gets_a_timing_header_and_one_json_line(api_log: Path, frozen_clock: None) -> None:
    # given a signed-in user asking for the summary as CSV, resolved to its route
    request = RequestFactory().get("/api/analytics/summary/", {"start": "2025-01-01", "format": "csv"})
    request.user = User(pk=42, username="reader")
    request.resolver_match = ResolverMatch(summary_view, (), {}, url_name="summary", route="api/analytics/summary/")
    before = datetime.now(UTC)

    # when the middleware serves it
    response = ApiRequestLogMiddleware(summary_view)(request)

    # then the client sees the time and the log holds exactly this request
    after = datetime.now(UTC)
    assert response["API-Process-Time"] == "250.00"
    record = json.loads(api_log.read_text())
    ts = record.pop("ts")
    assert before - timedelta(milliseconds=1) <= datetime.fromisoformat(ts) <= after
    assert ts.endswith("+00:00")
    assert record == {
        "method": "GET",
        "path": "/api/analytics/summary/",
        "endpoint": "api/analytics/summary/",
        "status": 200,
        "ms": 250.0,
        "cache": "HIT",
        "user": 42,
        "client": "127.0.0.1",
        "format": "csv",
    }


def test_unresolved_anonymous_request_logs_its_path_and_nulls(api_log: Path, frozen_clock: None) -> None:
    # given an anonymous POST that matched no route and answered 404 without X-Cache
    request = RequestFactory().post("/api/nowhere")
    request.user = AnonymousUser()

    # when the middleware serves two of them
    handler = ApiRequestLogMiddleware(lambda request: HttpResponse(status=404))
    handler(request)
    handler(request)

    # then each gets its own line, keyed by the path, with nulls where nothing is known
    records = [json.loads(line) for line in api_log.read_text().splitlines()]
    assert [(r["method"], r["endpoint"], r["status"], r["cache"], r["user"], r["format"]) for r in records] == [
        ("POST", "/api/nowhere", 404, None, None, "json"),
        ("POST", "/api/nowhere", 404, None, None, "json"),
    ]


def test_non_api_path_passes_through_untouched(api_log: Path) -> None:
    # given a page outside /api/
    request = RequestFactory().get("/healthz")

    # when the middleware serves it
    response = ApiRequestLogMiddleware(lambda request: HttpResponse("ok"))(request)

    # then there is no header and no log line
    assert "API-Process-Time" not in response
    assert not api_log.exists()


def test_unwritable_log_still_answers_and_warns_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # given a log path whose folder is a regular file (unwritable even for root)
    (tmp_path / "log").write_text("not a folder")
    request = RequestFactory().get("/api/analytics/summary/")
    request.user = AnonymousUser()
    handler = ApiRequestLogMiddleware(summary_view)

    # when two requests are served
    with override_settings(API_LOG_PATH=tmp_path / "log" / "api.jsonl"), caplog.at_level(logging.WARNING):
        responses = [handler(request), handler(request)]

    # then both answer normally and the outage is reported once
    for response in responses:
        assert isinstance(response, HttpResponse)  # summary_view's own response, timed
        assert (response.status_code, response.content, "API-Process-Time" in response) == (200, b"{}", True)
    warnings = [r.getMessage() for r in caplog.records if r.name == "folio.api.requests"]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"API request log not written to {tmp_path / 'log' / 'api.jsonl'}: ")


def test_report_gives_exact_statistics_per_endpoint_most_requested_first() -> None:
    # given 20 summary requests of 1..20 ms (15 hits, 5 misses, two 503s) and 3 token requests
    summary = [
        log_line("api/analytics/summary/", ms, cache="HIT" if ms <= 15 else "MISS", status=503 if ms in (4, 9) else 200)
        for ms in range(1, 21)
    ]
    tokens = [log_line("api/tokens/", ms) for ms in (30.5, 5.25, 7.0)]

    # when the report is built
    stats = perf_report_build(lines=tokens + summary, since=None)

    # then nearest-rank percentiles are measured values and the hit rate ignores uncached requests
    assert stats == [
        EndpointStats(
            endpoint="api/analytics/summary/",
            count=20,
            avg_ms=10.5,
            min_ms=1.0,
            max_ms=20.0,
            p50_ms=10.0,
            p95_ms=19.0,
            p99_ms=20.0,
            hit_rate=0.75,
            errors=2,
        ),
        EndpointStats(
            endpoint="api/tokens/",
            count=3,
            avg_ms=14.25,
            min_ms=5.25,
            max_ms=30.5,
            p50_ms=7.0,
            p95_ms=30.5,
            p99_ms=30.5,
            hit_rate=None,
            errors=0,
        ),
    ]


def test_report_keeps_only_requests_since_the_given_time() -> None:
    # given requests at 07:59:59, 08:00:00 and 09:30 UTC
    lines = [
        log_line("api/analytics/summary/", 100.0, ts="2025-06-01T07:59:59.999+00:00"),
        log_line("api/analytics/summary/", 4.0, ts="2025-06-01T08:00:00.000+00:00"),
        log_line("api/analytics/summary/", 6.0, ts="2025-06-01T11:30:00.000+02:00"),
    ]

    # when the report starts at 08:00 UTC
    stats = perf_report_build(lines=lines, since=datetime(2025, 6, 1, 8, tzinfo=UTC))

    # then the earlier request is left out
    assert [(row.count, row.avg_ms, row.max_ms) for row in stats] == [(2, 5.0, 6.0)]


def test_report_skips_malformed_lines_with_their_number_and_reason() -> None:
    # given a log with a truncated line, a blank line and records missing what the report needs
    lines = [
        log_line("api/tokens/", 3.0),
        '{"ts": "2025-06-01T08:00:00+00:00", "endpoint": "api/tok',
        "\n",
        "[1, 2]",
        json.dumps({"ts": "2025-06-01T08:00:00+00:00", "endpoint": "api/tokens/", "status": "200", "ms": 1.0}),
        json.dumps({"ts": "yesterday", "endpoint": "api/tokens/", "status": 200, "ms": 1.0}),
        json.dumps({"ts": "2025-06-01T08:00:00+00:00", "endpoint": "api/tokens/", "status": 200, "ms": True}),
    ]
    skipped: list[tuple[int, str]] = []

    # when the report is built
    stats = perf_report_build(lines=lines, since=None, on_skip=lambda number, reason: skipped.append((number, reason)))

    # then the good line counts, the blank one is ignored and the others are reported
    assert [(row.endpoint, row.count) for row in stats] == [("api/tokens/", 1)]
    assert skipped == [
        (2, "not JSON (Unterminated string starting at)"),
        (4, "not a JSON object"),
        (5, "no integer status"),
        (6, "no ISO timestamp"),
        (7, "no number of milliseconds"),
    ]


@given(
    values=st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=300),
    percent=st.sampled_from([50, 95, 99]),
)
def test_nearest_rank_percentile_matches_numpy_inverted_cdf(values: list[int], percent: int) -> None:
    # given any sorted sample of whole milliseconds
    ordered = sorted(float(value) for value in values)

    # when its percentile is taken
    ours = percentile_nearest_rank(ordered, percent)

    # then it is numpy's inverted-CDF percentile, the same nearest-rank definition
    assert ours == float(numpy.percentile(ordered, percent, method="inverted_cdf"))


def test_command_prints_the_table_writes_the_csv_and_counts_malformed_lines(tmp_path: Path) -> None:
    # given a log of 4 summary requests, 1 token request and 2 malformed lines
    log = tmp_path / "api.jsonl"
    log.write_text(
        "".join(
            [
                log_line("api/analytics/summary/", 12.5, cache="MISS"),
                log_line("api/analytics/summary/", 1.5, cache="HIT"),
                "garbage\n",
                log_line("api/analytics/summary/", 2.5, cache="HIT"),
                log_line("api/analytics/summary/", 3.5, cache="HIT", status=500),
                log_line("api/tokens/", 8.0),
                '{"endpoint": "api/tokens/"}\n',
            ]
        )
    )
    report = tmp_path / "reports" / "perf.csv"

    # when the report runs
    out, err = _run_perf_report("--log", str(log), "--csv", str(report))

    # then the table shows each endpoint, the CSV holds the same numbers and the bad lines are counted
    assert out.splitlines() == [
        f"5 requests to 2 endpoints in {log}",
        "endpoint                  count    avg ms    min ms    max ms    p50 ms    p95 ms    p99 ms hit rate    5xx",
        "-" * 107,
        "api/analytics/summary/        4      5.00      1.50     12.50      2.50     12.50     12.50    75.0%      1",
        "api/tokens/                   1      8.00      8.00      8.00      8.00      8.00      8.00        -      0",
        f"Wrote {report}",
    ]
    assert err == f"skipped 2 malformed lines in {log}\n"
    with report.open(newline="") as file:
        assert list(csv.reader(file)) == [
            CSV_HEADER,
            ["api/analytics/summary/", "4", "5.00", "1.50", "12.50", "2.50", "12.50", "12.50", "0.7500", "1"],
            ["api/tokens/", "1", "8.00", "8.00", "8.00", "8.00", "8.00", "8.00", "", "0"],
        ]


def test_command_reads_api_log_path_and_writes_into_var_dir_by_default(api_log: Path, tmp_path: Path) -> None:
    # given a log at API_LOG_PATH, one request an hour ago and one two minutes ago
    now = datetime.now(UTC)
    api_log.parent.mkdir(parents=True)
    api_log.write_text(
        log_line("api/analytics/freshness/", 90.0, ts=(now - timedelta(hours=1)).isoformat())
        + log_line("api/analytics/freshness/", 3.0, ts=(now - timedelta(minutes=2)).isoformat())
    )
    var_dir = tmp_path / "var"

    # when the report covers the last 30 minutes with no --log or --csv
    with override_settings(VAR_DIR=var_dir):
        out, err = _run_perf_report("--since", "30m")

    # then only the recent request is counted, and the CSV lands in VAR_DIR
    assert out.splitlines()[0].startswith(f"1 request to 1 endpoint in {api_log} since ")
    assert err == ""
    with (var_dir / "perf_report.csv").open(newline="") as file:
        assert list(csv.reader(file))[1] == [
            "api/analytics/freshness/",
            "1",
            "3.00",
            "3.00",
            "3.00",
            "3.00",
            "3.00",
            "3.00",
            "",
            "0",
        ]


def test_command_reads_a_naive_since_in_the_local_time_zone(tmp_path: Path) -> None:
    # given requests at 05:59 and 06:00 UTC, and a server in Paris (UTC+2 in June)
    log = tmp_path / "api.jsonl"
    log.write_text(
        log_line("api/analytics/summary/", 9.0, ts="2025-06-01T05:59:00.000+00:00")
        + log_line("api/analytics/summary/", 3.0, ts="2025-06-01T06:00:00.000+00:00")
    )

    # when the report starts at 08:00 without an offset
    with override_settings(TIME_ZONE="Europe/Paris"):
        out, _ = _run_perf_report("--log", str(log), "--csv", str(tmp_path / "perf.csv"), "--since", "2025-06-01T08:00")

    # then 08:00 means Paris time, and only the 06:00 UTC request is counted
    assert out.splitlines()[0] == f"1 request to 1 endpoint in {log} since 2025-06-01T08:00:00+02:00"


def test_command_without_a_log_names_the_missing_path(tmp_path: Path) -> None:
    # given no request log
    log = tmp_path / "missing.jsonl"

    # when the report runs
    with pytest.raises(CommandError) as raised:
        _run_perf_report("--log", str(log), "--csv", str(tmp_path / "perf.csv"))

    # then the error says where it looked and writes nothing
    assert str(raised.value) == (
        f"No API request log at {log}; ApiRequestLogMiddleware writes it once the API has served requests. "
        "Pass --log or set API_LOG_PATH to read another file."
    )
    assert not (tmp_path / "perf.csv").exists()


def test_command_rejects_a_since_that_is_neither_a_time_nor_a_duration(api_log: Path) -> None:
    # given a --since of "last week"
    # when the report runs
    with pytest.raises(CommandError) as raised:
        _run_perf_report("--since", "last week")

    # then argparse names the bad value
    assert str(raised.value) == (
        "Error: argument --since: 'last week' is neither an ISO date-time (2025-06-01T08:00) "
        "nor a duration like 30m, 1h or 7d"
    )


def _run_perf_report(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("perf_report", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()
