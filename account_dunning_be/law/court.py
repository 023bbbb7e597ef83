"""Going to court: the competent court and what an injunction costs.

Figures come from ``data/legal/court_costs.csv`` and the procedural indemnity tables
(``procedural_indemnity_<year>.csv``), each row valid from a date.
"""

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ._base import (
    DATA_DIR,
    ZERO,
    check_amount,
    check_date,
    parse_date,
    parse_decimal,
    read_csv,
    round_cent,
)
from .rates import MissingFigure

COURT_COSTS_FILE = "court_costs.csv"

# Royal Decree of 26 October 2007 (procedural indemnity tariff), indexed: each file
# holds one indexation, valid from the date given here (the file has no date column).
# The 1 March 2025 indexation is not published in our sources: add its file when known.
PROCEDURAL_INDEMNITY_FILES = ((date(2022, 11, 1), "procedural_indemnity_2022.csv"),)

ENTERPRISE_COURT = "enterprise_court"
JUSTICE_OF_THE_PEACE = "justice_of_the_peace"
FIRST_INSTANCE = "first_instance"

# Judicial Code art. 590 (since 1 Sep 2018): justice of the peace up to EUR 5,000.
JUSTICE_OF_THE_PEACE_LIMIT = Decimal("5000.00")

ROLL_FEE = "roll_fee"
LEGAL_AID_CONTRIBUTION = "legal_aid_fund_contribution"


@dataclass(frozen=True, slots=True)
class CourtCostRow:
    """One row of ``court_costs.csv``: ``amount`` EUR for ``item`` before ``court``
    (``"any"``: every court) from ``valid_from``."""

    item: str
    court: str
    amount: Decimal
    valid_from: date
    source: str = ""
    confidence: str = ""


@dataclass(frozen=True, slots=True)
class IndemnityBracket:
    """One bracket of the procedural indemnity tariff: for a claim from ``claim_from``
    to ``claim_to`` inclusive (``None``: open), the ``base`` amount and the ``minimum``
    and ``maximum`` the judge may award, valid from ``valid_from``."""

    claim_from: Decimal
    claim_to: Decimal | None
    base: Decimal
    minimum: Decimal
    maximum: Decimal
    valid_from: date


@dataclass(frozen=True, slots=True)
class CourtCosts:
    """Estimate of a court action (injunction) on a claim.

    ``to_advance``: what the creditor pays up front: roll fee + legal aid contribution +
    bailiff estimate + lawyer estimate.

    ``recoverable_if_won``: what the losing debtor is ordered to pay back: roll fee +
    legal aid contribution + procedural indemnity (base amount) + bailiff estimate
    (Judicial Code art. 1018 and 1022).  The lawyer's fees are not added: the procedural
    indemnity is the lump-sum contribution to them, nothing on top.
    """

    court: str
    claim: Decimal
    on_date: date
    roll_fee: Decimal
    legal_aid_contribution: Decimal
    procedural_indemnity_base: Decimal
    procedural_indemnity_min: Decimal
    procedural_indemnity_max: Decimal
    procedural_indemnity_valid_from: date
    bailiff_estimate: Decimal
    lawyer_estimate: Decimal
    to_advance: Decimal
    recoverable_if_won: Decimal


# ---- table files --------------------------------------------------------------------


def read_court_costs(path=None):
    """Rows of ``court_costs.csv`` as a tuple of :class:`CourtCostRow`."""
    return tuple(
        CourtCostRow(
            item=row["item"],
            court=row["court"],
            amount=parse_decimal(row["amount_eur"], "amount_eur"),
            valid_from=parse_date(row["valid_from"], "valid_from"),
            source=row.get("source", ""),
            confidence=row.get("confidence", ""),
        )
        for row in read_csv(path or DATA_DIR / COURT_COSTS_FILE)
    )


def read_procedural_indemnity(path=None, valid_from=None):
    """Brackets of one procedural indemnity file as a tuple of :class:`IndemnityBracket`
    sorted by claim; default: every shipped file with its validity date."""
    if path is not None:
        if valid_from is None:
            raise ValueError("valid_from is required with an explicit path")
        files = ((valid_from, path),)
    else:
        files = tuple(
            (since, DATA_DIR / name) for since, name in PROCEDURAL_INDEMNITY_FILES
        )
    brackets = []
    for since, file_path in files:
        for row in read_csv(file_path):
            brackets.append(
                IndemnityBracket(
                    claim_from=parse_decimal(row["claim_from_eur"], "claim_from_eur"),
                    claim_to=(
                        parse_decimal(row["claim_to_eur"], "claim_to_eur")
                        if row.get("claim_to_eur")
                        else None
                    ),
                    base=parse_decimal(row["base_eur"], "base_eur"),
                    minimum=parse_decimal(row["min_eur"], "min_eur"),
                    maximum=parse_decimal(row["max_eur"], "max_eur"),
                    valid_from=since,
                )
            )
    return tuple(sorted(brackets, key=lambda b: (b.valid_from, b.claim_from)))


@functools.lru_cache(maxsize=1)
def _court_costs():
    return read_court_costs()


@functools.lru_cache(maxsize=1)
def _indemnity():
    return read_procedural_indemnity()


def court_cost_table():
    """The court cost rows shipped with the addon (a fresh list)."""
    return list(_court_costs())


def procedural_indemnity_table():
    """The procedural indemnity brackets shipped with the addon (a fresh list)."""
    return list(_indemnity())


# ---- rules --------------------------------------------------------------------------


def _check_enterprise(value):
    if not isinstance(value, bool):
        raise TypeError(
            f"debtor_is_enterprise must be a bool, not {type(value).__name__}"
        )
    return value


def competent_court(claim, debtor_is_enterprise):
    """``"enterprise_court"`` when the debtor is an enterprise, whatever the amount;
    against a consumer ``"justice_of_the_peace"`` up to EUR 5,000.00 (the claim rounded
    to the cent), ``"first_instance"`` above."""
    # Judicial Code art. 573 (enterprise court) and art. 590 (justice of the peace).
    claim = round_cent(check_amount(claim, "claim"))
    if _check_enterprise(debtor_is_enterprise):
        return ENTERPRISE_COURT
    if claim <= JUSTICE_OF_THE_PEACE_LIMIT:
        return JUSTICE_OF_THE_PEACE
    return FIRST_INSTANCE


def _latest(rows, item, on_date):
    """The row valid on ``on_date`` (latest ``valid_from`` on or before it)."""
    valid = [row for row in rows if row.valid_from <= on_date]
    if not valid:
        raise MissingFigure(
            f"No figure for {item} valid on {on_date.isoformat()}", item, on_date
        )
    return max(valid, key=lambda row: row.valid_from)


def court_fee(item, court, on_date, table=None):
    """Amount of ``item`` (``"roll_fee"``, ``"legal_aid_fund_contribution"``) before
    ``court`` valid on ``on_date``; :class:`MissingFigure` naming the item if none."""
    check_date(on_date, "on_date")
    rows = [
        row
        for row in (_court_costs() if table is None else table)
        if row.item == item and row.court in (court, "any")
    ]
    return _latest(rows, f"{item} ({court})", on_date).amount


def procedural_indemnity(claim, on_date, table=None):
    """The :class:`IndemnityBracket` of ``claim`` (rounded to the cent) in the tariff
    valid on ``on_date``; :class:`MissingFigure` if no tariff is valid then."""
    # Judicial Code art. 1022 and Royal Decree of 26 October 2007 art. 2.
    claim = round_cent(check_amount(claim, "claim"))
    check_date(on_date, "on_date")
    brackets = _indemnity() if table is None else table
    since = _latest(brackets, "procedural_indemnity", on_date).valid_from
    for bracket in brackets:
        if bracket.valid_from == since and (
            bracket.claim_to is None or claim <= bracket.claim_to
        ):
            return bracket
    raise MissingFigure(
        f"No procedural indemnity bracket for a claim of {claim}",
        "procedural_indemnity",
        on_date,
    )


def injunction_costs(
    claim,
    debtor_is_enterprise,
    on_date,
    bailiff_estimate=ZERO,
    lawyer_estimate=ZERO,
    cost_table=None,
    indemnity_table=None,
):
    """Cost estimate of an injunction (or summons) on ``claim`` brought on ``on_date``.

    Figures are those valid on ``on_date``; a missing one raises :class:`MissingFigure`
    (a ``ValueError``) naming it.  See :class:`CourtCosts` for what is advanced and
    what the losing debtor pays back.  ``cost_table`` (:class:`CourtCostRow` rows) and
    ``indemnity_table`` (:class:`IndemnityBracket` rows) default to the shipped tables.
    """
    # Registration Duties Code art. 269/1 (roll fee); law of 19 March 2017 (legal aid
    # fund); Judicial Code art. 1018 and 1022 (recoverable costs).
    claim = round_cent(check_amount(claim, "claim"))
    check_date(on_date, "on_date")
    bailiff = round_cent(check_amount(bailiff_estimate, "bailiff_estimate"))
    lawyer = round_cent(check_amount(lawyer_estimate, "lawyer_estimate"))
    court = competent_court(claim, debtor_is_enterprise)
    roll_fee = round_cent(court_fee(ROLL_FEE, court, on_date, cost_table))
    contribution = round_cent(
        court_fee(LEGAL_AID_CONTRIBUTION, court, on_date, cost_table)
    )
    bracket = procedural_indemnity(claim, on_date, indemnity_table)
    return CourtCosts(
        court=court,
        claim=claim,
        on_date=on_date,
        roll_fee=roll_fee,
        legal_aid_contribution=contribution,
        procedural_indemnity_base=round_cent(bracket.base),
        procedural_indemnity_min=round_cent(bracket.minimum),
        procedural_indemnity_max=round_cent(bracket.maximum),
        procedural_indemnity_valid_from=bracket.valid_from,
        bailiff_estimate=bailiff,
        lawyer_estimate=lawyer,
        to_advance=roll_fee + contribution + bailiff + lawyer,
        recoverable_if_won=roll_fee + contribution + round_cent(bracket.base) + bailiff,
    )
