from odoo import api, fields, models
from odoo.exceptions import ValidationError

# the dunning settings that are amounts, rates or days: none may be negative
DUNNING_NON_NEGATIVE = (
    "dunning_interest_rate", "dunning_penalty_percent", "dunning_penalty_min",
    "dunning_penalty_max", "dunning_min_amount", "dunning_grace_days",
    "dunning_bailiff_estimate", "dunning_lawyer_estimate", "dunning_payment_days",
)

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


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_interest_rate = fields.Float(
        string="Contractual interest rate",
        digits=(16, 2),
        help="Late payment interest agreed in your terms and conditions, percent a year. "
        "Leave 0 to claim the statutory rate (B2B: law of 2 August 2002; consumers: the "
        "legal interest rate). A consumer is never charged more than the B2B statutory rate.",
    )
    dunning_penalty_percent = fields.Float(
        string="Penalty clause",
        digits=(16, 2),
        help="Lump-sum damages agreed in your terms and conditions, percent of the amount due. "
        "0 means your terms have no penalty clause and none is claimed.",
    )
    dunning_penalty_min = fields.Monetary(string="Penalty minimum", currency_field="currency_id")
    dunning_penalty_max = fields.Monetary(string="Penalty maximum", currency_field="currency_id")
    dunning_consumer_damages = fields.Boolean(
        string="Consumer damages clause",
        default=True,
        help="Your terms with consumers provide lump-sum damages within the limits of "
        "Book XIX of the Code of Economic Law (reciprocal clause). Letters to consumers then "
        "claim the Book XIX cap once the 14-day waiting period is over.",
    )
    dunning_flat_fee = fields.Boolean(
        string="Claim the flat recovery fee",
        default=True,
        help="EUR 40 per late-paid invoice between enterprises (law of 2 August 2002, art. 6).",
    )
    dunning_min_amount = fields.Monetary(
        string="Dunning minimum amount",
        currency_field="currency_id",
        help="Invoices whose outstanding balance is below this amount are not dunned.",
    )
    dunning_grace_days = fields.Integer(
        string="Days of grace", help="Days added after the due date before the first level."
    )
    dunning_auto_send = fields.Boolean(
        string="Send dunning e-mails automatically",
        help="When set, the nightly run sends the e-mail letters it creates; otherwise every "
        "letter waits for review.",
    )
    dunning_bailiff_estimate = fields.Monetary(
        string="Bailiff cost estimate", currency_field="currency_id"
    )
    dunning_lawyer_estimate = fields.Monetary(
        string="Lawyer cost estimate", currency_field="currency_id"
    )
    dunning_payment_days = fields.Integer(
        string="Dunning payment term (days)",
        default=14,
        help="Days the customer gets to pay from the date of a dunning letter (from the "
        "deposit date for a registered letter). Consumers always get at least 14 days "
        "(Book XIX of the Code of Economic Law).",
    )
    dunning_transfer_days = fields.Integer(
        string="Days for a transfer to arrive",
        default=3,
        help="Working days after a letter's payment deadline during which a transfer made on "
        "the deadline may still arrive: no next dunning step comes before they have passed.",
    )
    dunning_attach_invoices = fields.Boolean(
        string="Attach the open invoices to dunning e-mails",
        help="Dunning e-mails carry the PDF of every invoice the letter lists, besides the "
        "letter itself.",
    )
    dunning_register = fields.Char(
        string="Register of legal entities",
        translate=True,
        help="The register of legal entities (RPM / RPR) and the seat of the enterprise "
        "court it belongs to, printed with the enterprise number on the letters: "
        "\"RPM Bruxelles\" in French, \"RPR Brussel\" in Dutch.",
    )
    dunning_signatory_name = fields.Char(
        string="Signatory",
        help="Who signs the formal notices and last notices (name printed under the "
        "closing).",
    )
    dunning_signatory_function = fields.Char(
        string="Signatory's function", translate=True,
        help="Printed under the signatory's name, e.g. Managing director.",
    )
    dunning_deposit_lang = fields.Selection(
        [("fr", "French"), ("nl", "Dutch")],
        string="Deposit list language",
        help="The language of the deposit list of registered letters handed to the post "
        "office; empty: the company's language.",
    )

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

    @api.constrains(*DUNNING_NON_NEGATIVE)
    def _check_dunning_settings(self):
        """Settings every dunning figure is computed from: a bad one would stop them all."""
        for company in self:
            for fname in DUNNING_NON_NEGATIVE:
                if company[fname] < 0:
                    raise ValidationError(self.env._(
                        "%(setting)s cannot be negative (%(value)s) in the dunning settings of "
                        "%(company)s.",
                        setting=self._fields[fname]._description_string(self.env),
                        value=company[fname], company=company.name))
            if company.dunning_penalty_max and \
                    company.dunning_penalty_min > company.dunning_penalty_max:
                raise ValidationError(self.env._(
                    "%(minimum)s (%(min_value)s) cannot be above %(maximum)s (%(max_value)s) in "
                    "the dunning settings of %(company)s. Leave the maximum at 0 for no "
                    "maximum.",
                    minimum=self._fields["dunning_penalty_min"]._description_string(self.env),
                    min_value=company.dunning_penalty_min,
                    maximum=self._fields["dunning_penalty_max"]._description_string(self.env),
                    max_value=company.dunning_penalty_max, company=company.name))

    @api.model
    def _dunning_default_companies(self):
        """Companies that should have the Belgian default levels: the Belgian chart."""
        return self.search([("chart_template", "=like", "be%")])

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
