"""`manage.py workspace …` and `--workspace SLUG` on the generators and importers: each
writes into the workspace it names, looks records up only there, and an unknown slug is a
CommandError naming it and the known ones, with nothing written."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from books.models import Author, Book, Publisher, Sale
from books.tests.factories import RegionFactory
from finance.models import Budget, LedgerEntry, StatementLine
from workspaces.models import Invitation, Membership, Workspace
from workspaces.services import workspace_create, workspace_default

pytestmark = pytest.mark.django_db

CATALOGUE = (
    "isbn13,title,authors,genre,publisher,price,published\n"
    "9780439023481,The Hunger Games,Suzanne Collins,Young Adult,Scholastic,12.99,2008-09-14\n"
)
SALES = "sold_at,isbn,region,quantity,unit_price,discount\n2024-03-01T10:00:00+01:00,9780439023481,FR,2,12.99,1.00\n"
LEDGER = (
    "date,amount,kind,department_id,department_name,fund_id,fund_description,cost_center_id,cost_center_description\n"
    "2024-01-15,10.00,Revenues,103,Innovation,11101,General Fund,103000,INNOVATION\n"
)
STATEMENT = (
    "Exercice comptable;Type de résultat;Produit / Charge;Poste;Détail postes;Montant en EUR\n"
    "2022;EXPLOITATION;PRODUITS;Impôts et taxes;Taxe foncière;1234567.89\n"
)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts() -> dict[str, int]:
    models = (Book, Author, Publisher, Sale, LedgerEntry, Budget, StatementLine, Membership, Invitation, Workspace)
    return {model.__name__: model.objects.count() for model in models}


def test_operators_create_a_workspace_add_list_and_remove_members() -> None:
    User.objects.create_user("ada", email="ada@example.com")
    RegionFactory.create(code="FR")

    created = run("workspace", "create", "north", "--name", "North Books")
    added = run("workspace", "add", "north", "ada", "--role", "viewer", "--regions", "FR")
    listed_all = run("workspace", "list")
    listed_north = run("workspace", "list", "north")
    removed = run("workspace", "remove", "north", "ada")

    assert created.strip() == "Created workspace north (North Books)."
    assert added.strip() == "ada is viewer (regions FR) in north."
    assert listed_all.splitlines() == ["default\tDefault workspace\t0 member(s)", "north\tNorth Books\t1 member(s)"]
    assert listed_north.splitlines() == ["ada\tviewer (regions FR)"]
    assert removed.strip() == "Removed ada from north."
    assert not Membership.objects.exists()


def test_an_invitation_from_the_command_waits_for_single_sign_on() -> None:
    workspace_create(slug="north", name="North")

    said = run("workspace", "invite", "north", "Grace@Example.com", "--role", "analyst")

    assert said.strip() == "Invited Grace@Example.com to north as analyst."
    assert list(Invitation.objects.values_list("workspace__slug", "email", "role")) == [
        ("north", "Grace@Example.com", "analyst")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "default"), "A workspace with the slug 'default' already exists."),
        (("create", "no spaces"), "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."),
        (("add", "nowhere", "ada", "--role", "viewer"), "No workspace has the slug 'nowhere' (known: default)."),
        (("add", "default", "nobody", "--role", "viewer"), "No user is called 'nobody'."),
        (("add", "default", "ada", "--role", "viewer", "--regions", "ZZ"), "Unknown region code(s): ZZ."),
        (("add", "default", "ada", "--role", "viewer", "--departments", "999"), "Unknown department code(s): 999."),
        (("remove", "default", "ada"), "ada is not a member of default."),
        (("remove", "default", "root"), "root is the last admin of default; make another admin first."),
        (("invite", "default", "not-an-email", "--role", "viewer"), "Enter a valid email address."),
    ],
)
def test_a_wrong_workspace_command_names_the_problem_and_changes_nothing(args: tuple[str, ...], message: str) -> None:
    User.objects.create_user("ada")
    Membership.objects.create(workspace=workspace_default(), user=User.objects.create_user("root"), role="admin")
    before = counts()

    with pytest.raises(CommandError) as refused:
        run("workspace", *args)

    assert str(refused.value) == message
    assert counts() == before


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("generate_sales_data", ["--books", "2", "--sales", "5", "--skip-upload"]),
        ("generate_finance_data", ["--entries", "5", "--skip-upload"]),
        ("import_books", ["{catalogue}"]),
        ("import_sales", ["{sales}"]),
        ("import_ledger", ["{ledger}"]),
        ("import_statement", ["{statement}"]),
    ],
)
def test_an_unknown_workspace_slug_is_refused_naming_the_known_ones_and_writes_nothing(
    tmp_path: Path, command: str, arguments: list[str]
) -> None:
    workspace_create(slug="north", name="North")
    files = {
        "catalogue": written(tmp_path, "books.csv", CATALOGUE),
        "sales": written(tmp_path, "sales.csv", SALES),
        "ledger": written(tmp_path, "ledger.csv", LEDGER),
        "statement": written(tmp_path, "statement.csv", STATEMENT),
    }
    before = counts()

    with pytest.raises(CommandError) as refused:
        run(command, *(argument.format(**files) for argument in arguments), "--workspace", "sotuh")

    assert str(refused.value) == (
        "--workspace: No workspace has the slug 'sotuh' (known: default, north). Nothing was written."
    )
    assert counts() == before


def test_imports_write_into_the_named_workspace_and_match_only_its_records(tmp_path: Path) -> None:
    north = workspace_create(slug="north", name="North")
    RegionFactory.create(code="FR")
    catalogue = written(tmp_path, "books.csv", CATALOGUE)
    sales = written(tmp_path, "sales.csv", SALES)

    # the default workspace has the book; north imports the same ISBN as a book of its own
    run("import_books", str(catalogue))
    run("import_books", str(catalogue), "--workspace", "north")
    run("import_sales", str(sales), "--workspace", "north")

    books = {book.workspace.slug: book for book in Book.objects.select_related("workspace")}
    assert set(books) == {"default", "north"}
    sale = Sale.objects.get()
    assert (sale.workspace_id, sale.book_id, sale.amount) == (north.pk, books["north"].pk, Decimal("24.98"))
    assert Publisher.objects.filter(workspace=north).count() == Author.objects.filter(workspace=north).count() == 1


def test_a_sales_file_never_resolves_an_isbn_to_another_workspaces_book(tmp_path: Path) -> None:
    workspace_create(slug="north", name="North")
    RegionFactory.create(code="FR")
    run("import_books", str(written(tmp_path, "books.csv", CATALOGUE)))  # only the default workspace has it

    with pytest.raises(CommandError) as refused:
        run("import_sales", str(written(tmp_path, "sales.csv", SALES)), "--workspace", "north")

    assert "no book has this ISBN (import the catalogue first)" in str(refused.value)
    assert not Sale.objects.exists()


def test_ledger_and_statement_imports_key_on_the_workspace(tmp_path: Path) -> None:
    north = workspace_create(slug="north", name="North")
    ledger = written(tmp_path, "ledger.csv", LEDGER)
    statement = written(tmp_path, "statement.csv", STATEMENT)

    for _ in range(2):  # the second time, each workspace finds its own rows unchanged
        run("import_ledger", str(ledger))
        run("import_ledger", str(ledger), "--workspace", "north")
        run("import_statement", str(statement))
        run("import_statement", str(statement), "--workspace", "north")

    assert sorted(LedgerEntry.objects.values_list("workspace__slug", flat=True)) == ["default", "north"]
    assert sorted(StatementLine.objects.values_list("workspace__slug", flat=True)) == ["default", "north"]
    assert StatementLine.objects.get(workspace=north).montant_en_eur == Decimal("1234567.89")


def test_the_generators_write_into_the_named_workspace() -> None:
    north = workspace_create(slug="north", name="North")

    run("generate_sales_data", "--books", "3", "--sales", "20", "--seed", "1", "--workspace", "north", "--skip-upload")
    run("generate_finance_data", "--entries", "10", "--seed", "1", "--workspace", "north", "--skip-upload")

    assert set(Book.objects.values_list("workspace_id", flat=True)) == {north.pk}
    assert set(Sale.objects.values_list("workspace_id", flat=True)) == {north.pk}
    assert set(LedgerEntry.objects.values_list("workspace_id", flat=True)) == {north.pk}


def test_ask_refuses_an_unknown_workspace_naming_the_known_ones() -> None:
    with pytest.raises(CommandError) as refused:
        run("ask", "summary", "--workspace", "nope")

    assert str(refused.value) == "--workspace: No workspace has the slug 'nope' (known: default). Nothing was written."


def test_the_command_cannot_demote_the_last_admin_either() -> None:
    root = User.objects.create_user("root")
    Membership.objects.create(workspace=workspace_default(), user=root, role="admin")

    with pytest.raises(CommandError) as refused:
        run("workspace", "add", "default", "root", "--role", "viewer")

    assert str(refused.value) == "root is the last admin of default; make another admin first."
    assert Membership.objects.get(user=root).role == "admin"
