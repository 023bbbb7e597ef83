"""Competent court and injunction cost estimates, at every bracket boundary."""

from datetime import date
from decimal import Decimal

import law
import pytest
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
ON = date(2025, 6, 1)


@pytest.mark.parametrize(
    "claim, enterprise, court",
    [
        ("5000.00", False, "justice_of_the_peace"),
        ("5000.004", False, "justice_of_the_peace"),  # rounded to the cent: 5000.00
        ("5000.01", False, "first_instance"),
        ("0", False, "justice_of_the_peace"),
        ("100", True, "enterprise_court"),
        ("5000.00", True, "enterprise_court"),
        ("1000000", True, "enterprise_court"),
    ],
)
def test_competent_court(claim, enterprise, court):
    assert law.competent_court(D(claim), enterprise) == court


# (claim, base, minimum, maximum) on each side of each bracket boundary of the
# 2022 tariff (procedural_indemnity_2022.csv).
BRACKETS = [
    ("0.00", "225.00", "112.50", "450.00"),
    ("250.00", "225.00", "112.50", "450.00"),
    ("250.01", "300.00", "187.50", "750.00"),
    ("750.00", "300.00", "187.50", "750.00"),
    ("750.01", "600.00", "300.00", "1500.00"),
    ("2500.00", "600.00", "300.00", "1500.00"),
    ("2500.01", "975.00", "562.50", "2250.00"),
    ("5000.00", "975.00", "562.50", "2250.00"),
    ("5000.01", "1350.00", "750.00", "3000.00"),
    ("10000.00", "1350.00", "750.00", "3000.00"),
    ("10000.01", "1650.00", "937.50", "3750.00"),
    ("20000.00", "1650.00", "937.50", "3750.00"),
    ("20000.01", "3000.00", "1500.00", "6000.00"),
    ("40000.00", "3000.00", "1500.00", "6000.00"),
    ("40000.01", "3750.00", "1500.00", "7500.00"),
    ("60000.00", "3750.00", "1500.00", "7500.00"),
    ("60000.01", "4500.00", "1500.00", "9000.00"),
    ("100000.00", "4500.00", "1500.00", "9000.00"),
    ("100000.01", "7500.00", "1500.00", "15000.00"),
    ("250000.00", "7500.00", "1500.00", "15000.00"),
    ("250000.01", "10500.00", "1500.00", "21000.00"),
    ("500000.00", "10500.00", "1500.00", "21000.00"),
    ("500000.01", "15000.00", "1500.00", "30000.00"),
    ("1000000.00", "15000.00", "1500.00", "30000.00"),
    ("1000000.01", "22500.00", "1500.00", "45000.00"),
    ("99999999.99", "22500.00", "1500.00", "45000.00"),
]


@pytest.mark.parametrize("claim, base, minimum, maximum", BRACKETS)
@pytest.mark.parametrize("enterprise", [True, False])
def test_procedural_indemnity_brackets(claim, base, minimum, maximum, enterprise):
    costs = law.injunction_costs(D(claim), enterprise, ON)
    assert (
        costs.procedural_indemnity_base,
        costs.procedural_indemnity_min,
        costs.procedural_indemnity_max,
    ) == (D(base), D(minimum), D(maximum))
    assert costs.procedural_indemnity_valid_from == date(2022, 11, 1)


def test_costs_at_the_justice_of_the_peace_boundary():
    # Consumer, EUR 5,000.00: justice of the peace. Bailiff 200, lawyer 250.
    #   to advance: roll fee 50 + legal aid 24 + bailiff 200 + lawyer 250 = 524.00
    #   recoverable: 50 + 24 + procedural indemnity 975 + bailiff 200 = 1,249.00
    costs = law.injunction_costs(D("5000.00"), False, ON, D(200), D(250))
    assert costs.court == "justice_of_the_peace"
    assert (costs.roll_fee, costs.legal_aid_contribution) == (D("50.00"), D("24.00"))
    assert costs.to_advance == D("524.00")
    assert costs.recoverable_if_won == D("1249.00")
    # EUR 5,000.01: court of first instance, roll fee 165, next indemnity bracket.
    #   to advance: 165 + 24 + 200 + 250 = 639.00
    #   recoverable: 165 + 24 + 1,350 + 200 = 1,739.00
    costs = law.injunction_costs(D("5000.01"), False, ON, D(200), D(250))
    assert costs.court == "first_instance"
    assert costs.roll_fee == D("165.00")
    assert costs.to_advance == D("639.00")
    assert costs.recoverable_if_won == D("1739.00")


def test_costs_between_enterprises():
    # EUR 1,200 against an enterprise: enterprise court, roll fee 165, no estimates.
    #   to advance: 165 + 24 = 189.00; recoverable: 165 + 24 + 600 = 789.00
    costs = law.injunction_costs(D("1200"), True, ON)
    assert costs.court == "enterprise_court"
    assert costs.to_advance == D("189.00")
    assert costs.recoverable_if_won == D("789.00")
    assert costs.lawyer_estimate == D("0.00")


@given(
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.booleans(),
    st.decimals(min_value=0, max_value=5000, places=2),
    st.decimals(min_value=0, max_value=5000, places=2),
)
def test_cost_totals(claim, enterprise, bailiff, lawyer):
    costs = law.injunction_costs(claim, enterprise, ON, bailiff, lawyer)
    assert costs.to_advance == (
        costs.roll_fee + costs.legal_aid_contribution + bailiff + lawyer
    )
    assert costs.recoverable_if_won == (
        costs.roll_fee
        + costs.legal_aid_contribution
        + costs.procedural_indemnity_base
        + bailiff
    )
    assert (
        costs.procedural_indemnity_min
        <= costs.procedural_indemnity_base
        <= costs.procedural_indemnity_max
    )
    assert costs.court == law.competent_court(claim, enterprise)


def test_figures_follow_their_validity_dates():
    # Before 1 Nov 2022 no procedural indemnity tariff is shipped: named, not guessed.
    with pytest.raises(law.MissingFigure, match="procedural_indemnity") as caught:
        law.injunction_costs(D(1000), True, date(2022, 10, 31))
    assert isinstance(caught.value, ValueError)
    assert caught.value.item == "procedural_indemnity"
    # Before 1 Feb 2019 the roll fee row is missing.
    with pytest.raises(ValueError, match="roll_fee"):
        law.injunction_costs(D(1000), True, date(2019, 1, 31))
    assert law.injunction_costs(D(1000), True, date(2022, 11, 1)).roll_fee == D(165)


def test_tables_for_the_odoo_side():
    rows = law.court_cost_table()
    assert law.tables.CourtCostRow(
        "roll_fee", "justice_of_the_peace", D(50), date(2019, 2, 1)
    ).amount in {row.amount for row in rows}
    assert {row.item for row in rows} == {"roll_fee", "legal_aid_fund_contribution"}
    brackets = law.procedural_indemnity_table()
    assert len(brackets) == 13
    assert brackets[0].claim_from == 0 and brackets[-1].claim_to is None
    assert all(b.valid_from == date(2022, 11, 1) for b in brackets)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"claim": D(-1)}, ValueError, "claim"),
        ({"claim": 100.0}, TypeError, "claim"),
        ({"debtor_is_enterprise": 1}, TypeError, "debtor_is_enterprise"),
        ({"on_date": "2025-06-01"}, TypeError, "on_date"),
        ({"bailiff_estimate": D(-5)}, ValueError, "bailiff_estimate"),
        ({"lawyer_estimate": D(-5)}, ValueError, "lawyer_estimate"),
    ],
)
def test_validation_names_the_argument(kwargs, error, name):
    arguments = {"claim": D(1000), "debtor_is_enterprise": True, "on_date": ON} | kwargs
    with pytest.raises(error, match=name):
        law.injunction_costs(**arguments)


def test_injunction_costs_take_edited_tables():
    """An accountant's edited roll fee and brackets replace the shipped ones."""
    costs_table = [
        law.CourtCostRow("roll_fee", "enterprise_court", D(165), date(2019, 2, 1), "", ""),
        law.CourtCostRow("roll_fee", "enterprise_court", D(180), date(2026, 1, 1), "", ""),
        law.CourtCostRow("legal_aid_fund_contribution", "any", D(26), date(2026, 1, 1), "", ""),
    ]
    brackets = [
        law.IndemnityBracket(D(0), None, D(500), D(250), D(1000), date(2026, 1, 1)),
    ]
    costs = law.injunction_costs(
        D("1200.00"), True, date(2026, 3, 1),
        cost_table=costs_table, indemnity_table=brackets,
    )
    # 180 roll fee + 26 contribution to advance; 180 + 26 + 500 recoverable
    assert (costs.roll_fee, costs.legal_aid_contribution) == (D("180.00"), D("26.00"))
    assert costs.to_advance == D("206.00")
    assert costs.recoverable_if_won == D("706.00")
