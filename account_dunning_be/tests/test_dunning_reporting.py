from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import formatLang

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningReporting(DunningCommon):
    """Reporting > Dunning: overdue amounts by stage and age, and how often each level's
    letters were paid within 14 days. Both reports count days to the user's today, which
    freeze_time sets (they never read the database server's CURRENT_DATE)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_b2b = cls.env["res.partner"].create({
            "name": "Atelier Dubois SA",
            "is_company": True,
            "vat": "BE0202239951",
            "email": "factures@dubois.example",
            "street": "Rue Neuve 3",
            "zip": "4000",
            "city": "Liège",
            "country_id": cls.env.ref("base.be").id,
        })
        cls.billing = new_test_user(
            cls.env, "dunning_report_billing", groups="account.group_account_invoice",
            company_id=cls.company.id, company_ids=cls.company.ids)

    def _overdue(self, groupby, domain=None):
        """{group key: (outstanding, count)} of the overdue analysis, as a billing user."""
        report = self.env["account.dunning.overdue.report"].with_user(self.billing)
        return {
            keys[0] if len(keys) == 1 else tuple(keys): (round(amount, 2), count)
            for *keys, amount, count in report._read_group(
                domain or [], groupby, ["amount_residual:sum", "__count"])
        }

    def _effectiveness(self, domain=None):
        """{stage: (lines, paid within 14 days, %, claimed, paid in time)}."""
        report = self.env["account.dunning.effectiveness.report"].with_user(self.billing)
        return {
            stage: (count, paid, round(rate, 2), round(claimed, 2), round(paid_amount, 2))
            for stage, count, paid, rate, claimed, paid_amount in report._read_group(
                domain or [], ["stage"],
                ["__count", "paid_in_time_count:sum", "paid_in_time_rate:avg",
                 "amount_claimed:sum", "amount_paid_in_time:sum"])
        }

    # ------------------------------------------------------------
    # OVERDUE AMOUNTS
    # ------------------------------------------------------------

    def test_overdue_by_stage_and_age(self):
        """On 30 June 2026: the enterprise's March invoice reached the second reminder
        (121 days late, 200.00 paid), its June one was never in a letter; the consumer's
        two invoices got the friendly reminder; the other customer had no letter. Paid,
        not yet due and due-today invoices are not overdue."""
        a_old = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        self._climb(a_old, "2026-03-08", 2)
        self._pay(a_old, 200.0, "2026-04-10")
        self._invoice(self.b2b, 300.0, "2026-06-01", "2026-06-15")
        b_old = self._invoice(self.b2c, 99.99, "2025-12-01", "2025-12-31")
        self._invoice(self.b2c, 250.50, "2026-04-01", "2026-05-01")
        self._climb(b_old, "2026-05-08", 1)
        self._invoice(self.other_b2b, 450.0, "2026-03-01", "2026-04-01")
        self._invoice(self.other_b2b, 10.0, "2026-05-01", "2026-05-31")
        self._invoice(self.other_b2b, 20.0, "2026-05-01", "2026-05-30")
        paid = self._invoice(self.other_b2b, 75.0, "2026-03-01", "2026-04-01")
        self._pay(paid, 75.0, "2026-04-20")
        self._invoice(self.other_b2b, 40.0, "2026-06-01", "2026-06-30")
        self._invoice(self.other_b2b, 60.0, "2026-06-01", "2026-07-15")

        with freeze_time("2026-06-30"):
            by_cell = self._overdue(["stage", "age_bucket"])
            by_b2b = self._overdue(["is_b2b"])
            days = self.env["account.dunning.overdue.report"]._read_group(
                [("partner_id", "=", self.b2b.id)], ["move_id"], ["days_late:max"])
        self.assertEqual(by_cell, {
            ("00", "1_30"): (310.0, 2),    # 15 and 30 days late
            ("00", "2_60"): (20.0, 1),     # 31 days
            ("00", "3_90"): (450.0, 1),    # 90 days
            ("01", "2_60"): (250.50, 1),   # 60 days
            ("01", "5_over"): (99.99, 1),  # 181 days
            ("02", "4_180"): (800.0, 1),   # 121 days, 200.00 paid
        })
        self.assertEqual(by_b2b, {True: (1580.0, 5), False: (350.49, 2)})
        self.assertEqual(sorted(late for _move, late in days), [15, 121])

        selection = dict(self.env["account.dunning.overdue.report"].fields_get(
            ["stage"])["stage"]["selection"])
        self.assertEqual(
            [selection["00"], selection["01"], selection["02"]],
            ["No letter yet", self.friendly.name, self.second.name])

        with freeze_time("2026-07-30"):
            later = self._overdue(["age_bucket"], [("partner_id", "=", self.b2c.id)])
        self.assertEqual(later, {"3_90": (250.50, 1), "5_over": (99.99, 1)},
                         "the age follows the user's today: nothing stored goes stale")

    def test_overdue_is_per_company_in_its_currency(self):
        """Another company's invoices stay out; a dollar invoice counts in euros at its
        own rate (its open amount in company currency), and in dollars in its currency."""
        other = self.setup_other_company(name="Other BE")["company"]
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 2.0)])
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._invoice(self.b2b, 300.0, "2026-01-01", "2026-01-31", currency=usd)
        self._invoice(self.b2b, 700.0, "2026-01-01", "2026-01-31", company=other)
        with freeze_time("2026-02-15"):
            self.assertEqual(self._overdue(["company_id"]), {self.company: (250.0, 2)})
            in_currency = self.env["account.dunning.overdue.report"]._read_group(
                [("company_id", "=", self.company.id)], ["currency_id"],
                ["amount_residual_currency:sum"])
        self.assertEqual(sorted((c.name, a) for c, a in in_currency),
                         [("EUR", 100.0), ("USD", 300.0)])

    def test_effectiveness_in_company_currency(self):
        """A dollar invoice's letter claims 300.00 USD: 150.00 EUR at the invoice's rate;
        paid on day 10, all of it counts."""
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 2.0)])
        invoice = self._invoice(self.b2b, 300.0, "2026-02-01", "2026-03-01", currency=usd)
        [letter] = self._climb(invoice, "2026-03-08", 1)
        self.assertEqual((letter.currency_id, letter.amount_residual), (usd, 300.0))
        self._pay(invoice, 300.0, "2026-03-18")
        with freeze_time("2026-04-01"):
            self.assertEqual(self._effectiveness(), {"01": (1, 1, 100.0, 150.0, 150.0)})

    # ------------------------------------------------------------
    # LEVEL EFFECTIVENESS
    # ------------------------------------------------------------

    def test_effectiveness_per_level(self):
        """The friendly reminder of 8 March lists three invoices: one paid on day 3, one
        on day 14, one on day 15 (too late: 2 of 3). The other customer paid 100.00 of
        600.00 after the friendly reminder, then the rest 9 days after the second one.
        A letter whose 14 days are not over is not counted yet."""
        x_invoices = (self._invoice(self.b2b, 100.0, "2026-02-01", "2026-03-01")
                      | self._invoice(self.b2b, 200.0, "2026-02-01", "2026-03-01")
                      | self._invoice(self.b2b, 300.0, "2026-02-01", "2026-03-01"))
        [friendly_x] = self._climb(x_invoices, "2026-03-08", 1)
        self.assertEqual(len(friendly_x.line_ids), 3)
        self._pay(x_invoices[0], 100.0, "2026-03-11")
        self._pay(x_invoices[1], 200.0, "2026-03-22")
        self._pay(x_invoices[2], 300.0, "2026-03-23")
        y_invoice = self._invoice(self.other_b2b, 600.0, "2026-02-01", "2026-03-01")
        friendly_y, second_y = self._climb(y_invoice, "2026-03-08", 2)
        self.assertEqual((friendly_y.date_sent.isoformat(), second_y.date_sent.isoformat()),
                         ("2026-03-08", "2026-03-27"))
        self._pay(y_invoice, 100.0, "2026-03-10")
        self._pay(y_invoice, 500.0, "2026-04-05")

        with freeze_time("2026-03-22"):
            self.assertFalse(self._effectiveness(), "day 14 is not over yet")
        with freeze_time("2026-04-05"):
            self.assertEqual(self._effectiveness(), {
                "01": (4, 2, 50.0, 1200.0, 400.0),
            }, "the second reminder's 14 days run until 10 April")
            self.assertEqual(
                self._effectiveness([("partner_id", "=", self.b2b.id)]),
                {"01": (3, 2, 66.67, 600.0, 300.0)})
        with freeze_time("2026-04-11"):
            self.assertEqual(self._effectiveness(), {
                "01": (4, 2, 50.0, 1200.0, 400.0),
                "02": (1, 1, 100.0, 600.0, 600.0),
            })


# polls the page for a selector (and a text in it), then reports success or the failure
WAIT_JS = """
const until = async (selector, text) => {
    for (let i = 0; i < 300; i++) {
        const el = document.querySelector(selector);
        if (el && (!text || el.textContent.includes(text))) {
            return el;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`not found: ${selector} ${text || ""}`);
};
"""


@tagged("post_install", "-at_install")
class TestDunningReportingBrowser(DunningCommon, HttpCase):
    """Both analyses open in the browser for a billing user: pivot, then graph."""

    def test_reports_open_in_pivot_and_graph(self):
        lang = "fr_BE" if self._lang_active("fr_BE") else "en_US"
        billing = new_test_user(
            self.env, "dunning_report_browser", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=self.company.ids)
        billing.lang = lang
        env = self.env(context=dict(self.env.context, lang=lang))
        overdue = env["account.dunning.overdue.report"].fields_get(["stage", "age_bucket"])
        rate = env["account.dunning.effectiveness.report"].fields_get(["paid_in_time_rate"])
        with freeze_time("2026-04-15 10:00:00", tick=True):
            invoice = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
            self._climb(invoice, "2026-03-08", 1)
            self._pay(invoice, 400.0, "2026-03-12")
            other = self.env["res.partner"].create({"name": "Atelier Dubois SA",
                                                    "is_company": True})
            self._invoice(other, 250.0, "2026-02-01", "2026-03-01")
            stages = dict(overdue["stage"]["selection"])
            for action, texts in (
                ("account_dunning_overdue_report_action",
                 [stages["00"], stages["01"], dict(overdue["age_bucket"]["selection"])["2_60"],
                  formatLang(env, 600.0), formatLang(env, 250.0)]),
                ("account_dunning_effectiveness_report_action",
                 [stages["01"], rate["paid_in_time_rate"]["string"], formatLang(env, 400.0)]),
            ):
                checks = "".join(f"await until('div.o_pivot', {text!r});" for text in texts)
                self.browser_js(
                    f"/odoo/action-account_dunning_be.{action}",
                    WAIT_JS + "(async () => {" + checks + """
                        document.querySelector('.o_switch_view.o_graph').click();
                        await until('.o_graph_renderer canvas');
                        console.log('test successful');
                    })().catch((error) => console.error(error.message));""",
                    login=billing.login, timeout=120,
                )
