# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dated interest rate rows: the B2B statutory rate (one row a calendar semester) and
the legal interest rate (one row a calendar year).

The rows are loaded from the CSV tables in ``data/legal/`` (read by ``law/``, the one
source of truth), then belong to the accountant: ``_load_legal_tables`` only creates the
rows whose xmlid was never loaded, so edits and deletions survive upgrades.
"""

import re
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.account_dunning_be import law

from ..tools import to_decimal
from .account_dunning_legal_table import read_legal_csv

RATE_MAX = 30.0
PUBLISHED_REF_RE = re.compile(r"\bMB \d{4}-\d{2}-\d{2}\b")


class AccountDunningRate(models.Model):
    _name = "account.dunning.rate"
    _description = "Dunning Interest Rate"
    _inherit = ["account.dunning.legal.table", "mail.thread", "mail.activity.mixin"]
    _order = "kind, date_from desc"

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        selection=[
            ("b2b", "B2B statutory (law of 2 August 2002)"),
            ("legal", "Legal interest rate (law of 5 May 1865)"),
        ],
        required=True,
        default="b2b",
        tracking=True,
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(
        required=True,
        tracking=True,
        help="Last day of the period, included.",
    )
    rate = fields.Float(
        string="Rate (%)",
        digits=(16, 2),
        required=True,
        tracking=True,
        aggregator=None,  # rates are not added up
        help="Percent per year.",
    )
    status = fields.Selection(
        selection=[
            ("published", "Published"),
            ("derived", "Derived, not yet published"),
        ],
        required=True,
        default="published",
        tracking=True,
        help="Derived: computed from the ECB main refinancing rate (+ 8 points, rounded "
        "up to the next half point) while the Treasury has not published the rate yet.",
    )
    published_ref = fields.Char(
        string="Moniteur belge reference",
        help="Reference of the notice in the Moniteur belge / Belgisch Staatsblad.",
    )
    source = fields.Char()
    note = fields.Text()
    missing_semesters = fields.Char(
        compute="_compute_missing_semesters",
        help="B2B semesters, from the first row up to today, that no row covers.",
    )

    # ---- COMPUTE METHODS ------------------------------------------------------------

    @api.depends("kind", "date_from")
    def _compute_name(self):
        for rate in self:
            if not rate.date_from:
                rate.name = False
            elif rate.kind == "b2b":
                rate.name = law.semester_of(rate.date_from)[2]
            else:
                rate.name = str(rate.date_from.year)

    def _compute_missing_semesters(self):
        missing = ", ".join(self._get_missing_semesters())
        for rate in self:
            rate.missing_semesters = missing

    # ---- CONSTRAINT METHODS ---------------------------------------------------------

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rate in self:
            if rate.date_to < rate.date_from:
                raise ValidationError(
                    self.env._(
                        "The rate %(name)s ends (%(date_to)s) before it starts (%(date_from)s).",
                        name=rate.name,
                        date_to=rate.date_to,
                        date_from=rate.date_from,
                    )
                )

    @api.constrains("rate")
    def _check_rate(self):
        for rate in self:
            if not 0 <= rate.rate <= RATE_MAX:
                raise ValidationError(
                    self.env._(
                        "The rate of %(name)s (%(rate)s %%) must be between 0 and %(max)s %%.",
                        name=rate.name,
                        rate=rate.rate,
                        max=RATE_MAX,
                    )
                )

    @api.constrains("kind", "date_from", "date_to")
    def _check_period(self):
        for rate in self:
            error = self._get_period_error(rate.kind, rate.date_from, rate.date_to)
            if error:
                raise ValidationError(error)

    @api.constrains("kind", "date_from", "date_to")
    def _check_overlap(self):
        for rate in self:
            other = self.search(
                rate._get_overlap_domain(rate.kind, rate.date_from, rate.date_to), limit=1
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "The rate %(name)s (%(date_from)s to %(date_to)s) overlaps the rate "
                        "%(other)s (%(other_from)s to %(other_to)s) of the same kind.",
                        name=rate.name,
                        date_from=rate.date_from,
                        date_to=rate.date_to,
                        other=other.name,
                        other_from=other.date_from,
                        other_to=other.date_to,
                    )
                )

    # ---- CRUD -----------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        rates._close_missing_rate_activities()
        return rates

    # ---- BUSINESS METHODS -----------------------------------------------------------

    def _get_overlap_domain(self, kind, date_from, date_to):
        """Rows of ``kind`` overlapping ``date_from``-``date_to``, except ``self``."""
        return [
            ("id", "not in", self.ids),
            ("kind", "=", kind),
            ("date_from", "<=", date_to),
            ("date_to", ">=", date_from),
        ]

    @api.model
    def _get_period_error(self, kind, date_from, date_to):
        """Why ``date_from``-``date_to`` is not a valid period for ``kind`` (a B2B row
        is one calendar semester, a legal rate row one calendar year), or ``None``."""
        if kind == "b2b":
            first, last, label = law.semester_of(date_from)
            if (date_from, date_to) != (first, last):
                return self.env._(
                    "A B2B statutory rate covers one calendar semester: %(date_from)s to "
                    "%(date_to)s is not one (semester %(semester)s runs from %(first)s to "
                    "%(last)s).",
                    date_from=date_from,
                    date_to=date_to,
                    semester=label,
                    first=first,
                    last=last,
                )
        elif kind == "legal":
            first, last = date(date_from.year, 1, 1), date(date_from.year, 12, 31)
            if (date_from, date_to) != (first, last):
                return self.env._(
                    "A legal interest rate covers one calendar year: %(date_from)s to "
                    "%(date_to)s is not one (%(first)s to %(last)s).",
                    date_from=date_from,
                    date_to=date_to,
                    first=first,
                    last=last,
                )
        return None

    def _get_rate_period(self):
        self.ensure_one()
        return law.RatePeriod(self.date_from, self.date_to, to_decimal(self.rate))

    @api.model
    def _get_rate_table(self, kind):
        """The rate table of ``kind`` (``"b2b"`` or ``"legal"``) as the list of
        ``law.RatePeriod`` the law engine takes, oldest first.

        Derived rows are included (they are the best figure known); the rates are
        national, so every user may read them.
        """
        rates = self.sudo().search([("kind", "=", kind)], order="date_from")
        return [rate._get_rate_period() for rate in rates]

    @api.model
    def _get_missing_semesters(self, until=None):
        """Labels (``"2026 H2"``) of the B2B semesters no row covers, from the first
        row up to the semester holding ``until`` (default: today), oldest first."""
        until = until or fields.Date.context_today(self)
        return law.missing_semesters(self._get_rate_table("b2b"), until)

    @api.model
    def _get_rate_manager(self):
        """The accounting manager who gets the reminder of a missing rate."""
        group = self.env.ref("account.group_account_manager")
        users = group.users.filtered(lambda user: user.active and not user.share)
        return users.sorted("id")[:1]

    # ---- PUBLIC ACTIONS -------------------------------------------------------------

    def action_open_derive_wizard(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_be.account_dunning_rate_derive_action"
        )

    def action_open_import_wizard(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_be.account_dunning_rate_import_action"
        )

    # ---- DATA LOADING ---------------------------------------------------------------

    @api.model
    def _prepare_b2b_rate_vals(self):
        """xmlid name -> create values of the B2B table shipped in ``data/legal/``."""
        info = {row["date_from"]: row for row in read_legal_csv(law.tables.B2B_RATES_FILE)}
        vals_by_name = {}
        for period in law.tables.read_b2b_rates():
            row = info.get(period.date_from.isoformat(), {})
            published = row.get("published", "")
            first, last, label = law.semester_of(period.date_from)
            scope = row.get("scope", "")
            name = f"rate_b2b_{first.year}_h{1 if first.month == 1 else 2}"
            vals_by_name[name] = {
                "kind": "b2b",
                "date_from": period.date_from,
                "date_to": period.date_to or last,
                "rate": float(period.rate),
                "status": "derived" if "not yet published" in published else "published",
                "published_ref": published if PUBLISHED_REF_RE.search(published) else False,
                "source": row.get("source") or False,
                "note": scope if scope and scope != "all" else False,
            }
        return vals_by_name

    @api.model
    def _prepare_legal_rate_vals(self):
        """xmlid name -> create values of the legal rate table in ``data/legal/``."""
        info = {row["year"]: row for row in read_legal_csv(law.tables.LEGAL_RATES_FILE)}
        vals_by_name = {}
        for period in law.tables.read_legal_rates():
            year = period.date_from.year
            source = info.get(str(year), {}).get("source", "")
            ref = PUBLISHED_REF_RE.search(source)
            vals_by_name[f"rate_legal_{year}"] = {
                "kind": "legal",
                "date_from": period.date_from,
                "date_to": period.date_to,
                "rate": float(period.rate),
                "status": "published",
                "published_ref": ref.group(0) if ref else False,
                "source": source or False,
            }
        return vals_by_name

    @api.model
    def _load_legal_tables(self):
        """Create the rate, court cost and procedural indemnity rows of the tables in
        ``data/legal/`` that were never loaded (called on install and on every upgrade).

        A row already loaded keeps what the accountant made of it (edited or deleted);
        a row whose period the accountant already entered by hand is skipped.
        """

        def exists(vals):
            return bool(
                self.sudo().search_count(
                    self._get_overlap_domain(vals["kind"], vals["date_from"], vals["date_to"]),
                    limit=1,
                )
            )

        vals_by_name = self._prepare_b2b_rate_vals()
        vals_by_name.update(self._prepare_legal_rate_vals())
        self._load_missing_records(vals_by_name, exists)
        self.env["account.dunning.court.cost"]._load_legal_table()
        self.env["account.dunning.indemnity.bracket"]._load_legal_table()

    # ---- CRON -----------------------------------------------------------------------

    @api.model
    def _cron_check_missing_rate(self):
        """Remind the accounting manager, with one to-do activity, when no B2B row
        covers the current semester (the Treasury publishes late)."""
        today = fields.Date.context_today(self)
        label = law.semester_of(today)[2]
        if label in self._get_missing_semesters(today):
            self._schedule_missing_rate_activity(label, today)
        self.env["ir.cron"]._notify_progress(done=1, remaining=0)

    def _close_missing_rate_activities(self):
        """Mark done the reminders of the B2B semesters ``self`` now covers."""
        labels = {rate.name for rate in self if rate.kind == "b2b" and rate.name}
        if not labels:
            return
        domain = [("res_model", "=", self._name)]
        domain += ["|"] * (len(labels) - 1) + [("summary", "ilike", label) for label in labels]
        activities = self.env["mail.activity"].sudo().search(domain)
        if activities:
            activities.action_feedback(
                feedback=self.env._("Rate added: %(rates)s", rates=", ".join(sorted(labels)))
            )

    @api.model
    def _schedule_missing_rate_activity(self, label, deadline):
        """One open to-do activity per missing semester, on the latest B2B row."""
        anchor = self.search([("kind", "=", "b2b")], order="date_from desc", limit=1)
        if not anchor:
            return self.env["mail.activity"]
        open_activity = (
            self.env["mail.activity"]
            .sudo()
            .search([("res_model", "=", self._name), ("summary", "ilike", label)], limit=1)
        )
        if open_activity:
            return open_activity
        user = self._get_rate_manager()
        anchor = anchor.with_context(lang=user.lang or self.env.lang)
        act_values = {"user_id": user.id} if user else {}
        return anchor.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=deadline,
            summary=anchor.env._("B2B late payment rate for %(semester)s missing", semester=label),
            note=anchor.env._(
                "No B2B statutory interest rate covers semester %(semester)s: interest "
                "cannot be computed over it. Add the rate published by the Treasury, or "
                "derive it from the ECB main refinancing rate in force on the semester's "
                "first day (Accounting > Configuration > Dunning > Interest Rates).",
                semester=label,
            ),
            **act_values,
        )
