"""What a caller may see: one workspace, and optionally some of its regions or departments.

Every question filters by it, every cache key and rendered export holds its `key`, so an
answer computed for one scope is never served to another.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """A workspace id and the member's row-level limits (empty: no limit)."""

    workspace_id: int
    regions: tuple[str, ...] = ()  # region codes
    departments: tuple[int, ...] = ()  # department codes

    @property
    def key(self) -> str:
        """The scope as it enters cache keys: every part, in a fixed order."""
        regions = ",".join(sorted(self.regions)) or "*"
        departments = ",".join(str(code) for code in sorted(self.departments)) or "*"
        return f"w{self.workspace_id}:r={regions}:d={departments}"
