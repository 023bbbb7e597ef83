from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningWizardTour(DunningCommon, HttpCase):
    """In the browser: select two overdue invoices of one enterprise customer in the invoice
    list, run the dunning wizard, post the claim."""

    def test_dunning_wizard_tour(self):
        # the steps find the wizard in the actions menu by its English name
        self.env["res.lang"]._activate_lang("en_US")
        self.env.user.lang = "en_US"
        with freeze_time("2025-07-31 10:00:00", tick=True):
            customer = self.env["res.partner"].create({
                "name": "Tour Brewery SRL", "is_company": True, "vat": "BE0403170701",
                "lang": "en_US",  # the claim invoice speaks the customer's language
            })
            inv_1 = self._invoice(customer, 1000.0, "2025-05-01", "2025-05-31")
            inv_2 = self._invoice(customer, 500.0, "2025-01-01", "2025-01-31")
            self._pay(inv_2, 500.0, "2025-03-02")
            self.start_tour(
                "/odoo/action-account.action_move_out_invoice_type",
                "account_dunning_be_wizard_tour",
                login=self.env.user.login,
                timeout=120,
            )
        claim = inv_1.dunning_claim_move_ids
        self.assertEqual(len(claim), 1)
        self.assertEqual(inv_2.dunning_claim_move_ids, claim)
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.partner_id, customer)
        self.assertFalse(claim.invoice_line_ids.tax_ids)
        got = [(line.name, line.account_id.code[:3], line.price_unit)
               for line in claim.invoice_line_ids]
        self.assertEqual(got, [
            (f"Late payment interest on {inv_2.name} from 2025-02-01 to 2025-07-31",
             "751", 4.73),
            (f"Flat recovery fee (law of 2 August 2002, art. 6) for {inv_2.name} due "
             "2025-01-31", "743", 40.0),
            (f"Late payment interest on {inv_1.name} from 2025-06-01 to 2025-07-31",
             "751", 18.37),
            (f"Flat recovery fee (law of 2 August 2002, art. 6) for {inv_1.name} due "
             "2025-05-31", "743", 40.0),
            (f"Penalty clause of our terms for {inv_1.name} due 2025-05-31", "743", 100.0),
        ])
        self.assertAlmostEqual(claim.amount_total, 203.10, places=2)
