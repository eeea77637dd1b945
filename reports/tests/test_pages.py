"""A dashboard page as PDF: printed by real headless Chromium (Debian's) signed in as the
owner against a real ASGI server, sent through a real SMTP server, opened with pypdf: the
Overview's revenue KPI is the API's summary revenue, as the page formats it."""

import io
import struct
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from pypdf import PdfReader

from analytics.tests.mailbox import free_port, smtp_running
from analytics.tests.members import api_as, member_user
from reports.models import SubscriptionDelivery
from reports.tests.conftest import subscription_make

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shop", "eager"), pytest.mark.browser]

PERIOD = {"start": "2025-01-01", "end": "2025-07-01"}


@pytest.fixture
def viewer() -> User:
    """A viewer: a page's report needs no more than reading it."""
    return member_user("vera", role="viewer", email="vera@example.com")


def test_the_overview_as_pdf_shows_the_revenue_the_api_answers(
    viewer: User, live_asgi_server: str, chromium: None, django_capture_on_commit_callbacks: object
) -> None:
    # given a viewer's subscription to the Overview for the first half of 2025, as PDF
    subscription = subscription_make(viewer, name="Overview H1", target="page", page="/", format="pdf", params=PERIOD)
    api = api_as(viewer)
    revenue = Decimal(api.get("/api/analytics/summary", PERIOD).json()["result"]["revenue"])
    sessions = set(Session.objects.values_list("session_key", flat=True))

    # when it is sent now, the dashboard served by a real server
    with (
        smtp_running(FOLIO_BASE_URL=live_asgi_server, REPORT_RENDER_TIMEOUT=60) as smtp,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        api.post(f"/api/subscriptions/{subscription.pk}/send/")

    # then a PDF arrives whose text holds the revenue KPI as the page shows it (en-US grouping)
    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.status, delivery.error) == ("sent", "")
    [(recipients, message)] = smtp.messages
    [part] = [part for part in message.walk() if part.get_filename()]
    assert (recipients, part.get_filename(), part.get_content_type()) == (
        ["vera@example.com"],
        "overview-h1.pdf",
        "application/pdf",
    )
    reader = PdfReader(io.BytesIO(part.get_payload(decode=True)))  # type: ignore[arg-type]
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 1
    assert "Revenue" in text
    assert f"{revenue:,.2f}" in text, text[:2000]
    # and the session the browser signed in with is gone
    assert set(Session.objects.values_list("session_key", flat=True)) == sessions


def test_a_page_that_cannot_be_rendered_is_retried_with_the_browsers_error(
    viewer: User, live_asgi_server: str, chromium: None, django_capture_on_commit_callbacks: object
) -> None:
    # given a PNG report, and a dashboard address where nothing answers
    subscription = subscription_make(viewer, name="Regions", target="page", page="/regions", format="png")

    # when it is sent
    with (
        smtp_running(FOLIO_BASE_URL=f"http://127.0.0.1:{free_port()}") as smtp,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        api_as(viewer).post(f"/api/subscriptions/{subscription.pk}/send/")

    # then nothing is sent; the delivery says why and will be tried again
    delivery = SubscriptionDelivery.objects.get()
    assert (delivery.status, delivery.attempts, smtp.messages) == ("retrying", 1, [])
    assert delivery.error.startswith("The page could not be rendered: ")
    assert "ERR_CONNECTION_REFUSED" in delivery.error
    assert not delivery.file


def test_a_page_as_png_is_the_full_page_at_the_dashboards_width(
    viewer: User, live_asgi_server: str, chromium: None, django_capture_on_commit_callbacks: object
) -> None:
    subscription = subscription_make(
        viewer, name="Regions", target="page", page="/regions", format="png", params=PERIOD
    )

    with (
        smtp_running(FOLIO_BASE_URL=live_asgi_server) as smtp,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        api_as(viewer).post(f"/api/subscriptions/{subscription.pk}/send/")

    [(_, message)] = smtp.messages
    [part] = [part for part in message.walk() if part.get_filename()]
    content: bytes = part.get_payload(decode=True)  # type: ignore[assignment]
    width, height = struct.unpack(">II", content[16:24])  # the IHDR chunk
    assert (part.get_filename(), part.get_content_type(), content[:8]) == (
        "regions.png",
        "image/png",
        b"\x89PNG\r\n\x1a\n",
    )
    assert width == 1440 and height >= 900
    assert SubscriptionDelivery.objects.get().size_bytes == len(content)
