"""Small cells of person counts are not shown (issue 21): the placements' figures on the
dashboard, in its exports and in the funder report show a count only when it is five or
more, so that nobody can be recognised from a table ("in Heidenheim one returner was placed
with an Aufstiegs-BAföG").

The rule, per column of a one-way table (categories × period) whose total is known (the
tables show it, and the dashboard's outcomes show the placements' total anyway):

1. Primary suppression: a count of 1 to 4 is shown as "< 5". A zero is shown: it says that
   nobody is in the cell, which identifies nobody.
2. A column whose total is itself 1 to 4 shows every cell as "< 5", zeros included: with
   the zeros shown, the one non-zero cell would be the total. The same when the hidden
   cells could be worked out and only zeros are left to hide (4 + 4 with a total of 8).
3. Secondary suppression: the total minus the shown cells is the sum of the hidden ones. If
   that sum gives a hidden cell away (only one cell hidden, or all hidden cells at their
   smallest or largest possible value, e.g. two "< 5" that add up to 2 must both be 1), the
   smallest shown cell is hidden too and marked "x", and so on until no hidden cell can be
   worked out. A cell marked "x" is never zero, so a reader knows it is 5 or more; the
   check counts with that.

What this does not protect against (documented, not solved): comparing two overlapping
periods (January to June against January to May) can give a month's small cell; the
dashboard is only for the steering circle and the network office, and the funder report is
meant for whole reporting periods. The tables are one-way (no cross table of district by
funding), so no other sums tie their cells together.
"""

from django.utils.translation import gettext as _

MIN_CELL = 5
SMALL = "< 5"
HIDDEN = "x"


def suppression_note() -> str:
    return _(
        "Zum Schutz der Personen: „< 5“ steht für weniger als fünf Personen; „x“ ist eine "
        "Zahl von fünf oder mehr, die nicht gezeigt wird, damit sich eine kleine Zahl nicht "
        "aus der Summe errechnen lässt."
    )


def _recoverable(values: list[int], small: set[int], hidden: set[int]) -> bool:
    """Whether the hidden cells' known sum pins one of them down."""
    suppressed = small | hidden
    if not suppressed:
        return False
    if len(suppressed) == 1:
        return True
    total = sum(values[i] for i in suppressed)
    lowest = len(small) * 1 + len(hidden) * MIN_CELL
    highest = len(small) * (MIN_CELL - 1) if not hidden else None
    return total in (lowest, highest)


def suppress_column(values: list[int]) -> list[int | str]:
    """`values` with small cells and the cells that would reveal them replaced by markers."""
    total = sum(values)
    if 0 < total < MIN_CELL:
        return [SMALL] * len(values)
    small = {i for i, v in enumerate(values) if 0 < v < MIN_CELL}
    hidden: set[int] = set()
    while _recoverable(values, small, hidden):
        shown = [i for i, v in enumerate(values) if v >= MIN_CELL and i not in hidden]
        if not shown:
            # Nothing left to hide but zeros (say 4 + 4 with a total of 8): every cell under
            # five is marked, zeros too, as in a column with a small total.
            small = {i for i, v in enumerate(values) if v < MIN_CELL}
            break
        hidden.add(min(shown, key=lambda i: (values[i], i)))
    return [SMALL if i in small else HIDDEN if i in hidden else v for i, v in enumerate(values)]


def suppress_rows(rows: list, *, total_label: str = "") -> list[list]:
    """Rows of (label, count, count, …): each count column suppressed on its own (there is
    no row total). With `total_label`, a last row with the columns' totals, always shown:
    the totals are published elsewhere, and a total alone identifies nobody."""
    rows = [list(row) for row in rows]
    if not rows:
        return [[total_label, 0]] if total_label else []
    width = len(rows[0])
    columns = [suppress_column([row[c] for row in rows]) for c in range(1, width)]
    result = [[row[0], *(column[i] for column in columns)] for i, row in enumerate(rows)]
    if total_label:
        result.append([total_label, *(sum(row[c] for row in rows) for c in range(1, width))])
    return result
