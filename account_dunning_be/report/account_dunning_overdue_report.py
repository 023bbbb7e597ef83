from odoo import api, fields, models
from odoo.tools import SQL

from ..models.account_dunning_file import FILE_STATES

# Age buckets in days late; the keys sort in the buckets' order (read_group orders a
# selection by its raw value).
AGE_BUCKETS = [
    ("1_30", "1-30 days"),
    ("2_60", "31-60 days"),
    ("3_90", "61-90 days"),
    ("4_180", "91-180 days"),
    ("5_over", "Over 180 days"),
]
# the stage of an invoice no letter listed yet (the ladder's ranks are "01", "02", ...)
NO_LETTER = "00"


class AccountDunningOverdueReport(models.Model):
    """Overdue amounts by stage and age: one row per open overdue customer invoice.

    Read-only and computed at read time (``_table_query``, as Odoo 18's
    ``account.invoice.report``): the days late count to the user's today
    (``fields.Date.context_today``, the date the invoice list's "days overdue" uses), not
    to PostgreSQL's ``CURRENT_DATE``: Odoo's connections run in UTC, a day off around
    midnight in Brussels, and tests freezing Python's clock could not move it. Nothing
    dated is stored, so the figures are never stale.
    """

    _name = "account.dunning.overdue.report"
    _description = "Overdue amounts analysis"
    _auto = False
    _rec_name = "move_id"
    _order = "days_late desc, id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one("res.currency", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    invoice_date = fields.Date(readonly=True)
    invoice_date_due = fields.Date(string="Due date", readonly=True)
    file_id = fields.Many2one("account.dunning.file", string="Dunning file", readonly=True)
    file_state = fields.Selection(FILE_STATES, string="File status", readonly=True)
    level_id = fields.Many2one("account.dunning.level", string="Level", readonly=True)
    stage = fields.Selection(
        selection="_get_stage_selection", readonly=True,
        help="The stage of the customer's open dunning file: the level of its last letter, "
        "or no letter yet.",
    )
    is_b2b = fields.Boolean(string="Enterprise debtor", readonly=True)
    blocked = fields.Boolean(string="Dunning blocked", readonly=True)
    days_late = fields.Integer(readonly=True, aggregator="avg")
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)
    amount_residual = fields.Monetary(
        string="Outstanding", currency_field="company_currency_id", readonly=True,
        help="What remains to be paid, in the company's currency.",
    )
    amount_residual_currency = fields.Monetary(
        string="Outstanding in currency", currency_field="currency_id", readonly=True,
        help="What remains to be paid, in the invoice's currency.",
    )

    _depends = {
        "account.move": [
            "move_type", "state", "payment_state", "commercial_partner_id", "company_id",
            "currency_id", "invoice_user_id", "invoice_date", "invoice_date_due",
            "amount_residual", "amount_residual_signed", "dunning_file_id", "dunning_blocked",
        ],
        "account.dunning.file": ["state", "level_id"],
        "account.dunning.level": ["sequence", "company_id"],
        "res.partner": ["dunning_partner_type", "is_company", "vat"],
    }

    def init(self):
        # the report reads open customer invoices only, a few among all the paid ones: a
        # small partial index serves it (dropped by the uninstall hook: Odoo's table)
        self.env.cr.execute(SQL("""
            CREATE INDEX IF NOT EXISTS account_move_dunning_overdue_idx
                ON account_move (company_id, invoice_date_due)
             WHERE move_type = 'out_invoice' AND state = 'posted'
               AND payment_state IN ('not_paid', 'partial')
        """))

    @api.model
    def _drop_index(self):
        self.env.cr.execute(SQL("DROP INDEX IF EXISTS account_move_dunning_overdue_idx"))

    # ------------------------------------------------------------
    # STAGES
    # ------------------------------------------------------------

    @api.model
    def _get_stage_selection(self):
        """"No letter yet", then the ladder's levels by rank, named after the current
        company's levels (a rank another company's ladder has beyond it is numbered)."""
        Level = self.env["account.dunning.level"].with_context(active_test=False)
        levels = Level.search([("company_id", "=", self.env.company.id)], order="sequence, id")
        names = {f"{rank:02d}": level.name for rank, level in enumerate(levels, start=1)}
        longest = max((count for _company, count in Level.sudo()._read_group(
            [], ["company_id"], ["__count"])), default=0)
        selection = [(NO_LETTER, self.env._("No letter yet"))]
        for rank in range(1, max(longest, len(names)) + 1):
            key = f"{rank:02d}"
            selection.append((key, names.get(key) or self.env._("Level %(rank)s", rank=rank)))
        return selection

    @api.model
    def _stage_rank_sql(self):
        """A FROM item ``ladder`` with each level's ``level_id`` and ``rank`` ("01",
        "02", ...) in its company's ladder (archived levels keep their place)."""
        return SQL("""
            (SELECT level.id AS level_id,
                    LPAD(ROW_NUMBER() OVER (PARTITION BY level.company_id
                                            ORDER BY level.sequence, level.id)::text, 2, '0')
                        AS rank
               FROM account_dunning_level level) AS ladder
        """)

    # ------------------------------------------------------------
    # QUERY
    # ------------------------------------------------------------

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _today(self):
        return fields.Date.context_today(self)

    @api.model
    def _select(self):
        days_late = SQL("(%s::date - move.invoice_date_due)", self._today())
        return SQL(
            """
            SELECT move.id AS id,
                   move.id AS move_id,
                   move.commercial_partner_id AS partner_id,
                   move.company_id,
                   %(display_currency)s AS company_currency_id,
                   move.currency_id,
                   move.invoice_user_id,
                   move.invoice_date,
                   move.invoice_date_due,
                   move.dunning_file_id AS file_id,
                   file.state AS file_state,
                   CASE WHEN file.state != 'closed' THEN file.level_id END AS level_id,
                   COALESCE(CASE WHEN file.state != 'closed' THEN ladder.rank END, %(none)s)
                       AS stage,
                   CASE customer.dunning_partner_type
                        WHEN 'b2b' THEN TRUE
                        WHEN 'b2c' THEN FALSE
                        ELSE COALESCE(customer.is_company, FALSE)
                             OR COALESCE(customer.vat, '') != ''
                   END AS is_b2b,
                   COALESCE(move.dunning_blocked, FALSE) AS blocked,
                   %(days_late)s AS days_late,
                   CASE WHEN %(days_late)s <= 30 THEN '1_30'
                        WHEN %(days_late)s <= 60 THEN '2_60'
                        WHEN %(days_late)s <= 90 THEN '3_90'
                        WHEN %(days_late)s <= 180 THEN '4_180'
                        ELSE '5_over'
                   END AS age_bucket,
                   move.amount_residual_signed * account_currency_table.rate AS amount_residual,
                   move.amount_residual AS amount_residual_currency
            """,
            none=NO_LETTER, days_late=days_late, display_currency=self.env.company.currency_id.id,
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM account_move move
            JOIN %(currency_table)s ON account_currency_table.company_id = move.company_id
            JOIN res_partner customer ON customer.id = move.commercial_partner_id
            LEFT JOIN account_dunning_file file ON file.id = move.dunning_file_id
            LEFT JOIN %(ladder)s ON ladder.level_id = file.level_id
            """,
            ladder=self._stage_rank_sql(),
            currency_table=self._currency_table(),
        )

    @api.model
    def _currency_table(self):
        """Odoo's reports' currency table: amounts in the current company's currency, at
        today's rate for the other companies' currencies (a rate of 1 when all share it).
        Only the selected companies join it."""
        return self.env["res.currency"]._get_simple_currency_table(self.env.companies)

    @api.model
    def _where(self):
        return SQL(
            """
            WHERE move.move_type = 'out_invoice'
              AND move.state = 'posted'
              AND move.payment_state IN ('not_paid', 'partial')
              AND move.invoice_date_due < %s
            """,
            self._today(),
        )
