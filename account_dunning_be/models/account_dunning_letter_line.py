from odoo import api, fields, models
from odoo.tools import SQL


class AccountDunningLetterLine(models.Model):
    _name = "account.dunning.letter.line"
    _description = "Invoice in a dunning letter"
    _order = "letter_id, date_due, id"

    letter_id = fields.Many2one(
        "account.dunning.letter", required=True, ondelete="cascade", index=True
    )
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True,
                              ondelete="restrict")
    # stored copies of the letter's level and state: the unique index below needs them
    level_id = fields.Many2one(related="letter_id.level_id", store=True, index=True)
    state = fields.Selection(related="letter_id.state", store=True)
    date = fields.Date(related="letter_id.date", store=True)
    company_id = fields.Many2one(related="letter_id.company_id", store=True)
    file_id = fields.Many2one(related="letter_id.file_id", store=True, index=True)
    is_history = fields.Boolean(related="letter_id.is_history", store=True)
    currency_id = fields.Many2one(related="letter_id.currency_id")
    claim_status = fields.Selection(
        [("not_due", "Not due"), ("claim_invoice", "Interest and fees invoice"),
         ("reminder", "Reminder"), ("announced", "Costs announced"),
         ("waiting", "No costs claimed yet"), ("claimed", "Costs claimed")],
        string="Claim", readonly=True,
        help="Why the line claims what it claims (law.invoice_claim): a consumer's invoice "
        "is charged nothing before a reminder announced the amounts and its 14-day waiting "
        "period ran out.",
    )
    previous_level_id = fields.Many2one("account.dunning.level", readonly=True)
    previous_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due date")
    amount_total = fields.Monetary(string="Amount")
    amount_residual = fields.Monetary(string="Outstanding")
    days_late = fields.Integer()
    interest = fields.Monetary(help="Interest claimed by this letter, less what claim "
                               "invoices already charged.")
    interest_invoiced = fields.Monetary(
        help="Interest already charged on a claim invoice, deducted from the letter.")
    interest_date_from = fields.Date(string="Interest from")
    interest_periods = fields.Json(help="The periods, rates and amounts of the interest.")
    flat_fee = fields.Monetary()
    penalty = fields.Monetary(string="Penalty or damages")
    damages_announced = fields.Monetary(
        help="Consumer damages that will be claimed if the invoice is not paid in time."
    )
    waiting_end = fields.Date(
        string="Waiting period until",
        help="Last day of the consumer's 14-day waiting period for this invoice.",
    )
    total = fields.Monetary(compute="_compute_total", store=True)

    def init(self):
        # nothing is ever sent twice: an invoice reaches a level once in a file (the
        # letters of its earlier history aside, as for the letters' own index)
        for old in ("account_dunning_letter_line_move_level_uniq",
                    "account_dunning_letter_line_file_level_uniq"):
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(old)))
        self.env.cr.execute(SQL("""
            CREATE UNIQUE INDEX IF NOT EXISTS account_dunning_letter_line_file_step_uniq
                ON account_dunning_letter_line (file_id, move_id, level_id)
             WHERE state != 'cancelled' AND is_history IS NOT TRUE
        """))

    @api.depends("amount_residual", "interest", "flat_fee", "penalty")
    def _compute_total(self):
        for line in self:
            line.total = line.amount_residual + line.interest + line.flat_fee + line.penalty

    def _restore_previous_level(self):
        """The invoices of cancelled lines go back to the level they had before."""
        for line in self:
            move = line.move_id
            if move.dunning_level_id == line.level_id:
                move._dunning_set_step(line.previous_level_id, line.previous_date)
