# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from odoo.addons.account_dunning_be import law

from ..tools import notification_action


class AccountDunningRateDerive(models.TransientModel):
    """Add a missing B2B semester from the ECB main refinancing rate in force on its
    first day (ECB + 8 points, rounded up to the next half point), marked derived until
    the Treasury publishes it."""

    _name = "account.dunning.rate.derive"
    _description = "Derive a B2B Statutory Rate from the ECB Rate"

    def _default_semester_date(self):
        missing = self.env["account.dunning.rate"]._get_missing_semesters()
        if missing:
            year, half = missing[0].split(" H")
            return date(int(year), 1 if half == "1" else 7, 1)
        return law.semester_of(fields.Date.context_today(self))[0]

    year = fields.Integer(required=True, default=lambda self: self._default_semester_date().year)
    half = fields.Selection(
        selection=[("1", "H1 (January to June)"), ("2", "H2 (July to December)")],
        string="Semester",
        required=True,
        default=lambda self: "1" if self._default_semester_date().month == 1 else "2",
    )
    ecb_rate = fields.Float(
        string="ECB main refinancing rate",
        digits=(16, 2),
        required=True,
        help="Percent, as in force on the first day of the semester.",
    )
    rate = fields.Float(
        string="Statutory rate",
        digits=(16, 2),
        compute="_compute_rate",
        help="ECB rate + 8 points, rounded up to the next half point.",
    )
    date_from = fields.Date(compute="_compute_period")
    date_to = fields.Date(compute="_compute_period")
    missing_semesters = fields.Char(
        default=lambda self: ", ".join(self.env["account.dunning.rate"]._get_missing_semesters()),
        readonly=True,
    )

    @api.depends("year", "half")
    def _compute_period(self):
        for wizard in self:
            if 1900 <= wizard.year <= 9999 and wizard.half:
                first = date(wizard.year, 1 if wizard.half == "1" else 7, 1)
                wizard.date_from, wizard.date_to, _label = law.semester_of(first)
            else:
                wizard.date_from = wizard.date_to = False

    @api.depends("ecb_rate")
    def _compute_rate(self):
        for wizard in self:
            try:
                wizard.rate = float(wizard._get_statutory_rate())
            except ValueError:
                wizard.rate = 0.0

    def _get_statutory_rate(self):
        self.ensure_one()
        return law.statutory_rate_from_ecb(Decimal(str(round(self.ecb_rate, 2))))

    def _prepare_rate_vals(self):
        self.ensure_one()
        ecb_rate = Decimal(str(round(self.ecb_rate, 2)))
        return {
            "kind": "b2b",
            "date_from": self.date_from,
            "date_to": self.date_to,
            "rate": float(self._get_statutory_rate()),
            "status": "derived",
            "source": self.env._(
                "Derived from the ECB main refinancing rate of %(ecb_rate)s %% on "
                "%(date)s + 8 points, rounded up to the next half point",
                ecb_rate=ecb_rate,
                date=self.date_from,
            ),
        }

    def action_derive(self):
        self.ensure_one()
        if not self.date_from:
            raise UserError(self.env._("Enter a valid year."))
        label = law.semester_of(self.date_from)[2]
        rates = self.env["account.dunning.rate"]
        existing = rates.search(rates._get_overlap_domain("b2b", self.date_from, self.date_to))
        if existing:
            raise UserError(
                self.env._(
                    "Semester %(semester)s already has a B2B rate (%(rate)s %%): edit it "
                    "in the list instead.",
                    semester=label,
                    rate=formatLang(self.env, existing[0].rate, digits=2),
                )
            )
        try:
            vals = self._prepare_rate_vals()
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The ECB rate of %(ecb_rate)s %% gives no valid statutory rate: %(error)s",
                    ecb_rate=self.ecb_rate,
                    error=error,
                )
            ) from error
        rate = rates.create(vals)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_be.account_dunning_rate_action"
        )
        action.update({"res_id": rate.id, "view_mode": "form", "views": [(False, "form")]})
        return notification_action(self.env._(
            "Rate of semester %(semester)s derived: %(rate)s %%. It is marked derived until "
            "you check it against the rate published in the Belgian Official Gazette.",
            semester=label, rate=formatLang(self.env, rate.rate, digits=2),
        ), "warning", action)
