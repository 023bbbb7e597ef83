from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningFileTour(DunningCommon, HttpCase):
    """In the browser, in French and in Dutch: a customer's follow-up screen with Preview
    and Send, and the review queue with "Send all reviewed"."""

    def _as_user_in(self, lang):
        if not self._lang_active(lang):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["account_dunning_be"], [lang])
        self.env.user.lang = lang

    def _customer(self, name):
        return self.env["res.partner"].create({
            "name": name, "is_company": True, "vat": "BE0403170701",
            "email": f"{name.split()[1].lower()}@example.be", "lang": "fr_BE",
            "street": "Rue Haute 1", "zip": "1000", "city": "Bruxelles",
            "country_id": self.env.ref("base.be").id,
        })

    def _run_file_tour(self, lang):
        self._as_user_in(lang)
        # a company that chose its layout: no "Configure your document layout" dialog
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        with freeze_time("2026-03-09 10:00:00", tick=True):
            customer = self._customer("Tour Brewery SRL")
            inv_1 = self._invoice(customer, 1000.0, "2026-01-15", "2026-02-14")
            inv_2 = self._invoice(customer, 250.0, "2026-01-31", "2026-03-02")
            letter = self._escalate("2026-03-09", inv_1 | inv_2)
            self.assertEqual(letter.move_ids, inv_1 | inv_2)
            messages = len(letter.message_ids)
            self.start_tour(
                "/odoo/action-account_dunning_be.account_dunning_file_action",
                f"account_dunning_be_file_tour_{lang}", login=self.env.user.login, timeout=120)
        self.assertEqual(letter.state, "sent")
        self.assertEqual(str(letter.date_sent), "2026-03-09")
        self.assertEqual(letter.file_id.state, "waiting")
        self.assertTrue(letter.mail_message_id)
        self.assertEqual(len(letter.message_ids), messages + 2,
                         "the preview posted nothing: the sent e-mail and the state change")

    def _run_review_tour(self, lang):
        self._as_user_in(lang)
        with freeze_time("2026-03-09 10:00:00", tick=True):
            first = self._customer("Tour Brewery SRL")
            second = self._customer("Tour Tavern BV")
            letters = self._escalate("2026-03-09", self._invoice(
                first, 1000.0, "2026-01-15", "2026-02-14") | self._invoice(
                second, 400.0, "2026-01-15", "2026-02-14"))
            self.assertEqual(len(letters), 2)
            self.start_tour(
                "/odoo/action-account_dunning_be.account_dunning_letter_action",
                f"account_dunning_be_review_tour_{lang}", login=self.env.user.login,
                timeout=120)
        sent = letters.filtered(lambda lt: lt.partner_id == first)
        self.assertEqual((sent.state, sent.is_reviewed), ("sent", True))
        self.assertEqual((letters - sent).state, "draft", "not reviewed: not sent")

    def test_file_screen_fr_be(self):
        self._run_file_tour("fr_BE")

    def test_file_screen_nl_be(self):
        self._run_file_tour("nl_BE")

    def test_review_queue_fr_be(self):
        self._run_review_tour("fr_BE")

    def test_review_queue_nl_be(self):
        self._run_review_tour("nl_BE")
