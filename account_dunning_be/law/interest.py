"""Late payment interest: simple interest, actual/365, day by day on the balance
outstanding at the start of each day, computed segment by segment (never day by day).
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from typing import NamedTuple

from ._base import CONTEXT, ZERO, check_amount, check_date, round_cent
from .rates import MissingRate, default_b2b_index, rate_index

# Simple interest, day count actual/365 (rates are percent: 365 * 100).
_DAY_COUNT = Decimal(36500)


class InterestPeriod(NamedTuple):
    """A run of days with one base and one rate.  ``amount`` is rounded to the cent for
    display; the result's total is computed from the unrounded amounts."""

    date_from: date
    date_to: date
    days: int
    base: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InterestResult:
    """Interest from ``start`` to ``end`` inclusive.

    - ``amount``: the total, rounded half-up to the cent (only this figure is rounded
      from the exact total);
    - ``exact``: the unrounded total, the sum of ``base * rate * days / 36500`` over the
      periods (so splitting a range at any date adds up exactly);
    - ``days``: the number of days from ``start`` to ``end`` inclusive;
    - ``periods``: the runs of days that bear interest, split at every change of base or
      rate; days with a zero balance or a zero rate are left out.  Their rounded
      ``amount`` may add up to a cent or so more or less than ``amount``: the total
      is rounded once, from the unrounded period amounts;
    - ``missing_rate``: with ``until_missing``, the :class:`MissingRate` of the first day
      no rate covers; the result then stops the day before (``end`` is the last day
      computed, ``start - 1`` when not one day is covered, ``days`` then 0), else None.
    """

    amount: Decimal
    exact: Decimal
    days: int
    periods: list
    start: date
    end: date
    missing_rate: MissingRate | None = None

    @property
    def is_partial(self):
        """The interest stops before the end asked for: a semester's rate is missing."""
        return self.missing_rate is not None


def late_interest(balance_steps, start, end, rate_table=None, fixed_rate=None, *,
                  until_missing=False):
    """Late payment interest on a balance that changes over time.

    ``balance_steps``: ``[(date, outstanding)]`` sorted by date, the first dated before
    ``start``; the balance in force on a day is that of the last step dated on or before
    the previous day, so a payment dated P still bears interest on day P.  Several steps
    on one date: the last one counts.

    Interest accrues for each day from ``start`` to ``end`` inclusive.  The rate of a
    day is ``fixed_rate`` when given, else that of ``rate_table`` (default: the B2B
    statutory table).  A ``fixed_rate`` together with an explicit ``rate_table`` is
    capped, day by day, by the table's rate (a consumer's contractual rate may not
    exceed the statutory one).  A day with a non-zero balance and no rate in the table
    raises :class:`MissingRate` naming its semester; days with a zero balance need no
    rate.  With ``until_missing`` it does not raise: the result covers the days up to
    the last one before the first missing day, and carries that :class:`MissingRate`
    in ``missing_rate`` (nothing is guessed for the days after, even when a later
    semester is known).

    Raises ``ValueError`` naming the argument for ``end < start``, unsorted or empty
    steps, a first step not before ``start``, negative balances or rates.
    """
    # Law of 2 August 2002 art. 5 / Civil Code: simple interest, actual days / 365.
    check_date(start, "start")
    check_date(end, "end")
    if end < start:
        raise ValueError(f"end ({end}) must not be before start ({start})")
    first = start.toordinal()
    last = end.toordinal()
    fixed = None if fixed_rate is None else check_amount(fixed_rate, "fixed_rate")
    if rate_table is not None:
        starts, ends, rates = rate_index(rate_table, "rate_table")
    elif fixed is None:
        starts, ends, rates = default_b2b_index()
    else:
        starts = None

    # Balance in force on the first day, then (first day it applies, balance) changes.
    balance = None
    changes = []
    previous = None
    for step in balance_steps:
        try:
            when, outstanding = step
        except (TypeError, ValueError):
            raise ValueError(
                "balance_steps: each step must be a (date, outstanding) pair"
            ) from None
        check_date(when, "balance_steps date")
        outstanding = check_amount(outstanding, "balance_steps outstanding")
        if previous is not None and when < previous:
            raise ValueError(
                f"balance_steps must be sorted by date ({when} comes after {previous})"
            )
        if previous is None:
            first_when = when
        previous = when
        applies = when.toordinal() + 1
        if applies <= first:
            balance = outstanding
        elif applies <= last:
            if changes and changes[-1][0] == applies:
                changes[-1] = (applies, outstanding)
            else:
                changes.append((applies, outstanding))
    if previous is None:
        raise ValueError("balance_steps must not be empty")
    if balance is None:
        raise ValueError(
            f"balance_steps: the first step ({first_when}) must be dated before"
            f" start ({start})"
        )
    changes.append((last + 1, None))  # sentinel: the day after the range

    runs = []  # [first ordinal, last ordinal, base, rate]
    missing = None
    day = first
    j = 0
    next_change = changes[0][0]
    while day <= last:
        if not balance:
            stop = next_change - 1  # nothing owed: no rate needed
        else:
            if starts is None:
                rate = fixed
                stop = next_change - 1
            else:
                i = bisect_right(starts, day) - 1
                if i < 0 or ends[i] < day:
                    missing = MissingRate(date.fromordinal(day))
                    if not until_missing:
                        raise missing
                    last = day - 1
                    break
                rate = rates[i]
                if fixed is not None and fixed < rate:
                    rate = fixed
                stop = ends[i]
                if stop >= next_change:
                    stop = next_change - 1
            if rate:
                if runs:
                    run = runs[-1]
                    if run[1] == day - 1 and run[3] == rate and run[2] == balance:
                        run[1] = stop
                    else:
                        runs.append([day, stop, balance, rate])
                else:
                    runs.append([day, stop, balance, rate])
        day = stop + 1
        if day == next_change and day <= last:
            balance = changes[j][1]
            j += 1
            next_change = changes[j][0]

    periods = []
    total = ZERO
    with localcontext(CONTEXT):
        for run_first, run_last, base, rate in runs:
            days = run_last - run_first + 1
            numerator = base * rate * days
            total += numerator
            periods.append(
                InterestPeriod(
                    date.fromordinal(run_first),
                    date.fromordinal(run_last),
                    days,
                    base,
                    rate,
                    round_cent(numerator / _DAY_COUNT),
                )
            )
        exact = total / _DAY_COUNT
    return InterestResult(
        round_cent(exact), exact, last - first + 1, periods, start,
        date.fromordinal(last) if missing else end, missing,
    )
