from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module)
        if "account_dunning_be" in modules and self.env.registry.loaded:
            # the shipped levels are created in code: give them the names just loaded
            self.env["account.dunning.level"].search(
                [("default_key", "!=", False)])._translate_default_names(langs)
        return res
