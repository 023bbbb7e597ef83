"""Flat fee, penalty clause, consumer damages cap."""

from decimal import Decimal

import law
import pytest
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
money = st.decimals(min_value=0, max_value=10**6, places=2)


def test_flat_fee_b2b():
    assert law.flat_fee_b2b() == D("40.00")


# ---- penalty clause -----------------------------------------------------------------


@pytest.mark.parametrize(
    "balance, percent, minimum, maximum, expected",
    [
        # 10 % of 1,234.56 = 123.456 -> 123.46
        ("1234.56", "10", None, None, "123.46"),
        # 10 % of 200 = 20, raised to the minimum 40
        ("200", "10", "40", "2500", "40.00"),
        # 10 % of 30,000 = 3,000, lowered to the maximum 2,500
        ("30000", "10", "40", "2500", "2500.00"),
        # 15 % of 1,000 = 150
        ("1000", "15", "40", None, "150.00"),
        # nothing owed, no penalty, whatever the minimum
        ("0", "10", "40", "2500", "0.00"),
    ],
)
def test_penalty_clause(balance, percent, minimum, maximum, expected):
    result = law.penalty_clause(
        D(balance),
        D(percent),
        None if minimum is None else D(minimum),
        None if maximum is None else D(maximum),
    )
    assert result == D(expected)


@given(money, st.decimals(min_value=0, max_value=30, places=2), money, money)
def test_penalty_respects_minimum_and_maximum(balance, percent, low, high):
    low, high = min(low, high), max(low, high)
    result = law.penalty_clause(balance, percent, low, high)
    if balance:
        assert low <= result <= high
    else:
        assert result == 0
    assert law.penalty_clause(balance, percent, maximum=high) <= high
    if balance:
        assert law.penalty_clause(balance, percent, minimum=low) >= low


@pytest.mark.parametrize(
    "args, error, name",
    [
        ((D(-1), D(10)), ValueError, "balance"),
        ((D(1), D(-10)), ValueError, "percent"),
        ((D(1), D(10), D(50), D(40)), ValueError, "minimum"),
        ((D(1), D(10), D(-1)), ValueError, "minimum"),
        ((D(1), D(10), None, D(-1)), ValueError, "maximum"),
        ((100.0, D(10)), TypeError, "balance"),
        (("100", D(10)), TypeError, "balance"),
    ],
)
def test_penalty_validation(args, error, name):
    with pytest.raises(error, match=name):
        law.penalty_clause(*args)


# ---- consumer damages cap -----------------------------------------------------------


@pytest.mark.parametrize(
    "balance, cap",
    [
        ("0", "0.00"),  # nothing owed, no damages
        ("0.01", "20.00"),
        ("150.00", "20.00"),
        ("150.004", "20.00"),  # rounded to the cent first: 150.00
        ("150.01", "30.00"),  # 30 + 10 % of 0.01 = 30.001 -> 30.00
        ("300.00", "45.00"),  # 30 + 10 % of 150
        ("500.00", "65.00"),  # 30 + 10 % of 350 = 65
        ("500.01", "65.00"),  # 65 + 5 % of 0.01 = 65.0005 -> 65.00
        ("800.00", "80.00"),  # 65 + 5 % of 300
        ("39200.00", "2000.00"),  # 65 + 5 % of 38,700 = 2,000
        ("39200.20", "2000.00"),  # capped
        ("1000000", "2000.00"),
    ],
)
def test_b2c_damages_cap(balance, cap):
    assert law.b2c_damages_cap(D(balance)) == D(cap)


def test_b2c_damages_cap_is_continuous_at_500():
    below, at, above = (
        law.b2c_damages_cap(D(x)) for x in ("499.99", "500.00", "500.01")
    )
    # 30 + 10 % of 349.99 = 64.999: rounded down, never above the cap
    assert (below, at, above) == (D("64.99"), D("65.00"), D("65.00"))


@given(money, money)
def test_b2c_damages_cap_never_decreases_nor_exceeds_2000(a, b):
    low, high = min(a, b), max(a, b)
    assert law.b2c_damages_cap(low) <= law.b2c_damages_cap(high) <= D(2000)


def test_b2c_damages_cap_validation():
    with pytest.raises(ValueError, match="balance"):
        law.b2c_damages_cap(D("-0.01"))
    with pytest.raises(TypeError, match="balance"):
        law.b2c_damages_cap(12.5)
    assert law.b2c_damages_cap(150) == D("20.00")
