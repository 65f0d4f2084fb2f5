"""CSV that is safe to open in a spreadsheet (CSV injection), for every CSV the product writes.

Spreadsheets run a cell that starts with = + - or @ as a formula. A cell is one field of the file only if the
spreadsheet splits on the same separator the writer used: opened in a locale that splits on `;` (or imported
with tab or `|` as the separator), "Harmless site;=1+1" becomes two cells and the second one runs. So every text
value is quoted, and a quote mark is put before the trigger at the start of the value and after every `,` `;`
tab or `|` in it (leading spaces included): "Harmless site;'=1+1". Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

# A segment's start (the value's start, or just after a separator), any spaces, then a formula trigger.
_TRIGGER = re.compile(r"(^|[,;\t|])(\s*)([=+\-@])")
ROWS_PER_CHUNK = 2000  # one write to the socket per ~100-200 KB, not one per row


def neutralise(text: str) -> str:
    """`text` with a ' before every formula trigger that starts it or a separator-delimited segment of it."""
    return _TRIGGER.sub(r"\1\2'\3", text)


def safe_row(values: Sequence[object]) -> list[object]:
    return [neutralise(v) if isinstance(v, str) else v for v in values]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text in chunks of ROWS_PER_CHUNK rows, for a StreamingHttpResponse (rows are read lazily)."""
    buffer = io.StringIO()
    # QUOTE_NONNUMERIC: every value that is not an int or a float is quoted (text, dates, empty cells).
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(header)
    yield buffer.getvalue()  # the header at once: the client sees the download start before the query has run
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow(safe_row(row))
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
