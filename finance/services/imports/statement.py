"""Import of the City of Paris *compte de résultat*: portal CSV, explore API JSON, or its URL."""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from analytics.sync_requests import sync_request, sync_requests_deferred
from config.date_window import date_window
from config.imports import (
    ImportRefused,
    ImportSummary,
    Progress,
    RowChecker,
    RowError,
    SilentProgress,
    cell_check,
    csv_rows,
    csv_sniff,
    header_normalise,
    import_finish,
)
from finance.models import StatementLine
from finance.services.imports.client import EXPLORE_PAGE_SIZE, HTTP_TIMEOUT_SECONDS, explore_records_fetch, json_parse
from finance.services.imports.parsers import (
    RESULT_TYPES,
    SIDES,
    choice_parse,
    decimal_parse,
    exercice_parse,
    name_parse,
)
from finance.services.imports.rows import Row, columns_find, rows_with_progress
from workspaces.models import Workspace
from workspaces.services import workspace_default

STATEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "exercice": ("exercice_comptable", "annee", "annee_comptable"),
    "type_de_resultat": ("type_resultat", "type_de_resultats"),
    "produit_charge": ("produit_/_charge", "produits_charges", "produit_ou_charge", "produits_/_charges"),
    "poste": ("postes",),
    "detail_postes": ("detail_poste", "detail_des_postes", "detail"),
    "montant_en_eur": ("montant", "montant_eur", "montant_en_euros", "montant_euros"),
}
STATEMENT_REQUIRED = ("exercice", "type_de_resultat", "produit_charge", "poste", "montant_en_eur")


# --- the compte de résultat


@dataclass(frozen=True)
class StatementRow:
    """A valid statement line from a file or the API."""

    line: int
    montant: Decimal


def _statement_rows_validate(
    *, rows: Iterable[Row], columns: Mapping[str, str], summary: ImportSummary
) -> dict[tuple[int, str, str, str, str], StatementRow]:
    """The valid lines by natural key; the others (a key twice included) go to the summary."""
    valid: dict[tuple[int, str, str, str, str], StatementRow] = {}
    window = date_window()
    for line, row in rows:
        check = RowChecker(line=line, row=row, columns=columns)
        exercice = check.get("exercice", lambda v: exercice_parse(v, window=window))
        type_de_resultat = check.get("type_de_resultat", lambda v: choice_parse(v, choices=RESULT_TYPES))
        produit_charge = check.get("produit_charge", lambda v: choice_parse(v, choices=SIDES))
        poste = check.get("poste", lambda v: name_parse(v, max_length=255))
        detail = check.get("detail_postes", lambda v: name_parse(v, max_length=255, required=False))
        montant = check.get("montant_en_eur", lambda v: decimal_parse(v, max_digits=16, comma_decimal=True))
        key = (exercice, type_de_resultat, produit_charge, poste, detail)
        if check.error is None and key in valid:
            check.fail(
                "poste", poste, f"duplicates line {valid[key].line} (same exercice, type, side, poste and détail)"
            )
        if check.error is not None:
            summary.reject(check.error)
            continue
        valid[key] = StatementRow(line=line, montant=montant)
    return valid


def _json_records(records: Iterable[Any], summary: ImportSummary) -> Iterator[Row]:
    """Explore API records as (record number, {normalised field: value}); checked like CSV cells."""
    for number, record in enumerate(records, start=1):
        summary.read += 1
        if not isinstance(record, dict):
            summary.reject(RowError(number, "", str(record), "is not a JSON object"))
            continue
        row = {header_normalise(str(k)): v.strip() if isinstance(v, str) else v for k, v in record.items()}
        # A nested object or list would be stored as its Python repr ("{'a': 1}") in a text column.
        error = next(
            (
                RowError(number, k, json.dumps(v, ensure_ascii=False), "is not a single value (a JSON object or list)")
                for k, v in row.items()
                if isinstance(v, dict | list)
            ),
            None,
        ) or next(
            (e for k, v in row.items() if isinstance(v, str) and (e := cell_check(number, k, v)) is not None), None
        )
        if error is not None:
            summary.reject(error)
            continue
        yield number, row


def statement_json_load(path: Path) -> list[Any]:
    """The records of a saved explore API response (`{"total_count": N, "results": [...]}`) or a JSON list."""
    try:
        data = json_parse(path.read_bytes())
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ImportRefused(f"{path.name} is not valid JSON: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        if isinstance(data.get("total_count"), int) and data["total_count"] != len(data["results"]):
            raise ImportRefused(
                f"{path.name} holds {len(data['results']):,} of the dataset's {data['total_count']:,} records "
                "(one page of a paged response); import the URL instead"
            )
        return data["results"]
    if isinstance(data, list):
        return data
    raise ImportRefused(f"{path.name} is JSON but not explore API records (no 'results' list)")


def _looks_like_json(path: Path) -> bool:
    """Whether a file starts with `{` or `[` (after a BOM and spaces)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1_024).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError as error:
        raise ImportRefused(f"cannot read {path}: {error.strerror}") from None
    return head[:1] in {b"{", b"["}


def statement_import(
    *,
    source: str | Path,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    mapping: Mapping[str, str] | None = None,
    page_size: int = EXPLORE_PAGE_SIZE,
    timeout: float = HTTP_TIMEOUT_SECONDS,
    using: str = "default",
    progress: Progress | None = None,
    workspace: Workspace | None = None,
) -> ImportSummary:
    """Import the compte de résultat from the portal's CSV export, a saved explore API JSON
    response, or an explore API `/records` URL (read in full before anything is written),
    into the workspace (None: the default one), keyed on its own lines."""
    progress = progress or SilentProgress()
    summary = ImportSummary()
    text = str(source)
    if text.startswith(("http://", "https://")):
        # Named after the dataset, in the working directory: a URL has no folder to put rejects next to.
        origin = Path(
            f"{urllib.parse.urlsplit(text).path.rstrip('/').removesuffix('/records').rsplit('/', 1)[-1]}.json"
        )
        records = list(
            explore_records_fetch(url=text, page_size=page_size, timeout=timeout, on_page=_PageProgress(progress))
        )
        rows: Iterable[Row] = _json_records(records, summary)
        header: Sequence[str] = _json_header(records)
        total = len(records)
    elif _looks_like_json(Path(source)):
        origin = Path(source)
        records = statement_json_load(origin)
        rows, header, total = _json_records(records, summary), _json_header(records), len(records)
    else:
        origin = Path(source)
        layout = csv_sniff(origin)
        rows, header, total = csv_rows(layout, summary), layout.header, max(layout.lines - 1, 0)
    columns = columns_find(
        header, fields=STATEMENT_FIELDS, required=STATEMENT_REQUIRED, overrides=mapping, source=origin.name
    )
    progress.start("statement", total)
    with transaction.atomic(using=using), sync_requests_deferred():
        # Resolved inside the import's transaction: a refused file never touches the database.
        workspace_id = (workspace or workspace_default(using=using)).pk
        lines = _statement_rows_validate(rows=rows_with_progress(rows, progress), columns=columns, summary=summary)
        import_finish(summary, skip_invalid=skip_invalid, rejects=rejects, source=origin)
        _statement_write(lines=lines, using=using, summary=summary, workspace_id=workspace_id)
        if summary.created or summary.updated:
            sync_request(using=using)  # one for the file: bulk_create sends no per-row signals
    return summary


def _json_header(records: Sequence[Any]) -> list[str]:
    """Every field any record has, normalised like a CSV header, in first-seen order."""
    header: dict[str, None] = {}
    for record in records:
        if isinstance(record, dict):
            header.update((header_normalise(str(k)), None) for k in record)
    return list(header)


class _PageProgress:
    """Reports explore API pages to a Progress as records downloaded."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.received = 0

    def __call__(self, received: int, total: int) -> None:
        if self.received == 0:
            self.progress.start("download", total)
        self.progress.advance(received - self.received)
        self.received = received


def _statement_write(
    *,
    lines: Mapping[tuple[int, str, str, str, str], StatementRow],
    using: str,
    summary: ImportSummary,
    workspace_id: int,
) -> None:
    """Create new lines, update amounts that changed (bumping updated_at), leave the rest untouched."""
    exercices = {key[0] for key in lines}
    existing = {
        (s.exercice, s.type_de_resultat, s.produit_charge, s.poste, s.detail_postes): s
        for s in StatementLine.objects.using(using).filter(workspace_id=workspace_id, exercice__in=exercices)
    }
    now = timezone.now()
    new, changed = [], []
    for key, row in lines.items():
        line = existing.get(key)
        if line is None:
            exercice, type_de_resultat, produit_charge, poste, detail = key
            new.append(
                StatementLine(
                    workspace_id=workspace_id,
                    exercice=exercice,
                    type_de_resultat=type_de_resultat,
                    produit_charge=produit_charge,
                    poste=poste,
                    detail_postes=detail,
                    montant_en_eur=row.montant,
                )
            )
        elif line.montant_en_eur != row.montant:
            line.montant_en_eur = row.montant
            line.updated_at = now  # bulk_update skips auto_now
            changed.append(line)
        else:
            summary.unchanged += 1
    StatementLine.objects.using(using).bulk_create(new, batch_size=1_000)
    StatementLine.objects.using(using).bulk_update(changed, ["montant_en_eur", "updated_at"], batch_size=1_000)
    summary.created += len(new)
    summary.updated += len(changed)
