from odoo import api, fields, models

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
