from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningPolish(DunningCommon):
    """What the screens show: no next step on a paid invoice, no sums of rates nor of the
    letters' overlapping amounts."""

    def test_paid_invoice_has_no_next_step(self):
        invoice = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-08", invoice)
        self._send(letter, "2026-03-08")
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 27))
        with freeze_time("2026-03-12"):
            self._pay(invoice, 1000.0, "2026-03-12")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(invoice.dunning_next_date)
        self.assertFalse(invoice.dunning_days_overdue)
        self.assertNotIn(invoice, self.env["account.move"].search(
            [("dunning_next_date", "!=", False)]))

    def test_no_sums_of_rates_nor_of_letters(self):
        groups = self.env["account.dunning.rate"].web_read_group(
            [], fields=["rate"], groupby=["kind"])["groups"]
        self.assertTrue(groups)
        self.assertTrue(all("rate" not in group for group in groups), groups)

        inv = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        self._climb(inv, "2026-03-08", 2)
        groups = self.env["account.dunning.letter"].web_read_group(
            [("partner_id", "=", self.b2b.id)],
            fields=["amount_residual", "amount_total", "amount_interest"],
            groupby=["partner_id"])["groups"]
        self.assertEqual(groups[0]["partner_id_count"], 2)
        self.assertFalse({"amount_residual", "amount_total", "amount_interest"} & set(groups[0]),
                         "the two letters list the same 1,000.00: no sum of them")
