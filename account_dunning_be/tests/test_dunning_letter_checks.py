"""Every way a letter goes out is checked at that moment (issue 12, items 5, 6, 7): the
e-mail address still there, no date in the future, the Print menu as the buttons."""

import re
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common import DunningCommon

LETTER_REPORT = "account_dunning_be.account_dunning_letter_report"
DEPOSIT_REPORT = "account_dunning_be.account_dunning_registered_deposit_report"


@tagged("post_install", "-at_install")
class TestDunningLetterChecks(DunningCommon):

    def _wizard(self, moves, on):
        return self.env["account.move.dunning"].with_context(
            active_model="account.move", active_ids=moves.ids,
        ).create({"date": on})

    def test_email_removed_before_sending(self):
        letter = self._escalate("2026-03-08", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        self.assertTrue(letter.by_email)
        self.b2b.email = False
        with self.assertRaisesRegex(UserError,
                                    "Brasserie Lambiek SRL has no e-mail address.*" +
                                    re.escape(letter.name)):
            letter.action_send()
        self.assertEqual(letter.state, "draft")
        self.assertFalse(letter.mail_message_id)

    @freeze_time("2025-07-31")
    def test_claim_dated_in_the_future_is_refused(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-08-20")
        self.assertIn("in the future", wizard.warning or "")
        for action in (wizard.action_post_claim, wizard.action_send_letters):
            with self.assertRaisesRegex(
                    UserError, f"{format_date(self.env, date(2025, 8, 20))} is in the future"):
                action()
        self.assertFalse(invoice.dunning_claim_ids)
        self.assertFalse(invoice.dunning_letter_line_ids)
        # today is fine
        wizard.date = "2025-07-31"
        wizard.action_recompute()
        wizard.action_post_claim()
        self.assertFalse(invoice.dunning_claim_ids, "the preview posts nothing")
        wizard.action_confirm()
        self.assertTrue(invoice.dunning_claim_ids)

    @freeze_time("2026-03-10")
    def test_letter_in_the_future_cannot_go_out(self):
        letter = self._escalate("2026-03-20", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        for action in (letter.action_send, letter.action_print):
            with self.assertRaisesRegex(UserError, "dated 20 March 2026, in the future"):
                action()
        self.assertEqual(letter.state, "draft")
        self.assertFalse(letter.mail_message_id)

    @freeze_time("2026-03-10")
    def test_deposit_date_in_the_future_is_refused(self):
        letter = self._escalate("2026-03-08", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        with self.assertRaisesRegex(ValidationError, "2026-03-11 is in the future|"
                                    r"\(2026-03-11\) is in the future"):
            with self.env.cr.savepoint():
                letter.registered_date = "2026-03-11"
        letter.registered_date = "2026-03-10"
        self.assertEqual(letter.registered_date, date(2026, 3, 10))

    def test_print_menu_checks_like_the_buttons(self):
        letter = self._escalate("2026-03-08", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        self.env["account.journal"].search(
            [("company_id", "=", self.company.id)]).bank_account_id = False
        self.company.partner_id.bank_ids.action_archive()
        self.company.write({"vat": False, "company_registry": False})
        report = self.env.ref(LETTER_REPORT)
        # the report the Print menu lists for the letters
        self.assertEqual(report.binding_model_id.model, "account.dunning.letter")
        Report = self.env["ir.actions.report"]
        for report_ref in (LETTER_REPORT, DEPOSIT_REPORT):
            self.assertEqual(self.env.ref(report_ref).binding_type, "report")
            for render in (Report._render_qweb_pdf, Report._render_qweb_html):
                with self.subTest(report=report_ref, render=render.__name__):
                    with self.assertRaisesRegex(UserError, r"(?s)IBAN.*enterprise number"):
                        render(report_ref, letter.ids)
        self.assertEqual(letter.state, "draft")
