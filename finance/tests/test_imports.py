"""import_ledger and import_statement: exact rows in, idempotent reruns, refusals that write nothing."""

import csv
import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import factory
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from config.date_window import date_window
from config.imports import ImportSummary
from conftest import IN_CI
from finance.models import CostCenter, Department, Fund, LedgerEntry, StatementLine
from finance.services import imports
from finance.services.imports import ledger as ledger_imports
from workspaces.services import workspace_default

DATA = Path(__file__).parent / "data"
DATAVIZHUB = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "datavizhub"
STATEMENT_COLUMNS = ["exercice", "type_de_resultat", "produit_charge", "poste", "detail_postes", "montant_en_eur"]
STATEMENT_ROWS = [
    (2023, "EXCEPTIONNEL", "PRODUITS", "Produits de cessions", "Cessions d'immobilisations", Decimal("-1500.05")),
    (
        2023,
        "EXPLOITATION",
        "PRODUITS",
        "Dotations et participations",
        "Dotation globale de fonctionnement",
        Decimal("3000000.00"),
    ),
    (2022, "EXPLOITATION", "CHARGES", "Charges de personnel", "Rémunérations du personnel", Decimal("2500000.10")),
    (2022, "EXPLOITATION", "PRODUITS", "Impôts et taxes", "Taxe foncière", Decimal("1234567.89")),
    (2022, "FINANCIER", "CHARGES", "Charges d'intérêts", "", Decimal("98765.43")),
]
LEDGER_HEADER = (
    "date,amount,kind,department_id,department_name,fund_id,fund_description,cost_center_id,cost_center_description"
)


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: 900 + n)
    name = factory.Sequence(lambda n: f"Department {n}")


class FundFactory(factory.django.DjangoModelFactory[Fund]):
    class Meta:
        model = Fund

    code = factory.Sequence(lambda n: 90_000 + n)
    name = factory.Sequence(lambda n: f"Fund {n}")


class CostCenterFactory(factory.django.DjangoModelFactory[CostCenter]):
    class Meta:
        model = CostCenter

    code = factory.Sequence(lambda n: 900_000 + n)
    name = factory.Sequence(lambda n: f"Cost centre {n}")
    department = factory.SubFactory(DepartmentFactory)


class StatementLineFactory(factory.django.DjangoModelFactory[StatementLine]):
    class Meta:
        model = StatementLine

    workspace = factory.LazyFunction(workspace_default)
    exercice = 2021
    type_de_resultat = "EXPLOITATION"
    produit_charge = "CHARGES"
    poste = factory.Sequence(lambda n: f"Poste {n}")
    detail_postes = ""
    montant_en_eur = Decimal("10.00")


def database_state() -> dict[str, list[tuple]]:
    """Every finance row the importers write, with updated_at: equal states mean nothing was touched."""
    return {
        "departments": list(Department.objects.order_by("code").values_list("code", "name", "updated_at")),
        "funds": list(Fund.objects.order_by("code").values_list("code", "name", "updated_at")),
        "cost_centers": list(
            CostCenter.objects.order_by("code").values_list("code", "name", "department__code", "updated_at")
        ),
        "entries": list(
            LedgerEntry.objects.order_by("id").values_list(
                "entry_date", "amount", "kind", "department__code", "fund__code", "cost_center__code", "updated_at"
            )
        ),
        "statement": list(StatementLine.objects.order_by("id").values_list(*STATEMENT_COLUMNS, "updated_at")),
    }


def statement_rows() -> list[tuple]:
    return list(StatementLine.objects.values_list(*STATEMENT_COLUMNS))


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def csv_count(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture
def datavizhub() -> Path:
    if not DATAVIZHUB.is_dir():
        if IN_CI:
            pytest.fail(f"{DATAVIZHUB} is missing (CI=true: the DataVizHub import test must run)")
        pytest.skip(f"{DATAVIZHUB} is missing; put the DataVizHub CSVs there to run this test")
    return DATAVIZHUB


@pytest.mark.django_db
def test_datavizhub_dimensions_import_with_their_exact_counts_and_a_rerun_changes_nothing(datavizhub: Path) -> None:
    files = [datavizhub / "department.csv", datavizhub / "fund.csv", datavizhub / "cost_center.csv"]
    options = ["--departments", str(files[0]), "--funds", str(files[1]), "--cost-centers", str(files[2])]
    expected = [csv_count(path) for path in files]

    first = run("import_ledger", *options)
    state = database_state()
    second = run("import_ledger", *options)

    assert expected == [31, 100, 3_156]
    assert [Department.objects.count(), Fund.objects.count(), CostCenter.objects.count()] == expected
    assert Department.objects.get(code=107).name == "Department of Finance"
    assert Fund.objects.get(code=11101).name == "General Fund"
    assert first.splitlines() == [
        "Departments: imported: read 31, created 31, updated 0, unchanged 0, rejected 0",
        "Funds: imported: read 100, created 100, updated 0, unchanged 0, rejected 0",
        "Cost centres: imported: read 3,156, created 3,156, updated 0, unchanged 0, rejected 0",
    ]
    assert second.splitlines() == [
        "Departments: imported: read 31, created 0, updated 0, unchanged 31, rejected 0",
        "Funds: imported: read 100, created 0, updated 0, unchanged 100, rejected 0",
        "Cost centres: imported: read 3,156, created 0, updated 0, unchanged 3,156, rejected 0",
    ]
    assert database_state() == state


@pytest.mark.django_db
def test_a_renamed_department_is_updated_and_only_its_updated_at_moves(tmp_path: Path) -> None:
    kept = DepartmentFactory.create(code=103, name="Innovation and Performance")
    renamed = DepartmentFactory.create(code=107, name="Finance")
    path = write(
        tmp_path / "department.csv",
        "department_id,department_name,department_name_key\n"
        "103,Innovation and Performance,INNOVATION_AND_PERFORMANCE\n"
        "107,Department of Finance,DEPARTMENT_OF_FINANCE\n"
        "108,Police Bureau,POLICE_BUREAU\n",
    )

    output = run("import_ledger", "--departments", str(path))

    assert output == "Departments: imported: read 3, created 1, updated 1, unchanged 1, rejected 0\n"
    assert list(Department.objects.order_by("code").values_list("code", "name")) == [
        (103, "Innovation and Performance"),
        (107, "Department of Finance"),
        (108, "Police Bureau"),
    ]
    assert Department.objects.get(code=103).updated_at == kept.updated_at
    assert Department.objects.get(code=107).updated_at > renamed.updated_at


@pytest.mark.django_db
def test_a_ledger_with_ids_creates_its_dimensions_and_keeps_sign_and_kind(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ledger.csv",
        f"{LEDGER_HEADER}\n"
        "2024-01-15,1250.50,Revenues,103,Innovation and Performance,11101,General Fund,103000,INNOVATION\n"
        "2024-01-16,-75.25,Revenues,103,Innovation and Performance,11101,General Fund,103000,INNOVATION\n"
        "01/31/2024,980.10,expenses,107,Department of Finance,28050,Senior Trust Fund,107000,FINANCE\n"
        "2024-02-01,0.05,Expenses,107,Department of Finance,11101,General Fund,107000,FINANCE\n",
    )

    first = run("import_ledger", str(path))
    state = database_state()
    second = run("import_ledger", str(path))

    assert first == "Ledger: imported: read 4, created 4, updated 0, unchanged 0, rejected 0\n"
    assert second == "Ledger: imported: read 4, created 0, updated 0, unchanged 4, rejected 0\n"
    assert database_state() == state
    assert sorted(
        LedgerEntry.objects.values_list(
            "entry_date", "amount", "kind", "department__code", "fund__code", "cost_center__code"
        )
    ) == [
        (date(2024, 1, 15), Decimal("1250.50"), "Revenues", 103, 11101, 103000),
        (date(2024, 1, 16), Decimal("-75.25"), "Revenues", 103, 11101, 103000),
        (date(2024, 1, 31), Decimal("980.10"), "Expenses", 107, 28050, 107000),
        (date(2024, 2, 1), Decimal("0.05"), "Expenses", 107, 11101, 107000),
    ]
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == Decimal("2155.40")
    assert list(CostCenter.objects.values_list("code", "name", "department__code")) == [
        (103000, "INNOVATION", 103),
        (107000, "FINANCE", 107),
    ]


@pytest.mark.django_db
def test_a_ledger_with_names_matches_existing_dimensions(tmp_path: Path) -> None:
    parks = DepartmentFactory.create(code=140, name="Parks & Recreation")
    general = FundFactory.create(code=11101, name="General Fund")
    trails = CostCenterFactory.create(code=140100, name="Trails", department=parks)
    path = write(
        tmp_path / "ledger.csv",
        "Date;Amount;Type;Department;Fund;Cost Center\n"
        "2023-06-30;12345.67;Expenses;parks & recreation;General Fund;Trails\n"
        "2023-07-01;-0.01;Expenses;Parks & Recreation;GENERAL FUND;trails\n",
    )

    output = run("import_ledger", str(path), "--strict")

    assert output == "Ledger: imported: read 2, created 2, updated 0, unchanged 0, rejected 0\n"
    assert sorted(LedgerEntry.objects.values_list("amount", "kind", "department", "fund", "cost_center")) == [
        (Decimal("-0.01"), "Expenses", parks.pk, general.pk, trails.pk),
        (Decimal("12345.67"), "Expenses", parks.pk, general.pk, trails.pk),
    ]
    assert sum(LedgerEntry.objects.values_list("amount", flat=True)) == Decimal("12345.66")


@pytest.mark.django_db
def test_the_portal_csv_and_the_json_file_give_the_same_statement() -> None:
    from_csv = run("import_statement", str(DATA / "compte-de-resultat.csv"))
    csv_rows = statement_rows()
    StatementLine.objects.all().delete()
    from_json = run("import_statement", str(DATA / "compte-de-resultat.json"))

    assert from_csv == from_json == "Statement: imported: read 5, created 5, updated 0, unchanged 0, rejected 0\n"
    assert csv_rows == statement_rows() == STATEMENT_ROWS


@pytest.mark.django_db
def test_a_statement_rerun_updates_only_the_changed_amount(tmp_path: Path) -> None:
    run("import_statement", str(DATA / "compte-de-resultat.json"))
    before = {row[:5]: row[5] for row in StatementLine.objects.values_list(*STATEMENT_COLUMNS[:5], "updated_at")}
    changed = (DATA / "compte-de-resultat.json").read_text(encoding="utf-8").replace("98765.43", "98765.44")

    output = run("import_statement", str(write(tmp_path / "changed.json", changed)))

    after = {row[:5]: row[5] for row in StatementLine.objects.values_list(*STATEMENT_COLUMNS[:5], "updated_at")}
    moved = [key for key in before if after[key] != before[key]]
    assert output == "Statement: imported: read 5, created 0, updated 1, unchanged 4, rejected 0\n"
    assert moved == [(2022, "FINANCIER", "CHARGES", "Charges d'intérêts", "")]
    assert StatementLine.objects.get(poste="Charges d'intérêts").montant_en_eur == Decimal("98765.44")


@dataclass
class RecordedApi:
    """A local explore API serving the recorded pages by offset, remembering each request."""

    url: str
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    body: bytes | None = None  # served instead of the recorded pages


@pytest.fixture
def recorded_api() -> Iterator[RecordedApi]:
    pages = {offset: (DATA / f"compte-de-resultat-offset-{offset}.json").read_bytes() for offset in (0, 2, 4)}
    api = RecordedApi(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            api.requests.append(query)
            time.sleep(api.delay)
            body = pages.get(int(query["offset"][0]), b"") if api.status == 200 else b'{"error": "boom"}'
            body = body if api.body is None else api.body
            self.send_response(api.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_port}/api/explore/v2.1/catalog/datasets/compte-de-resultat/records"
    yield api
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.django_db
def test_the_url_is_read_page_by_page_and_every_record_arrives_once(recorded_api: RecordedApi) -> None:
    output = run("import_statement", "--url", f"{recorded_api.url}?lang=fr", "--page-size", "2")

    assert output == "Statement: imported: read 5, created 5, updated 0, unchanged 0, rejected 0\n"
    assert statement_rows() == STATEMENT_ROWS
    assert recorded_api.requests == [
        {"lang": ["fr"], "limit": ["2"], "offset": ["0"]},
        {"lang": ["fr"], "limit": ["2"], "offset": ["2"]},
        {"lang": ["fr"], "limit": ["2"], "offset": ["4"]},
    ]


@pytest.mark.django_db
def test_an_http_500_names_the_url_and_status_and_writes_nothing(recorded_api: RecordedApi) -> None:
    StatementLineFactory.create()
    state = database_state()
    recorded_api.status = 500

    with pytest.raises(CommandError) as error:
        run("import_statement", "--url", recorded_api.url, "--page-size", "2")

    assert str(error.value) == (
        f"GET {recorded_api.url}?limit=2&offset=0 failed: HTTP 500 Internal Server Error; nothing was written"
    )
    assert database_state() == state


def test_an_empty_url_is_refused_before_anything_is_read() -> None:
    with pytest.raises(CommandError) as error:
        run("import_statement", "--url", "")

    assert str(error.value) == "give a file or a non-empty --url"


@pytest.mark.django_db
def test_a_server_slower_than_the_timeout_gives_a_clear_error(recorded_api: RecordedApi) -> None:
    recorded_api.delay = 1.0

    with pytest.raises(CommandError) as error:
        run("import_statement", "--url", recorded_api.url, "--page-size", "2", "--timeout", "0.2")

    assert str(error.value) == (
        f"GET {recorded_api.url}?limit=2&offset=0 failed: no answer within 0.2 s; nothing was written"
    )
    assert StatementLine.objects.count() == 0


class RecordingProgress:
    """A Progress that remembers what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int]] = []

    def start(self, stage: str, total: int) -> None:
        self.events.append((stage, total))

    def advance(self, rows: int) -> None:
        self.events.append(("advance", rows))


@pytest.mark.django_db
def test_a_url_import_reports_the_download_then_the_rows(recorded_api: RecordedApi) -> None:
    progress = RecordingProgress()

    imports.statement_import(source=recorded_api.url, page_size=2, progress=progress)

    assert progress.events == [
        ("download", 5),
        ("advance", 2),
        ("advance", 2),
        ("advance", 1),
        ("statement", 5),
        ("advance", 5),
    ]


LEDGER_OK = "2024-01-15,10.00,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        (
            "2024-02-30,10.00,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n",
            [],
            "line 3, column date: is not a date (YYYY-MM-DD or MM/DD/YYYY) (value '2024-02-30')",
        ),
        (
            "2024-01-16,12.3.4,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n",
            [],
            "line 3, column amount: is not a number (value '12.3.4')",
        ),
        (
            "2024-01-16,1.005,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n",
            [],
            "line 3, column amount: has more than 2 decimal places (value '1.005')",
        ),
        (
            "2024-01-16,10.00,Refund,103,Innovation,11101,General Fund,103000,INNOVATION\n",
            [],
            "line 3, column kind: is not Revenues or Expenses (value 'Refund')",
        ),
        (
            "2024-01-16,10.00,Revenues,555,Sanitation,11101,General Fund,103000,INNOVATION\n",
            ["--strict"],
            (
                "line 3, column department_id: unknown department id 555 (--strict accepts only ids "
                "already imported) (value '555')"
            ),
        ),
        (
            "2024-01-16,10.00,Revenues,555,,11101,General Fund,103000,INNOVATION\n",
            [],
            "line 3, column department_id: unknown department id 555; give its name too to create it (value '555')",
        ),
        (
            f"{LEDGER_OK}\n",
            [],
            "line 3, column amount: duplicates line 2 (same date, amount, kind and dimensions) (value '10.00')",
        ),
        (
            "2024-01-16,10.00,Revenues,103,Innovation",
            [],
            (
                "line 3, column department_name: has 5 fields, the header has 9 (the last line is cut short) "
                "(value '2024-01-16,10.00,Revenues,103,Innovation')"
            ),
        ),
    ],
    ids=["bad-date", "not-a-number", "sub-cent", "unknown-kind", "strict-unknown", "id-without-name", "dup", "cut"],
)
def test_a_bad_ledger_row_refuses_the_whole_file(tmp_path: Path, body: str, options: list[str], expected: str) -> None:
    DepartmentFactory.create(code=103, name="Innovation")
    FundFactory.create(code=11101, name="General Fund")
    CostCenterFactory.create(code=103000, name="INNOVATION", department=Department.objects.get(code=103))
    state = database_state()
    path = write(tmp_path / "ledger.csv", f"{LEDGER_HEADER}\n{LEDGER_OK}\n{body}")

    with pytest.raises(CommandError) as error:
        run("import_ledger", str(path), *options)

    assert str(error.value).splitlines() == [
        "1 row(s) rejected; nothing was written",
        "Ledger: nothing written: read 2, created 0, updated 0, unchanged 0, rejected 1",
        f"  {expected}",
        f"all rejected rows: {tmp_path / 'ledger.rejects.csv'}",
    ]
    assert database_state() == state
    assert len((tmp_path / "ledger.rejects.csv").read_text(encoding="utf-8").splitlines()) == 2


STATEMENT_HEADER = "Exercice comptable;Type de résultat;Produit / Charge;Poste;Détail postes;Montant en EUR"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "2022;Résultat courant;CHARGES;Achats;;10",
            (
                "line 3, column type_de_résultat: is not one of EXCEPTIONNEL, EXPLOITATION, FINANCIER "
                "(value 'Résultat courant')"
            ),
        ),
        (
            "2022;Financier;Recettes;Achats;;10",
            "line 3, column produit_/_charge: is not one of CHARGES, PRODUITS (value 'Recettes')",
        ),
        ("22;FINANCIER;CHARGES;Achats;;10", "line 3, column exercice_comptable: is not a year (value '22')"),
        ("2022;FINANCIER;CHARGES;Achats;;dix", "line 3, column montant_en_eur: is not a number (value 'dix')"),
        (
            "2022;exploitation;produits;Impôts et taxes;Taxe foncière;1",
            (
                "line 3, column poste: duplicates line 2 (same exercice, type, side, poste and détail) "
                "(value 'Impôts et taxes')"
            ),
        ),
    ],
    ids=["type", "side", "exercice", "montant", "duplicate"],
)
def test_a_bad_statement_row_refuses_the_whole_file(tmp_path: Path, row: str, expected: str) -> None:
    StatementLineFactory.create()
    state = database_state()
    good = "2022;EXPLOITATION;PRODUITS;Impôts et taxes;Taxe foncière;1234567,89"
    path = write(tmp_path / "cdr.csv", f"{STATEMENT_HEADER}\n{good}\n{row}\n", encoding="utf-8-sig")

    with pytest.raises(CommandError) as error:
        run("import_statement", str(path))

    assert str(error.value).splitlines()[2] == f"  {expected}"
    assert database_state() == state


@pytest.mark.django_db
def test_a_statement_value_is_normalised_for_case_and_accents(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cdr.csv",
        "exercice;type de resultat;produit_charge;poste;detail_postes;montant\n"
        "2021;exceptionnel ;Produits;Reprises;;1 234,5\n"
        "2021;FINANCIER;charges;Intérêts;;-0,10\n",
        encoding="latin-1",
    )

    run("import_statement", str(path))

    assert statement_rows() == [
        (2021, "EXCEPTIONNEL", "PRODUITS", "Reprises", "", Decimal("1234.50")),
        (2021, "FINANCIER", "CHARGES", "Intérêts", "", Decimal("-0.10")),
    ]


@pytest.mark.django_db
def test_skip_invalid_imports_the_valid_rows_and_writes_the_rejects(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ledger.csv",
        f"{LEDGER_HEADER}\n{LEDGER_OK}\n"
        "2024-01-16,abc,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n"
        "2024-01-17,=1+1,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n"
        "2024-01-18,-1+1,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n"
        '2024-01-19,5.00,Revenues,104,"-2+3+HYPERLINK(""http://evil"")",11101,General Fund,104000,PARKS\n'
        "2024-01-20,-7.50,Revenues,103,Innovation,11101,General Fund,103000,-1+1+cmd|' /C calc'!A0\n",
    )
    formula = "starts like a spreadsheet formula (=, +, -, @, tab or carriage return; - only before a plain number)"

    output = run("import_ledger", str(path), "--skip-invalid", "--rejects-dir", str(tmp_path))

    assert output.splitlines()[0] == "Ledger: imported: read 6, created 1, updated 0, unchanged 0, rejected 5"
    assert list(LedgerEntry.objects.values_list("amount", flat=True)) == [Decimal("10.00")]
    assert list(Department.objects.values_list("name", flat=True)) == ["Innovation"]
    with (tmp_path / "ledger.rejects.csv").open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["line", "column", "value", "reason"],
            ["3", "amount", "abc", "is not a number"],
            ["4", "amount", "'=1+1", formula],
            ["5", "amount", "'-1+1", formula],
            ["6", "department_name", '\'-2+3+HYPERLINK("http://evil")', formula],
            ["7", "cost_center_description", "'-1+1+cmd|' /C calc'!A0", formula],
        ]


@pytest.mark.django_db
def test_a_rejected_ledger_rolls_back_the_dimension_files_imported_before_it(tmp_path: Path) -> None:
    departments = write(tmp_path / "department.csv", "department_id,department_name\n103,Innovation\n")
    ledger = write(tmp_path / "ledger.csv", f"{LEDGER_HEADER}\n2024-99-01,1,Revenues,103,,1,F,1,C\n")

    with pytest.raises(CommandError) as error:
        run("import_ledger", str(ledger), "--departments", str(departments))

    assert str(error.value).splitlines()[:3] == [
        "1 row(s) rejected; nothing was written",
        "Departments: nothing written: read 1, created 0, updated 0, unchanged 0, rejected 0",
        "Ledger: nothing written: read 1, created 0, updated 0, unchanged 0, rejected 1",
    ]
    assert Department.objects.count() == 0


@pytest.mark.django_db
def test_a_crash_after_the_writes_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    StatementLineFactory.create()
    state = database_state()
    real_write = ledger_imports._ledger_write

    def write_then_crash(
        *,
        entries: Mapping[ledger_imports.LedgerKey, ledger_imports.LedgerRow],
        indexes: Mapping[str, ledger_imports.DimensionIndex],
        using: str,
        summary: ImportSummary,
        workspace_id: int,
    ) -> None:
        real_write(entries=entries, indexes=indexes, using=using, summary=summary, workspace_id=workspace_id)
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger_imports, "_ledger_write", write_then_crash)
    path = write(tmp_path / "ledger.csv", f"{LEDGER_HEADER}\n{LEDGER_OK}\n")

    with pytest.raises(RuntimeError, match="disk full"):
        run("import_ledger", str(path))

    assert database_state() == state


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("cdr.png", b"\x89PNG\r\n\x1a\n", "cdr.png is a PNG image, not a CSV file; nothing was written"),
        (
            "cdr.csv",
            b"Exercice;Poste;Montant\n2022;Achats;1\n",
            (
                "cdr.csv: no column for type_de_resultat, produit_charge; the header has exercice, poste, montant "
                "(name the column with --map column=field); nothing was written"
            ),
        ),
        (
            "page.json",
            json.dumps({"total_count": 9, "results": [{"poste": "x"}]}).encode(),
            (
                "page.json holds 1 of the dataset's 9 records (one page of a paged response); import the URL instead; "
                "nothing was written"
            ),
        ),
    ],
    ids=["png", "missing-columns", "one-page"],
)
def test_a_file_that_is_not_a_statement_is_refused(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(content)

    with pytest.raises(CommandError) as error:
        run("import_statement", str(tmp_path / name))

    assert str(error.value) == expected
    assert StatementLine.objects.count() == 0


@pytest.mark.django_db
def test_json_amounts_stay_decimal_to_the_cent(tmp_path: Path) -> None:
    record = '{"exercice_comptable": 2020, "type_de_resultat": "Exploitation", "produit_charge": "Charges", '
    path = write(
        tmp_path / "r.json",
        f'{{"total_count": 3, "results": [{record}"poste": "Achats", "montant_en_eur": 0.1}}, '
        f'{record}"poste": "Services", "montant_en_eur": 0.2}}, '
        f'{record}"poste": "Loyers", "detail_postes": null, "montant_en_eur": 123456789012.35}}]}}',
    )

    run("import_statement", str(path))

    assert sum(StatementLine.objects.values_list("montant_en_eur", flat=True)) == Decimal("123456789012.65")


@pytest.mark.django_db(databases="__all__")
def test_the_imports_give_the_same_rows_on_each_database(tmp_path: Path, db_alias: str) -> None:
    ledger = write(tmp_path / "ledger.csv", f"{LEDGER_HEADER}\n{LEDGER_OK}\n")
    changed = (DATA / "compte-de-resultat.json").read_text(encoding="utf-8").replace("98765.43", "98765.44")

    run("import_ledger", str(ledger), "--database", db_alias)
    run("import_statement", str(DATA / "compte-de-resultat.csv"), "--database", db_alias)
    rerun = run("import_statement", str(write(tmp_path / "changed.json", changed)), "--database", db_alias)

    assert rerun == "Statement: imported: read 5, created 0, updated 1, unchanged 4, rejected 0\n"
    assert list(
        LedgerEntry.objects.using(db_alias).values_list("entry_date", "amount", "kind", "cost_center__department__code")
    ) == [(date(2024, 1, 15), Decimal("10.00"), "Revenues", 103)]
    assert StatementLine.objects.using(db_alias).get(poste="Charges d'intérêts").montant_en_eur == Decimal("98765.44")


@pytest.mark.django_db
def test_a_bad_json_record_is_reported_by_its_position_and_field(tmp_path: Path) -> None:
    records = json.loads((DATA / "compte-de-resultat.json").read_text(encoding="utf-8"))
    records["results"][1]["montant_en_eur"] = "beaucoup"
    path = write(tmp_path / "cdr.json", json.dumps(records))

    with pytest.raises(CommandError) as error:
        run("import_statement", str(path))

    assert str(error.value).splitlines()[1:] == [
        "Statement: nothing written: read 5, created 0, updated 0, unchanged 0, rejected 1",
        "  line 2, column montant_en_eur: is not a number (value 'beaucoup')",
        f"all rejected rows: {tmp_path / 'cdr.rejects.csv'}",
    ]
    assert StatementLine.objects.count() == 0


@pytest.mark.django_db
def test_a_cost_centre_file_with_department_ids_links_them_and_refuses_unknown_ones(tmp_path: Path) -> None:
    DepartmentFactory.create(code=103, name="Innovation")
    path = write(
        tmp_path / "cost_center.csv",
        "cost_center_id,cost_center_description,department_id\n103000,INNOVATION,103\n555000,SANITATION,555\n",
    )

    with pytest.raises(CommandError) as error:
        run("import_ledger", "--cost-centers", str(path))
    output = run("import_ledger", "--cost-centers", str(path), "--skip-invalid")

    assert str(error.value).splitlines()[2] == "  line 3, column department_id: unknown department id (value '555')"
    assert output.splitlines()[0] == "Cost centres: imported: read 2, created 1, updated 0, unchanged 0, rejected 1"
    assert list(CostCenter.objects.values_list("code", "department__code")) == [(103000, 103)]


@pytest.mark.django_db
def test_a_skipped_ledger_row_creates_none_of_its_new_dimensions(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ledger.csv",
        f"{LEDGER_HEADER}\n{LEDGER_OK}\n2024-01-16,5.00,Expenses,777,New Department,88888,,103000,INNOVATION\n",
    )

    output = run("import_ledger", str(path), "--skip-invalid")

    assert output.splitlines()[:2] == [
        "Ledger: imported: read 2, created 1, updated 0, unchanged 0, rejected 1",
        "  line 3, column fund_id: unknown fund id 88888; give its name too to create it (value '88888')",
    ]
    assert list(Department.objects.values_list("code", flat=True)) == [103]


@pytest.mark.django_db(databases=["default", "postgres"])
def test_datavizhub_cost_centres_with_ten_digit_ids_import_on_postgresql(datavizhub: Path, postgres_alias: str) -> None:
    options = ["--departments", str(datavizhub / "department.csv"), "--funds", str(datavizhub / "fund.csv")]

    output = run(
        "import_ledger", *options, "--cost-centers", str(datavizhub / "cost_center.csv"), "--database", postgres_alias
    )

    assert (
        output.splitlines()[-1]
        == "Cost centres: imported: read 3,156, created 3,156, updated 0, unchanged 0, rejected 0"
    )
    assert CostCenter.objects.using(postgres_alias).count() == 3_156
    assert CostCenter.objects.using(postgres_alias).filter(code=9_993_817_000).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written",
    ["9999-12-31", "12/31/9999", "0001-01-01", "1899-12-31T00:00:00Z"],
    ids=["9999", "us-9999", "year-1", "1899"],
)
def test_a_ledger_date_outside_the_plausible_window_refuses_the_file(tmp_path: Path, written: str) -> None:
    state = database_state()
    path = write(tmp_path / "ledger.csv", f"{LEDGER_HEADER}\n{LEDGER_OK}\n{written}{LEDGER_OK[10:]}\n")

    with pytest.raises(CommandError) as error:
        run("import_ledger", str(path))

    latest = date_window().latest.isoformat()
    assert str(error.value).splitlines()[2] == (
        f"  line 3, column date: the date is outside the plausible window 1900-01-01 to {latest} "
        f"(FOLIO_EARLIEST_DATE, FOLIO_LATEST_DAYS_AHEAD) (value '{written}')"
    )
    assert database_state() == state


@pytest.mark.django_db
@pytest.mark.parametrize("exercice", ["1899", "2200"])
def test_a_statement_exercice_outside_the_plausible_years_refuses_the_file(tmp_path: Path, exercice: str) -> None:
    state = database_state()
    good = "2022;EXPLOITATION;PRODUITS;Impôts et taxes;Taxe foncière;1234567,89"
    row = f"{exercice};FINANCIER;CHARGES;Achats;;10"
    path = write(tmp_path / "cdr.csv", f"{STATEMENT_HEADER}\n{good}\n{row}\n", encoding="utf-8-sig")

    with pytest.raises(CommandError) as error:
        run("import_statement", str(path))

    latest = date_window().latest.year
    assert str(error.value).splitlines()[2] == (
        f"  line 3, column exercice_comptable: the year is outside the plausible years 1900 to {latest} "
        f"(FOLIO_EARLIEST_DATE, FOLIO_LATEST_DAYS_AHEAD) (value '{exercice}')"
    )
    assert database_state() == state


DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
HUGE_INTEGER = "9" * 5_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [DEEP_JSON, b'{"total_count": 1, "results": [' + DEEP_JSON + b"]}"],
    ids=["deep-list", "deep-record"],
)
def test_a_json_file_nested_too_deeply_is_refused_with_one_message(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(content)

    with pytest.raises(CommandError) as error:
        run("import_statement", str(path))

    assert str(error.value) == (
        "deep.json is not valid JSON: it nests arrays or objects too deeply; nothing was written"
    )
    assert StatementLine.objects.count() == 0


@pytest.mark.django_db
def test_a_url_answering_too_deep_a_json_gives_a_clear_error(recorded_api: RecordedApi) -> None:
    recorded_api.body = DEEP_JSON

    with pytest.raises(CommandError) as error:
        run("import_statement", "--url", recorded_api.url, "--page-size", "2")

    assert str(error.value) == (
        f"GET {recorded_api.url}?limit=2&offset=0 did not return JSON: it nests arrays or objects too deeply; "
        "nothing was written"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "written", "expected"),
    [
        (
            "montant_en_eur",
            HUGE_INTEGER,
            "line 2, column montant_en_eur: has more than 14 digits before the decimal point"
            f" (value '{HUGE_INTEGER[:60]}…')",
        ),
        ("montant_en_eur", "NaN", "line 2, column montant_en_eur: is not a finite number (value 'NaN')"),
        ("montant_en_eur", "-Infinity", "line 2, column montant_en_eur: is not a finite number (value '-Infinity')"),
        (
            "montant_en_eur",
            "1e999999999",
            "line 2, column montant_en_eur: has more than 14 digits before the decimal point (value '1E+999999999')",
        ),
        (
            "exercice_comptable",
            HUGE_INTEGER,
            f"line 2, column exercice_comptable: is not a year (value '{HUGE_INTEGER[:60]}…')",
        ),
        (
            "exercice_comptable",
            '"0001-01-01T00:00:00+01:00"',
            "line 2, column exercice_comptable: is not a year (value '0001-01-01T00:00:00+01:00')",
        ),
    ],
    ids=["5000-digits", "nan", "infinity", "huge-exponent", "5000-digit-year", "offset-time-year"],
)
def test_an_unreadable_json_number_is_a_row_error(tmp_path: Path, field: str, written: str, expected: str) -> None:
    records = json.loads((DATA / "compte-de-resultat.json").read_text(encoding="utf-8"))
    records["results"][1][field] = "@written@"
    text = json.dumps(records).replace('"@written@"', written)
    path = write(tmp_path / "cdr.json", text)

    with pytest.raises(CommandError) as error:
        run("import_statement", str(path))

    assert str(error.value).splitlines()[2] == f"  {expected}"
    assert StatementLine.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            f"2024-01-16,10.00,Revenues,{HUGE_INTEGER},Innovation,11101,General Fund,103000,INNOVATION",
            "line 3, column department_id: is larger than the largest id this database holds"
            f" (9,223,372,036,854,775,807) (value '{HUGE_INTEGER[:60]}…')",
        ),
        (
            f"2024-01-16,{HUGE_INTEGER},Revenues,103,Innovation,11101,General Fund,103000,INNOVATION",
            f"line 3, column amount: has more than 12 digits before the decimal point (value '{HUGE_INTEGER[:60]}…')",
        ),
        (
            "0001-01-01T00:00:00+01:00,10.00,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION",
            "line 3, column date: is not a date (YYYY-MM-DD or MM/DD/YYYY) (value '0001-01-01T00:00:00+01:00')",
        ),
    ],
    ids=["5000-digit-id", "5000-digit-amount", "offset-time"],
)
def test_an_unreadable_ledger_value_is_a_row_error(tmp_path: Path, row: str, expected: str) -> None:
    state = database_state()
    path = write(tmp_path / "ledger.csv", f"{LEDGER_HEADER}\n{LEDGER_OK}\n{row}\n")

    with pytest.raises(CommandError) as error:
        run("import_ledger", str(path))

    assert str(error.value).splitlines()[2] == f"  {expected}"
    assert database_state() == state


@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize(
    ("value", "shown", "reason"),
    [
        ("Imp\x00ôts", "Imp\N{SYMBOL FOR NULL}ôts", "contains a NUL character"),
        ({"a": 1}, '{"a": 1}', "is not a single value (a JSON object or list)"),
        (["Achats"], '["Achats"]', "is not a single value (a JSON object or list)"),
    ],
    ids=["nul", "object", "list"],
)
def test_a_json_value_no_database_can_store_as_text_is_a_row_error(
    tmp_path: Path, db_alias: str, value: object, shown: str, reason: str
) -> None:
    records = json.loads((DATA / "compte-de-resultat.json").read_text(encoding="utf-8"))
    records["results"][1]["poste"] = value
    path = write(tmp_path / "cdr.json", json.dumps(records))

    with pytest.raises(CommandError) as error:
        run("import_statement", str(path), "--database", db_alias)

    assert str(error.value).splitlines()[2] == f"  line 2, column poste: {reason} (value {shown!r})"
    assert StatementLine.objects.using(db_alias).count() == 0
