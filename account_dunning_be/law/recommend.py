"""What to do next with an unpaid claim: the route a practitioner would recommend.

A decision of judgement, written down as a rule so that it is the same for every
customer and explains itself: :func:`recommend` returns a :class:`Recommendation` whose
``reasons`` are codes with their figures; the UI turns them into words.

Routes (``Recommendation.code``):

``keep_reminding``
    the usual escalation (friendly reminder, second reminder, formal notice) is not
    over: reminders cost nothing and settle most claims.
``payment_plan``
    a small consumer debt after the reminders: a plan is cheaper than any procedure.
``uncontested_b2b``
    the procedure for uncontested debts between enterprises (Judicial Code art. 1394/20
    ff.): lawyer and bailiff, no hearing; interest and penalty clause together are
    capped at 10 % of the principal.
``summary_order``
    summary payment order (art. 1338-1344): needs a writing from the debtor.
``summons``
    ordinary summons before the competent court.
``collection_agency``
    a small undisputed enterprise debt; never for a disputed invoice.
``write_off``
    what going further costs exceeds what can be recovered.

Reasons (``(code, params)``, params a dict of Decimals and ints):
``disputed`` {} · ``reminders`` {sent, needed} · ``below_threshold`` {claim, threshold}
· ``above_threshold`` {claim, threshold} · ``consumer`` {} · ``enterprise`` {}
· ``costs_exceed`` {to_advance, claim} · ``costs_unknown`` {}
· ``recoverable`` {to_advance, recoverable_if_won} · ``written_acknowledgement`` {}
· ``no_written_acknowledgement`` {} · ``cap_10_percent`` {principal, cap,
interest_and_penalty}.
"""

from dataclasses import dataclass
from decimal import Decimal

from ._base import check_amount, round_cent

# Practitioners' rule of thumb: going to court pays off from about EUR 1,000 of claim.
COURT_THRESHOLD = Decimal("1000.00")
# Friendly reminder, second reminder, formal notice: the usual escalation before a route.
REMINDERS_BEFORE_ACTION = 3
# Judicial Code art. 1394/21: interest and penalty clause together at most 10 % of the
# principal in the procedure for uncontested debts.
UNCONTESTED_CAP_PERCENT = Decimal(10)

KEEP_REMINDING = "keep_reminding"
PAYMENT_PLAN = "payment_plan"
UNCONTESTED_B2B = "uncontested_b2b"
SUMMARY_ORDER = "summary_order"
SUMMONS = "summons"
COLLECTION_AGENCY = "collection_agency"
WRITE_OFF = "write_off"

ROUTES = (
    KEEP_REMINDING,
    PAYMENT_PLAN,
    UNCONTESTED_B2B,
    SUMMARY_ORDER,
    SUMMONS,
    COLLECTION_AGENCY,
    WRITE_OFF,
)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The route ``code`` (one of :data:`ROUTES`) and the ``reasons`` behind it, a tuple
    of ``(reason code, params dict)`` in the order they should be read."""

    code: str
    reasons: tuple


def _check_bool(value, name):
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


def recommend(
    claim,
    debtor_is_enterprise,
    disputed,
    costs,
    has_written_acknowledgement=False,
    reminders_sent=0,
    principal=None,
    interest_and_penalty=None,
):
    """Recommend a route for a customer's ``claim`` (total owed: principal, interest,
    fees), given the debtor type, whether an invoice is ``disputed``, the court ``costs``
    (a :class:`~.court.CourtCosts`, or ``None`` when a figure is missing), whether the
    debtor acknowledged the debt in writing, and how many reminders were sent.

    ``principal`` and ``interest_and_penalty`` (default: unknown) let the uncontested
    B2B route state its 10 % cap.

    >>> recommend(Decimal(500), True, False, None, reminders_sent=1).code
    'keep_reminding'
    >>> recommend(Decimal(500), True, False, None, reminders_sent=3).code
    'collection_agency'
    """
    claim = round_cent(check_amount(claim, "claim"))
    _check_bool(debtor_is_enterprise, "debtor_is_enterprise")
    _check_bool(disputed, "disputed")
    _check_bool(has_written_acknowledgement, "has_written_acknowledgement")
    if isinstance(reminders_sent, bool) or not isinstance(reminders_sent, int):
        raise TypeError("reminders_sent must be an int")
    if reminders_sent < 0:
        raise ValueError(f"reminders_sent must not be negative, got {reminders_sent}")
    if principal is not None:
        principal = round_cent(check_amount(principal, "principal"))
    if interest_and_penalty is not None:
        interest_and_penalty = round_cent(
            check_amount(interest_and_penalty, "interest_and_penalty")
        )

    debtor = ("enterprise", {}) if debtor_is_enterprise else ("consumer", {})
    size = (
        ("below_threshold", {"claim": claim, "threshold": COURT_THRESHOLD})
        if claim < COURT_THRESHOLD
        else ("above_threshold", {"claim": claim, "threshold": COURT_THRESHOLD})
    )
    if costs is None:
        cost_reason = ("costs_unknown", {})
        too_costly = False
    elif costs.to_advance >= claim:
        cost_reason = ("costs_exceed", {"to_advance": costs.to_advance, "claim": claim})
        too_costly = True
    else:
        cost_reason = (
            "recoverable",
            {
                "to_advance": costs.to_advance,
                "recoverable_if_won": costs.recoverable_if_won,
            },
        )
        too_costly = False

    if disputed:
        # A contested invoice goes before a judge, never to a collection agency.
        if too_costly:
            return Recommendation(WRITE_OFF, (("disputed", {}), cost_reason, size))
        return Recommendation(SUMMONS, (("disputed", {}), size, cost_reason))

    if reminders_sent < REMINDERS_BEFORE_ACTION:
        return Recommendation(
            KEEP_REMINDING,
            (("reminders", {"sent": reminders_sent, "needed": REMINDERS_BEFORE_ACTION}),),
        )

    if claim < COURT_THRESHOLD:
        if debtor_is_enterprise:
            return Recommendation(COLLECTION_AGENCY, (size, debtor))
        if too_costly:
            return Recommendation(WRITE_OFF, (size, debtor, cost_reason))
        return Recommendation(PAYMENT_PLAN, (size, debtor))

    if too_costly:
        return Recommendation(WRITE_OFF, (size, debtor, cost_reason))
    if debtor_is_enterprise:
        reasons = [size, debtor, cost_reason]
        if principal is not None:
            cap = round_cent(principal * UNCONTESTED_CAP_PERCENT / 100)
            params = {"principal": principal, "cap": cap}
            if interest_and_penalty is not None:
                params["interest_and_penalty"] = interest_and_penalty
            reasons.append(("cap_10_percent", params))
        return Recommendation(UNCONTESTED_B2B, tuple(reasons))
    if has_written_acknowledgement:
        return Recommendation(
            SUMMARY_ORDER, (size, debtor, ("written_acknowledgement", {}), cost_reason)
        )
    return Recommendation(SUMMONS, (size, debtor, ("no_written_acknowledgement", {}), cost_reason))
