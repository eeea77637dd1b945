"""Progress bars for management commands: tqdm on an interactive terminal, silent in CI,
in pipes and with --verbosity 0. Generators and importers report through it."""

import os
import sys

from tqdm import tqdm

from config.arguments import CommandOptions


class TerminalProgress:
    """A tqdm bar per stage on a terminal; silent when output is not a terminal or in CI."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: tqdm | None = None

    def start(self, stage: str, total: int) -> None:
        """Open a bar for the stage."""
        self.close()
        if self.enabled:
            self.bar = tqdm(total=total, desc=f"{stage:>12}", unit=" rows", unit_scale=True, file=sys.stderr)

    def advance(self, rows: int) -> None:
        """Move the bar."""
        if self.bar is not None:
            self.bar.update(rows)

    def close(self) -> None:
        """Close the current bar."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def progress_for(options: CommandOptions) -> TerminalProgress:
    """Bars on an interactive terminal only, never in CI or with --verbosity 0."""
    return TerminalProgress(enabled=sys.stderr.isatty() and not os.environ.get("CI") and options["verbosity"] > 0)
