"""The safe review of letters (issue 13, deliverable 2): a preview that changes nothing,
the document kept as it went out, no deletion of what went out, a cancellation with its
reason, the deposit of registered letters asked before printing, a failed e-mail back in
review."""

from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

import odoo.modules.module
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .. import law
from .common import DunningCommon
from .test_dunning_letter_report import LETTER_REPORT, html_text, norm

Letter = "account.dunning.letter"


@tagged("post_install", "-at_install")
class TestDunningLetterReview(DunningCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({
            "company_registry": "0477472701",
            "street": "Rue de l'Industrie 42",
            "zip": "1040",
            "city": "Etterbeek",
            "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
        })

    def _email_letter(self, partner=None, amount=500.0):
        invoice = self._invoice(partner or self.b2b, amount, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self.assertTrue(letter.by_email)
        self.assertEqual(letter.by_post, "none")
        return invoice, letter

    def _paper_letter(self, name="Marie Dubois", amount=240.0):
        customer = self.b2c.copy({"name": name, "email": False})
        invoice = self._invoice(customer, amount, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self.assertEqual((letter.by_email, letter.by_post), (False, "letter"))
        return invoice, letter

    def _attachments(self, letters):
        return self.env["ir.attachment"].search(
            [("res_model", "=", Letter), ("res_id", "in", letters.ids)])

    def _stored_text(self, letter):
        return html_text(letter.printed_attachment_id.raw)

    # ------------------------------------------------------------
    # preview
    # ------------------------------------------------------------

    def test_preview_changes_nothing(self):
        _invoice, draft = self._email_letter()
        _paper_invoice, paper = self._paper_letter()
        sent = self._email_letter(self.b2c)[1]
        sent.action_send()
        self.assertEqual(sent.state, "sent")
        letters = draft | paper | sent
        before = {letter: (letter.state, letter.date_sent, letter.printed_attachment_id,
                           len(letter.message_ids), letter.file_id.state,
                           letter.file_id.next_date)
                  for letter in letters}
        attachments = self._attachments(letters)
        for letter in letters:
            with self.subTest(letter=letter.name, state=letter.state):
                action = letter.action_preview()
                self.assertEqual(action["type"], "ir.actions.report")
                self.assertEqual(action["report_name"], "account_dunning_be.report_dunning_letter")
                self.assertEqual(action["report_type"], "qweb-pdf")
                self.assertEqual(action["context"]["active_ids"], letter.ids)
                # what the download then renders (HTML under tests), as the Print menu does
                content = self.env["ir.actions.report"]._render_qweb_pdf(
                    LETTER_REPORT, letter.ids)[0]
                self.assertIn(letter.name, html_text(content))
        self.env.invalidate_all()
        for letter in letters:
            self.assertEqual(
                (letter.state, letter.date_sent, letter.printed_attachment_id,
                 len(letter.message_ids), letter.file_id.state, letter.file_id.next_date),
                before[letter], letter.name)
        self.assertEqual(self._attachments(letters), attachments)
        self.assertEqual((draft.state, paper.state), ("draft", "draft"))
        # a cancelled letter has no preview
        draft.action_cancel()
        with self.assertRaisesRegex(UserError, "cancelled letter has no preview"):
            draft.action_preview()

    # ------------------------------------------------------------
    # the document as it went out
    # ------------------------------------------------------------

    def test_sent_and_printed_letters_keep_their_document(self):
        """Under tests Odoo renders reports as HTML: the kept document is that HTML."""
        _invoice, email = self._email_letter(amount=1234.56)
        email.action_send()
        self.assertEqual(email.state, "sent")
        document = email.printed_attachment_id
        self.assertTrue(document, "the e-mailed PDF is kept on the letter")
        self.assertIn(document, email.mail_message_id.attachment_ids,
                      "the very attachment of the e-mail")
        self.assertEqual((document.res_model, document.res_id), (Letter, email.id))
        _paper_invoice, paper = self._paper_letter(amount=987.65)
        paper.action_print()
        self.assertEqual(paper.state, "printed")
        # a paper letter "sent" from the form is printed: it keeps its document too
        _posted_invoice, posted = self._paper_letter(name="Luc Martin", amount=321.09)
        posted.action_send()
        self.assertEqual(posted.state, "printed")
        for letter in email | paper | posted:
            with self.subTest(letter=letter.name):
                self.assertTrue(letter.printed_attachment_id)
                text = self._stored_text(letter)
                self.assertIn(letter.name, text)
                self.assertIn(letter.payment_reference, text)
                self.assertIn(letter.partner_id.name, text)
                self.assertIn(norm(letter._fmt_amount(letter.amount_residual)), text)
                self.assertIn(norm(letter._fmt_amount(letter.amount_total)), text)
        self.assertIn(norm(email._fmt_amount(1234.56)), self._stored_text(email))
        self.assertNotIn(paper.name, self._stored_text(posted))

    # ------------------------------------------------------------
    # deletion and cancellation
    # ------------------------------------------------------------

    def test_letters_that_went_out_cannot_be_deleted(self):
        _invoice, email = self._email_letter()
        email.action_send()
        _paper_invoice, paper = self._paper_letter()
        paper.action_print()
        for letter in email | paper:
            with self.subTest(state=letter.state):
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    letter.unlink()
                self.assertTrue(letter.exists())
        # cancelled, it still went out: still no deletion
        email.action_cancel()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            email.unlink()
        self.assertTrue(email.exists())

    def test_deleting_a_draft_undoes_it(self):
        invoice = self._invoice(self.b2b, 500.0, "2026-02-01", "2026-03-01")
        first = self._escalate("2026-03-09", invoice)
        self._send(first, "2026-03-09")
        file = first.file_id
        second = self._escalate(str(file.next_date), invoice)
        self.assertEqual(second.state, "draft")
        self.assertEqual(invoice.dunning_level_id, self.second)
        self.assertEqual((file.last_letter_id, file.state), (second, "open"))
        second.unlink()
        self.assertFalse(second.exists())
        # the invoice and the file are back at the first letter
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertEqual(invoice.dunning_last_date, date(2026, 3, 9))
        self.assertEqual((file.last_letter_id, file.level_id, file.state),
                         (first, self.friendly, "waiting"))
        self.assertTrue(file.next_date)

    def test_cancelling_a_sent_letter_asks_the_reason(self):
        invoice, letter = self._email_letter()
        letter.action_send()
        action = letter.action_open_cancel_wizard()
        self.assertEqual((action["res_model"], action["target"]),
                         ("account.dunning.letter.cancel", "new"))
        Cancel = self.env["account.dunning.letter.cancel"].with_context(action["context"])
        form = Form(Cancel)
        with self.assertRaises(AssertionError):
            form.save()  # the reason is required
        self.assertEqual(letter.state, "sent")
        with self.assertRaisesRegex(UserError, "Say why"):
            Cancel.create({"reason": "   "}).action_cancel_letters()
        form.reason = "Sent to the former accountant's address"
        form.save().action_cancel_letters()
        self.assertEqual(letter.state, "cancelled")
        self.assertEqual(letter.cancel_reason, "Sent to the former accountant's address")
        self.assertTrue(letter.message_ids.filtered(
            lambda msg: "Sent to the former accountant's address" in (msg.body or "")))
        self.env.flush_all()
        self.env.cr.flush()  # the tracking values
        tracked = letter.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "cancel_reason")
        self.assertEqual(tracked.new_value_char or tracked.new_value_text,
                         "Sent to the former accountant's address")
        # the invoice goes back to the level it had before the letter
        self.assertFalse(invoice.dunning_level_id)
        # a code caller (the escalation cancelling paid drafts) needs no reason
        _invoice, draft = self._email_letter(self.b2c)
        draft.action_cancel()
        self.assertEqual((draft.state, draft.cancel_reason), ("cancelled", False))

    # ------------------------------------------------------------
    # registered letters: the deposit
    # ------------------------------------------------------------

    def _registered_letters(self):
        self.friendly.write({"action_email": False, "action_registered": True})
        letters = self.env[Letter]
        for partner in (self.b2b, self.b2c):
            letters |= self._escalate("2026-03-09", self._invoice(
                partner, 400.0, "2026-02-01", "2026-03-01"))
        self.assertEqual(letters.mapped("by_post"), ["registered", "registered"])
        return letters

    @freeze_time("2026-03-10")
    def test_registered_letters_ask_number_and_deposit_date(self):
        letters = self._registered_letters()
        action = letters.action_print()
        self.assertEqual((action["res_model"], action["target"]),
                         ("account.dunning.letter.register", "new"))
        self.assertEqual(letters.mapped("state"), ["draft", "draft"], "nothing printed yet")
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.deposit_date, date(2026, 3, 10), "today, a working day")
        self.assertEqual(wizard.line_ids.letter_id, letters)
        numbers = {letters[0]: "RR123456785BE", letters[1]: "rr 987654321 be"}
        with Form(wizard) as form:
            # one date for the batch, set at the top
            form.deposit_date = date(2026, 3, 9)
            for index in range(2):
                with form.line_ids.edit(index) as line:
                    self.assertEqual(line.registered_date, date(2026, 3, 9))
                    line.registered_number = numbers[wizard.line_ids[index].letter_id]
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "account_dunning_be.report_dunning_letter")
        self.assertTrue(action["close_on_report_download"])
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(letters.ids))
        self.assertEqual(letters.mapped("state"), ["printed", "printed"])
        self.assertEqual(letters.mapped("registered_date"), [date(2026, 3, 9)] * 2)
        self.assertEqual(sorted(letters.mapped("registered_number")),
                         ["RR123456785BE", "RR987654321BE"])
        for letter in letters:
            with self.subTest(letter=letter.name):
                # printed with that deposit date: the deadline counts from it, not from
                # the day of printing
                self.assertEqual(letter.date_sent, date(2026, 3, 10))
                deadline = date(2026, 3, 9) + timedelta(days=self.company.dunning_payment_days)
                if not letter.is_b2b:
                    deadline = max(deadline, law.b2c_waiting_period_end(date(2026, 3, 9), "post"))
                while not law.is_working_day(deadline):
                    deadline += timedelta(days=1)
                self.assertEqual(letter.payment_deadline, deadline)
                text = self._stored_text(letter)
                self.assertIn(letter.registered_number, text)
                self.assertIn(norm(letter._fmt_date(deadline)), text)
        self.assertEqual(letters.file_id.mapped("state"), ["waiting", "waiting"])
        # numbered now: printing again (or the deposit list) asks nothing
        action = letters.action_print_registered()
        self.assertEqual(action["report_name"],
                         "account_dunning_be.report_dunning_registered_letters")

    @freeze_time("2026-03-10")
    def test_registered_number_belongs_to_one_letter(self):
        letters = self._registered_letters()
        wizard = self.env["account.dunning.letter.register"].browse(
            letters.action_print_registered()["res_id"])
        wizard.line_ids.registered_number = "RR123456785BE"
        with self.assertRaisesRegex(UserError, "RR123456785BE is given twice"):
            wizard.action_print()
        self.assertEqual(letters.mapped("state"), ["draft", "draft"])
        self.assertFalse(any(letters.mapped("registered_number")))

    # ------------------------------------------------------------
    # a failed or bounced e-mail
    # ------------------------------------------------------------

    def test_failed_email_puts_the_letter_back_in_review(self):
        # an address the mail server refuses: mail.mail._send records the failure
        self.b2b.email = "compta.lambiek.example"
        invoice, letter = self._email_letter()
        self._send(letter, "2026-03-09")
        notification = letter.mail_message_id.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "mail_email_invalid")
        self.assertEqual(letter.state, "draft", "back to review")
        self.assertFalse(letter.date_sent)
        self.assertFalse(letter.printed_attachment_id)
        self.assertIn("did not arrive", letter.review_reason)
        self.assertIn("compta.lambiek.example", letter.review_reason)
        self.assertIn("Invalid email address", letter.review_reason)
        self.assertIn(letter.review_reason, html_text(letter.message_ids[0].body))
        file = letter.file_id
        self.assertEqual((file.state, file.next_date, file.last_sent_date),
                         ("open", False, False))
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        # nothing resends it by itself: the nightly run leaves it in review
        messages = letter.message_ids
        self.assertFalse(self._escalate("2026-03-20", invoice))
        self.assertEqual((letter.state, letter.message_ids), ("draft", messages))
        # the accountant corrects the address and sends it again
        self.b2b.email = "compta@lambiek.example"
        self._send(letter, "2026-03-20")
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.date_sent, date(2026, 3, 20))
        self.assertEqual(file.state, "waiting")
        self.assertTrue(letter.printed_attachment_id)

    def test_refused_smtp_connection_puts_the_letter_back_in_review(self):
        """What the issue saw ("Connection refused"): Odoo really connects, to a mail
        server that refuses, once out of its test mode (``current_test``)."""
        self.env["ir.mail_server"].create({
            "name": "Refusing server", "smtp_host": "127.0.0.1", "smtp_port": 1,
            "sequence": 1})
        _invoice, letter = self._email_letter()
        with patch.object(odoo.modules.module, "current_test", False), \
                mute_logger("odoo.addons.mail.models.mail_mail",
                            "odoo.addons.base.models.ir_mail_server"):
            self._send(letter, "2026-03-09")
        mail = self.env["mail.mail"].sudo().search(
            [("mail_message_id", "=", letter.mail_message_id.id)])
        self.assertEqual(mail.state, "exception")
        self.assertIn("Connection refused", mail.failure_reason)
        self.assertEqual(letter.mail_message_id.notification_ids.failure_type, "mail_smtp")
        self.assertEqual(letter.state, "draft")
        self.assertIn("Connection failed", letter.review_reason)
        self.assertIn("Connection refused", letter.review_reason)
        self.assertEqual((letter.file_id.state, letter.file_id.next_date), ("open", False))

    def test_bounced_email_puts_the_letter_back_in_review(self):
        invoice, letter = self._email_letter()
        self._send(letter, "2026-03-09")
        message = letter.mail_message_id
        self.assertEqual(message.notification_ids.notification_status, "sent")
        self.assertEqual(letter.file_id.state, "waiting")
        # the bounce as Odoo's mail gateway routes it
        self.env["mail.thread"]._routing_handle_bounce(False, {
            "bounced_email": "compta@lambiek.example",
            "bounced_partner": self.b2b,
            "bounced_msg_ids": [message.message_id],
            "bounced_message": message,
            "body": "550 5.1.1 <compta@lambiek.example>: mailbox unavailable",
            "email_from": "MAILER-DAEMON@lambiek.example",
            "to": "bounce@example.com",
            "message_id": "<bounce-1@lambiek.example>",
        })
        self.assertEqual(message.notification_ids.notification_status, "bounce")
        self.assertEqual(letter.state, "draft")
        self.assertIn("mailbox unavailable", letter.review_reason)
        self.assertFalse(letter.date_sent)
        self.assertEqual((letter.file_id.state, letter.file_id.next_date), ("open", False))
        self.assertEqual(invoice.dunning_level_id, self.friendly)

    def test_failed_email_reason_in_the_users_language(self):
        if not self._lang_active("fr_BE"):
            self.env["res.lang"]._activate_lang("fr_BE")
        self.env["ir.module.module"]._load_module_terms(
            ["account_dunning_be"], ["fr_BE"], overwrite=True)
        self.b2b.email = "compta.lambiek.example"
        _invoice, letter = self._email_letter()
        with freeze_time("2026-03-09"):
            letter.with_context(lang="fr_BE").action_send()
        self.assertEqual(letter.state, "draft")
        self.assertIn("n'est pas arrivé", letter.review_reason)
