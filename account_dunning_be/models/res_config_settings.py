from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dunning_interest_rate = fields.Float(
        related="company_id.dunning_interest_rate", readonly=False
    )
    dunning_penalty_percent = fields.Float(
        related="company_id.dunning_penalty_percent", readonly=False
    )
    dunning_penalty_min = fields.Monetary(related="company_id.dunning_penalty_min", readonly=False)
    dunning_penalty_max = fields.Monetary(related="company_id.dunning_penalty_max", readonly=False)
    dunning_consumer_damages = fields.Boolean(
        related="company_id.dunning_consumer_damages", readonly=False
    )
    dunning_flat_fee = fields.Boolean(related="company_id.dunning_flat_fee", readonly=False)
    dunning_min_amount = fields.Monetary(related="company_id.dunning_min_amount", readonly=False)
    dunning_grace_days = fields.Integer(related="company_id.dunning_grace_days", readonly=False)
    dunning_auto_send = fields.Boolean(related="company_id.dunning_auto_send", readonly=False)
    dunning_payment_days = fields.Integer(
        related="company_id.dunning_payment_days", readonly=False
    )
    dunning_transfer_days = fields.Integer(
        related="company_id.dunning_transfer_days", readonly=False
    )
    dunning_bailiff_estimate = fields.Monetary(
        related="company_id.dunning_bailiff_estimate", readonly=False
    )
    dunning_lawyer_estimate = fields.Monetary(
        related="company_id.dunning_lawyer_estimate", readonly=False
    )
    dunning_register = fields.Char(related="company_id.dunning_register", readonly=False)
    dunning_signatory_name = fields.Char(
        related="company_id.dunning_signatory_name", readonly=False
    )
    dunning_signatory_function = fields.Char(
        related="company_id.dunning_signatory_function", readonly=False
    )
    dunning_deposit_lang = fields.Selection(
        related="company_id.dunning_deposit_lang", readonly=False
    )
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
