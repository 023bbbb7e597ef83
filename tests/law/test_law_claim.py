"""law.invoice_claim: what one invoice lets the creditor claim. Worked examples computed
by hand from BELGIAN_RULES.md, and the rules that must hold for any invoice."""

from datetime import date, timedelta
from decimal import Decimal

import law
import pytest
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
B2B = law.Terms(
    "b2b", law.default_b2b_rates(), law.default_legal_rates(), flat_fee=D("40.00"),
    penalty_percent=D(10), penalty_min=D(40), penalty_max=D(2500))
B2C = law.Terms(
    "b2c", law.default_b2b_rates(), law.default_legal_rates(), consumer_damages=True)
EVERYTHING = law.Asks.everything()
NOTHING = law.Asks()


def steps(amount, invoice_date=date(2025, 5, 15)):
    return [(invoice_date, D(amount))]


# ---- worked examples ----------------------------------------------------------------


def test_b2b_formal_notice():
    """1,000.00 due 15 June 2025, claimed on 31 July: interest from 16 June,
    15 days at 11.5 % = 4.7260 + 31 days at 10.5 % = 8.9178 -> 13.64; EUR 40;
    penalty 10 % = 100.00."""
    claim = law.invoice_claim(date(2025, 6, 15), steps(1000), date(2025, 7, 31), B2B,
                              EVERYTHING)
    assert claim.status == law.CLAIMED
    assert claim.interest_start == date(2025, 6, 16)
    assert (claim.interest, claim.flat_fee, claim.penalty) == (D("13.64"), D(40), D("100.00"))
    assert claim.days_late == 46
    assert claim.total == D("1153.64")


def test_b2b_reminder_claims_nothing():
    claim = law.invoice_claim(date(2025, 6, 15), steps(1000), date(2025, 7, 31), B2B, NOTHING)
    assert claim.status == law.REMINDER
    assert claim.costs == 0


def test_not_due_and_claim_invoice():
    assert law.invoice_claim(date(2025, 6, 15), steps(1000), date(2025, 6, 15), B2B,
                             EVERYTHING).status == law.NOT_DUE
    claim = law.invoice_claim(date(2025, 6, 15), steps(153.64), date(2025, 9, 30), B2B,
                              EVERYTHING, is_claim_invoice=True)
    assert claim.status == law.CLAIM_INVOICE
    assert claim.costs == 0, "no interest on interest, no fee on fees"


def test_paid_late_invoice_keeps_its_interest_and_fee():
    """500.00 due 31 January 2025, paid 2 March: 30 days at 11.5 % = 4.7260 -> 4.73;
    EUR 40; no penalty on a zero balance."""
    claim = law.invoice_claim(date(2025, 1, 31), [(date(2025, 1, 1), D(500)),
                                                  (date(2025, 3, 2), D(0))],
                              date(2025, 3, 31), B2B, EVERYTHING)
    assert (claim.interest, claim.flat_fee, claim.penalty) == (D("4.73"), D(40), D(0))


def test_claim_invoice_charged_part_is_deducted():
    """The interest to 30 June (4.73 + ...) was invoiced: the letter of 31 July claims
    the total (13.64) less what was invoiced (4.73 for 16-30 June at 11.5 %), and
    neither the fee nor the penalty again."""
    invoiced = law.Invoiced(interest_to=date(2025, 6, 30), interest=D("4.73"),
                            flat_fee=True, penalty=True)
    claim = law.invoice_claim(date(2025, 6, 15), steps(1000), date(2025, 7, 31), B2B,
                              EVERYTHING, invoiced=invoiced)
    assert claim.interest_total == D("13.64")
    assert claim.interest_invoiced == D("4.73")
    assert claim.interest == D("8.91")
    assert (claim.flat_fee, claim.penalty) == (0, 0)


def test_consumer_announced_waiting_claimed():
    """400.00 due 1 March 2026. The first reminder, e-mailed on 9 March, announces the
    cap 30 + 10 % of 250 = 55.00; the waiting period runs 10 to 23 March. On 30 April:
    interest from 24 March, 38 days at the legal rate of 4.5 % = 400 x 0.045 x 38 / 365
    = 1.8739 -> 1.87; damages 55.00; no flat fee for a consumer."""
    due = date(2026, 3, 1)
    first = law.invoice_claim(due, steps(400, date(2026, 2, 1)), date(2026, 3, 9), B2C,
                              EVERYTHING)
    assert first.status == law.ANNOUNCED
    assert (first.costs, first.damages_announced) == (0, D("55.00"))
    announcement = law.Announcement(date(2026, 3, 9), "email", first.damages_announced)
    assert announcement.waiting_end == date(2026, 3, 23)
    waiting = law.invoice_claim(due, steps(400, date(2026, 2, 1)), date(2026, 3, 23), B2C,
                                EVERYTHING, announcement=announcement)
    assert waiting.status == law.WAITING
    assert waiting.costs == 0
    claimed = law.invoice_claim(due, steps(400, date(2026, 2, 1)), date(2026, 4, 30), B2C,
                                EVERYTHING, announcement=announcement)
    assert claimed.status == law.CLAIMED
    assert claimed.interest_start == date(2026, 3, 24)
    assert (claimed.interest, claimed.penalty, claimed.flat_fee) == (D("1.87"), D(55), 0)


def test_consumer_damages_never_above_what_was_announced():
    """A reminder announced 20.00 on 100.00; the balance grew to 400.00 by a later
    correction: 20.00 stays the most that may be claimed."""
    announcement = law.Announcement(date(2026, 3, 9), "email", D("20.00"))
    claim = law.invoice_claim(date(2026, 3, 1), steps(400, date(2026, 2, 1)),
                              date(2026, 4, 30), B2C, EVERYTHING, announcement=announcement)
    assert claim.penalty == D("20.00")


def test_claims_carry_forward():
    """A partial payment lowers the penalty clause's base: the letter keeps the penalty
    the previous letter claimed (100.00, not 10 % of 300 = 40.00)."""
    previous = law.Claimed(interest=D("13.64"), flat_fee=D(40), penalty=D("100.00"))
    paid = [(date(2025, 5, 15), D(1000)), (date(2025, 8, 1), D(300))]
    claim = law.invoice_claim(date(2025, 6, 15), paid, date(2025, 8, 20), B2B, NOTHING,
                              previous=previous)
    assert claim.status == law.CLAIMED, "a kind claimed once stays claimed"
    assert claim.penalty == D("100.00")
    assert claim.flat_fee == D(40)
    assert claim.interest >= D("13.64")


def test_missing_rate_is_named_not_guessed():
    """1,000.00 due 1 June 2026, claimed on 7 August; 2026 H2 is not in the table.
    Interest from 2 June to 30 June only (the last day the table covers):
      29 days at 10.5 %: 1000 * 10.5 * 29 / 36500 = 304500 / 36500 = 8.3424... -> 8.34
    nothing for July and August, the semester is named; the fee and the penalty need no
    rate."""
    claim = law.invoice_claim(date(2026, 6, 1), steps(1000, date(2026, 5, 1)),
                              date(2026, 8, 7), B2B, EVERYTHING)
    assert isinstance(claim.missing_rate, law.MissingRate)
    assert claim.missing_rate.semester == "2026 H2"
    assert (claim.missing_rate.date_from, claim.missing_rate.date_to) == (
        date(2026, 7, 1), date(2026, 12, 31))
    assert claim.interest_start == date(2026, 6, 2)
    assert claim.interest_end == date(2026, 6, 30)
    assert claim.interest == claim.interest_total == D("8.34")
    assert claim.flat_fee == D(40)
    assert claim.penalty == D(100)
    assert claim.total == D("1148.34")


def test_missing_rate_keeps_what_earlier_letters_and_claims_said():
    # claimed up to 15 June by a claim invoice (4.03), 12.00 on the last letter:
    # the known interest (8.34 to 30 June) is below the letter's figure, which stands
    invoiced = law.Invoiced(interest_to=date(2026, 6, 15), interest=D("4.03"),
                            flat_fee=True, penalty=True)
    previous = law.Claimed(interest=D(12))
    claim = law.invoice_claim(date(2026, 6, 1), steps(1000, date(2026, 5, 1)),
                              date(2026, 8, 7), B2B, EVERYTHING, invoiced=invoiced,
                              previous=previous)
    assert claim.missing_rate.semester == "2026 H2"
    assert (claim.interest_total, claim.interest_invoiced, claim.interest) == (
        D(12), D("4.03"), D("7.97"))
    assert (claim.flat_fee, claim.penalty) == (0, 0)


def test_no_interest_asked_no_missing_rate():
    claim = law.invoice_claim(date(2026, 6, 1), steps(1000, date(2026, 5, 1)),
                              date(2026, 8, 7), B2B, law.Asks(flat_fee=True))
    assert claim.missing_rate is None and claim.interest_end is None
    assert claim.flat_fee == D(40)


def test_bad_arguments():
    with pytest.raises(ValueError, match="regime"):
        law.invoice_claim(date(2025, 6, 15), steps(1), date(2025, 7, 31),
                          law.Terms("b2x", [], []), EVERYTHING)
    with pytest.raises(TypeError, match="on_date"):
        law.invoice_claim(date(2025, 6, 15), steps(1), "2025-07-31", B2B, EVERYTHING)


# ---- the consumer damages cap is rounded down ----------------------------------------


def test_damages_cap_rounded_down():
    # 30 + 10 % of (393.25 - 150) = 54.325: 54.32, never half a cent above
    assert law.b2c_damages_cap(D("393.25")) == D("54.32")
    # 65 + 5 % of (500.10 - 500) = 65.005 -> 65.00
    assert law.b2c_damages_cap(D("500.10")) == D("65.00")


@given(st.decimals(min_value=0, max_value=10**6, places=2))
def test_damages_cap_never_above_the_formula(balance):
    if balance <= 150:
        exact = D(20) if balance else D(0)
    elif balance <= 500:
        exact = D(30) + (balance - 150) / 10
    else:
        exact = min(D(65) + (balance - 500) / 20, D(2000))
    cap = law.b2c_damages_cap(balance)
    assert cap <= exact < cap + D("0.01")


# ---- rules over any invoice -----------------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D(100000), places=2)
days = st.integers(min_value=0, max_value=400)
# the shipped B2B table ends with 2026 H1: stay inside it
due_dates = st.dates(min_value=date(2014, 1, 1), max_value=date(2025, 6, 30))


@given(amounts, due_dates, days, days, st.booleans(), st.booleans(), st.booleans())
def test_b2b_later_letters_never_claim_less(amount, due, first, gap, interest, fee, penalty):
    """Whatever the level asks, a letter claims at least what the previous one did."""
    on_first = due + timedelta(days=first + 1)
    on_next = min(on_first + timedelta(days=gap), date(2026, 6, 30))
    history = [(due - timedelta(days=30), amount)]
    asks = law.Asks(interest, fee, penalty)
    before = law.invoice_claim(due, history, on_first, B2B, asks)
    previous = law.Claimed(before.interest_total, before.flat_fee, before.penalty)
    after = law.invoice_claim(due, history, on_next, B2B, law.Asks(), previous=previous)
    assert after.interest_total >= before.interest_total
    assert after.flat_fee >= before.flat_fee
    assert after.penalty >= before.penalty


@given(amounts, days, st.sampled_from(["email", "post"]), days)
def test_consumer_charged_nothing_before_the_waiting_period_ran_out(amount, late, channel,
                                                                      after):
    due = date(2025, 1, 31)
    sent_on = due + timedelta(days=late + 1)
    history = [(date(2025, 1, 1), amount)]
    first = law.invoice_claim(due, history, sent_on, B2C, EVERYTHING)
    assert first.status == law.ANNOUNCED and first.costs == 0
    announcement = law.Announcement(sent_on, channel, first.damages_announced)
    on_date = sent_on + timedelta(days=after)
    claim = law.invoice_claim(due, history, on_date, B2C, EVERYTHING,
                              announcement=announcement)
    if on_date <= announcement.waiting_end:
        assert claim.costs == 0
    else:
        assert claim.interest_start > announcement.waiting_end
        assert claim.penalty <= law.b2c_damages_cap(amount)
        assert claim.penalty <= first.damages_announced
        assert claim.flat_fee == 0


@given(amounts, due_dates, days, amounts)
def test_invoiced_interest_is_never_claimed_twice(amount, due, late, invoiced_amount):
    on_date = due + timedelta(days=late + 1)
    history = [(due - timedelta(days=30), amount)]
    invoiced = law.Invoiced(interest_to=on_date, interest=invoiced_amount, flat_fee=True,
                            penalty=True)
    claim = law.invoice_claim(due, history, on_date, B2B, EVERYTHING, invoiced=invoiced)
    assert claim.interest + claim.interest_invoiced == claim.interest_total
    assert claim.interest >= 0
    assert (claim.flat_fee, claim.penalty) == (0, 0)


@given(amounts, st.dates(min_value=date(2025, 7, 1), max_value=date(2026, 6, 29)),
       st.integers(min_value=1, max_value=500))
def test_a_missing_semester_never_lowers_the_interest_known_before_it(amount, due, late):
    """Past the table's end the claim holds the interest up to 30 June 2026, names 2026
    H2, and never claims less than on 30 June."""
    on_date = due + timedelta(days=late)
    history = [(due - timedelta(days=30), amount)]
    claim = law.invoice_claim(due, history, on_date, B2B, EVERYTHING)
    last_known = min(on_date, date(2026, 6, 30))
    known = law.invoice_claim(due, history, last_known, B2B, EVERYTHING)
    assert claim.interest == known.interest
    assert claim.interest_end == last_known
    if on_date > date(2026, 6, 30):
        assert claim.missing_rate.semester == "2026 H2"
    else:
        assert claim.missing_rate is None
