from datetime import timedelta

import psycopg2.errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import format_amount, format_date
from .account_move_dunning import CLAIM_PAYMENT_DAYS


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

    def _create_claim_move(self):
        """One posted claim invoice for the lines of ``self`` (one customer)."""
        wizard = self.wizard_id
        company = wizard.company_id
        partner = self.partner_id
        move_vals, sources = self.with_context(lang=partner.lang)._prepare_claim_move_vals()
        claim = self.env["account.move"].with_company(company).create(move_vals)
        # its own structured communication (l10n_be, from the claim's id), even when the
        # journal gives one per customer: a payment must say which document it settles
        claim.payment_reference = claim._get_invoice_reference_be_invoice()
        claim.action_post()
        aml_by_sequence = claim.invoice_line_ids.sorted("sequence")
        try:
            with self.env.cr.savepoint():
                self.env["account.dunning.claim"].create([
                    dict(source, claim_move_id=claim.id, claim_line_id=aml.id)
                    for source, aml in zip(sources, aml_by_sequence, strict=True)
                ])
        except (psycopg2.errors.ExclusionViolation, psycopg2.errors.UniqueViolation):
            # the database's guard (account.dunning.claim's constraints): another claim was
            # posted since this one was computed
            raise UserError(self.env._(
                "Interest or fees of %(invoices)s were claimed by another user meanwhile: open "
                "the wizard again to see what is left to claim.",
                invoices=", ".join(self.move_id.mapped("name")))) from None
        self.move_id._message_log_batch(bodies={
            move.id: self.env._("Interest and fees claimed on %(claim)s.",
                                claim=claim._get_html_link())
            for move in self.move_id
        })
        return claim

    def _prepare_claim_move_vals(self):
        wizard = self.wizard_id
        company = wizard.company_id
        on_date = wizard.date
        _ = self.env._
        line_cmds = []
        sources = []
        sequence = 10
        for line in self:
            move = line.move_id
            for kind, amount in (("interest", line.interest), ("flat_fee", line.flat_fee),
                                 ("penalty", line.penalty)):
                if not amount:
                    continue
                date_from = line.interest_date_from if kind == "interest" else False
                # a missing semester stops the interest on the last day the rates cover:
                # the claim says so, and the rest stays to be claimed
                date_to = (line.interest_date_to or on_date) if kind == "interest" else on_date
                if kind == "interest":
                    label = _("Late payment interest on %(invoice)s from %(date_from)s to "
                              "%(date_to)s", invoice=move.name,
                              date_from=format_date(self.env, date_from),
                              date_to=format_date(self.env, date_to))
                elif kind == "flat_fee":
                    label = _("Flat recovery fee (law of 2 August 2002, art. 6) for "
                              "%(invoice)s due %(date)s", invoice=move.name,
                              date=format_date(self.env, line.date_due))
                elif line.is_b2b:
                    label = _("Penalty clause of our terms for %(invoice)s due %(date)s",
                              invoice=move.name, date=format_date(self.env, line.date_due))
                else:
                    label = _("Lump-sum damages (Code of Economic Law, Book XIX) for "
                              "%(invoice)s due %(date)s", invoice=move.name,
                              date=format_date(self.env, line.date_due))
                product = company._get_dunning_claim_product(kind)
                line_cmds.append(Command.create({
                    "sequence": sequence,
                    "product_id": product.id if product else False,
                    "name": label,
                    "quantity": 1,
                    "price_unit": amount,
                    "account_id": company._get_dunning_claim_account(kind).id,
                    "tax_ids": [Command.clear()],
                }))
                sources.append({
                    "move_id": move.id,
                    "kind": kind,
                    "date_from": date_from,
                    "date_to": date_to,
                    "amount": amount,
                })
                sequence += 1
        journal = company._get_dunning_claim_journal()
        if not journal:
            raise UserError(_("The company %(company)s has no sales journal for the claim.",
                              company=company.name))
        move_vals = {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "currency_id": wizard.currency_id.id,
            "invoice_date": on_date,
            "invoice_date_due": on_date + timedelta(days=CLAIM_PAYMENT_DAYS),
            "invoice_origin": ", ".join(self.move_id.mapped("name")),
            "narration": _("Interest and fees due on late payment of %(invoices)s, computed on "
                           "%(date)s. Out of the scope of VAT (damages).",
                           invoices=", ".join(self.move_id.mapped("name")),
                           date=format_date(self.env, on_date)),
            "invoice_line_ids": line_cmds,
        }
        return move_vals, sources
