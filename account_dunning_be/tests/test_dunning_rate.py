# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
from datetime import date
from decimal import Decimal

import openpyxl
import xlwt
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools.misc import formatLang

from odoo.addons.account_dunning_be import law


@tagged("post_install", "-at_install")
class TestDunningRate(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rate = cls.env["account.dunning.rate"]
        cls.manager = new_test_user(
            cls.env,
            login="dunning_rate_manager",
            groups="base.group_user,account.group_account_manager",
        )
        cls.billing = new_test_user(
            cls.env,
            login="dunning_rate_billing",
            groups="base.group_user,account.group_account_invoice",
        )

    # ---- helpers --------------------------------------------------------------------

    def _xlsx(self, rows):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        stream = io.BytesIO()
        book.save(stream)
        return base64.b64encode(stream.getvalue())

    def _xls(self, rows):
        book = xlwt.Workbook()
        sheet = book.add_sheet("rates")
        date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
        stream = io.BytesIO()
        book.save(stream)
        return base64.b64encode(stream.getvalue())

    def _import(self, content, filename="rates.xlsx"):
        wizard = (
            self.env["account.dunning.rate.import"]
            .with_user(self.manager)
            .create({"file": content, "filename": filename})
        )
        return wizard.action_import()

    def _assert_refused(self, exception, text, func, *args):
        """``func(*args)`` raises ``exception`` whose message holds ``text``; the
        savepoint of ``assertRaises`` rolls back what it wrote."""
        with self.assertRaises(exception) as caught:
            func(*args)
        self.assertIn(text, str(caught.exception))

    def _b2b(self, date_from):
        return self.Rate.search([("kind", "=", "b2b"), ("date_from", "=", date_from)])

    # ---- loading --------------------------------------------------------------------

    def test_tables_loaded_from_csv(self):
        self.assertEqual(law.default_b2b_rates(), self.Rate._get_rate_table("b2b"))
        self.assertEqual(law.default_legal_rates(), self.Rate._get_rate_table("legal"))

        def key(row):
            return (row.valid_from, row.item, row.court)

        self.assertEqual(
            sorted(law.court_cost_table(), key=key),
            sorted(self.env["account.dunning.court.cost"]._get_table(), key=key),
        )
        self.assertEqual(
            law.procedural_indemnity_table(),
            self.env["account.dunning.indemnity.bracket"]._get_table(),
        )
        h1_2026 = self.env.ref("account_dunning_be.rate_b2b_2026_h1")
        self.assertEqual(h1_2026.status, "derived")
        self.assertEqual(h1_2026.rate, 10.5)
        h1_2023 = self.env.ref("account_dunning_be.rate_b2b_2023_h1")
        self.assertEqual((h1_2023.status, h1_2023.published_ref), ("published", "MB 2023-03-17"))
        self.assertEqual(self.env.ref("account_dunning_be.rate_legal_2023").rate, 5.25)
        self.assertEqual(
            self.env.ref("account_dunning_be.court_cost_roll_fee_justice_of_the_peace_2019").amount,
            50,
        )
        last = self.env.ref("account_dunning_be.indemnity_bracket_2022_13")
        self.assertEqual((last.claim_to, last.base), (0, 22500))
        self.assertIsNone(self.env["account.dunning.indemnity.bracket"]._get_table()[-1].claim_to)
        xmlids = self.env["ir.model.data"].search(
            [("module", "=", "account_dunning_be"), ("model", "=", "account.dunning.rate")]
        )
        shipped = len(law.default_b2b_rates()) + len(law.default_legal_rates())
        self.assertEqual(len(xmlids), shipped)
        self.assertTrue(all(xmlids.mapped("noupdate")))

    def test_rate_table_readable_by_billing_user(self):
        table = self.Rate.with_user(self.billing)._get_rate_table("b2b")
        self.assertEqual(law.statutory_b2b_rate(date(2023, 3, 1), table), Decimal("10.5"))
        with self.assertRaises(AccessError):
            self.Rate.with_user(self.billing).create(
                {"kind": "b2b", "date_from": "2030-01-01", "date_to": "2030-06-30", "rate": 9}
            )

    def test_upgrade_keeps_edits_and_deletions(self):
        edited = self.env.ref("account_dunning_be.rate_b2b_2023_h1")
        edited.rate = 11.0
        self.env.ref("account_dunning_be.rate_legal_2013").unlink()
        cost = self.env.ref("account_dunning_be.court_cost_roll_fee_justice_of_the_peace_2019")
        cost.amount = 55
        self.env.ref("account_dunning_be.indemnity_bracket_2022_1").unlink()
        counts = {
            model: self.env[model].search_count([])
            for model in (
                "account.dunning.rate",
                "account.dunning.court.cost",
                "account.dunning.indemnity.bracket",
            )
        }

        self.Rate._load_legal_tables()

        self.assertEqual(edited.rate, 11.0)
        self.assertEqual(cost.amount, 55)
        for model, count in counts.items():
            self.assertEqual(self.env[model].search_count([]), count, model)
        self.assertFalse(
            self.Rate.search([("kind", "=", "legal"), ("date_from", "=", "2013-01-01")])
        )
        self.assertFalse(
            self.env.ref("account_dunning_be.rate_legal_2013", raise_if_not_found=False)
        )

    def test_load_creates_missing_rows_only(self):
        """A row whose xmlid never existed is created (a newer table); one the
        accountant entered by hand for the same period is not duplicated."""
        self.env["ir.model.data"].search(
            [
                ("module", "=", "account_dunning_be"),
                ("name", "in", ["rate_b2b_2025_h2", "rate_legal_2026"]),
            ]
        ).unlink()
        self.env.ref("account_dunning_be.rate_b2b_2026_h1").unlink()
        self.env["ir.model.data"].search(
            [("module", "=", "account_dunning_be"), ("name", "=", "rate_b2b_2026_h1")]
        ).unlink()
        count = self.Rate.search_count([])

        self.Rate._load_legal_tables()

        self.assertEqual(self.Rate.search_count([]), count + 1)
        self.assertEqual(self.env.ref("account_dunning_be.rate_b2b_2026_h1").status, "derived")
        self.assertFalse(
            self.env.ref("account_dunning_be.rate_b2b_2025_h2", raise_if_not_found=False)
        )
        self.assertEqual(law.default_b2b_rates(), self.Rate._get_rate_table("b2b"))

    # ---- constraints ----------------------------------------------------------------

    def test_constraints(self):
        rates = self.Rate.with_user(self.manager)
        self._assert_refused(
            ValidationError,
            "overlaps",
            rates.create,
            {"kind": "b2b", "date_from": "2025-07-01", "date_to": "2025-12-31", "rate": 9},
        )
        self._assert_refused(
            ValidationError,
            "semester",
            rates.create,
            {"kind": "b2b", "date_from": "2026-07-01", "date_to": "2026-09-30", "rate": 9},
        )
        self._assert_refused(
            ValidationError,
            "calendar year",
            rates.create,
            {"kind": "legal", "date_from": "2027-01-01", "date_to": "2027-06-30", "rate": 4},
        )
        self._assert_refused(
            ValidationError,
            "between 0 and 30",
            rates.create,
            {"kind": "b2b", "date_from": "2026-07-01", "date_to": "2026-12-31", "rate": 31},
        )
        self._assert_refused(
            ValidationError,
            "before it starts",
            rates.create,
            {"kind": "b2b", "date_from": "2026-07-01", "date_to": "2026-06-30", "rate": 9},
        )
        # a whole semester not yet covered is accepted
        rates.create(
            {"kind": "b2b", "date_from": "2026-07-01", "date_to": "2026-12-31", "rate": 10.5}
        )
        self._assert_refused(
            ValidationError,
            "overlaps",
            self.env["account.dunning.indemnity.bracket"].create,
            {
                "claim_from": 200,
                "claim_to": 300,
                "base": 250,
                "minimum": 100,
                "maximum": 400,
                "valid_from": "2022-11-01",
            },
        )

    # ---- missing semesters, derive wizard, reminder -----------------------------------

    def test_missing_semesters(self):
        with freeze_time("2026-08-01"):
            self.assertEqual(self.Rate._get_missing_semesters(), ["2026 H2"])
        with freeze_time("2027-02-01"):
            self.assertEqual(self.Rate._get_missing_semesters(), ["2026 H2", "2027 H1"])
        with freeze_time("2026-03-01"):
            self.assertEqual(self.Rate._get_missing_semesters(), [])
        self.env.ref("account_dunning_be.rate_b2b_2024_h2").unlink()
        self.assertEqual(self.Rate._get_missing_semesters(date(2026, 1, 1)), ["2024 H2"])

    @freeze_time("2026-08-01")
    def test_derive_wizard(self):
        form = Form(self.env["account.dunning.rate.derive"].with_user(self.manager))
        self.assertEqual((form.year, form.half), (2026, "2"))
        self.assertEqual(form.missing_semesters, "2026 H2")
        form.ecb_rate = 2.15
        self.assertEqual(form.rate, 10.5)
        wizard = form.save()
        action = wizard.action_derive()

        self.assertEqual(action["params"]["message"], (
            f"Rate of semester 2026 H2 derived: {formatLang(wizard.env, 10.5, digits=2)} %. It "
            "is marked derived until you check it against the rate published in the Belgian "
            "Official Gazette."))
        rate = self.Rate.browse(action["params"]["next"]["res_id"])
        self.assertEqual(
            (rate.kind, rate.date_from, rate.date_to, rate.rate, rate.status, rate.name),
            ("b2b", date(2026, 7, 1), date(2026, 12, 31), 10.5, "derived", "2026 H2"),
        )
        self.assertIn("2.15", rate.source)
        self.assertEqual(self.Rate._get_missing_semesters(), [])
        self.assertEqual(
            law.statutory_b2b_rate(date(2026, 8, 1), self.Rate._get_rate_table("b2b")),
            Decimal("10.5"),
        )
        with self.assertRaisesRegex(UserError, "2026 H2 already has"):
            self.env["account.dunning.rate.derive"].with_user(self.manager).create(
                {"year": 2026, "half": "2", "ecb_rate": 2.15}
            ).action_derive()

    def test_missing_rate_activity_once(self):
        def activities():
            return self.env["mail.activity"].search(
                [("res_model", "=", "account.dunning.rate"), ("summary", "ilike", "2026 H2")]
            )

        # the reminder is written in its user's language: English here
        self.env.ref("account.group_account_manager").users.write({"lang": "en_US"})
        with freeze_time("2026-03-01"):
            self.Rate._cron_check_missing_rate()
        self.assertFalse(activities())
        with freeze_time("2026-07-01"):
            self.Rate._cron_check_missing_rate()
            self.Rate._cron_check_missing_rate()
        activity = activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "B2B late payment rate for 2026 H2 missing")
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertIn(activity.user_id, self.env.ref("account.group_account_manager").users)
        self.assertEqual(activity.res_id, self.env.ref("account_dunning_be.rate_b2b_2026_h1").id)
        with freeze_time("2026-07-02"):
            self.env.ref(
                "account_dunning_be.ir_cron_account_dunning_rate_check"
            ).method_direct_trigger()
        self.assertEqual(activities(), activity)
        # adding the semester closes the reminder
        self.Rate.with_user(self.manager).create(
            {"kind": "b2b", "date_from": "2026-07-01", "date_to": "2026-12-31", "rate": 10.5}
        )
        self.assertFalse(activity.exists() and activity.active)
        with freeze_time("2026-07-03"):
            self.Rate._cron_check_missing_rate()
        self.assertFalse(activities())

    # ---- import ---------------------------------------------------------------------

    def test_import_xlsx(self):
        count = self.Rate.search_count([])
        content = self._xlsx(
            [
                ["date_from", "date_to", "rate", "kind"],
                [date(2026, 1, 1), date(2026, 6, 30), 10.5, "b2b"],
                [date(2026, 7, 1), date(2026, 12, 31), 10.5, "b2b"],
                ["2027-01-01", "2027-06-30", "10,0", "B2B"],
                [date(2027, 1, 1), date(2027, 12, 31), 4.25, "legal"],
                [None, None, None, None],
            ]
        )
        self._import(content)

        self.assertEqual(self.Rate.search_count([]), count + 3)
        replaced = self.env.ref("account_dunning_be.rate_b2b_2026_h1")
        self.assertEqual(replaced.status, "published")
        self.assertEqual(self._b2b("2027-01-01").rate, 10.0)
        self.assertEqual(
            self.Rate.search([("kind", "=", "legal"), ("date_from", "=", "2027-01-01")]).rate,
            4.25,
        )
        with freeze_time("2027-03-01"):
            self.assertEqual(self.Rate._get_missing_semesters(), [])

    def test_import_xls(self):
        content = self._xls(
            [
                ["kind", "date_from", "date_to", "rate", "status"],
                ["b2b", date(2026, 7, 1), date(2026, 12, 31), 10.5, "derived"],
            ]
        )
        self._import(content, "rates.xls")
        self.assertEqual(self._b2b("2026-07-01").status, "derived")

    def test_import_bad_sheet_writes_nothing(self):
        count = self.Rate.search_count([])
        content = self._xls(
            [
                ["date_from", "date_to", "rate", "kind"],
                [date(2026, 7, 1), date(2026, 12, 31), 10.5, "b2b"],
                [date(2027, 1, 1), date(2027, 6, 30), 45, "b2b"],
                [date(2026, 7, 1), date(2026, 12, 31), 10.0, "b2b"],
            ]
        )
        with self.assertRaises(UserError) as caught:
            self._import(content, "rates.xls")
        message = str(caught.exception)
        self.assertIn("Row 3:", message)
        self.assertIn("45", message)
        self.assertIn("Row 4:", message)
        self.assertIn("overlaps row 2", message)
        self.assertNotIn("Row 2:", message)
        self.assertEqual(self.Rate.search_count([]), count)
        self.assertFalse(self._b2b("2026-07-01"))

    def test_import_errors(self):
        count = self.Rate.search_count([])
        content = self._xlsx(
            [
                ["date_from", "date_to", "rate", "kind"],
                [date(2026, 7, 1), date(2026, 12, 31), 10.5, "b2b"],
                [date(2027, 7, 1), date(2027, 12, 31), 10.5, "b2b"],
                ["tomorrow", date(2028, 6, 30), 10.5, "b2b"],
                [date(2028, 1, 1), date(2028, 12, 31), 3, "civil"],
                [date(2025, 10, 1), date(2026, 3, 31), 3, "b2b"],
            ]
        )
        with self.assertRaises(UserError) as caught:
            self._import(content)
        message = str(caught.exception)
        self.assertIn("Row 3: gap between row 2", message)
        self.assertIn("Row 4: date_from 'tomorrow' is not a date", message)
        self.assertIn("Row 5: kind 'civil' is unknown", message)
        self.assertIn("Row 6: A B2B statutory rate covers one calendar semester", message)
        self.assertNotIn("Row 2:", message)
        self.assertEqual(self.Rate.search_count([]), count)

        with self.assertRaisesRegex(UserError, "missing: kind"):
            self._import(self._xlsx([["date_from", "date_to", "rate"]]))
        with self.assertRaisesRegex(UserError, "cannot be read"):
            self._import(base64.b64encode(b"not a spreadsheet"), "rates.txt")
