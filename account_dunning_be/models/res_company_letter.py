from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_payment_days = fields.Integer(
        string="Dunning payment term (days)",
        default=14,
        help="Days the customer gets to pay from the date of a dunning letter (from the "
        "deposit date for a registered letter). Consumers always get at least 14 days "
        "(Book XIX of the Code of Economic Law).",
    )
    dunning_attach_invoices = fields.Boolean(
        string="Attach the open invoices to dunning e-mails",
        help="Dunning e-mails carry the PDF of every invoice the letter lists, besides the "
        "letter itself.",
    )
