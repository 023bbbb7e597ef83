"""Rate tables: the B2B statutory rate per semester and the yearly legal interest rate.

The figures come from the CSV files in ``data/legal/`` (the same files the Odoo side
loads as ``account.dunning.rate`` records); nothing here types a rate by hand.
"""

import functools
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from ._base import (
    CONTEXT,
    DATA_DIR,
    check_amount,
    check_date,
    check_decimal,
    parse_date,
    parse_decimal,
    read_csv,
)

B2B_RATES_FILE = "b2b_late_payment_rates.csv"
LEGAL_RATES_FILE = "legal_interest_rates.csv"

_OPEN_END = date.max.toordinal()


class MissingFigure(ValueError):
    """A legal figure (rate, fee, indemnity) is not in the table for a date.

    ``.item`` names the figure, ``.on_date`` the date it was needed for.
    """

    def __init__(self, message, item, on_date):
        super().__init__(message)
        self.item = item
        self.on_date = on_date


class MissingRate(MissingFigure):
    """No row of a rate table covers a date.

    ``.semester`` is the label of the semester holding the date (``"2026 H2"``),
    ``.date_from`` / ``.date_to`` its first and last day, ``.on_date`` the date asked.
    The Treasury publishes a semester's B2B rate weeks after it starts: the UI names the
    semester so the accountant can add it (see :func:`statutory_rate_from_ecb`).
    """

    def __init__(self, on_date):
        self.date_from, self.date_to, self.semester = semester_of(on_date)
        super().__init__(
            f"No interest rate for {on_date.isoformat()}: the rate of semester"
            f" {self.semester} ({self.date_from.isoformat()} to"
            f" {self.date_to.isoformat()}) is missing from the rate table",
            "rate",
            on_date,
        )


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """One row of a rate table: ``rate`` percent a year from ``date_from`` to
    ``date_to`` inclusive (``None``: open-ended)."""

    date_from: date
    date_to: date | None
    rate: Decimal

    def __post_init__(self):
        check_date(self.date_from, "date_from")
        if self.date_to is not None:
            check_date(self.date_to, "date_to")
            if self.date_to < self.date_from:
                raise ValueError(
                    f"date_to ({self.date_to}) is before date_from ({self.date_from})"
                )
        object.__setattr__(self, "rate", check_amount(self.rate, "rate"))


# ---- semesters ----------------------------------------------------------------------


def semester_of(on_date):
    """``(first day, last day, label)`` of the calendar semester holding ``on_date``;
    the label reads ``"2026 H2"``."""
    check_date(on_date, "on_date")
    year = on_date.year
    if on_date.month <= 6:
        return date(year, 1, 1), date(year, 6, 30), f"{year} H1"
    return date(year, 7, 1), date(year, 12, 31), f"{year} H2"


def _next_semester_start(day):
    return date(day.year, 7, 1) if day.month <= 6 else date(day.year + 1, 1, 1)


# ---- table files --------------------------------------------------------------------


def read_b2b_rates(path=None):
    """Rows of the B2B statutory rate table (one per semester), as a tuple of
    :class:`RatePeriod` sorted by date; ``path`` defaults to the shipped file."""
    rows = read_csv(path or DATA_DIR / B2B_RATES_FILE)
    periods = [
        RatePeriod(
            parse_date(row["date_from"], "date_from"),
            parse_date(row["date_to"], "date_to") if row.get("date_to") else None,
            parse_decimal(row["rate_percent"], "rate_percent"),
        )
        for row in rows
    ]
    return tuple(sorted(periods, key=lambda period: period.date_from))


def read_legal_rates(path=None):
    """Rows of the legal interest rate table (one per calendar year), as a tuple of
    :class:`RatePeriod` from 1 January to 31 December."""
    rows = read_csv(path or DATA_DIR / LEGAL_RATES_FILE)
    periods = []
    for row in rows:
        year = int(row["year"])
        periods.append(
            RatePeriod(
                date(year, 1, 1),
                date(year, 12, 31),
                parse_decimal(row["rate_percent"], "rate_percent"),
            )
        )
    return tuple(sorted(periods, key=lambda period: period.date_from))


@functools.lru_cache(maxsize=1)
def _default_b2b():
    return read_b2b_rates()


@functools.lru_cache(maxsize=1)
def _default_legal():
    return read_legal_rates()


def default_b2b_rates():
    """The B2B statutory rate table shipped with the addon (a fresh list)."""
    return list(_default_b2b())


def default_legal_rates():
    """The yearly legal interest rate table shipped with the addon (a fresh list)."""
    return list(_default_legal())


# ---- lookups ------------------------------------------------------------------------

# Per table: sorted start and end ordinals and rates, built once.  Keyed by id() with a
# reference to the table kept alive (so the id cannot be reused) and, for mutable
# sequences, a snapshot of its rows compared by identity on every hit.
_INDEX_CACHE = {}
_INDEX_CACHE_SIZE = 64


def rate_index(table, name="table"):
    """``(starts, ends, rates)`` of a rate table, validated and cached.

    Rows must be :class:`RatePeriod` and must not overlap (gaps are allowed: they are
    missing semesters); ``ValueError`` naming ``name`` otherwise.
    """
    entry = _INDEX_CACHE.get(id(table))
    if entry is not None and entry[0] is table:
        if type(table) is tuple or tuple(table) == entry[1]:
            return entry[2]
    try:
        rows = tuple(table)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of RatePeriod") from None
    for row in rows:
        if not isinstance(row, RatePeriod):
            raise TypeError(
                f"{name} must hold RatePeriod rows, not {type(row).__name__}"
            )
    ordered = sorted(rows, key=lambda row: row.date_from)
    starts, ends, values = [], [], []
    for row in ordered:
        start = row.date_from.toordinal()
        if ends and start <= ends[-1]:
            raise ValueError(
                f"{name}: the period starting {row.date_from} overlaps the one"
                f" starting {date.fromordinal(starts[-1])}"
            )
        starts.append(start)
        ends.append(_OPEN_END if row.date_to is None else row.date_to.toordinal())
        values.append(row.rate)
    index = (starts, ends, values)
    if len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
        _INDEX_CACHE.clear()
    _INDEX_CACHE[id(table)] = (table, rows, index)
    return index


def default_b2b_index():
    return rate_index(_default_b2b())


def rate_on(index, ordinal):
    """``(rate, last ordinal of its row)`` for a day given as an ordinal;
    :class:`MissingRate` when no row covers it."""
    starts, ends, values = index
    i = bisect_right(starts, ordinal) - 1
    if i < 0 or ends[i] < ordinal:
        raise MissingRate(date.fromordinal(ordinal))
    return values[i], ends[i]


def statutory_b2b_rate(on_date, table=None):
    """B2B statutory rate (percent a year) of the semester holding ``on_date``.

    ``table`` defaults to :func:`default_b2b_rates`.  Raises :class:`MissingRate`
    (a ``ValueError``) naming the semester when no row covers the date.
    """
    # Law of 2 August 2002 art. 5: ECB rate + 8 points, fixed per calendar semester.
    check_date(on_date, "on_date")
    index = default_b2b_index() if table is None else rate_index(table, "table")
    return rate_on(index, on_date.toordinal())[0]


def statutory_rate_from_ecb(ecb_rate):
    """B2B statutory rate derived from the ECB main refinancing rate in force on a
    semester's first day: ECB + 8 points, rounded up to the next half point
    (10.15 -> 10.5, 10.5 -> 10.5).  A negative ECB rate is accepted (the formula
    holds); the result must not be negative."""
    # Law of 2 August 2002 art. 5 §2: reference rate + 8 points, rounded up to 0.5.
    ecb_rate = check_decimal(ecb_rate, "ecb_rate")
    doubled = CONTEXT.multiply(CONTEXT.add(ecb_rate, 8), 2)
    result = CONTEXT.divide(doubled.to_integral_value(rounding=ROUND_CEILING), 2)
    if result < 0:
        raise ValueError(f"ecb_rate {ecb_rate} gives a negative statutory rate")
    return result.quantize(Decimal("0.1"))


def missing_semesters(table, until, since=None):
    """Labels of the semesters (``"2026 H2"``) not fully covered by ``table``, from the
    semester of ``since`` (default: the table's first row) up to the one holding
    ``until``, oldest first.  An empty table with no ``since`` gives ``[]``."""
    check_date(until, "until")
    starts, ends, _values = index = rate_index(table, "table")
    if since is None:
        if not starts:
            return []
        since = date.fromordinal(starts[0])
    check_date(since, "since")
    missing = []
    first, last, label = semester_of(since)
    while first <= until:
        day, stop = first.toordinal(), last.toordinal()
        while day <= stop:
            try:
                day = rate_on(index, day)[1] + 1
            except MissingRate:
                missing.append(label)
                break
        first, last, label = semester_of(_next_semester_start(first))
    return missing
