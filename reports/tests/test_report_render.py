"""`manage.py report_render`: the page printed for a member as a report would be, or a refusal
naming what was wrong, with nothing written."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings
from pypdf import PdfReader

from analytics.tests.members import api_as, member_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shop")]

PERIOD = ("start=2025-01-01", "end=2025-07-01")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--username", "nobody"], "--username: no active user 'nobody'."),
        (["--username", "outsider"], "--username: outsider is not a member of workspace 'default'."),
        (["--username", "vera", "--param", "region"], "--param: expected NAME=VALUE, got 'region'."),
        (["--username", "vera", "--workspace", "nowhere"], "--workspace:"),
    ],
)
def test_a_wrong_argument_is_refused_by_name_and_no_file_is_written(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    member_user("vera", role="viewer", email="vera@example.com")
    User.objects.create_user("outsider")
    output = tmp_path / "page.pdf"
    with pytest.raises(CommandError) as refused:
        call_command("report_render", *arguments, "--page", "/", "--format", "pdf", "--output", str(output))
    assert str(refused.value).startswith(message)
    assert not output.exists()


@pytest.mark.browser
def test_the_overview_is_printed_with_its_filters_for_the_member(
    live_asgi_server: str, chromium: None, tmp_path: Path
) -> None:
    viewer = member_user("vera", role="viewer", email="vera@example.com")
    revenue = Decimal(
        api_as(viewer).get("/api/analytics/summary", dict(p.split("=") for p in PERIOD)).json()["result"]["revenue"]
    )
    output = tmp_path / "overview.pdf"
    with override_settings(FOLIO_BASE_URL=live_asgi_server, REPORT_RENDER_TIMEOUT=60):
        call_command(
            "report_render", "--username", "vera", "--page", "/", "--format", "pdf", "--output", str(output),
            *[word for pair in PERIOD for word in ("--param", pair)],
        )  # fmt: skip
    text = " ".join(page.extract_text() for page in PdfReader(output).pages)
    assert f"{revenue:,.2f}" in text, text[:2000]
