from odoo import api, models


class AccountDunningLevel(models.Model):
    _inherit = "account.dunning.level"

    @api.model
    def _get_default_mail_template(self, default_key):
        """The shipped e-mail template of a default level (None when there is none)."""
        return self.env.ref(
            f"account_dunning_be.mail_template_dunning_{default_key}", raise_if_not_found=False)

    @api.model
    def _create_default_levels(self, companies):
        levels = super()._create_default_levels(companies)
        for level in levels.filtered(lambda lv: lv.default_key and not lv.mail_template_id):
            template = self._get_default_mail_template(level.default_key)
            if template:
                level.mail_template_id = template
        return levels
