from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import law

# The Belgian ladder shipped with the addon (BELGIAN_RULES.md section 8). Keys identify the
# defaults so that their names can be translated when a language is added later.
DEFAULT_LEVELS = [
    {
        "default_key": "friendly",
        "sequence": 10,
        "delay": 7,
        "action_email": True,
    },
    {
        "default_key": "second",
        "sequence": 20,
        "delay": 14,
        "action_email": True,
        "action_letter": True,
        "recall_terms": True,
    },
    {
        "default_key": "formal_notice",
        "sequence": 30,
        "delay": 14,
        "action_registered": True,
        "claim_interest": True,
        "claim_flat_fee": True,
        "claim_penalty": True,
        "is_formal_notice": True,
        "recall_terms": True,
    },
    {
        "default_key": "last_notice",
        "sequence": 40,
        "delay": 14,
        "action_registered": True,
        "claim_interest": True,
        "claim_flat_fee": True,
        "claim_penalty": True,
        "is_formal_notice": True,
        "is_final": True,
        "recall_terms": True,
    },
]


class AccountDunningLevel(models.Model):
    _name = "account.dunning.level"
    _description = "Dunning level"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    default_key = fields.Char(readonly=True, copy=False, help="Which shipped default this is.")
    delay = fields.Integer(
        required=True,
        help="Days after the due date for the first level, days after the previous level "
        "for the others.",
    )
    action_email = fields.Boolean(string="E-mail")
    action_letter = fields.Boolean(string="Letter")
    action_registered = fields.Boolean(string="Registered letter")
    action_call = fields.Boolean(string="Phone call")
    call_user_id = fields.Many2one(
        "res.users", string="Call assigned to", check_company=True,
        help="Who gets the phone-call activity; the invoice's salesperson when empty.",
    )
    claim_interest = fields.Boolean(string="Claims interest")
    claim_flat_fee = fields.Boolean(string="Claims the flat fee")
    claim_penalty = fields.Boolean(string="Claims the penalty or consumer damages")
    recall_terms = fields.Boolean(string="Recalls terms and interest")
    is_formal_notice = fields.Boolean(string="Formal notice")
    is_final = fields.Boolean(string="Final (hand-over)")
    min_amount = fields.Monetary(
        string="Minimum overdue amount",
        currency_field="currency_id",
        help="No letter at this level when the customer owes less on the invoices it covers.",
    )
    mail_template_id = fields.Many2one(
        "mail.template", domain=[("model", "=", "account.dunning.letter")],
        help="The e-mail that carries the letter; empty: the shipped dunning letter "
        "template, whose texts follow the level.",
    )
    letter_ids = fields.One2many("account.dunning.letter", "level_id", string="Letters")

    _sql_constraints = [
        ("delay_positive", "CHECK(delay >= 0)",
         "The delay of a dunning level cannot be negative."),
    ]

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("action_call", "action_email", "action_letter", "action_registered")
    def _check_actions(self):
        for level in self:
            if not (level.action_email or level.action_letter or level.action_registered
                    or level.action_call):
                raise ValidationError(self.env._(
                    "The dunning level %(name)s must do something: e-mail, letter, registered "
                    "letter or phone call.", name=level.name,
                ))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.filtered("letter_ids")
        if used:
            raise UserError(self.env._(
                "The dunning level %(name)s is used by %(count)s letters and cannot be deleted. "
                "Archive it instead.", name=used[0].name, count=len(used[0].letter_ids),
            ))

    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        self.env["account.move"]._dunning_recompute_next_date(levels.company_id)
        return levels

    def write(self, vals):
        res = super().write(vals)
        if {"delay", "sequence", "active"} & set(vals):
            # new delays apply to the steps still to come, never to the steps taken
            self.env["account.move"]._dunning_recompute_next_date(self.company_id)
        return res

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    def _get_ladders(self, companies):
        """{company id: the company's active levels in order}, one query for all."""
        ladders = {company.id: [] for company in companies}
        for level in self.search([("company_id", "in", companies.ids)]):
            ladders[level.company_id.id].append(level)
        return ladders

    @api.model
    def _next_level(self, ladder, current):
        """The level after ``current`` (an empty recordset: the first) in ``ladder``
        (``_get_ladders``), or None after the last. An archived ``current`` hands over
        to the next active level after it."""
        if not current:
            return ladder[0] if ladder else None
        position = (current.sequence, current.id)
        return next((level for level in ladder if (level.sequence, level.id) > position), None)

    def _goes_by_post(self, contact):
        """Whether a letter of this level to ``contact`` goes on paper."""
        self.ensure_one()
        return bool(self.action_registered or self.action_letter
                    or (self.action_email and not contact.email))

    def _get_asks(self):
        """What a letter of this level claims (``law.Asks``)."""
        self.ensure_one()
        return law.Asks(interest=self.claim_interest, flat_fee=self.claim_flat_fee,
                        penalty=self.claim_penalty)

    def _default_level_names(self):
        """Translatable names of the shipped levels, in the language of ``self.env``."""
        _ = self.env._
        return {
            "friendly": _("Friendly reminder"),
            "second": _("Second reminder"),
            "formal_notice": _("Formal notice"),
            "last_notice": _("Last notice before legal action"),
        }

    @api.model
    def _create_default_levels(self, companies):
        """Create the Belgian ladder for each company that has no level yet."""
        names = self._default_level_names()
        have = set(self.with_context(active_test=False).search(
            [("company_id", "in", companies.ids)]).company_id.ids)
        template = self.env.ref("account_dunning_be.mail_template_dunning_letter",
                                raise_if_not_found=False) or self.env["mail.template"]
        vals_list = [
            dict(values, name=names[values["default_key"]], company_id=company.id,
                 mail_template_id=template.id)
            for company in companies if company.id not in have
            for values in DEFAULT_LEVELS
        ]
        levels = self.create(vals_list)
        levels._translate_default_names()
        return levels

    def _translate_default_names(self, langs=None):
        """Give the shipped levels their names in every active language."""
        langs = langs or [code for code, _name in self.env["res.lang"].get_installed()]
        translations = {
            lang: self.with_context(lang=lang)._default_level_names() for lang in langs
        }
        for level in self.filtered("default_key"):
            level.update_field_translations("name", {
                lang: names[level.default_key] for lang, names in translations.items()
            })
