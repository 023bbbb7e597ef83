"""Late interest: worked examples computed by hand, properties, validation."""

from datetime import date, timedelta
from decimal import Decimal

import law
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

D = Decimal
TABLE_FIRST = date(2013, 1, 1)
TABLE_LAST = date(2026, 6, 30)  # the shipped B2B table ends with 2026 H1
# The engine computes with 34 significant digits, the tests with Python's default 28:
# "exact" figures are compared to 1e-18 (far below a cent, far above the noise).
TINY = D("1e-18")


def close(a, b):
    return abs(a - b) < TINY


# ---- worked examples ----------------------------------------------------------------


def test_invoice_across_a_semester_change():
    # EUR 1,000.00 due 2023-06-15, interest from 2023-06-16 to 2023-07-31 (B2B table):
    #   2023-06-16..06-30: 15 days at 10.5 %: 1000 * 10.5 * 15 / 36500 = 157500 / 36500
    #                                                                  =  4.3150684...
    #   2023-07-01..07-31: 31 days at 12.0 %: 1000 * 12.0 * 31 / 36500 = 372000 / 36500
    #                                                                  = 10.1917808...
    #   total 529500 / 36500 = 14.5068493... -> 14.51 over 46 days
    result = law.late_interest(
        [(date(2023, 6, 15), D("1000.00"))], date(2023, 6, 16), date(2023, 7, 31)
    )
    assert result.amount == D("14.51")
    assert close(result.exact, D(529500) / D(36500))
    assert result.days == 46
    assert result.periods == [
        law.InterestPeriod(
            date(2023, 6, 16), date(2023, 6, 30), 15, D("1000.00"), D("10.5"), D("4.32")
        ),
        law.InterestPeriod(
            date(2023, 7, 1), date(2023, 7, 31), 31, D("1000.00"), D("12.0"), D("10.19")
        ),
    ]


def test_invoice_paid_in_three_parts():
    # EUR 3,000.00 due 2024-11-30, paid 1,000 on 2024-12-20, 1,000 on 2025-01-15 and
    # the last 1,000 on 2025-02-28; interest from 2024-12-01 to 2025-03-31.
    # A payment dated P still bears interest on day P.
    #   2024-12-01..12-20: 20 days on 3000 at 12.5 %: 3000*12.5*20 = 750000 -> 20.547..
    #   2024-12-21..12-31: 11 days on 2000 at 12.5 %: 2000*12.5*11 = 275000 ->  7.534..
    #   2025-01-01..01-15: 15 days on 2000 at 11.5 %: 2000*11.5*15 = 345000 ->  9.452..
    #   2025-01-16..02-28: 16 + 28 = 44 days on 1000 at 11.5 %: 506000    -> 13.863..
    #   2025-03-01..03-31: nothing owed (left out of the periods)
    #   total 1876000 / 36500 = 51.3972602... -> 51.40; days 31+31+28+31 = 121
    steps = [
        (date(2024, 11, 30), D("3000.00")),
        (date(2024, 12, 20), D("2000.00")),
        (date(2025, 1, 15), D("1000.00")),
        (date(2025, 2, 28), D("0.00")),
    ]
    result = law.late_interest(steps, date(2024, 12, 1), date(2025, 3, 31))
    assert result.amount == D("51.40")
    assert close(result.exact, D(1876000) / D(36500))
    assert result.days == 121
    assert [
        (p.date_from, p.date_to, p.days, p.base, p.rate, p.amount)
        for p in result.periods
    ] == [
        (
            date(2024, 12, 1),
            date(2024, 12, 20),
            20,
            D("3000.00"),
            D("12.5"),
            D("20.55"),
        ),
        (
            date(2024, 12, 21),
            date(2024, 12, 31),
            11,
            D("2000.00"),
            D("12.5"),
            D("7.53"),
        ),
        (date(2025, 1, 1), date(2025, 1, 15), 15, D("2000.00"), D("11.5"), D("9.45")),
        (date(2025, 1, 16), date(2025, 2, 28), 44, D("1000.00"), D("11.5"), D("13.86")),
    ]
    # The periods, rounded for display, add up to 20.55 + 7.53 + 9.45 + 13.86 = 51.39:
    # one cent under the total, which is rounded once from the exact sum (51.3972...).
    assert sum(p.amount for p in result.periods) == D("51.39")


def test_consumer_contractual_rate_capped_by_the_statutory_rate():
    # A consumer owes EUR 800.00 due 2025-05-10; the reminder goes by e-mail on
    # 2025-05-20: the waiting period runs 2025-05-21..06-03, interest from 2025-06-04.
    # Contractual rate 12 %, capped by the B2B statutory rate (11.5 % in 2025 H1,
    # 10.5 % in 2025 H2), up to 2025-08-31:
    #   2025-06-04..06-30: 27 days at 11.5 %: 800 * 11.5 * 27 = 248400 -> 6.8054794...
    #   2025-07-01..08-31: 62 days at 10.5 %: 800 * 10.5 * 62 = 520800 -> 14.2684931...
    #   total 769200 / 36500 = 21.0739726... -> 21.07
    waiting_end = law.b2c_waiting_period_end(date(2025, 5, 20), "email")
    assert waiting_end == date(2025, 6, 3)
    start = waiting_end + timedelta(days=1)
    steps = [(date(2025, 5, 10), D("800.00"))]
    result = law.late_interest(
        steps,
        start,
        date(2025, 8, 31),
        rate_table=law.default_b2b_rates(),
        fixed_rate=D(12),
    )
    assert result.amount == D("21.07")
    assert [(p.days, p.rate) for p in result.periods] == [
        (27, D("11.5")),
        (62, D("10.5")),
    ]
    # The damages the first reminder announces: 65 + 5 % of (800 - 500) = 80.00.
    assert law.b2c_damages_cap(D("800.00")) == D("80.00")


def test_consumer_contractual_rate_below_the_cap_is_kept():
    # 3 % agreed, under the statutory rate all along: 800 * 3 * 89 / 36500
    #   = 213600 / 36500 = 5.8520547... -> 5.85
    result = law.late_interest(
        [(date(2025, 5, 10), D("800.00"))],
        date(2025, 6, 4),
        date(2025, 8, 31),
        rate_table=law.default_b2b_rates(),
        fixed_rate=D(3),
    )
    assert result.amount == D("5.85")
    assert [(p.days, p.rate) for p in result.periods] == [(89, D(3))]


def test_consumer_without_clause_owes_the_legal_rate():
    # No valid clause: legal interest rate 2025 = 4.50 %, same 89 days:
    #   800 * 4.5 * 89 / 36500 = 320400 / 36500 = 8.7780821... -> 8.78
    result = law.late_interest(
        [(date(2025, 5, 10), D("800.00"))],
        date(2025, 6, 4),
        date(2025, 8, 31),
        rate_table=law.default_legal_rates(),
    )
    assert result.amount == D("8.78")
    assert result.days == 89


def test_fixed_rate_alone_needs_no_table():
    # B2B contractual rate replacing the statutory one, beyond the shipped table:
    #   1000 * 10 * 365 / 36500 = 100.00
    result = law.late_interest(
        [(date(2026, 12, 31), D(1000))],
        date(2027, 1, 1),
        date(2027, 12, 31),
        fixed_rate=D(10),
    )
    assert result.amount == D("100.00")


def test_payment_day_still_bears_interest():
    # Due 2024-03-01, paid in full 2024-03-11: days 03-02..03-11 = 10 days at 12.5 %.
    #   1000 * 12.5 * 10 / 36500 = 3.4246... -> 3.42
    steps = [(date(2024, 3, 1), D(1000)), (date(2024, 3, 11), D(0))]
    result = law.late_interest(steps, date(2024, 3, 2), date(2024, 3, 31))
    assert result.amount == D("3.42")
    assert [(p.date_from, p.date_to) for p in result.periods] == [
        (date(2024, 3, 2), date(2024, 3, 11))
    ]


def test_steps_on_the_same_date_last_one_counts():
    steps = [
        (date(2024, 3, 1), D(1000)),
        (date(2024, 3, 5), D(500)),
        (date(2024, 3, 5), D(0)),
    ]
    result = law.late_interest(steps, date(2024, 3, 2), date(2024, 3, 31))
    assert result.periods[-1].date_to == date(2024, 3, 5)


def test_single_day():
    # 36500 * 10.5 * 1 / 36500 = 10.50
    result = law.late_interest(
        [(date(2025, 7, 1), D(36500))], date(2025, 7, 2), date(2025, 7, 2)
    )
    assert (result.amount, result.days) == (D("10.50"), 1)


# ---- missing rates ------------------------------------------------------------------


def test_missing_semester_is_never_silently_zero():
    with pytest.raises(law.MissingRate, match="2026 H2") as caught:
        law.late_interest(
            [(date(2026, 5, 31), D(1000))], date(2026, 6, 1), date(2026, 8, 31)
        )
    assert caught.value.semester == "2026 H2"


def test_no_rate_needed_when_nothing_is_owed():
    steps = [(date(2026, 5, 31), D(1000)), (date(2026, 6, 10), D(0))]
    result = law.late_interest(steps, date(2026, 6, 1), date(2026, 8, 31))
    assert result.days == 92 and result.amount > 0


def test_a_gap_inside_a_table_is_named():
    table = [p for p in law.default_b2b_rates() if p.date_from != date(2024, 7, 1)]
    with pytest.raises(law.MissingRate, match="2024 H2"):
        law.late_interest(
            [(date(2024, 1, 1), D(1000))],
            date(2024, 1, 2),
            date(2025, 3, 1),
            rate_table=table,
        )
    with pytest.raises(law.MissingRate, match="2024 H2"):  # capped fixed rate too
        law.late_interest(
            [(date(2024, 1, 1), D(1000))],
            date(2024, 1, 2),
            date(2025, 3, 1),
            rate_table=table,
            fixed_rate=D(5),
        )



# ---- a missing semester stops the interest, never zeroes it ---------------------------

TABLE_2026_H2 = law.default_b2b_rates() + [
    law.RatePeriod(date(2026, 7, 1), date(2026, 12, 31), D(10))
]


def test_missing_semester_stops_at_the_last_known_day():
    # EUR 1,000.00, interest asked from 2026-06-01 to 2026-08-31; the shipped table ends
    # 2026-06-30 (2026 H1 at 10.5 %):
    #   2026-06-01..06-30: 30 days at 10.5 %: 1000 * 10.5 * 30 / 36500 = 315000 / 36500
    #                                                                  =  8.6301369...
    # 2026 H2 is missing: nothing after 30 June, the semester is named.
    result = law.late_interest(
        [(date(2026, 5, 31), D(1000))], date(2026, 6, 1), date(2026, 8, 31),
        until_missing=True,
    )
    assert (result.amount, result.days) == (D("8.63"), 30)
    assert (result.start, result.end) == (date(2026, 6, 1), date(2026, 6, 30))
    assert result.is_partial
    missing = result.missing_rate
    assert isinstance(missing, law.MissingRate)
    assert (missing.semester, missing.date_from, missing.date_to, missing.on_date) == (
        "2026 H2", date(2026, 7, 1), date(2026, 12, 31), date(2026, 7, 1))
    assert [(p.date_from, p.date_to, p.days, p.rate, p.amount) for p in result.periods] == [
        (date(2026, 6, 1), date(2026, 6, 30), 30, D("10.5"), D("8.63"))]


def test_missing_first_semester_of_a_year_stops_on_31_december():
    # EUR 2,000.00 due 2026-11-15, interest 2026-11-16..2027-02-28, 2026 H2 at 10 %,
    # 2027 H1 missing:
    #   2026-11-16..12-31: 15 + 31 = 46 days: 2000 * 10 * 46 / 36500 = 920000 / 36500
    #                                                                = 25.2054794...
    result = law.late_interest(
        [(date(2026, 11, 15), D(2000))], date(2026, 11, 16), date(2027, 2, 28),
        rate_table=TABLE_2026_H2, until_missing=True,
    )
    assert (result.amount, result.days, result.end) == (D("25.21"), 46, date(2026, 12, 31))
    assert close(result.exact, D(920000) / D(36500))
    assert result.missing_rate.semester == "2027 H1"
    assert (result.missing_rate.date_from, result.missing_rate.date_to) == (
        date(2027, 1, 1), date(2027, 6, 30))


def test_missing_from_the_first_day_covers_no_day():
    result = law.late_interest(
        [(date(2026, 6, 30), D(1000))], date(2026, 7, 1), date(2026, 8, 31),
        until_missing=True,
    )
    assert (result.amount, result.days, result.periods) == (D(0), 0, [])
    assert result.end == date(2026, 6, 30)  # the day before start: not one day computed
    assert result.missing_rate.semester == "2026 H2"


def test_a_gap_stops_the_interest_even_when_later_rates_are_known():
    # 2024 H2 removed: interest stops on 2024-06-30 though 2025 is known
    #   2024-01-02..06-30: 181 days at 12.5 %: 1000 * 12.5 * 181 / 36500 = 61.9863...
    table = [p for p in law.default_b2b_rates() if p.date_from != date(2024, 7, 1)]
    result = law.late_interest(
        [(date(2024, 1, 1), D(1000))], date(2024, 1, 2), date(2025, 3, 1),
        rate_table=table, until_missing=True,
    )
    assert (result.amount, result.end) == (D("61.99"), date(2024, 6, 30))
    assert result.missing_rate.semester == "2024 H2"


def test_a_covered_range_is_not_partial():
    steps = [(date(2025, 5, 31), D(1000))]
    strict = law.late_interest(steps, date(2025, 6, 1), date(2025, 8, 31))
    lenient = law.late_interest(steps, date(2025, 6, 1), date(2025, 8, 31),
                                until_missing=True)
    assert strict == lenient
    assert lenient.missing_rate is None and not lenient.is_partial


@st.composite
def invoices_past_the_table(draw):
    """(steps, start, end) starting inside the shipped table, ending after it."""
    start = draw(st.dates(TABLE_LAST - timedelta(days=700), TABLE_LAST))
    end = draw(st.dates(TABLE_LAST + timedelta(days=1), TABLE_LAST + timedelta(days=500)))
    opened = start - timedelta(days=draw(st.integers(1, 60)))
    count = draw(st.integers(0, 3))
    dates = sorted(draw(st.lists(st.dates(opened, end), min_size=count, max_size=count)))
    amounts = draw(st.lists(money, min_size=count + 1, max_size=count + 1))
    steps = [(opened, amounts[0])] + list(zip(dates, amounts[1:], strict=True))
    return steps, start, end


def _owed_after_the_table(steps, end):
    """Some day after the table's end up to ``end`` bears a non-zero balance."""
    day = TABLE_LAST + timedelta(days=1)
    while day <= end:
        if [amount for when, amount in steps if when < day][-1]:
            return True
        day += timedelta(days=1)
    return False


@settings(max_examples=60, deadline=None)
@given(invoices_past_the_table())
def test_partial_equals_the_interest_up_to_the_last_known_day(invoice):
    steps, start, end = invoice
    result = law.late_interest(steps, start, end, until_missing=True)
    if not _owed_after_the_table(steps, end):
        assert result.missing_rate is None and result.end == end
        return
    missing = result.missing_rate
    assert missing.semester == "2026 H2"
    assert result.end < missing.on_date <= end
    known = law.late_interest(steps, start, result.end) if result.end >= start else None
    assert result.amount == (known.amount if known else 0)
    assert close(result.exact, known.exact if known else D(0))
    assert close(result.exact, reference_interest(steps, start, result.end))
    assert all(p.date_to <= result.end for p in result.periods)
    assert result.days == (result.end - start).days + 1
    with pytest.raises(law.MissingRate) as caught:
        law.late_interest(steps, start, end)
    assert caught.value.on_date == missing.on_date


@settings(max_examples=40, deadline=None)
@given(invoices_past_the_table(), st.integers(0, 400))
def test_partial_never_shrinks_when_asked_for_longer(invoice, more):
    steps, start, end = invoice
    shorter = law.late_interest(steps, start, end, until_missing=True)
    longer = law.late_interest(steps, start, end + timedelta(days=more), until_missing=True)
    assert longer.exact >= shorter.exact
    assert longer.amount >= shorter.amount


# ---- validation ---------------------------------------------------------------------

STEPS = [(date(2024, 1, 1), D(1000))]


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"end": date(2024, 1, 1)}, ValueError, "end"),
        ({"balance_steps": []}, ValueError, "balance_steps"),
        ({"balance_steps": [(date(2024, 1, 2), D(1))]}, ValueError, "balance_steps"),
        ({"balance_steps": [(date(2024, 1, 5), D(1))]}, ValueError, "before start"),
        ({"balance_steps": [(date(2024, 1, 1), D(-1))]}, ValueError, "balance_steps"),
        (
            {"balance_steps": [(date(2024, 1, 1), D(1)), (date(2023, 12, 1), D(1))]},
            ValueError,
            "balance_steps must be sorted",
        ),
        ({"balance_steps": [(date(2024, 1, 1),)]}, ValueError, "balance_steps"),
        ({"balance_steps": [(date(2024, 1, 1), 1000.0)]}, TypeError, "balance_steps"),
        (
            {"balance_steps": [(date(2024, 1, 1), D("NaN"))]},
            ValueError,
            "balance_steps",
        ),
        ({"fixed_rate": D(-1)}, ValueError, "fixed_rate"),
        ({"fixed_rate": 8.5}, TypeError, "fixed_rate"),
        ({"start": "2024-01-02"}, TypeError, "start"),
        ({"rate_table": [1, 2]}, TypeError, "rate_table"),
    ],
)
def test_validation_names_the_argument(kwargs, error, name):
    arguments = {
        "balance_steps": STEPS,
        "start": date(2024, 1, 2),
        "end": date(2024, 3, 31),
    } | kwargs
    with pytest.raises(error, match=name):
        law.late_interest(**arguments)


def test_int_amounts_are_accepted():
    result = law.late_interest(
        [(date(2024, 1, 1), 1000)], date(2024, 1, 2), date(2024, 1, 2), fixed_rate=10
    )
    assert close(result.exact, D(1000) * 10 / D(36500))


# ---- properties ---------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**7, places=2)


@st.composite
def invoices(draw, first=TABLE_FIRST + timedelta(days=1), last=TABLE_LAST):
    """(steps, start, end) inside the shipped B2B table."""
    start = draw(st.dates(first, last))
    end = draw(st.dates(start, min(last, start + timedelta(days=1200))))
    opened = start - timedelta(days=draw(st.integers(1, 60)))
    count = draw(st.integers(0, 4))
    dates = sorted(
        draw(st.lists(st.dates(opened, end), min_size=count, max_size=count))
    )
    amounts = draw(st.lists(money, min_size=count + 1, max_size=count + 1))
    steps = [(opened, amounts[0])] + list(zip(dates, amounts[1:], strict=True))
    return steps, start, end


def reference_interest(steps, start, end, table=None, fixed=None):
    """Day by day, straight from the rule: the slow, obvious reading."""
    if table is None and fixed is None:
        table = law.default_b2b_rates()
    numerator = D(0)
    day = start
    while day <= end:
        balance = [amount for when, amount in steps if when < day][-1]
        if table is None:
            rate = fixed
        else:
            rate = next(
                p.rate
                for p in table
                if p.date_from <= day and (p.date_to is None or day <= p.date_to)
            )
            if fixed is not None:
                rate = min(rate, fixed)
        numerator += balance * rate
        day += timedelta(days=1)
    return numerator / D(36500)


@settings(max_examples=60, deadline=None)
@given(invoices(), st.sampled_from([None, D(0), D("7.25"), D(12)]))
def test_matches_the_day_by_day_reading(invoice, fixed):
    steps, start, end = invoice
    table = law.default_b2b_rates() if fixed is not None and fixed > 5 else None
    result = law.late_interest(steps, start, end, rate_table=table, fixed_rate=fixed)
    expected = reference_interest(steps, start, end, table, fixed)
    assert close(result.exact, expected)
    assert result.days == (end - start).days + 1


@settings(deadline=None)
@given(invoices())
def test_zero_balance_gives_zero(invoice):
    steps, start, end = invoice
    zero = [(when, D("0.00")) for when, _amount in steps]
    result = law.late_interest(zero, start, end)
    assert (result.amount, result.exact, result.periods) == (D("0.00"), 0, [])


@settings(deadline=None)
@given(invoices(last=TABLE_LAST - timedelta(days=400)), st.integers(0, 400))
def test_grows_with_days(invoice, more):
    steps, start, end = invoice
    shorter = law.late_interest(steps, start, end)
    longer = law.late_interest(steps, start, end + timedelta(days=more))
    assert shorter.exact <= longer.exact
    assert shorter.amount <= longer.amount


@settings(deadline=None)
@given(invoices(), money, st.decimals(min_value=1, max_value=3, places=2))
def test_grows_with_balance(invoice, extra, factor):
    steps, start, end = invoice
    bigger = [(when, amount * factor + extra) for when, amount in steps]
    small = law.late_interest(steps, start, end)
    big = law.late_interest(bigger, start, end)
    assert small.exact <= big.exact
    assert small.amount <= big.amount


@settings(deadline=None)
@given(invoices(), st.data())
def test_additive_when_split(invoice, data):
    steps, start, end = invoice
    if start == end:
        end += timedelta(days=1)
    middle = data.draw(st.dates(start, end - timedelta(days=1)))
    whole = law.late_interest(steps, start, end)
    head = law.late_interest(steps, start, middle)
    tail = law.late_interest(steps, middle + timedelta(days=1), end)
    assert close(head.exact + tail.exact, whole.exact)
    assert head.days + tail.days == whole.days
    # The rounded amounts agree within a cent (each is rounded once).
    assert abs(head.amount + tail.amount - whole.amount) <= D("0.01")


@settings(deadline=None)
@given(invoices())
def test_equals_the_sum_of_its_periods(invoice):
    steps, start, end = invoice
    result = law.late_interest(steps, start, end)
    exact = sum((p.base * p.rate * p.days for p in result.periods), D(0)) / D(36500)
    assert close(exact, result.exact)
    # Each period is rounded for display: half a cent of difference each at most.
    half_cents = D("0.005") * (len(result.periods) + 1)
    assert abs(sum(p.amount for p in result.periods) - result.amount) <= half_cents
    # The periods are in order, inside the range, each with a base and a rate.
    previous_end = start - timedelta(days=1)
    for period in result.periods:
        assert previous_end < period.date_from <= period.date_to <= end
        assert period.days == (period.date_to - period.date_from).days + 1
        assert period.base > 0 and period.rate > 0
        previous_end = period.date_to
    assert sum(p.days for p in result.periods) <= result.days


@settings(deadline=None)
@given(invoices(), st.decimals(min_value=0, max_value=20, places=2))
def test_capped_fixed_rate_is_below_both(invoice, fixed):
    steps, start, end = invoice
    capped = law.late_interest(
        steps, start, end, rate_table=law.default_b2b_rates(), fixed_rate=fixed
    )
    assert capped.exact <= law.late_interest(steps, start, end).exact
    assert capped.exact <= law.late_interest(steps, start, end, fixed_rate=fixed).exact
