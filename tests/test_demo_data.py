"""The demo builder (scripts/demo_data.py) produces what the README promises.

An Odoo test: run it with pytest-odoo against a database where account_dunning_be is
installed (``make test`` does). The data is built inside the test transaction, in a
Belgian company of its own with the ``be_comp`` chart, and rolled back afterwards.
"""

import importlib.util
from datetime import date
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.account.tools.structured_reference import is_valid_structured_reference_be

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 2, 16)


def load_demo_data():
    spec = importlib.util.spec_from_file_location(
        "dunning_demo_data", REPO / "scripts" / "demo_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def be_structured_ok(reference):
    """+++ddd/dddd/ddddd+++ whose last two digits are the first ten mod 97 (97 for 0)."""
    digits = "".join(c for c in reference or "" if c.isdigit())
    if len(digits) != 12 or not reference.startswith("+++") or not reference.endswith("+++"):
        return False
    return int(digits[-2:]) == (int(digits[:10]) % 97 or 97)


@tagged("post_install", "-at_install")
class TestDemoData(AccountTestInvoicingCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("be")
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = load_demo_data()
        cls.company = cls.company_data["company"]
        cls.summary = cls.demo.build(cls.env, TODAY, company=cls.company)

    def test_company_setup(self):
        self.assertEqual(self.company.chart_template, "be_comp")
        self.assertEqual(self.summary["company"], self.company)
        bank = self.summary["bank_account"]
        self.assertEqual(bank.acc_type, "iban")
        self.assertEqual(bank.partner_id, self.company.partner_id)
        sale = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")])
        self.assertIn("be", sale.mapped("invoice_reference_model"))

    def test_customers(self):
        partners = self.summary["partners"]
        self.assertGreaterEqual(len(partners), 20)
        self.assertEqual(set(partners.mapped("lang")), {"fr_BE", "nl_BE", "de_DE", "en_US"})
        companies = partners.filtered("is_company")
        consumers = partners - companies
        self.assertTrue(companies and consumers)
        self.assertTrue(all(companies.mapped("vat")))
        self.assertFalse(any(consumers.mapped("vat")))
        self.assertIn(False, consumers.mapped("email"), "one consumer has no e-mail")
        zips = [int(z) for z in partners.mapped("zip")]
        self.assertTrue(any(1000 <= z <= 1299 for z in zips), "Brussels")
        self.assertTrue(any(1500 <= z <= 3999 or 8000 <= z <= 9999 for z in zips), "Flanders")
        self.assertTrue(any(1300 <= z <= 1499 or 4000 <= z <= 4699 or 5000 <= z <= 7999
                            for z in zips), "Wallonia")
        self.assertTrue(any(4700 <= z <= 4791 for z in zips), "East Cantons")
        self.assertEqual(set(self.summary["regions"]),
                         {"brussels", "flanders", "wallonia", "east_cantons"})

    def test_invoices(self):
        invoices = self.summary["invoices"]
        posted = invoices.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
        self.assertGreaterEqual(len(posted), 55)
        self.assertEqual(posted.company_id, self.company)
        # 21 % VAT on every line
        self.assertEqual(set(posted.invoice_line_ids.tax_ids.mapped("amount")), {21.0})
        # due dates over the last 150 days, a few not yet due
        self.assertGreaterEqual(min(posted.mapped("invoice_date_due")),
                                date.fromordinal(TODAY.toordinal() - 150))
        not_due = posted.filtered(lambda m: m.invoice_date_due > TODAY)
        self.assertGreaterEqual(len(not_due), 3)
        overdue = posted.filtered(lambda m: m.amount_residual and m.invoice_date_due < TODAY)
        self.assertGreaterEqual(len(overdue), 30)
        self.assertEqual(self.summary["overdue"], len(overdue))
        # every invoice carries a valid Belgian structured communication
        for invoice in posted:
            ref = invoice.payment_reference
            self.assertTrue(is_valid_structured_reference_be(ref), f"{invoice.name}: {ref}")
            self.assertTrue(be_structured_ok(ref), f"{invoice.name}: {ref}")

    def test_payments(self):
        invoices = self.summary["invoices"]
        partial = invoices.filtered(lambda m: m.payment_state == "partial")
        self.assertGreaterEqual(len(partial), 3)
        self.assertTrue(all(0 < m.amount_residual < m.amount_total for m in partial))
        paid = invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment"))
        late = paid.filtered(lambda m: max(
            m._get_reconciled_payments().mapped("date")) > m.invoice_date_due)
        self.assertGreaterEqual(len(late), 2)
        self.assertGreaterEqual(len(paid - late), 5, "some are paid on time")

    def test_disputed(self):
        disputed = self.summary["by_fate"]["disputed"]
        self.assertEqual(len(disputed), 1)
        self.assertLess(disputed.invoice_date_due, TODAY)
        if "dunning_blocked" in disputed._fields:
            self.assertTrue(disputed.dunning_blocked)

    def test_deterministic_plan(self):
        partners = self.summary["partners"]
        plan_a = self.demo._plan(self.demo.random.Random(self.demo.SEED), TODAY, partners)
        plan_b = self.demo._plan(self.demo.random.Random(self.demo.SEED), TODAY, partners)
        self.assertEqual(plan_a, plan_b)
        built = [(m.partner_id, m.invoice_date) for m in self.summary["invoices"]]
        self.assertEqual(built, [(p[0], p[1]) for p in plan_a])

    def test_vat_numbers(self):
        from stdnum.be import vat

        for partner in self.summary["partners"].filtered("vat"):
            self.assertTrue(vat.is_valid(partner.vat), partner.vat)
