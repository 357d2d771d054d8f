"""Tables that stay readable at any width, 80 columns (a pipe, a default terminal) included.

Rich shrinks every column to fit and then cuts words at the column edge (``regisseur-de``
/ ``mo``). Here each column is at least as wide as its longest word, so text wraps at
spaces only and identifiers, dates and pseudonyms stay whole; the room that is left goes to
the columns with the most text. A table that does not fit with borders is drawn without
them (columns two spaces apart, a rule under the header); when even that does not fit, each
row is printed as a record instead, one ``field  value`` line per column.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

# What a layout adds to the widths of its n columns: (per column, once). Bordered: a space
# either side of each cell and a rule between columns and at either edge; plain: two
# spaces between columns.
BORDERED = (3, 1)
PLAIN = (2, -2)


def _cell_len(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _longest_word(text: str) -> int:
    return max((_cell_len(word) for word in text.split()), default=0)


def _longest_line(text: str) -> int:
    return max((_cell_len(line) for line in text.splitlines()), default=0)


def column_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    overhead: tuple[int, int] = BORDERED,
) -> list[int] | None:
    """Widths that fit ``width`` without splitting a word, or None when none do."""
    columns = [[header, *(row[i] for row in rows)] for i, header in enumerate(headers)]
    natural = [max(_longest_line(cell) for cell in column) for column in columns]
    least = [max(1, *(_longest_word(cell) for cell in column)) for column in columns]
    room = width - overhead[0] * len(headers) - overhead[1]
    if sum(natural) <= room:
        return natural
    spare = room - sum(least)
    if spare < 0:
        return None
    need = [n - m for n, m in zip(natural, least, strict=True)]
    shares = [spare * n / sum(need) for n in need]
    widths = [m + int(s) for m, s in zip(least, shares, strict=True)]
    # Hand out what rounding left over to the columns that lost most to it.
    by_remainder = sorted(range(len(shares)), key=lambda i: int(shares[i]) - shares[i])
    for i in by_remainder[: room - sum(widths)]:
        widths[i] += 1
    return widths


def print_table(
    console: Console, title: str | None, headers: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    """A bordered table if it fits the console's width, else one record per row."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if title:
        console.print(Text(title, style="bold"))
    for overhead in (BORDERED, PLAIN):
        widths = column_widths(headers, rows, console.width, overhead)
        if widths is not None:
            break
    else:
        print_records(console, headers, rows)
        return
    if overhead == BORDERED:
        table = Table()
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for header, width in zip(headers, widths, strict=True):
        table.add_column(Text(header), width=width, overflow="fold")
    for row in rows:
        # Text, not markup: a cell that reads "[gewist]" must show just that.
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def print_records(console: Console, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Each row as ``field  value`` lines, wrapped at spaces; a blank line between rows."""
    from rich.text import Text

    label = max(_cell_len(h) for h in headers)
    room = max(console.width - label - 2, 20)
    for number, row in enumerate(rows):
        if number:
            console.print()
        for header, cell in zip(headers, row, strict=True):
            if not cell.strip():
                continue
            lines = [
                wrapped
                for line in cell.splitlines()
                for wrapped in textwrap.wrap(line, room, break_on_hyphens=False) or [""]
            ]
            for index, line in enumerate(lines):
                key = header if index == 0 else ""
                console.print(Text(f"{key:<{label}}  ", style="bold") + Text(line), crop=False)
