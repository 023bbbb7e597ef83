# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the legal tables (rates, court costs, procedural indemnity brackets) share: they
are loaded from ``data/legal/`` (read by ``law/``, the one source of truth), then belong to
the accountant, whose edits and deletions survive upgrades."""

import csv

from odoo import api, models

from odoo.addons.account_dunning_be import law
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

MODULE = "account_dunning_be"


def read_legal_csv(file_name):
    """Rows of a table of ``data/legal/`` as dicts of stripped strings.

    Only for the descriptive columns (scope, Moniteur belge reference, source) that the
    law engine does not need: every figure comes from the ``law`` readers.
    """
    with open(law.tables.DATA_DIR / file_name, newline="", encoding="utf-8") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


class AccountDunningLegalTable(models.AbstractModel):
    _name = "account.dunning.legal.table"
    _description = "Legal figures shipped with the dunning addon"

    def unlink(self):
        """Odoo drops the xmlids of a deleted record: they are kept, ``noupdate`` and
        pointing to the deleted id, so that the next upgrade does not bring back a row
        the accountant deleted (``env.ref`` then says it may have been deleted)."""
        tombstones = self._xmlid_tombstones()
        result = super().unlink()
        if tombstones:
            self.env["ir.model.data"].sudo().create(tombstones)
        return result

    def _xmlid_tombstones(self):
        if not self or self.env.context.get(MODULE_UNINSTALL_FLAG):
            return []
        data = self.env["ir.model.data"].sudo().search(
            [("module", "=", MODULE), ("model", "=", self._name), ("res_id", "in", self.ids)]
        )
        return [
            {"module": MODULE, "name": row.name, "model": row.model, "res_id": row.res_id,
             "noupdate": True}
            for row in data
        ]

    @api.model
    def _load_missing_records(self, vals_by_name, exists=None):
        """Create the records of ``vals_by_name`` (xmlid name -> create values) whose xmlid
        was never loaded, each with a ``noupdate`` xmlid of the addon.

        An existing xmlid, pointing to a record or left behind by a deleted one, is never
        touched: what the accountant edited or deleted stays so. ``exists(vals)`` may skip
        a row the accountant already entered by hand (no xmlid). Returns the records.
        """
        data = self.env["ir.model.data"].sudo()
        known = set(data.search(
            [("module", "=", MODULE), ("name", "in", list(vals_by_name))]).mapped("name"))
        todo = {
            name: vals for name, vals in vals_by_name.items()
            if name not in known and not (exists and exists(vals))
        }
        if not todo:
            return self.browse()
        records = self.sudo().with_context(
            tracking_disable=True, mail_create_nolog=True).create(list(todo.values()))
        data._update_xmlids([
            {"xml_id": f"{MODULE}.{name}", "record": record, "noupdate": True}
            for name, record in zip(todo, records, strict=True)
        ])
        return records
