from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in one row. `row` is 1-based: the feature number, or the CSV line number."""

    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class ImportFailed(Exception):
    """The file cannot be imported; nothing was written. `errors` holds the per-row report."""

    def __init__(self, summary: str, errors: list[RowError] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.errors = errors or []
