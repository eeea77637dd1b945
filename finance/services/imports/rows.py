"""What every finance importer does with rows alike: find the columns of its fields in a
header, read and check one row's fields, and advance the progress bar."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from config.imports import (
    ImportRefused,
    Progress,
    columns_map,
)
from finance.services.imports.parsers import header_key

Row = tuple[int, Mapping[str, Any]]
PROGRESS_EVERY = 1_000


def columns_find(
    header: Sequence[str],
    *,
    fields: Mapping[str, Sequence[str]],
    required: Iterable[str],
    overrides: Mapping[str, str] | None,
    source: str,
) -> dict[str, str]:
    """The column of each field, matching names without accents or punctuation; ImportRefused when one is missing."""
    # csv_sniff keeps accents and slashes ("type_de_résultat", "produit_/_charge"); the portal's
    # labels vary in both, so a header also matches when its ASCII words equal a known name.
    tolerant = {
        target: [*(h for h in header if header_key(h) in {header_key(n) for n in (target, *names)}), *names]
        for target, names in fields.items()
    }
    columns = columns_map(header, fields=tolerant, overrides=overrides)
    missing = [target for target in required if target not in columns]
    if missing:
        raise ImportRefused(
            f"{source}: no column for {', '.join(missing)}; the header has {', '.join(header)} "
            "(name the column with --map column=field)"
        )
    return columns


def rows_with_progress(rows: Iterable[Row], progress: Progress) -> Iterator[Row]:
    """Pass the rows through, advancing the progress bar every PROGRESS_EVERY rows."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if done == PROGRESS_EVERY:
            progress.advance(done)
            done = 0
    progress.advance(done)
