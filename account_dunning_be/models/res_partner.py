from odoo import api, fields, models
from odoo.exceptions import UserError

# who may read the dunning fields of invoices and customers: internal accounting users, never
# a portal user reading their own invoice
ACCOUNTING_GROUPS = "account.group_account_invoice,account.group_account_readonly"


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_partner_type = fields.Selection(
        [("auto", "Automatic"), ("b2b", "Enterprise (B2B)"), ("b2c", "Consumer (B2C)")],
        string="Dunning regime",
        default="auto",
        help="Automatic: a company, or a contact with a VAT or enterprise number, is an "
        "enterprise (law of 2 August 2002); anyone else is a consumer (Book XIX).",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_is_b2b = fields.Boolean(
        string="Enterprise debtor", compute="_compute_dunning_is_b2b",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_excluded = fields.Boolean(
        string="Excluded from dunning", help="No reminder is ever created for this customer.",
        groups=ACCOUNTING_GROUPS,
    )
    dunning_letter_ids = fields.One2many(
        "account.dunning.letter", "partner_id", groups=ACCOUNTING_GROUPS)
    dunning_file_ids = fields.One2many(
        "account.dunning.file", "partner_id", string="Dunning files", groups=ACCOUNTING_GROUPS)
    dunning_file_id = fields.Many2one(
        "account.dunning.file", string="Open dunning file", compute="_compute_dunning_file_id",
        groups=ACCOUNTING_GROUPS,
        help="The customer's open dunning file (its newest one when several currencies).",
    )
    dunning_stage_id = fields.Many2one(
        "account.dunning.level", string="Dunning stage", compute="_compute_dunning_file_id",
        groups=ACCOUNTING_GROUPS)
    dunning_letter_count = fields.Integer(
        compute="_compute_dunning_letter_count", groups=ACCOUNTING_GROUPS)
    dunning_contact_id = fields.Many2one(
        "res.partner",
        string="Dunning contact",
        compute="_compute_dunning_contact_id",
        store=True,
        readonly=False,
        help="Who receives the reminders: by default the invoice address when there is one.",
        groups=ACCOUNTING_GROUPS,
    )

    @api.depends("dunning_partner_type", "is_company", "vat", "commercial_partner_id.is_company",
                 "commercial_partner_id.vat", "commercial_partner_id.dunning_partner_type")
    def _compute_dunning_is_b2b(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            regime = commercial.dunning_partner_type or "auto"
            if regime == "auto":
                partner.dunning_is_b2b = bool(commercial.is_company or commercial.vat)
            else:
                partner.dunning_is_b2b = regime == "b2b"

    @api.depends("dunning_letter_ids")
    def _compute_dunning_letter_count(self):
        counts = dict(self.env["account.dunning.letter"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.dunning_letter_count = counts.get(partner, 0)

    @api.depends("dunning_file_ids.state", "dunning_file_ids.level_id")
    def _compute_dunning_file_id(self):
        for partner in self:
            files = partner.dunning_file_ids.filtered(lambda f: f.state != "closed")
            partner.dunning_file_id = files.sorted("id", reverse=True)[:1]
            partner.dunning_stage_id = partner.dunning_file_id.level_id

    def action_open_dunning_files(self):
        self.ensure_one()
        files = self.dunning_file_ids
        action = files._get_records_action(name=self.env._("Dunning files"))
        if len(files) != 1 and self.dunning_file_id:
            action["context"] = {"search_default_not_closed": 1}
        return action

    def action_open_dunning_letters(self):
        self.ensure_one()
        return self.dunning_letter_ids._get_records_action(name=self.env._("Dunning letters"))

    @api.depends("child_ids.type", "child_ids.active")
    def _compute_dunning_contact_id(self):
        for partner in self:
            invoice_address = partner.child_ids.filtered(lambda c: c.type == "invoice")[:1]
            partner.dunning_contact_id = invoice_address or partner.dunning_contact_id

    def _get_dunning_contact(self):
        """The contact that receives the reminders of this customer."""
        self.ensure_one()
        commercial = self.commercial_partner_id
        return commercial.dunning_contact_id or commercial

    def action_open_dunning_wizard(self):
        """The wizard on all the customer's overdue invoices in the current company."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].search([
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", today),
        ])
        if not moves:
            raise UserError(self.env._(
                "%(customer)s has no overdue invoice in %(company)s.",
                customer=self.display_name, company=self.env.company.name))
        return moves.action_open_dunning_wizard()
