"""Fixed compensations: the B2B flat fee, penalty clauses, the consumer damages cap."""

from decimal import Decimal

from ._base import CONTEXT, ZERO, check_amount, floor_cent, round_cent

# Law of 2 August 2002 art. 6 (as amended 2013; CJEU C-585/20): EUR 40 per late invoice.
FLAT_FEE_B2B = Decimal("40.00")

# Code of Economic Law art. XIX.4 (law of 4 May 2023): cap on a consumer's lump-sum
# damages, by bracket of the outstanding balance B:
# (B up to, fixed part, percent of B above the bracket's floor, floor).
B2C_DAMAGES_BRACKETS = (
    (Decimal("150.00"), Decimal("20.00"), ZERO, ZERO),
    (Decimal("500.00"), Decimal("30.00"), Decimal(10), Decimal("150.00")),
    (None, Decimal("65.00"), Decimal(5), Decimal("500.00")),
)
B2C_DAMAGES_MAXIMUM = Decimal("2000.00")  # same article: at most EUR 2,000


def flat_fee_b2b():
    """Flat compensation for recovery costs owed by an enterprise, per late invoice."""
    return FLAT_FEE_B2B


def penalty_clause(balance, percent, minimum=None, maximum=None):
    """Penalty clause agreed in the terms and conditions: ``balance * percent / 100``,
    at least ``minimum`` and at most ``maximum`` (each optional), rounded to the cent.

    A zero balance gives 0 (no penalty on nothing, whatever the minimum).
    ``minimum > maximum`` raises ``ValueError``.
    """
    # Civil Code art. 5.88 (ex 1226-1231): agreed lump sum, reducible by the judge.
    balance = check_amount(balance, "balance")
    percent = check_amount(percent, "percent")
    if minimum is not None:
        minimum = check_amount(minimum, "minimum")
    if maximum is not None:
        maximum = check_amount(maximum, "maximum")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValueError(f"minimum ({minimum}) must not exceed maximum ({maximum})")
    if not balance:
        return round_cent(ZERO)
    amount = CONTEXT.divide(CONTEXT.multiply(balance, percent), 100)
    if minimum is not None and amount < minimum:
        amount = minimum
    if maximum is not None and amount > maximum:
        amount = maximum
    return round_cent(amount)


def b2c_damages_cap(balance):
    """Most a consumer may be charged as lump-sum damages on ``balance`` (Book XIX):
    up to 150.00: 20; 150.01 to 500.00: 30 + 10 % of (B - 150); above: 65 + 5 % of
    (B - 500), at most 2,000.  The balance is first rounded to the cent (the brackets
    are in cents); a zero balance gives 0 (nothing owed, no damages).  The cap is
    rounded DOWN to the cent: a clause above it is deemed unwritten, so 54.325 is 54.32,
    never half a cent above."""
    # Code of Economic Law art. XIX.4 (Book XIX, law of 4 May 2023).
    balance = round_cent(check_amount(balance, "balance"))
    if not balance:
        return round_cent(ZERO)
    for up_to, fixed, percent, floor in B2C_DAMAGES_BRACKETS:
        if up_to is None or balance <= up_to:
            above = CONTEXT.subtract(balance, floor)
            cap = CONTEXT.add(
                fixed, CONTEXT.divide(CONTEXT.multiply(above, percent), 100)
            )
            return floor_cent(min(cap, B2C_DAMAGES_MAXIMUM))
    raise AssertionError("unreachable: the last bracket is open")
