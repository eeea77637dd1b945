"""`manage.py ask QUESTION [--param value ...] [--format json|csv|table] [--workspace SLUG]`: ask
one of Folio's questions as the API does, of one workspace's data (the default workspace unless
named), and print what the API returns for the same parameters."""

import argparse
from types import SimpleNamespace
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.exceptions import ValidationError

from analytics.api.renderers import CSVRenderer, ExactJSONRenderer, cell_text
from analytics.questions.ask import Asked, ask
from analytics.questions.catalogue import CATALOGUE, UnknownQuestion
from analytics.runner import NoGeneration, QueryFailed
from analytics.warehouse.base import WarehouseUnavailable
from config.arguments import workspace_option_resolve
from workspaces.models import DEFAULT_SLUG
from workspaces.scope import Scope

FORMATS = ("json", "csv", "table")


def ask_arguments(words: list[str]) -> tuple[dict[str, list[str]], str]:
    """`--name value` and `--name=value` pairs (a name may repeat) and the output format."""
    params: dict[str, list[str]] = {}
    index = 0
    while index < len(words):
        word = words[index]
        if not word.startswith("--") or len(word) == 2:
            raise CommandError(f"Expected --name value, got {word!r}.")
        name, equals, value = word[2:].partition("=")
        if not equals:
            if index + 1 >= len(words):
                raise CommandError(f"--{name} needs a value.")
            index += 1
            value = words[index]
        params.setdefault(name, []).append(value)
        index += 1
    formats = params.pop("format", ["json"])
    if len(formats) > 1 or formats[0] not in FORMATS:
        raise CommandError(f"--format: give one of {', '.join(FORMATS)}.")
    return params, formats[0]


class Command(BaseCommand):
    """Print a question's answer as the API's JSON body, as CSV or as a text table."""

    help = (
        "Ask one of Folio's questions (the API's names: summary, top-books, finance/net-profit, "
        "statement/profit, ...) with the API's query parameters, e.g. "
        "`ask timeseries --start 2025-01-01 --end 2025-03-31 --granularity week --format table`; "
        "`--workspace SLUG` answers for that workspace (default: the default one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The question, then its parameters as --name value (repeat a name for several values)."""
        parser.add_argument("question", help=f"One of: {', '.join(CATALOGUE)}.")
        parser.add_argument(
            "params",
            nargs=argparse.REMAINDER,
            help="--name value ... and --format json|csv|table, --workspace SLUG (default: the default workspace)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Ask and print."""
        name: str = options["question"]
        words: list[str] = options["params"]
        params, fmt = ask_arguments(words)
        slugs = params.pop("workspace", [DEFAULT_SLUG])
        if len(slugs) > 1:
            raise CommandError("--workspace: give one workspace.")
        scope = Scope(workspace_id=workspace_option_resolve(slugs[0]).pk)
        try:
            asked = ask(name, params, scope=scope)
        except UnknownQuestion as unknown:
            raise CommandError(unknown.args[0]) from None
        except ValidationError as invalid:
            raise CommandError(f"Invalid parameters: {invalid.detail}") from None
        except (NoGeneration, QueryFailed, WarehouseUnavailable) as unavailable:
            raise CommandError(str(unavailable)) from None
        self.stdout.write(answer_text(asked, fmt), ending="")


def answer_text(asked: Asked, fmt: str) -> str:
    """The answer in the format asked for: the API's JSON body, its CSV export, or a text table."""
    body = asked.body()
    if fmt == "json":
        return ExactJSONRenderer().render(body).decode() + "\n"
    question = asked.question
    if not question.many:
        rows = [{"name": name, "value": value} for name, value in body["result"].items()]
        body = {**body, "results": rows}
        columns: tuple[str, ...] = ("name", "value")
    else:
        columns = question.columns
    view = SimpleNamespace(endpoint=question.name, columns=columns, ratio_columns=question.ratio_columns)
    if fmt == "csv":
        return CSVRenderer().render(body, renderer_context={"view": view}).decode()
    rows = body["results"]
    header = list(rows[0]) if rows else list(columns)
    cells = [header] + [[str(cell_text(row.get(column))) for column in header] for row in rows]
    widths = [max(len(line[index]) for line in cells) for index in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(lines) + "\n"
