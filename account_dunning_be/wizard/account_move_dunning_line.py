from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import format_amount, format_date


class AccountMoveDunningLine(models.TransientModel):
    _name = "account.move.dunning.line"
    _description = "Dunning wizard: one invoice"
    _order = "partner_id, date_due, id"

    wizard_id = fields.Many2one("account.move.dunning", required=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Customer",
                                 store=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    date_due = fields.Date(related="move_id.invoice_date_due", string="Due date")
    amount_total = fields.Monetary(related="move_id.amount_total", string="Amount")
    is_b2b = fields.Boolean(string="Enterprise", readonly=True)
    days_late = fields.Integer(string="Days late", readonly=True)
    amount_residual = fields.Monetary(string="Outstanding", readonly=True)
    balance_history = fields.Text(readonly=True)
    interest = fields.Monetary(help="Interest to the computation date, less what earlier "
                               "claims charged. You may lower it before acting.")
    interest_computed = fields.Monetary(string="Lawful interest to date", readonly=True)
    interest_periods_text = fields.Text(string="Interest periods", readonly=True)
    interest_periods = fields.Text(readonly=True, help="The interest periods as JSON.")
    interest_date_from = fields.Date(string="Interest from", readonly=True)
    interest_date_to = fields.Date(
        string="Interest to", readonly=True,
        help="The computation date, or the last day the rate table covers when a "
        "semester's rate is missing: the interest stops there.")
    interest_error = fields.Char(readonly=True)
    interest_missing_semester = fields.Char(readonly=True)
    claimed_up_to = fields.Date(
        string="Claimed up to", readonly=True,
        help="The last day of interest a posted claim invoice already charged.")
    flat_fee = fields.Monetary()
    penalty = fields.Monetary(string="Penalty or damages")
    # what law/ allows on the date, less what earlier claims charged: the most a line claims
    interest_max = fields.Monetary(readonly=True)
    flat_fee_max = fields.Monetary(readonly=True)
    penalty_max = fields.Monetary(readonly=True)
    penalty_label = fields.Char(compute="_compute_penalty_label")
    damages_announced = fields.Monetary(string="Damages announced", readonly=True)
    total_claim = fields.Monetary(string="Interest and fees", compute="_compute_total")
    total = fields.Monetary(compute="_compute_total")
    note = fields.Text(readonly=True)

    @api.depends("amount_residual", "interest", "flat_fee", "penalty")
    def _compute_total(self):
        for line in self:
            line.total_claim = line.interest + line.flat_fee + line.penalty
            line.total = line.amount_residual + line.total_claim

    @api.depends("is_b2b")
    def _compute_penalty_label(self):
        for line in self:
            line.penalty_label = (
                self.env._("Penalty clause") if line.is_b2b
                else self.env._("Consumer damages (Book XIX)"))

    def _check_not_claimed(self):
        """Claims never overlap: the interest of a day is claimed once."""
        claimed = self.move_id._dunning_claimed()
        for line in self:
            done = claimed[line.move_id.id]
            if line.interest and done["interest_to"] and \
                    done["interest_to"] >= (line.interest_date_to or line.wizard_id.date):
                raise UserError(self.env._(
                    "The interest of %(invoice)s is already claimed up to %(date)s: choose a "
                    "later computation date.",
                    invoice=line.move_id.name, date=format_date(self.env, done["interest_to"])))
            if line.flat_fee and done["flat_fee"]:
                raise UserError(self.env._(
                    "The flat fee of %(invoice)s is already claimed.", invoice=line.move_id.name))
            if line.penalty and done["penalty"]:
                raise UserError(self.env._(
                    "The penalty of %(invoice)s is already claimed.", invoice=line.move_id.name))
            if min(line.interest, line.flat_fee, line.penalty) < 0:
                raise UserError(self.env._(
                    "The amounts claimed for %(invoice)s cannot be negative.",
                    invoice=line.move_id.name))
            currency = line.currency_id
            for amount, lawful, label in (
                (line.interest, line.interest_max, self.env._("interest")),
                (line.flat_fee, line.flat_fee_max, self.env._("flat fee")),
                (line.penalty, line.penalty_max, self.env._("penalty or damages")),
            ):
                if currency.compare_amounts(amount, lawful) > 0:
                    raise UserError(self.env._(
                        "The %(what)s claimed for %(invoice)s (%(amount)s) exceeds what the law "
                        "allows on %(date)s: %(lawful)s. You may lower an amount, never raise it.",
                        what=label, invoice=line.move_id.name,
                        amount=format_amount(self.env, amount, currency),
                        lawful=format_amount(self.env, lawful, currency),
                        date=format_date(self.env, line.wizard_id.date)))

    def _prepare_claim_vals_list(self):
        """What the lines of ``self`` claim, in the order of the claim invoice's lines:
        ``account.dunning.claim`` values without the claim invoice (see
        ``account.dunning.claim._create_claim_move``)."""
        on_date = self.wizard_id.date
        vals_list = []
        for line in self:
            for kind, amount in (("interest", line.interest), ("flat_fee", line.flat_fee),
                                 ("penalty", line.penalty)):
                if not amount:
                    continue
                vals_list.append({
                    "move_id": line.move_id.id,
                    "kind": kind,
                    "date_from": line.interest_date_from if kind == "interest" else False,
                    # a missing semester stops the interest on the last day the rates cover:
                    # the claim says so, and the rest stays to be claimed
                    "date_to": (line.interest_date_to or on_date) if kind == "interest"
                    else on_date,
                    "amount": amount,
                })
        return vals_list
