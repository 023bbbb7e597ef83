"""What one invoice lets the creditor claim on one date: the one decision behind the
dunning letters, the wizard and the claim invoices.

:func:`invoice_claim` takes the invoice's due date and balance history, the creditor's
terms (:class:`Terms`), what the dunning step asks for (:class:`Asks`), and what earlier
steps did: the consumer reminder that announced the amounts (:class:`Announcement`),
what claim invoices already charged (:class:`Invoiced`) and what the previous letter
claimed (:class:`Claimed`).  It returns an :class:`InvoiceClaim` that says what is
claimed now and why (its ``status``).

The rules, each in one place here:

- B2B (law of 2 August 2002): interest from the day after the due date at the
  statutory rate (or the contractual rate), EUR 40 per invoice and the penalty clause,
  on every overdue invoice of a step that claims them.
- B2C (Book XIX): nothing before a reminder that covered the invoice announced the
  exact amounts (status ``"announced"`` for that reminder), nor before that reminder's
  14-day waiting period has run out (``"waiting"``); then interest from the day after
  the waiting period (the safe reading, BELGIAN_RULES.md 3) at the legal rate (a
  contractual rate capped by the B2B statutory rate), and damages within the cap and
  never above what was announced.  No flat fee.
- Claims carry forward: an unpaid invoice never shows less interest, fee or penalty
  than the previous letter claimed; a kind claimed once stays claimed.
- What a claim invoice charged is never charged again: its interest is deducted, its
  fee and penalty are not repeated.  A claim invoice itself bears nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ._base import ZERO, check_amount, check_date
from .calendar import b2c_waiting_period_end
from .fees import b2c_damages_cap, penalty_clause
from .interest import InterestResult, late_interest
from .rates import MissingRate

REGIMES = ("b2b", "b2c")

# Why a claim is what it is (InvoiceClaim.status):
NOT_DUE = "not_due"  # not late on the date: nothing (a paid-late invoice still bears
# the interest of its late days and its flat fee)
CLAIM_INVOICE = "claim_invoice"  # an invoice of interest and fees: its balance only
REMINDER = "reminder"  # late, but this step claims nothing (a B2B reminder)
ANNOUNCED = "announced"  # B2C: this letter announces the amounts; nothing claimed
WAITING = "waiting"  # B2C: announced, the 14-day waiting period runs; nothing yet
CLAIMED = "claimed"  # interest, fee, penalty or damages claimed
STATUSES = (NOT_DUE, CLAIM_INVOICE, REMINDER, ANNOUNCED, WAITING, CLAIMED)


@dataclass(frozen=True)
class Terms:
    """The creditor's terms for one invoice, amounts in the invoice's currency.

    - ``regime``: ``"b2b"`` (law of 2 August 2002) or ``"b2c"`` (Book XIX);
    - ``b2b_rates`` / ``legal_rates``: the rate tables (``[RatePeriod]``);
    - ``contract_rate``: the agreed rate (percent a year), None for the statutory one;
    - ``flat_fee``: the B2B flat fee in the invoice's currency, None when not claimed;
    - ``penalty_percent`` / ``penalty_min`` / ``penalty_max``: the B2B penalty clause,
      None (or 0 percent) when the terms have none;
    - ``consumer_damages``: the terms give consumers a (reciprocal) damages clause.
    """

    regime: str
    b2b_rates: list
    legal_rates: list
    contract_rate: Decimal | None = None
    flat_fee: Decimal | None = None
    penalty_percent: Decimal | None = None
    penalty_min: Decimal | None = None
    penalty_max: Decimal | None = None
    consumer_damages: bool = False


@dataclass(frozen=True)
class Asks:
    """What the dunning step claims (the level's settings)."""

    interest: bool = False
    flat_fee: bool = False
    penalty: bool = False

    @classmethod
    def everything(cls):
        """All the law and the terms allow (the wizard, a claim invoice)."""
        return cls(interest=True, flat_fee=True, penalty=True)


@dataclass(frozen=True)
class Announcement:
    """The consumer reminder that first covered the invoice and announced the amounts:
    when it was sent (its deposit date for a registered letter), by which channel
    (``"post"`` or ``"email"``), and the damages it announced."""

    sent_on: date
    channel: str
    damages: Decimal = ZERO

    @property
    def waiting_end(self):
        """Last day of its waiting period."""
        return b2c_waiting_period_end(self.sent_on, self.channel)


@dataclass(frozen=True)
class Invoiced:
    """What posted claim invoices already charged for the invoice: interest up to
    ``interest_to`` (inclusive) for ``interest``, and whether the fee and the penalty
    (or damages) were charged."""

    interest_to: date | None = None
    interest: Decimal = ZERO
    flat_fee: bool = False
    penalty: bool = False


@dataclass(frozen=True)
class Claimed:
    """What the previous letter claimed for the invoice: interest in all (including what
    claim invoices had charged by then), the fee, the penalty or damages."""

    interest: Decimal = ZERO
    flat_fee: Decimal = ZERO
    penalty: Decimal = ZERO


NOTHING_INVOICED = Invoiced()
NOTHING_CLAIMED = Claimed()


@dataclass(frozen=True)
class InvoiceClaim:
    """What one invoice lets the creditor claim on ``on_date``.

    - ``status``: one of :data:`STATUSES` (why);
    - ``balance``: outstanding on the date; ``days_late``: ``on_date - due_date``;
    - ``interest_start``: first day of interest (None when none runs);
    - ``interest_result``: the :class:`InterestResult` from ``interest_start`` (None);
    - ``interest_total``: all interest owed to the date, with what claim invoices
      charged and at least what the previous letter claimed;
    - ``interest_invoiced``: the part claim invoices charged;
    - ``interest``: what this claim adds (``interest_total - interest_invoiced``);
    - ``flat_fee``, ``penalty`` (the B2B penalty clause or the consumer's damages);
    - ``damages_announced``: the consumer damages a letter announces (the cap on the
      balance, or what the announcing reminder said);
    - ``waiting_end``: last day of the consumer's waiting period, once announced;
    - ``missing_rate``: the :class:`MissingRate` that stopped the interest, or None:
      the interest then runs to ``interest_end``, the last day the known rates cover
      (before ``on_date``), and the semester it names is still to be claimed.
    """

    status: str
    balance: Decimal
    days_late: int
    interest_start: date | None = None
    interest_result: InterestResult | None = None
    interest_total: Decimal = ZERO
    interest_invoiced: Decimal = ZERO
    interest: Decimal = ZERO
    flat_fee: Decimal = ZERO
    penalty: Decimal = ZERO
    damages_announced: Decimal = ZERO
    waiting_end: date | None = None
    missing_rate: MissingRate | None = None

    @property
    def interest_end(self):
        """The last day the interest runs to: ``on_date``, or the day before the first
        day without a rate (``missing_rate``); None when no interest runs."""
        return self.interest_result.end if self.interest_result else None

    @property
    def costs(self):
        """Interest, fee and penalty claimed now."""
        return self.interest + self.flat_fee + self.penalty

    @property
    def total(self):
        return self.balance + self.costs


def _balance_on(balance_steps, on_date):
    """The outstanding amount of the last step dated on or before ``on_date``."""
    balance = None
    for when, outstanding in balance_steps:
        if when > on_date:
            break
        balance = outstanding
    if balance is None:
        raise ValueError(f"balance_steps: no step on or before {on_date}")
    return check_amount(balance, "balance_steps outstanding")


def _interest(balance_steps, start, on_date, terms, invoiced, previous):
    """(interest_result, total, invoiced part, claimed now, missing rate) from ``start``."""
    contract = terms.contract_rate or None
    if terms.regime == "b2b":
        # a contractual rate replaces the statutory one between enterprises
        table = None if contract else terms.b2b_rates
    else:
        # consumer: the legal rate; a contractual one capped by the B2B statutory rate
        table = terms.b2b_rates if contract else terms.legal_rates
    if on_date < start:
        result = None
        amount = ZERO
    else:
        # a missing semester stops the interest at the last day the known rates cover:
        # nothing is guessed after it, nothing known before it is lost
        result = late_interest(balance_steps, start, on_date, rate_table=table,
                               fixed_rate=contract, until_missing=True)
        amount = result.amount
    total = max(amount, previous.interest, invoiced.interest)
    missing = result.missing_rate if result else None
    return result, total, invoiced.interest, total - invoiced.interest, missing


def invoice_claim(due_date, balance_steps, on_date, terms, asks, *, announcement=None,
                  invoiced=NOTHING_INVOICED, previous=NOTHING_CLAIMED,
                  is_claim_invoice=False):
    """What the invoice due on ``due_date`` lets the creditor claim on ``on_date``.

    ``balance_steps``: ``[(date, outstanding)]`` as :func:`late_interest` takes them
    (the first step dated before the day after the due date).  ``terms``: a
    :class:`Terms`; ``asks``: an :class:`Asks` (what the step claims).  Keywords:
    ``announcement`` (:class:`Announcement`, consumers), ``invoiced``
    (:class:`Invoiced`), ``previous`` (:class:`Claimed`), ``is_claim_invoice``.

    Returns an :class:`InvoiceClaim`.  A missing rate does not raise: the interest runs
    up to the last day the known rates cover (``interest_end``) and the claim names the
    missing semester in ``missing_rate`` (a :class:`MissingRate`, never a message).
    """
    check_date(due_date, "due_date")
    check_date(on_date, "on_date")
    if terms.regime not in REGIMES:
        raise ValueError(f"regime must be one of {', '.join(REGIMES)}, got {terms.regime!r}")
    balance = _balance_on(balance_steps, on_date)
    days_late = max((on_date - due_date).days, 0)
    if is_claim_invoice:
        # interest and fees are never charged on interest and fees
        return InvoiceClaim(CLAIM_INVOICE, balance, days_late)
    if on_date <= due_date:
        return InvoiceClaim(NOT_DUE, balance, days_late)
    if terms.regime == "b2b":
        return _b2b_claim(due_date, balance_steps, on_date, terms, asks, balance, days_late,
                          invoiced, previous)
    return _b2c_claim(balance_steps, on_date, terms, asks, balance, days_late,
                      announcement, invoiced, previous)


def _b2b_claim(due_date, balance_steps, on_date, terms, asks, balance, days_late,
               invoiced, previous):
    # law of 2 August 2002: by law, without formal notice, from the day after the due date
    ask_interest = asks.interest or previous.interest > 0
    ask_fee = (asks.flat_fee or previous.flat_fee > 0) and terms.flat_fee is not None
    ask_penalty = (asks.penalty or previous.penalty > 0) and bool(terms.penalty_percent)
    if not (ask_interest or ask_fee or ask_penalty):
        return InvoiceClaim(REMINDER, balance, days_late)
    start = due_date + timedelta(days=1)
    result, total, part_invoiced, interest, missing = (
        _interest(balance_steps, start, on_date, terms, invoiced, previous)
        if ask_interest else (None, ZERO, ZERO, ZERO, None))
    flat_fee = ZERO
    if ask_fee and not invoiced.flat_fee:
        # art. 6: per invoice (CJEU C-585/20)
        flat_fee = max(check_amount(terms.flat_fee, "flat_fee"), previous.flat_fee)
    penalty = ZERO
    if ask_penalty and not invoiced.penalty:
        penalty = max(penalty_clause(balance, terms.penalty_percent, minimum=terms.penalty_min
                                     or None, maximum=terms.penalty_max or None),
                      previous.penalty)
    return InvoiceClaim(
        CLAIMED, balance, days_late,
        interest_start=start if ask_interest else None, interest_result=result,
        interest_total=total, interest_invoiced=part_invoiced, interest=interest,
        flat_fee=flat_fee, penalty=penalty, missing_rate=missing,
    )


def _b2c_claim(balance_steps, on_date, terms, asks, balance, days_late, announcement,
               invoiced, previous):
    # Book XIX: the first reminder is free and announces the exact amounts
    cap = b2c_damages_cap(balance) if terms.consumer_damages else ZERO
    if announcement is None:
        return InvoiceClaim(ANNOUNCED, balance, days_late, damages_announced=cap)
    announced = min(announcement.damages, cap) if terms.consumer_damages else ZERO
    waiting_end = announcement.waiting_end
    if on_date <= waiting_end:
        return InvoiceClaim(WAITING, balance, days_late, damages_announced=announced,
                            waiting_end=waiting_end)
    ask_interest = asks.interest or previous.interest > 0
    ask_damages = (asks.penalty or previous.penalty > 0) and terms.consumer_damages
    if not (ask_interest or ask_damages):
        return InvoiceClaim(REMINDER, balance, days_late, damages_announced=announced,
                            waiting_end=waiting_end)
    # open point of Book XIX; the safe reading: interest from the day after the period
    start = waiting_end + timedelta(days=1)
    result, total, part_invoiced, interest, missing = (
        _interest(balance_steps, start, on_date, terms, invoiced, previous)
        if ask_interest else (None, ZERO, ZERO, ZERO, None))
    damages = ZERO
    if ask_damages and not invoiced.penalty:
        # never above the cap, never above what the reminder announced; once claimed,
        # the figure stands
        damages = max(announced, previous.penalty)
    return InvoiceClaim(
        CLAIMED, balance, days_late,
        interest_start=start if ask_interest else None, interest_result=result,
        interest_total=total, interest_invoiced=part_invoiced, interest=interest,
        penalty=damages, damages_announced=announced, waiting_end=waiting_end,
        missing_rate=missing,
    )
