# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dated court costs (roll fee, legal aid fund contribution), loaded from ``data/legal/``
like the rates and editable by the accountant."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.account_dunning_be import law

from ..tools import to_decimal

COURTS = [
    ("justice_of_the_peace", "Justice of the peace"),
    ("first_instance", "Court of first instance"),
    ("enterprise_court", "Enterprise court"),
    ("court_of_appeal", "Court of appeal"),
    ("cassation", "Court of cassation"),
    ("any", "Any court"),
]


class AccountDunningCourtCost(models.Model):
    _name = "account.dunning.court.cost"
    _inherit = ["account.dunning.legal.table"]
    _description = "Dunning Court Cost"
    _order = "item, court, valid_from desc"

    item = fields.Selection(
        selection=[
            ("roll_fee", "Court roll fee"),
            ("legal_aid_fund_contribution", "Legal aid fund contribution"),
        ],
        required=True,
    )
    court = fields.Selection(selection=COURTS, required=True, default="any")
    amount = fields.Float(string="Amount (EUR)", digits=(16, 2), required=True)
    valid_from = fields.Date(required=True)
    source = fields.Char()
    confidence = fields.Char(help="How sure the sources are of this figure.")

    _sql_constraints = [
        (
            "item_court_valid_from_uniq",
            "UNIQUE(item, court, valid_from)",
            "A court cost is valid from a date once per item and court.",
        ),
    ]

    @api.depends("item", "court", "valid_from")
    def _compute_display_name(self):
        items = dict(self._fields["item"]._description_selection(self.env))
        courts = dict(self._fields["court"]._description_selection(self.env))
        for cost in self:
            cost.display_name = self.env._(
                "%(item)s (%(court)s) from %(date)s",
                item=items.get(cost.item, ""),
                court=courts.get(cost.court, ""),
                date=cost.valid_from or "",
            )

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.amount < 0:
                raise ValidationError(
                    self.env._(
                        "The amount of %(cost)s must not be negative.", cost=cost.display_name
                    )
                )

    @api.model
    def _get_table(self):
        """The court cost rows as the list of ``law.CourtCostRow`` that
        ``law.court.court_fee(..., table=)`` takes, oldest first."""
        costs = self.sudo().search([], order="valid_from, item, court, id")
        return [
            law.CourtCostRow(
                item=cost.item,
                court=cost.court,
                amount=to_decimal(cost.amount),
                valid_from=cost.valid_from,
                source=cost.source or "",
                confidence=cost.confidence or "",
            )
            for cost in costs
        ]

    @api.model
    def _load_legal_table(self):
        """Create the rows of ``court_costs.csv`` never loaded (see
        ``account.dunning.rate._load_legal_tables``)."""
        vals_by_name = {}
        for row in law.tables.read_court_costs():
            name = f"court_cost_{row.item}_{row.court}_{row.valid_from.year}"
            vals_by_name[name] = {
                "item": row.item,
                "court": row.court,
                "amount": float(row.amount),
                "valid_from": row.valid_from,
                "source": row.source or False,
                "confidence": row.confidence or False,
            }

        def exists(vals):
            return bool(
                self.sudo().search_count(
                    [
                        ("item", "=", vals["item"]),
                        ("court", "=", vals["court"]),
                        ("valid_from", "=", vals["valid_from"]),
                    ],
                    limit=1,
                )
            )

        return self._load_missing_records(vals_by_name, exists)
