from datetime import timedelta

import psycopg2.errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import format_date

# Days the debtor gets to pay a claim invoice.
CLAIM_PAYMENT_DAYS = 15

CLAIM_KINDS = [
    ("interest", "Late payment interest"),
    ("flat_fee", "Flat recovery fee"),
    ("penalty", "Penalty clause or consumer damages"),
]


class AccountDunningClaim(models.Model):
    """One amount claimed on a posted claim invoice for one source invoice.

    The record of what was claimed, so that a later claim never claims it again:
    interest for a period (``date_from`` .. ``date_to``), the flat fee and the penalty
    once per invoice. A cancelled claim invoice frees what it claimed.
    """

    _name = "account.dunning.claim"
    _description = "Claimed interest and fees"
    _order = "move_id, date_to, id"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    claim_move_id = fields.Many2one(
        "account.move", string="Claim", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    claim_line_id = fields.Many2one("account.move.line", ondelete="set null")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id", store=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True)
    kind = fields.Selection(CLAIM_KINDS, required=True)
    date_from = fields.Date()
    date_to = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    state = fields.Selection(related="claim_move_id.state", store=True, string="Claim status")

    # what is claimed is claimed once, whatever the snapshot two users posted from: the
    # interest of a day, the flat fee and the penalty of an invoice (a cancelled claim frees)
    _sql_constraints = [
        ("interest_claimed_once",
         "EXCLUDE USING gist (int4range(move_id, move_id, '[]') WITH &&, "
         "daterange(date_from, date_to, '[]') WITH &&) "
         "WHERE (kind = 'interest' AND state != 'cancel')",
         "This interest period of the invoice is already charged by another claim."),
        ("fee_claimed_once",
         "EXCLUDE USING btree (move_id WITH =, kind WITH =) "
         "WHERE (kind IN ('flat_fee', 'penalty') AND state != 'cancel')",
         "This fee of the invoice is already charged by another claim."),
    ]

    @api.model
    def _get_active_domain(self, moves):
        return [("move_id", "in", moves.ids), ("state", "!=", "cancel")]

    # ------------------------------------------------------------
    # BUSINESS METHODS: the claim invoice
    # ------------------------------------------------------------

    @api.model
    def _create_claim_move(self, invoices, vals_list, on_date):
        """Post one claim invoice dated ``on_date`` for ``invoices`` (one customer, company
        and currency), charging ``vals_list``, and record each amount it charges so that
        it is never claimed again; return the claim invoice.

        ``vals_list``: what is claimed for ``invoices``, in the order of the claim
        invoice's lines, as values of this model without the claim invoice:
        ``{"move_id", "kind", "date_from" (interest only), "date_to", "amount"}``.
        Someone else's claim posted meanwhile is a UserError, and nothing is posted."""
        company = invoices.company_id
        partner = invoices.commercial_partner_id
        move_vals = self.with_context(lang=partner.lang)._prepare_claim_move_vals(
            invoices, vals_list, on_date)
        claim = self.env["account.move"].with_company(company).create(move_vals)
        # its own structured communication (l10n_be, from the claim's id), even when the
        # journal gives one per customer: a payment must say which document it settles
        claim.payment_reference = claim._get_invoice_reference_be_invoice()
        claim.action_post()
        aml_by_sequence = claim.invoice_line_ids.sorted("sequence")
        try:
            with self.env.cr.savepoint():
                self.create([
                    dict(vals, claim_move_id=claim.id, claim_line_id=aml.id)
                    for vals, aml in zip(vals_list, aml_by_sequence, strict=True)
                ])
        except (psycopg2.errors.ExclusionViolation, psycopg2.errors.UniqueViolation):
            # the database's guard (the constraints above): another claim was posted since
            # this one was computed
            raise UserError(self.env._(
                "Interest or fees of %(invoices)s were claimed by another user meanwhile: open "
                "the wizard again to see what is left to claim.",
                invoices=", ".join(invoices.mapped("name")))) from None
        invoices._message_log_batch(bodies={
            move.id: self.env._("Interest and fees claimed on %(claim)s.",
                                claim=claim._get_html_link())
            for move in invoices
        })
        return claim

    @api.model
    def _prepare_claim_move_vals(self, invoices, vals_list, on_date):
        """The values of the claim invoice ``_create_claim_move`` posts, its lines in the
        language of the context (the customer's)."""
        company = invoices.company_id
        moves = {move.id: move for move in invoices}
        _ = self.env._
        line_cmds = []
        for sequence, vals in enumerate(vals_list, start=10):
            move = moves[vals["move_id"]]
            kind = vals["kind"]
            if kind == "interest":
                label = _("Late payment interest on %(invoice)s from %(date_from)s to "
                          "%(date_to)s", invoice=move.name,
                          date_from=format_date(self.env, vals["date_from"]),
                          date_to=format_date(self.env, vals["date_to"]))
            elif kind == "flat_fee":
                label = _("Flat recovery fee (law of 2 August 2002, art. 6) for "
                          "%(invoice)s due %(date)s", invoice=move.name,
                          date=format_date(self.env, move.invoice_date_due))
            elif move.commercial_partner_id.dunning_is_b2b:
                label = _("Penalty clause of our terms for %(invoice)s due %(date)s",
                          invoice=move.name, date=format_date(self.env, move.invoice_date_due))
            else:
                label = _("Lump-sum damages (Code of Economic Law, Book XIX) for "
                          "%(invoice)s due %(date)s", invoice=move.name,
                          date=format_date(self.env, move.invoice_date_due))
            product = company._get_dunning_claim_product(kind)
            line_cmds.append(Command.create({
                "sequence": sequence,
                "product_id": product.id if product else False,
                "name": label,
                "quantity": 1,
                "price_unit": vals["amount"],
                "account_id": company._get_dunning_claim_account(kind).id,
                "tax_ids": [Command.clear()],
            }))
        journal = company._get_dunning_claim_journal()
        if not journal:
            raise UserError(_("The company %(company)s has no sales journal for the claim.",
                              company=company.name))
        return {
            "move_type": "out_invoice",
            "partner_id": invoices.commercial_partner_id.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "currency_id": invoices.currency_id.id,
            "invoice_date": on_date,
            "invoice_date_due": on_date + timedelta(days=CLAIM_PAYMENT_DAYS),
            "invoice_origin": ", ".join(invoices.mapped("name")),
            "narration": _("Interest and fees due on late payment of %(invoices)s, computed on "
                           "%(date)s. Out of the scope of VAT (damages).",
                           invoices=", ".join(invoices.mapped("name")),
                           date=format_date(self.env, on_date)),
            "invoice_line_ids": line_cmds,
        }
