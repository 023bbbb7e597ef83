"""Belgian law engine of account_dunning_be: pure Python, no Odoo import.

Imported by Odoo as ``odoo.addons.account_dunning_be.law``.  Every legal amount the
addon claims is computed here, from plain values, with the figures read from the CSV
tables in ``data/legal/`` (the same files the Odoo side loads as records).

Money is :class:`decimal.Decimal` (``int`` accepted, ``float`` refused with
``TypeError``), rounded half-up to the cent on each function's final figure only.
Rates are percent per year (``Decimal("12.5")``).  Dates are :class:`datetime.date`.
Invalid arguments raise ``ValueError`` (or ``TypeError`` for a wrong type) naming the
argument; a figure missing from a table raises :class:`MissingFigure` /
:class:`MissingRate`, both ``ValueError``.

Rates (``rates.py``)
    RatePeriod(date_from, date_to, rate)         frozen; date_to inclusive, None = open
    default_b2b_rates() -> list[RatePeriod]      B2B statutory rate, one row a semester
    default_legal_rates() -> list[RatePeriod]    legal interest rate, one row a year
    statutory_b2b_rate(on_date, table=None) -> Decimal      MissingRate if not covered
    statutory_rate_from_ecb(ecb_rate) -> Decimal            ECB + 8, up to next 0.5
    semester_of(on_date) -> (date_from, date_to, "2026 H2")
    missing_semesters(table, until, since=None) -> list[str]
    MissingRate(ValueError): .semester, .date_from, .date_to, .on_date

Interest (``interest.py``)
    late_interest(balance_steps, start, end, rate_table=None, fixed_rate=None, *,
                  until_missing=False)
        -> InterestResult(amount, exact, days, periods, start, end, missing_rate)
        periods: [InterestPeriod(date_from, date_to, days, base, rate, amount)]
        until_missing: stop at the last day the rates cover, the MissingRate in
        missing_rate (end = that day), instead of raising MissingRate

Fees (``fees.py``)
    flat_fee_b2b() -> Decimal                    EUR 40 per late invoice
    penalty_clause(balance, percent, minimum=None, maximum=None) -> Decimal
    b2c_damages_cap(balance) -> Decimal          Book XIX cap

Claims (``claim.py``): the one decision of what an invoice lets the creditor claim
    invoice_claim(due_date, balance_steps, on_date, terms, asks, *, announcement=None,
                  invoiced=NOTHING_INVOICED, previous=NOTHING_CLAIMED,
                  is_claim_invoice=False) -> InvoiceClaim
        Terms(regime, b2b_rates, legal_rates, contract_rate, flat_fee, penalty_percent,
              penalty_min, penalty_max, consumer_damages)
        Asks(interest, flat_fee, penalty); Asks.everything()
        Announcement(sent_on, channel, damages)   the consumer reminder that announced
        Invoiced(interest_to, interest, flat_fee, penalty)   what claim invoices charged
        Claimed(interest, flat_fee, penalty)      what the previous letter claimed
        InvoiceClaim.status in STATUSES: not_due, claim_invoice, reminder, announced,
        waiting, claimed

Calendar (``calendar.py``)
    b2c_waiting_period_end(sent_on, channel) -> date     channel "post" | "email"
    b2c_waiting_period_start(sent_on, channel) -> date
    public_holidays(year), is_working_day(day), add_working_days(day, count)

Court (``court.py``)
    competent_court(claim, debtor_is_enterprise) -> str
        "enterprise_court" | "justice_of_the_peace" | "first_instance"
    injunction_costs(claim, debtor_is_enterprise, on_date, bailiff_estimate=0,
                     lawyer_estimate=0) -> CourtCosts
    court_cost_table() -> list[CourtCostRow]
    procedural_indemnity_table() -> list[IndemnityBracket]

Table readers for the Odoo side: ``law.tables.read_b2b_rates()``,
``read_legal_rates()``, ``read_court_costs()``, ``read_procedural_indemnity()``.
"""

from . import tables
from .calendar import (
    add_working_days,
    b2c_waiting_period_end,
    b2c_waiting_period_start,
    is_working_day,
    public_holidays,
)
from .claim import (
    ANNOUNCED,
    CLAIM_INVOICE,
    CLAIMED,
    NOT_DUE,
    NOTHING_CLAIMED,
    NOTHING_INVOICED,
    REMINDER,
    STATUSES,
    WAITING,
    Announcement,
    Asks,
    Claimed,
    InvoiceClaim,
    Invoiced,
    Terms,
    invoice_claim,
)
from .court import (
    CourtCostRow,
    CourtCosts,
    IndemnityBracket,
    competent_court,
    court_cost_table,
    injunction_costs,
    procedural_indemnity_table,
)
from .fees import b2c_damages_cap, flat_fee_b2b, penalty_clause
from .interest import InterestPeriod, InterestResult, late_interest
from .rates import (
    MissingFigure,
    MissingRate,
    RatePeriod,
    default_b2b_rates,
    default_legal_rates,
    missing_semesters,
    semester_of,
    statutory_b2b_rate,
    statutory_rate_from_ecb,
)
from .recommend import ROUTES, Recommendation, recommend

__all__ = [
    "ANNOUNCED",
    "CLAIMED",
    "CLAIM_INVOICE",
    "NOTHING_CLAIMED",
    "NOTHING_INVOICED",
    "NOT_DUE",
    "REMINDER",
    "STATUSES",
    "WAITING",
    "Announcement",
    "Asks",
    "Claimed",
    "InvoiceClaim",
    "Invoiced",
    "Terms",
    "invoice_claim",
    "CourtCostRow",
    "CourtCosts",
    "IndemnityBracket",
    "InterestPeriod",
    "InterestResult",
    "MissingFigure",
    "MissingRate",
    "RatePeriod",
    "add_working_days",
    "b2c_damages_cap",
    "b2c_waiting_period_end",
    "b2c_waiting_period_start",
    "competent_court",
    "court_cost_table",
    "default_b2b_rates",
    "default_legal_rates",
    "flat_fee_b2b",
    "injunction_costs",
    "is_working_day",
    "late_interest",
    "missing_semesters",
    "penalty_clause",
    "procedural_indemnity_table",
    "public_holidays",
    "semester_of",
    "statutory_b2b_rate",
    "statutory_rate_from_ecb",
    "tables",
    "ROUTES",
    "Recommendation",
    "recommend",
]
