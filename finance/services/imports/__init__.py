"""Imports of outside finance files: the city ledger with its departments, funds and cost
centres, and the City of Paris *compte de résultat* (portal CSV, explore API JSON or URL).

Split by source: `client` (the portal's explore API over HTTP), `parsers` (one cell at a
time), `rows` (columns and row checks every importer shares), `ledger` and `statement`
(the importers). Every import validates all rows before it writes, then writes in one
transaction: creates what is new, updates what changed (bumping `updated_at`), and leaves
unchanged rows untouched so the warehouse sync does not copy them again.
"""

from finance.services.imports.client import EXPLORE_PAGE_SIZE, HTTP_TIMEOUT_SECONDS, ExploreFetchError
from finance.services.imports.ledger import (
    LedgerFilesRejected,
    ledger_dimensions_import,
    ledger_files_import,
    ledger_import,
)
from finance.services.imports.statement import statement_import

__all__ = [
    "EXPLORE_PAGE_SIZE",
    "HTTP_TIMEOUT_SECONDS",
    "ExploreFetchError",
    "LedgerFilesRejected",
    "ledger_dimensions_import",
    "ledger_files_import",
    "ledger_import",
    "statement_import",
]
