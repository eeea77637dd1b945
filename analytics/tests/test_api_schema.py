"""Schema-driven fuzzing of the whole API with schemathesis: generated requests (valid and
invalid) against every operation of /api/schema/; no 5xx, and every response matches the
schema (status code, content type, body)."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from analytics.services.tokens import api_token_create
from analytics.sync import warehouse_sync
from analytics.tests.members import member_user
from books.services.generation import SalesDataSpec, sales_data_generate
from finance.services.generation import FinanceDataSpec, finance_data_generate
from workspaces.services import workspace_default

pytestmark = pytest.mark.django_db


# Loaded from the app's own /api/schema/ (public, and served without touching the database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def token(tmp_path: Path) -> Iterator[str]:
    """A small published warehouse, and an API token of an analyst."""
    with override_settings(WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse'}", LAKE_URL=(tmp_path / "lake").as_uri()):
        sales_data_generate(spec=SalesDataSpec(books=10, sales=200, seed=4, years=1, end_date=date(2025, 12, 31)))
        finance_data_generate(spec=FinanceDataSpec(entries=60, years=1, seed=4, end_date=date(2025, 12, 31)))
        warehouse_sync()
        cache.clear()
        _, raw = api_token_create(workspace=workspace_default(), user=member_user("fuzzer"), name="fuzz")
        yield raw
    cache.clear()


FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@schema.include(method="GET").parametrize()
@FUZZ
def test_every_read_answers_within_its_schema_and_refuses_what_the_schema_forbids(
    case: schemathesis.Case, token: str
) -> None:
    # Filter values such as region codes depend on the data, so a schema-valid request can
    # rightly be refused with 400; every other check applies, the refusal of invalid
    # parameters included.
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=[positive_data_acceptance])


@schema.exclude(method="GET").parametrize()
@FUZZ
def test_every_write_answers_within_its_schema_and_never_with_a_5xx(case: schemathesis.Case, token: str) -> None:
    # DRF parses JSON bodies leniently (a number where text is expected becomes text), which
    # schemathesis counts as accepting invalid data; the rest of the checks apply.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
