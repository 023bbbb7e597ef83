"""The recommended route for an unpaid claim: each branch, and properties."""

from datetime import date
from decimal import Decimal

import law
import pytest
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
ON = date(2025, 6, 1)


def costs(claim, enterprise, bailiff="200", lawyer="250"):
    return law.injunction_costs(D(claim), enterprise, ON, D(bailiff), D(lawyer))


def codes(result):
    return [code for code, _params in result.reasons]


def test_keep_reminding_before_the_formal_notice():
    result = law.recommend(D("5000"), True, False, costs("5000", True), reminders_sent=2)
    assert result.code == "keep_reminding"
    assert result.reasons == (("reminders", {"sent": 2, "needed": 3}),)


def test_small_b2b_goes_to_a_collection_agency():
    result = law.recommend(D("800"), True, False, costs("800", True), reminders_sent=3)
    assert result.code == "collection_agency"
    assert codes(result) == ["below_threshold", "enterprise"]
    assert result.reasons[0][1] == {"claim": D("800.00"), "threshold": D("1000.00")}


def test_small_consumer_debt_gets_a_payment_plan():
    # 800 > 50 + 24 + 200 + 250 = 524 to advance
    result = law.recommend(D("800"), False, False, costs("800", False), reminders_sent=3)
    assert result.code == "payment_plan"
    assert codes(result) == ["below_threshold", "consumer"]


def test_write_off_when_costs_exceed_the_claim():
    result = law.recommend(D("300"), False, False, costs("300", False), reminders_sent=4)
    assert result.code == "write_off"
    assert result.reasons[2] == (
        "costs_exceed",
        {"to_advance": D("524.00"), "claim": D("300.00")},
    )


def test_large_claim_costlier_than_it_is_worth_is_written_off():
    result = law.recommend(
        D("1200"), True, False, costs("1200", True, "900", "500"), reminders_sent=3
    )
    assert result.code == "write_off"


def test_large_b2b_uncontested_procedure_with_the_ten_percent_cap():
    result = law.recommend(
        D("10000"),
        True,
        False,
        costs("10000", True),
        reminders_sent=3,
        principal=D("9000"),
        interest_and_penalty=D("1000"),
    )
    assert result.code == "uncontested_b2b"
    assert codes(result) == ["above_threshold", "enterprise", "recoverable", "cap_10_percent"]
    assert result.reasons[3][1] == {
        "principal": D("9000.00"),
        "cap": D("900.00"),
        "interest_and_penalty": D("1000.00"),
    }
    assert result.reasons[2][1]["to_advance"] == D("165") + D("24") + D("450")


def test_consumer_with_a_writing_gets_a_summary_order():
    result = law.recommend(D("2000"), False, False, costs("2000", False), True, reminders_sent=3)
    assert result.code == "summary_order"
    assert "written_acknowledgement" in codes(result)


def test_consumer_without_a_writing_is_summoned():
    result = law.recommend(D("2000"), False, False, costs("2000", False), reminders_sent=3)
    assert result.code == "summons"
    assert "no_written_acknowledgement" in codes(result)


def test_disputed_goes_to_court_never_to_an_agency():
    result = law.recommend(D("800"), True, True, costs("800", True))
    assert result.code == "summons"
    assert codes(result)[0] == "disputed"


def test_disputed_and_too_costly_is_written_off():
    result = law.recommend(D("200"), True, True, costs("200", True))
    assert result.code == "write_off"
    assert codes(result)[:2] == ["disputed", "costs_exceed"]


def test_unknown_costs_never_write_off():
    result = law.recommend(D("5"), False, False, None, reminders_sent=3)
    assert result.code == "payment_plan"
    result = law.recommend(D("5000"), True, False, None, reminders_sent=3)
    assert result.code == "uncontested_b2b"
    assert ("costs_unknown", {}) in result.reasons


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"claim": 1.5}, TypeError),
        ({"claim": D(-1)}, ValueError),
        ({"debtor_is_enterprise": 1}, TypeError),
        ({"disputed": None}, TypeError),
        ({"reminders_sent": -1}, ValueError),
        ({"reminders_sent": True}, TypeError),
    ],
)
def test_bad_arguments(kwargs, error):
    args = {"claim": D(1), "debtor_is_enterprise": True, "disputed": False, "costs": None}
    args.update(kwargs)
    with pytest.raises(error):
        law.recommend(**args)


amounts = st.decimals(min_value=0, max_value=10**7, places=2)


@given(
    claim=amounts,
    enterprise=st.booleans(),
    disputed=st.booleans(),
    writing=st.booleans(),
    sent=st.integers(min_value=0, max_value=10),
    bailiff=st.decimals(min_value=0, max_value=5000, places=2),
)
def test_properties(claim, enterprise, disputed, writing, sent, bailiff):
    estimate = law.injunction_costs(claim, enterprise, ON, bailiff, D(250))
    result = law.recommend(claim, enterprise, disputed, estimate, writing, sent)
    assert result.code in law.ROUTES
    assert result.reasons
    if disputed:
        assert result.code in ("summons", "write_off")
    if result.code == "collection_agency":
        assert enterprise and not disputed
    if result.code == "uncontested_b2b":
        assert enterprise
    if result.code == "summary_order":
        assert writing
    if result.code == "write_off":
        assert estimate.to_advance >= claim
    if result.code in ("summons", "uncontested_b2b", "summary_order"):
        assert estimate.to_advance < claim
