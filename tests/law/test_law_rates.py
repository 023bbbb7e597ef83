"""Rate tables read from data/legal/, statutory rate lookups, missing semesters."""

import csv
from datetime import date
from decimal import Decimal

import law
import pytest
from hypothesis import given
from hypothesis import strategies as st


def test_b2b_table_is_read_from_the_csv():
    with open(
        law.tables.DATA_DIR / "b2b_late_payment_rates.csv", encoding="utf-8"
    ) as f:
        rows = list(csv.DictReader(f))
    table = law.default_b2b_rates()
    assert len(table) == len(rows)
    for row, period in zip(rows, table, strict=True):
        assert period == law.RatePeriod(
            date.fromisoformat(row["date_from"]),
            date.fromisoformat(row["date_to"]),
            Decimal(row["rate_percent"]),
        )
    assert table[0] == law.RatePeriod(
        date(2013, 1, 1), date(2013, 6, 30), Decimal("9.0")
    )
    assert table[-1].date_to == date(2026, 6, 30)


def test_default_tables_are_fresh_lists():
    first = law.default_b2b_rates()
    first.clear()
    assert law.default_b2b_rates()
    assert isinstance(law.default_legal_rates(), list)


def test_legal_table_one_row_a_calendar_year():
    table = law.default_legal_rates()
    assert table[0] == law.RatePeriod(
        date(2013, 1, 1), date(2013, 12, 31), Decimal("2.75")
    )
    by_year = {p.date_from.year: p.rate for p in table}
    assert by_year[2023] == Decimal("5.25")
    assert all(p.date_from.year == p.date_to.year for p in table)


def test_readers_accept_another_file(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("date_from,date_to,rate_percent\n2027-01-01,2027-06-30,9.5\n")
    assert law.tables.read_b2b_rates(path) == (
        law.RatePeriod(date(2027, 1, 1), date(2027, 6, 30), Decimal("9.5")),
    )


@pytest.mark.parametrize(
    "on_date, rate",
    [
        (date(2023, 6, 30), "10.5"),  # last day of 2023 H1
        (date(2023, 7, 1), "12.0"),  # first day of 2023 H2
        (date(2024, 12, 31), "12.5"),
        (date(2025, 1, 1), "11.5"),
        (date(2026, 6, 30), "10.5"),
    ],
)
def test_statutory_b2b_rate(on_date, rate):
    assert law.statutory_b2b_rate(on_date) == Decimal(rate)


def test_missing_semester_is_named():
    with pytest.raises(law.MissingRate, match="2026 H2") as caught:
        law.statutory_b2b_rate(date(2026, 7, 1))
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.semester == "2026 H2"
    assert (error.date_from, error.date_to) == (date(2026, 7, 1), date(2026, 12, 31))
    assert error.on_date == date(2026, 7, 1)


def test_missing_rate_before_the_table():
    with pytest.raises(law.MissingRate, match="2012 H2"):
        law.statutory_b2b_rate(date(2012, 12, 31))


def test_statutory_rate_with_an_explicit_table():
    table = law.default_b2b_rates() + [
        law.RatePeriod(date(2026, 7, 1), date(2026, 12, 31), Decimal("10.5"))
    ]
    assert law.statutory_b2b_rate(date(2026, 9, 1), table) == Decimal("10.5")
    open_ended = [law.RatePeriod(date(2020, 1, 1), None, Decimal(8))]
    assert law.statutory_b2b_rate(date(2099, 1, 1), open_ended) == Decimal(8)


def test_overlapping_table_is_refused():
    table = [
        law.RatePeriod(date(2024, 1, 1), date(2024, 6, 30), Decimal("12.5")),
        law.RatePeriod(date(2024, 6, 1), date(2024, 12, 31), Decimal("12.5")),
    ]
    with pytest.raises(ValueError, match="table"):
        law.statutory_b2b_rate(date(2024, 3, 1), table)


def test_mutated_table_is_reindexed():
    table = [law.RatePeriod(date(2024, 1, 1), date(2024, 6, 30), Decimal("12.5"))]
    assert law.statutory_b2b_rate(date(2024, 3, 1), table) == Decimal("12.5")
    table[0] = law.RatePeriod(date(2024, 1, 1), date(2024, 6, 30), Decimal(7))
    assert law.statutory_b2b_rate(date(2024, 3, 1), table) == Decimal(7)


@pytest.mark.parametrize(
    "ecb, rate",
    [
        ("2.15", "10.5"),
        ("2.5", "10.5"),
        ("2.50", "10.5"),
        ("2.51", "11.0"),
        ("0", "8.0"),
        ("4.5", "12.5"),
        ("3.0", "11.0"),
    ],
)
def test_statutory_rate_from_ecb(ecb, rate):
    # 2.15 + 8 = 10.15, up to the next half point: 10.5; a half point stays.
    assert law.statutory_rate_from_ecb(Decimal(ecb)) == Decimal(rate)


def test_statutory_rate_from_ecb_matches_2026_h1():
    # The ECB rate was 2.15 % on 1 January 2026; the shipped 2026 H1 row is derived.
    assert law.statutory_rate_from_ecb(Decimal("2.15")) == law.statutory_b2b_rate(
        date(2026, 1, 1)
    )


@given(st.decimals(min_value=-1, max_value=20, places=3))
def test_statutory_rate_from_ecb_properties(ecb):
    rate = law.statutory_rate_from_ecb(ecb)
    assert ecb + 8 <= rate < ecb + 8 + Decimal("0.5")
    assert (rate * 2) == (rate * 2).to_integral_value()


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 6, 30), "2026 H1")),
        (date(2026, 6, 30), (date(2026, 1, 1), date(2026, 6, 30), "2026 H1")),
        (date(2026, 7, 1), (date(2026, 7, 1), date(2026, 12, 31), "2026 H2")),
    ],
)
def test_semester_of(day, expected):
    assert law.semester_of(day) == expected


def test_missing_semesters():
    table = law.default_b2b_rates()
    assert law.missing_semesters(table, date(2026, 6, 30)) == []
    assert law.missing_semesters(table, date(2026, 7, 1)) == ["2026 H2"]
    assert law.missing_semesters(table, date(2027, 2, 1)) == ["2026 H2", "2027 H1"]
    holed = [p for p in table if p.date_from != date(2024, 7, 1)]
    assert law.missing_semesters(holed, date(2025, 1, 1)) == ["2024 H2"]
    assert law.missing_semesters([], date(2025, 1, 1)) == []
    assert law.missing_semesters([], date(2025, 1, 1), since=date(2024, 12, 1)) == [
        "2024 H2",
        "2025 H1",
    ]
    # A yearly table covers both semesters of its years.
    assert law.missing_semesters(law.default_legal_rates(), date(2026, 12, 31)) == []


def test_rate_period_validation():
    with pytest.raises(ValueError, match="rate"):
        law.RatePeriod(date(2024, 1, 1), date(2024, 6, 30), Decimal("-1"))
    with pytest.raises(ValueError, match="date_to"):
        law.RatePeriod(date(2024, 1, 1), date(2023, 6, 30), Decimal("1"))
    with pytest.raises(TypeError, match="rate"):
        law.RatePeriod(date(2024, 1, 1), None, 8.5)
    assert law.RatePeriod(date(2024, 1, 1), None, 8).rate == Decimal(8)
