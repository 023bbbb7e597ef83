"""A portal user sees their invoice, never the dunning's internal fields (issue 12,
item 9)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon


@tagged("post_install", "-at_install")
class TestDunningPortal(AccountTestInvoicingHttpCommon):

    @classmethod
    @AccountTestInvoicingHttpCommon.setup_country("be")
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({
            "name": "Brasserie Lambiek SRL", "is_company": True, "vat": "BE0403170701",
            "email": "compta@lambiek.example"})
        cls.portal_user = new_test_user(
            cls.env, login="lambiek_portal", password="lambiek_portal",
            groups="base.group_portal", partner_id=cls.customer.id)
        cls.invoice = cls.init_invoice(
            "out_invoice", partner=cls.customer, amounts=[1000.0], post=True,
            invoice_date=fields.Date.today() - timedelta(days=60))
        cls.invoice.write({
            "dunning_blocked": True,
            "dunning_block_reason": "other",
            "dunning_block_note": "INTERNAL: customer suspected of fraud",
        })

    def test_portal_user_reads_no_dunning_field(self):
        invoice = self.invoice.with_user(self.portal_user)
        # what the portal user may read of their invoice lists no dunning field
        readable = [name for name in invoice.fields_get(attributes=["type"])]
        self.assertIn("amount_residual", readable)
        self.assertFalse([name for name in readable if name.startswith("dunning_")])
        values = invoice.read(["name", "amount_residual", "payment_state"])[0]
        self.assertEqual(values["name"], self.invoice.name)
        for fname in ("dunning_block_note", "dunning_block_reason", "dunning_level_id",
                      "dunning_blocked", "dunning_interest", "dunning_letter_line_ids"):
            with self.subTest(field=fname), mute_logger("odoo.models"):
                with self.assertRaises(AccessError):
                    invoice.read([fname])
                with self.assertRaises(AccessError):
                    invoice.search_read([("id", "=", invoice.id)], [fname])
        partner = self.customer.with_user(self.portal_user)
        self.assertEqual(partner.read(["name"])[0]["name"], self.customer.name)
        self.assertFalse([name for name in partner.fields_get(attributes=["type"])
                          if name.startswith("dunning_")])
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            partner.read(["dunning_excluded"])

    def test_portal_page_and_accountant_views(self):
        self.authenticate("lambiek_portal", "lambiek_portal")
        response = self.url_open(f"/my/invoices/{self.invoice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoice.name, response.text)
        self.assertNotIn("INTERNAL", response.text)
        accountant = new_test_user(
            self.env, login="lambiek_accountant", groups="account.group_account_invoice",
            company_id=self.company_data["company"].id)
        views = self.env(user=accountant)["account.move"].get_views(
            [(False, "form"), (False, "list"), (False, "search")])
        form = views["views"]["form"]["arch"]
        for fname in ("dunning_level_id", "dunning_block_note", "dunning_interest"):
            self.assertIn(f'name="{fname}"', form)
        self.assertIn("dunning_blocked", views["views"]["search"]["arch"])
        values = self.invoice.with_user(accountant).read(["dunning_block_note"])[0]
        self.assertEqual(values["dunning_block_note"], "INTERNAL: customer suspected of fraud")
