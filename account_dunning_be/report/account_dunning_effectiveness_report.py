from odoo import api, fields, models
from odoo.tools import SQL

# the days a letter gives the customer before it counts as unanswered
WINDOW_DAYS = 14


class AccountDunningEffectivenessReport(models.Model):
    """How well each level works: one row per invoice of a letter that went out.

    A letter counts from the day it went out (its deposit date when registered, as the
    file counts it). The invoice was "paid within 14 days" when it was settled in full by
    that day + 14: what its receivable lines were matched with (payments, credit notes,
    write-offs) up to then, dated by the reconciliation's ``max_date`` (the later date of
    the two matched lines: the payment's own date, not the day someone reconciled it).
    The amount paid within 14 days is what the letter claimed less what was still open
    on day 14. Letters whose 14 days have not all passed yet are left out: their outcome
    is not known. Like the overdue analysis, computed at read time against the user's
    today.
    """

    _name = "account.dunning.effectiveness.report"
    _description = "Dunning level effectiveness"
    _auto = False
    _rec_name = "letter_id"
    _order = "date_sent desc, id"

    letter_id = fields.Many2one("account.dunning.letter", string="Letter", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    level_id = fields.Many2one("account.dunning.level", string="Level", readonly=True)
    stage = fields.Selection(selection="_get_stage_selection", readonly=True)
    is_b2b = fields.Boolean(string="Enterprise debtor", readonly=True)
    date_sent = fields.Date(
        string="Sent on", readonly=True,
        help="When the letter went out; a registered letter counts from its deposit date.",
    )
    paid_in_time = fields.Boolean(
        string="Paid within 14 days", readonly=True,
        help="The invoice was settled in full at the latest 14 days after the letter "
        "went out.",
    )
    paid_in_time_count = fields.Integer(string="Paid within 14 days (count)", readonly=True)
    paid_in_time_rate = fields.Float(
        string="Paid within 14 days (%)", readonly=True, aggregator="avg", digits=(16, 2),
        help="The share of the invoices settled in full within 14 days of the letter.",
    )
    amount_claimed = fields.Monetary(
        string="Amount claimed", currency_field="company_currency_id", readonly=True,
        help="What the letter claimed for the invoice (the open amount, without interest or "
        "fees), in the company's currency.",
    )
    amount_paid_in_time = fields.Monetary(
        string="Paid within 14 days (amount)", currency_field="company_currency_id",
        readonly=True,
        help="What of the claimed amount was settled within 14 days, in the company's "
        "currency.",
    )

    _depends = {
        "account.dunning.letter": ["state", "date", "date_sent", "registered_date",
                                   "level_id", "partner_id", "company_id", "is_b2b"],
        "account.dunning.letter.line": ["letter_id", "move_id", "amount_residual"],
        "account.move": ["amount_total", "amount_total_signed"],
        "account.move.line": ["move_id", "display_type", "amount_currency"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "max_date",
                                      "debit_amount_currency", "credit_amount_currency"],
    }

    @api.model
    def _get_stage_selection(self):
        return self.env["account.dunning.overdue.report"]._get_stage_selection()[1:]

    # ------------------------------------------------------------
    # QUERY
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        # the invoice's own rate (its total in company currency over its total) converts
        # the claimed amounts as the invoice was booked; the currency table then brings
        # another company's currency to the current one
        rate = SQL("(move.amount_total_signed / NULLIF(move.amount_total, 0)"
                   " * account_currency_table.rate)")
        open_on_day_14 = SQL("ROUND(term.amount - settled.amount, currency.decimal_places)")
        paid_in_time = SQL("(%s <= 0)", open_on_day_14)
        return SQL(
            """
            SELECT line.id AS id,
                   line.letter_id,
                   line.move_id,
                   letter.partner_id,
                   letter.company_id,
                   %(display_currency)s AS company_currency_id,
                   letter.level_id,
                   ladder.rank AS stage,
                   letter.is_b2b,
                   sent.day AS date_sent,
                   %(paid)s AS paid_in_time,
                   CASE WHEN %(paid)s THEN 1 ELSE 0 END AS paid_in_time_count,
                   CASE WHEN %(paid)s THEN 100.0 ELSE 0.0 END AS paid_in_time_rate,
                   line.amount_residual * %(rate)s AS amount_claimed,
                   GREATEST(line.amount_residual - GREATEST(%(open)s, 0), 0) * %(rate)s
                       AS amount_paid_in_time
            """,
            paid=paid_in_time, rate=rate, open=open_on_day_14,
            display_currency=self.env.company.currency_id.id,
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM account_dunning_letter_line line
            JOIN account_dunning_letter letter ON letter.id = line.letter_id
            JOIN %(currency_table)s ON account_currency_table.company_id = letter.company_id
            JOIN account_move move ON move.id = line.move_id
            JOIN res_currency currency ON currency.id = move.currency_id
            LEFT JOIN %(ladder)s ON ladder.level_id = letter.level_id
            CROSS JOIN LATERAL (
                SELECT COALESCE(letter.registered_date, letter.date_sent, letter.date) AS day
            ) sent
            CROSS JOIN LATERAL (
                -- the invoice's receivable total, in its currency
                SELECT COALESCE(SUM(term_line.amount_currency), 0) AS amount
                  FROM account_move_line term_line
                 WHERE term_line.move_id = line.move_id
                   AND term_line.display_type = 'payment_term'
            ) term
            CROSS JOIN LATERAL (
                -- what was matched with it up to day 14, in its currency
                SELECT COALESCE(SUM(CASE WHEN partial.debit_move_id = term_line.id
                                         THEN partial.debit_amount_currency
                                         ELSE -partial.credit_amount_currency END), 0)
                           AS amount
                  FROM account_move_line term_line
                  JOIN account_partial_reconcile partial
                    ON term_line.id IN (partial.debit_move_id, partial.credit_move_id)
                 WHERE term_line.move_id = line.move_id
                   AND term_line.display_type = 'payment_term'
                   AND partial.max_date <= sent.day + %(window)s
            ) settled
            """,
            ladder=self.env["account.dunning.overdue.report"]._stage_rank_sql(),
            window=WINDOW_DAYS,
            currency_table=self.env["account.dunning.overdue.report"]._currency_table(),
        )

    @api.model
    def _where(self):
        return SQL(
            """
            WHERE letter.state IN ('sent', 'printed')
              AND sent.day + %(window)s < %(today)s::date
            """,
            window=WINDOW_DAYS, today=fields.Date.context_today(self),
        )
