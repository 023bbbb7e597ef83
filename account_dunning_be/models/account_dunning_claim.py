import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .res_partner import ACCOUNTING_GROUPS

# Default accounts of the Belgian chart (l10n_be template ids), resolved at use time:
# late payment interest is a financial income on current assets (751), the flat fee and
# the penalty clause a miscellaneous operating income (743).
DEFAULT_CLAIM_ACCOUNTS = {
    "interest": "a751",
    "flat_fee": "a743",
    "penalty": "a743",
}
CLAIM_PRODUCTS = {
    "interest": "account_dunning_be.product_dunning_interest",
    "flat_fee": "account_dunning_be.product_dunning_flat_fee",
    "penalty": "account_dunning_be.product_dunning_penalty",
}
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


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_claim_ids = fields.One2many(
        "account.dunning.claim", "move_id", string="Claimed interest and fees",
        help="What claim invoices charged for this invoice.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_source_ids = fields.One2many(
        "account.dunning.claim", "claim_move_id", string="Claimed for",
        help="The invoices and periods this claim invoice charges interest and fees for.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_move_ids = fields.Many2many(
        "account.move", string="Claim invoices", compute="_compute_dunning_claim_links",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_claim_source_move_ids = fields.Many2many(
        "account.move", string="Source invoices", compute="_compute_dunning_claim_links",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_is_claim = fields.Boolean(
        string="Interest and fees claim", compute="_compute_dunning_is_claim", store=True,
        groups=ACCOUNTING_GROUPS,
        help="An invoice of interest and fees: dunning letters list it as an open item and "
        "never charge interest, a flat fee or a penalty on it.",
    )

    @api.depends("dunning_claim_ids.claim_move_id", "dunning_claim_source_ids.move_id")
    def _compute_dunning_claim_links(self):
        for move in self:
            move.dunning_claim_move_ids = move.dunning_claim_ids.claim_move_id
            move.dunning_claim_source_move_ids = move.dunning_claim_source_ids.move_id

    @api.depends("dunning_claim_source_ids")
    def _compute_dunning_is_claim(self):
        for move in self:
            move.dunning_is_claim = bool(move.dunning_claim_source_ids)

    def _dunning_claimed(self):
        """{invoice id: {"interest_to": last day of interest claimed or None,
        "interest": interest claimed, "flat_fee": bool, "penalty": bool}} from the claim
        invoices that are not cancelled."""
        result = {
            move.id: {"interest_to": None, "interest": 0.0, "flat_fee": False, "penalty": False}
            for move in self
        }
        claims = self.env["account.dunning.claim"].sudo().search(
            self.env["account.dunning.claim"]._get_active_domain(self))
        for claim in claims:
            done = result[claim.move_id.id]
            if claim.kind == "interest":
                done["interest"] += claim.amount
                if not done["interest_to"] or claim.date_to > done["interest_to"]:
                    done["interest_to"] = claim.date_to
            else:
                done[claim.kind] = True
        return result

    def _dunning_lock_for_claim(self):
        """Lock the invoices about to be claimed for, or tell the user someone else is on
        them: two claims posted at the same moment never both read "nothing claimed yet"."""
        if not self:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM account_move WHERE id IN %s FOR NO KEY UPDATE NOWAIT",
                    tuple(self.ids),
                ), log_exceptions=False)
        except psycopg2.errors.LockNotAvailable:
            raise UserError(self.env._(
                "Another user is claiming or changing %(invoices)s right now. Try again in a "
                "moment: the wizard then shows what is left to claim.",
                invoices=", ".join(self.mapped("name")))) from None

    def action_open_dunning_claims(self):
        self.ensure_one()
        moves = self.dunning_claim_move_ids | self.dunning_claim_source_move_ids
        return moves._get_records_action(name=self.env._("Claims"))


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_interest_account_id = fields.Many2one(
        "account.account", string="Interest income account", check_company=True,
        help="Account of the late payment interest claimed; default: 751 of the Belgian chart.",
    )
    dunning_fee_account_id = fields.Many2one(
        "account.account", string="Flat fee income account", check_company=True,
        help="Account of the EUR 40 flat fees claimed; default: 743 of the Belgian chart.",
    )
    dunning_penalty_account_id = fields.Many2one(
        "account.account", string="Penalty income account", check_company=True,
        help="Account of the penalty clause or consumer damages claimed; default: 743 of the "
        "Belgian chart.",
    )
    dunning_claim_journal_id = fields.Many2one(
        "account.journal", string="Claim journal", check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of the interest and fees claims; default: the first sales journal.",
    )

    dunning_interest_product_id = fields.Many2one(
        "product.product", string="Interest product", domain="[('sale_ok', '=', True)]",
        help="Product of the interest lines of a claim; default: Late payment interest.",
    )
    dunning_fee_product_id = fields.Many2one(
        "product.product", string="Flat fee product", domain="[('sale_ok', '=', True)]",
        help="Product of the flat fee lines of a claim; default: Flat recovery fee.",
    )
    dunning_penalty_product_id = fields.Many2one(
        "product.product", string="Penalty product", domain="[('sale_ok', '=', True)]",
        help="Product of the penalty or damages lines of a claim; default: Penalty clause or "
        "consumer damages.",
    )

    def _get_dunning_claim_product(self, kind):
        """The product of a claim ``kind``: the company's setting, else the one shipped."""
        self.ensure_one()
        field = {
            "interest": "dunning_interest_product_id",
            "flat_fee": "dunning_fee_product_id",
            "penalty": "dunning_penalty_product_id",
        }[kind]
        return self[field] or self.env.ref(CLAIM_PRODUCTS[kind], raise_if_not_found=False) \
            or self.env["product.product"]

    def _get_dunning_claim_account(self, kind):
        """The income account of a claim ``kind``: the company's setting, else the Belgian
        chart's default, else the sales journal's default account."""
        self.ensure_one()
        field = {
            "interest": "dunning_interest_account_id",
            "flat_fee": "dunning_fee_account_id",
            "penalty": "dunning_penalty_account_id",
        }[kind]
        if self[field]:
            return self[field]
        account = self.env["account.chart.template"].with_company(self).ref(
            DEFAULT_CLAIM_ACCOUNTS[kind], raise_if_not_found=False)
        return account or self._get_dunning_claim_journal().default_account_id

    def _get_dunning_claim_journal(self):
        self.ensure_one()
        return self.dunning_claim_journal_id or self.env["account.journal"].search([
            *self.env["account.journal"]._check_company_domain(self),
            ("type", "=", "sale"),
        ], limit=1)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_interest_account_id = fields.Many2one(
        related="company_id.dunning_interest_account_id", readonly=False)
    dunning_fee_account_id = fields.Many2one(
        related="company_id.dunning_fee_account_id", readonly=False)
    dunning_penalty_account_id = fields.Many2one(
        related="company_id.dunning_penalty_account_id", readonly=False)
    dunning_claim_journal_id = fields.Many2one(
        related="company_id.dunning_claim_journal_id", readonly=False)
    dunning_interest_product_id = fields.Many2one(
        related="company_id.dunning_interest_product_id", readonly=False)
    dunning_fee_product_id = fields.Many2one(
        related="company_id.dunning_fee_product_id", readonly=False)
    dunning_penalty_product_id = fields.Many2one(
        related="company_id.dunning_penalty_product_id", readonly=False)
