from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        res = super()._post_load_data(template_code, company, template_data)
        if template_code and template_code.startswith("be"):
            self.env["account.dunning.level"]._create_default_levels(company or self.env.company)
        return res
