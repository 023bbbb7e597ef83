from odoo import api, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Merge contacts: the dunning files of the merged customers join the kept one's.

    Odoo moves every reference to the merged customers onto the kept one in SQL; two open
    files of one customer, company and currency would break the rule of one open file
    each (and Odoo would then try to delete one with its letters). The files are joined
    first (``account.dunning.file._merge_files``)."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        self._merge_dunning_files(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    @api.model
    def _merge_dunning_files(self, src_partners, dst_partner):
        """Join the open files that would share a company and currency once merged: into
        the kept customer's file, else into the oldest of them."""
        File = self.env["account.dunning.file"].sudo().with_context(active_test=False)
        files = File.search([("partner_id", "in", (src_partners | dst_partner).ids),
                             ("state", "!=", "closed")], order="date_open, id")
        for group in files.grouped(lambda f: (f.company_id, f.currency_id)).values():
            if len(group) < 2:
                continue
            target = group.filtered(lambda f: f.partner_id == dst_partner)[:1] or group[0]
            target._merge_files(group - target)
        self.env.flush_all()
