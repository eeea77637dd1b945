"""Every importer and import command takes its options under the same names."""

import inspect
from collections.abc import Callable

import pytest
from django.core.management import load_command_class

from books.services.imports import books_import, sales_import
from finance.services.imports import ledger_dimensions_import, ledger_files_import, ledger_import, statement_import

SHARED_KEYWORDS = {"mapping", "skip_invalid", "progress", "using"}


@pytest.mark.parametrize(
    "importer",
    [books_import, sales_import, ledger_dimensions_import, ledger_import, ledger_files_import, statement_import],
)
def test_every_importer_takes_the_shared_keywords(importer: Callable) -> None:
    parameters = inspect.signature(importer).parameters

    assert set(parameters) >= SHARED_KEYWORDS
    assert all(parameter.kind is inspect.Parameter.KEYWORD_ONLY for parameter in parameters.values())


@pytest.mark.parametrize(
    ("app", "command", "rejects"),
    [
        ("books", "import_books", "--rejects"),
        ("books", "import_sales", "--rejects"),
        ("finance", "import_ledger", "--rejects-dir"),
        ("finance", "import_statement", "--rejects"),
    ],
)
def test_every_import_command_takes_the_shared_options(app: str, command: str, rejects: str) -> None:
    parser = load_command_class(app, command).create_parser("manage.py", command)
    options = {option: action for action in parser._actions for option in action.option_strings}

    for name in ("--map", "--skip-invalid", "--database", rejects):
        assert name in options, f"{command} lacks {name}"
    assert options["--skip-invalid"].help == (
        "Import the valid rows and list the rejected ones (default: any rejected row writes nothing)."
    )
    assert options["--database"].default == "default"
