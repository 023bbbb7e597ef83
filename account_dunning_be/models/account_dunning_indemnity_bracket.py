# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Procedural indemnity brackets (Judicial Code art. 1022), loaded from ``data/legal/``
like the rates and editable by the accountant."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.account_dunning_be import law

from ..tools import to_decimal


class AccountDunningIndemnityBracket(models.Model):
    _name = "account.dunning.indemnity.bracket"
    _inherit = ["account.dunning.legal.table"]
    _description = "Procedural Indemnity Bracket"
    _order = "valid_from desc, claim_from"

    claim_from = fields.Float(string="Claim from (EUR)", digits=(16, 2), required=True)
    claim_to = fields.Float(
        string="Claim up to (EUR)",
        digits=(16, 2),
        help="Included. Leave at 0 for the last bracket, which has no upper limit.",
    )
    base = fields.Float(string="Base amount (EUR)", digits=(16, 2), required=True)
    minimum = fields.Float(string="Minimum (EUR)", digits=(16, 2), required=True)
    maximum = fields.Float(string="Maximum (EUR)", digits=(16, 2), required=True)
    valid_from = fields.Date(required=True, help="First day this tariff applies.")

    @api.depends("claim_from", "claim_to", "valid_from")
    def _compute_display_name(self):
        for bracket in self:
            if bracket.claim_to:
                bracket.display_name = self.env._(
                    "%(claim_from)s to %(claim_to)s EUR (from %(date)s)",
                    claim_from=bracket.claim_from,
                    claim_to=bracket.claim_to,
                    date=bracket.valid_from or "",
                )
            else:
                bracket.display_name = self.env._(
                    "Above %(claim_from)s EUR (from %(date)s)",
                    claim_from=bracket.claim_from,
                    date=bracket.valid_from or "",
                )

    @api.constrains("claim_from", "claim_to", "base", "minimum", "maximum")
    def _check_amounts(self):
        for bracket in self:
            if min(bracket.claim_from, bracket.claim_to, bracket.minimum) < 0:
                raise ValidationError(
                    self.env._(
                        "The amounts of the bracket %(bracket)s must not be negative.",
                        bracket=bracket.display_name,
                    )
                )
            if bracket.claim_to and bracket.claim_to < bracket.claim_from:
                raise ValidationError(
                    self.env._(
                        "The bracket %(bracket)s ends before it starts.",
                        bracket=bracket.display_name,
                    )
                )
            if not bracket.minimum <= bracket.base <= bracket.maximum:
                raise ValidationError(
                    self.env._(
                        "The base amount of the bracket %(bracket)s must lie between its "
                        "minimum and its maximum.",
                        bracket=bracket.display_name,
                    )
                )

    @api.constrains("claim_from", "claim_to", "valid_from")
    def _check_overlap(self):
        for bracket in self:
            domain = [
                ("id", "!=", bracket.id),
                ("valid_from", "=", bracket.valid_from),
                "|",
                ("claim_to", "=", 0),
                ("claim_to", ">=", bracket.claim_from),
            ]
            if bracket.claim_to:
                domain.append(("claim_from", "<=", bracket.claim_to))
            other = self.search(domain, limit=1)
            if other:
                raise ValidationError(
                    self.env._(
                        "The bracket %(bracket)s overlaps the bracket %(other)s of the same "
                        "tariff.",
                        bracket=bracket.display_name,
                        other=other.display_name,
                    )
                )

    @api.model
    def _get_table(self):
        """The brackets as the list of ``law.IndemnityBracket`` that
        ``law.court.procedural_indemnity(..., table=)`` takes, sorted by tariff date
        and claim."""
        brackets = self.sudo().search([], order="valid_from, claim_from, id")
        return [
            law.IndemnityBracket(
                claim_from=to_decimal(bracket.claim_from),
                claim_to=to_decimal(bracket.claim_to) if bracket.claim_to else None,
                base=to_decimal(bracket.base),
                minimum=to_decimal(bracket.minimum),
                maximum=to_decimal(bracket.maximum),
                valid_from=bracket.valid_from,
            )
            for bracket in brackets
        ]

    @api.model
    def _load_legal_table(self):
        """Create the brackets of the procedural indemnity tables never loaded, named
        ``indemnity_bracket_<year of the tariff>_<n>`` (n counts from 1 by claim)."""
        vals_by_name = {}
        counters = {}
        for row in law.tables.read_procedural_indemnity():
            year = row.valid_from.year
            counters[year] = counters.get(year, 0) + 1
            vals_by_name[f"indemnity_bracket_{year}_{counters[year]}"] = {
                "claim_from": float(row.claim_from),
                "claim_to": float(row.claim_to) if row.claim_to is not None else 0.0,
                "base": float(row.base),
                "minimum": float(row.minimum),
                "maximum": float(row.maximum),
                "valid_from": row.valid_from,
            }

        def exists(vals):
            return bool(
                self.sudo().search_count(
                    [
                        ("valid_from", "=", vals["valid_from"]),
                        ("claim_from", "=", vals["claim_from"]),
                    ],
                    limit=1,
                )
            )

        return self._load_missing_records(vals_by_name, exists)
