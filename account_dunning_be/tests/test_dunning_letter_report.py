import re
from datetime import date, timedelta
from unittest.mock import patch

import lxml.html
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.account.tools.structured_reference import is_valid_structured_reference_be

from .. import law
from .common import DunningCommon

LETTER_REPORT = "account_dunning_be.account_dunning_letter_report"
DEPOSIT_REPORT = "account_dunning_be.account_dunning_registered_deposit_report"
BATCH_REPORT = "account_dunning_be.account_dunning_registered_letters_report"
LANGS = ("fr_BE", "nl_BE", "de_DE", "en_US")
IBAN = "BE71 0961 2345 6769"

# sentences and headings of the English letter that must never show in another language
ENGLISH = (
    "Dear ", "Payment reminder", "Second reminder", "Formal notice", "Last notice",
    "Due date", "Outstanding", "Days late", "Total due", "Yours faithfully",
    "Structured communication", "If you have paid", "Enterprise number", "Customer number",
    "How to pay", "Amounts claimed", "invoices listed below", "Please transfer",
    "earlier reminders", "Late payment interest", "Account holder", "Our reference",
)
# what each language must say, per level (formal notice: the legal term of the country)
LEVEL_WORDS = {
    "fr_BE": {"friendly": "Rappel de paiement", "second": "Deuxième rappel",
              "formal_notice": "Mise en demeure", "last_notice": "Dernier avis"},
    "nl_BE": {"friendly": "Betalingsherinnering", "second": "Tweede herinnering",
              "formal_notice": "Ingebrekestelling", "last_notice": "Laatste verwittiging"},
    "de_DE": {"friendly": "Zahlungserinnerung", "second": "Zweite Mahnung",
              "formal_notice": "Inverzugsetzung", "last_notice": "Letzte Mahnung"},
    "en_US": {"friendly": "Payment reminder", "second": "Second reminder",
              "formal_notice": "Formal notice", "last_notice": "Last notice before legal action"},
}
STRUCTURED = {"fr_BE": "communication structurée", "nl_BE": "gestructureerde mededeling",
              "de_DE": "strukturierte Mitteilung", "en_US": "structured communication"}


def html_text(html):
    """The visible text of a rendered report, whitespace collapsed."""
    text = lxml.html.fromstring(html).text_content()
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def norm(value):
    return re.sub(r"\s+", " ", value.replace("\xa0", " ").replace("\u202f", " "))


@tagged("post_install", "-at_install")
class TestDunningLetterReport(DunningCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_be"], list(LANGS[:3]), overwrite=True)
        cls.company.write({
            "name": "Atelier Dupont SRL",
            "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
            "company_registry": "0477472701",
            "street": "Rue de l'Industrie 42",
            "zip": "1040",
            "city": "Etterbeek",
            "phone": "+32 2 230 45 67",
            "email": "compta@dupont.example",
        })
        Bank = cls.env["res.partner.bank"]
        cls.bank = Bank.search([("partner_id", "=", cls.company.partner_id.id),
                                ("sanitized_acc_number", "=", IBAN.replace(" ", ""))])
        cls.bank = cls.bank or Bank.create({
            "acc_number": IBAN, "partner_id": cls.company.partner_id.id})
        cls.bank.write({"acc_number": IBAN, "acc_holder_name": "Atelier Dupont SRL"})
        cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")],
        ).bank_account_id = cls.bank

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def _ladder_letters(self, partner, amount=1000.0):
        """One invoice taken up the whole ladder: {level key: letter}, each one sent."""
        invoice = self._invoice(partner, amount, "2026-02-01", "2026-03-01")
        keys = ("friendly", "second", "formal_notice", "last_notice")
        return invoice, dict(zip(keys, self._climb(invoice, "2026-03-09", 4), strict=True))

    def _render(self, letters, report=LETTER_REPORT):
        html = self.env["ir.actions.report"]._render_qweb_html(report, letters.ids)[0]
        return html_text(html)

    # ------------------------------------------------------------
    # content of the letters
    # ------------------------------------------------------------

    def test_every_level_in_every_language(self):
        invoice, letters = self._ladder_letters(self.b2b)
        for key, letter in letters.items():
            self.assertEqual(letter._get_letter_key(), key)
            for lang in LANGS:
                with self.subTest(level=key, lang=lang):
                    letter.lang = lang
                    text = self._render(letter)
                    for mention in ("Atelier Dupont SRL", "0477.472.701", IBAN,
                                    invoice.name, letter.payment_reference,
                                    "Brasserie Lambiek SRL", "Rue de la Loi 16", "Etterbeek"):
                        self.assertIn(mention, text)
                    self.assertIn(norm(letter._fmt_amount(letter.amount_total)), text)
                    self.assertIn(norm(letter._fmt_amount(letter.amount_residual)), text)
                    deadline = letter._fmt_date(letter._get_payment_deadline())
                    self.assertIn(deadline, text)
                    self.assertIn(LEVEL_WORDS[lang][key], text)
                    self.assertIn(STRUCTURED[lang], text)
                    if lang != "en_US":
                        left = [english for english in ENGLISH if english in text]
                        self.assertFalse(left, f"English left in the {lang} letter")

    def test_formal_notice_claims_and_history(self):
        invoice, letters = self._ladder_letters(self.b2b)
        formal = letters["formal_notice"]
        formal.lang = "en_US"
        self.assertTrue(formal.amount_interest > 0)
        self.assertEqual(formal.amount_flat_fee, 40.0)
        self.assertEqual(formal.amount_penalty, 100.0)  # 10 % of 1,000 within 40..2,500
        text = self._render(formal)
        # the basis of each amount
        self.assertIn("law of 2 August 2002", text)
        self.assertIn("EUR 40 for each invoice paid late", text)
        self.assertIn("10 % of the amount due", text)
        period = formal._get_interest_periods(formal.line_ids)[0]
        self.assertIn(formal._fmt_date_short(period["date_from"]), text)
        self.assertIn(f"{period['rate']:.2f} %", text)
        self.assertIn(norm(formal._fmt_amount(formal.amount_interest)), text)
        # the earlier reminders, with their dates and channels, and the next step
        reminders = formal._get_earlier_reminders()
        self.assertEqual([r["letter"] for r in reminders],
                         [letters["friendly"], letters["second"]])
        for reminder in reminders:
            self.assertIn(reminder["letter"].name, text)
            self.assertIn(formal._fmt_date_short(reminder["date"]), text)
        self.assertIn("e-mail", text)
        self.assertIn("summary payment order (injunction)", text)
        self.assertIn("collection agency", text)
        last = letters["last_notice"]
        self.assertEqual(len(last._get_earlier_reminders()), 3)

    def test_friendly_letter_is_never_called_first(self):
        _invoice, letters = self._ladder_letters(self.b2b)
        for lang in LANGS:
            letters["friendly"].lang = lang
            text = self._render(letters["friendly"]).lower()
            for first in ("first reminder", "premier rappel", "eerste herinnering",
                          "erste mahnung", "erste zahlungserinnerung"):
                self.assertNotIn(first, text)

    def test_consumer_first_reminder_announces_damages(self):
        invoice = self._invoice(self.b2c, 400.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        letter.lang = "nl_BE"
        self.assertFalse(letter.is_b2b)
        self.assertEqual(letter.amount_total, 400.0, "a consumer's first reminder claims nothing")
        damages = letter.line_ids.damages_announced
        self.assertEqual(damages, 55.0)  # Book XIX: 30 + 10 % of (400 - 150)
        text = self._render(letter)
        self.assertIn(norm(letter._fmt_amount(damages)), text)
        waiting_end = letter._get_waiting_period_end()
        self.assertEqual(waiting_end, date(2026, 3, 23))  # e-mail: from the next day, 14 days
        self.assertIn(letter._fmt_date(waiting_end), text)
        self.assertGreaterEqual((letter._get_payment_deadline() - letter.date).days, 14)
        self.assertIn("Boek XIX", text)

    def test_consumer_gets_at_least_14_days(self):
        self.company.dunning_payment_days = 8
        invoice = self._invoice(self.b2c, 100.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self.assertGreaterEqual((letter._get_payment_deadline() - letter.date).days, 14)
        b2b_letter = self._escalate("2026-03-09", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        self.assertEqual(b2b_letter._get_payment_deadline(), date(2026, 3, 17))

    # ------------------------------------------------------------
    # payment: structured communication and EPC QR code
    # ------------------------------------------------------------

    def test_structured_communication(self):
        single = self._invoice(self.b2b, 100.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", single)
        self.assertTrue(is_valid_structured_reference_be(letter.payment_reference))
        if is_valid_structured_reference_be(single.payment_reference or ""):
            self.assertEqual(letter.payment_reference, single.payment_reference)
        several = self._invoice(self.b2c, 100.0, "2026-02-01", "2026-03-01") | self._invoice(
            self.b2c, 200.0, "2026-02-02", "2026-03-01")
        letter = self._escalate("2026-03-09", several)
        self.assertTrue(is_valid_structured_reference_be(letter.payment_reference))
        self.assertNotIn(letter.payment_reference, several.mapped("payment_reference"))
        digits = re.sub(r"\D", "", letter.payment_reference)
        self.assertEqual(int(digits[:10]) % 97 or 97, int(digits[10:]))

    def test_epc_qr_code_from_odoo(self):
        """The EPC QR code is Odoo's (account_qr_code_sepa on the bank account), with the
        letter's total and structured communication."""
        invoice = self._invoice(self.b2b, 1234.5, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        amount, free, structured = letter._get_epc_qr_vals()
        self.assertEqual((amount, free), (1234.5, ""))
        self.assertEqual(structured, re.sub(r"\D", "", letter.payment_reference))
        bank = letter._get_bank_account()
        self.assertEqual(bank.sanitized_acc_number, IBAN.replace(" ", ""))
        payload = bank._get_qr_vals("sct_qr", amount, letter.currency_id, letter.partner_id,
                                         free, structured)
        self.assertEqual(payload[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(payload[5], "Atelier Dupont SRL")
        self.assertEqual(payload[6], IBAN.replace(" ", ""))
        self.assertEqual(payload[7], "EUR1234.5")
        self.assertEqual(payload[9], structured)
        self.assertEqual(payload[10], "", "no unstructured remittance next to a structured one")
        with patch.object(type(bank), "build_qr_code_base64", autospec=True,
                          return_value="data:image/png;base64,QR") as build:
            self.assertEqual(letter._get_epc_qr_image(), "data:image/png;base64,QR")
        self.assertEqual(build.call_args.args[1:4], (amount, free, structured))
        self.assertEqual(build.call_args.kwargs["qr_method"], "sct_qr")
        self.assertTrue(letter._get_epc_qr_image().startswith("data:image/png;base64,"))

    def test_no_qr_code_above_the_epc_maximum(self):
        invoice = self._invoice(self.b2b, 1_000_000_000.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-08", invoice)
        self.assertGreater(letter.amount_total, 999_999_999.99)
        self.assertIsNone(letter._get_epc_qr_vals())
        self.assertFalse(letter._get_epc_qr_image())
        html = self.env["ir.actions.report"]._render_qweb_html(LETTER_REPORT, letter.ids)[0]
        self.assertNotIn(b"SEPA QR code", html)

    # ------------------------------------------------------------
    # registered post, batches
    # ------------------------------------------------------------

    def test_deposit_list_lists_exactly_the_registered_letters(self):
        _inv, letters_b2b = self._ladder_letters(self.b2b)
        consumer_invoice = self._invoice(self.b2c, 300.0, "2026-02-01", "2026-03-01")
        friendly_b2c = self._escalate("2026-03-09", consumer_invoice)
        registered = letters_b2b["formal_notice"] | letters_b2b["last_notice"]
        all_letters = registered | letters_b2b["friendly"] | letters_b2b["second"] | friendly_b2c
        self.assertEqual(all_letters.filtered(lambda lt: lt.by_post == "registered"), registered)
        registered[0].write({"registered_number": "RR123456789BE",
                             "registered_date": registered[0].date})
        # the second one has no registered number: the deposit dialog asks it first
        action = self._record_deposit(all_letters.action_print_registered(),
                                      {registered[1]: "RR987654321BE"})
        self.assertEqual(registered[1].registered_number, "RR987654321BE")
        self.assertEqual(action["report_name"],
                         "account_dunning_be.report_dunning_registered_letters")
        self.assertEqual(sorted(action["context"]["active_ids"]), sorted(registered.ids))
        html = self.env["ir.actions.report"]._render_qweb_html(DEPOSIT_REPORT, registered.ids)[0]
        rows = lxml.html.fromstring(html).xpath("//table[@name='deposit_list']/tbody/tr")
        self.assertEqual(sorted(row.get("data-letter") for row in rows),
                         sorted(registered.mapped("name")))
        text = html_text(html)
        self.assertIn("RR123456789BE", text)
        self.assertIn("Rue de la Loi 16", text)
        self.assertNotIn(friendly_b2c.name, text)
        # the batch: deposit list and letters in one document
        batch = self._render(registered, BATCH_REPORT)
        for letter in registered:
            self.assertIn(letter.name, batch)

    def test_deposit_date_starts_the_next_delay(self):
        invoice, letters = self._ladder_letters(self.b2b)
        formal = letters["formal_notice"]
        self.assertEqual(formal.by_post, "registered")
        # undo the last notice to record the formal notice's deposit
        letters["last_notice"].action_cancel()
        file = formal.file_id
        self.assertEqual(invoice.dunning_level_id, self.formal)
        self.assertEqual(file.level_id, self.formal)
        deposit = law.add_working_days(formal.date, 2)
        formal.write({"registered_number": "RR000111222BE", "registered_date": deposit})
        # the payment term counts from the deposit, and so does the next step
        deadline = deposit + timedelta(days=14)
        while not law.is_working_day(deadline):
            deadline += timedelta(days=1)
        self.assertEqual(formal.payment_deadline, deadline)
        after = law.add_working_days(formal.payment_deadline, 3) + timedelta(days=1)
        self.assertEqual(file.next_date, max(deposit + timedelta(days=self.last.delay), after))
        self.assertEqual(invoice.dunning_next_date, file.next_date)
        self.assertIn("RR000111222BE", self._render(formal))

    def test_deposit_date_before_the_letter_is_refused(self):
        _invoice, letters = self._ladder_letters(self.b2b)
        formal = letters["formal_notice"]
        with self.assertRaises(ValidationError) as caught:
            formal.write({"registered_date": date(2026, 4, 1)})
        self.assertRegex(str(caught.exception), "deposit date.*cannot be before")
        formal.invalidate_recordset(["registered_date"])
        self.assertEqual(formal.registered_date, formal.date, "unchanged")

    def test_consumer_waiting_period_counts_from_deposit(self):
        self.friendly.write({"action_email": False, "action_registered": True})
        invoice = self._invoice(self.b2c, 400.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self.assertEqual(letter.by_post, "registered")
        before = letter._get_waiting_period_end()
        self.assertEqual(before, law.b2c_waiting_period_end(date(2026, 3, 9), "post"))
        with freeze_time("2026-03-09"):
            self._record_deposit(letter.action_print_registered())
        self.assertEqual(letter.state, "printed")
        letter.registered_date = date(2026, 3, 12)
        end = letter._get_waiting_period_end()
        self.assertEqual(end, law.b2c_waiting_period_end(date(2026, 3, 12), "post"))
        self.assertGreater(end, before)
        self.assertGreaterEqual(letter.payment_deadline, end)
        # nothing may be claimed the day the waiting period ends, the law's cap the day after
        claim = invoice._dunning_get_claims(end)[invoice.id]
        self.assertEqual((claim.status, claim.interest, claim.penalty), ("waiting", 0, 0))
        claim = invoice._dunning_get_claims(end + timedelta(days=1))[invoice.id]
        self.assertEqual(claim.status, "claimed")
        self.assertEqual(claim.penalty, 55, "the damages the reminder announced")

    def test_language_of_a_customer_without_one(self):
        for zip_code, city, lang in (("4700", "Eupen", "de_DE"), ("9000", "Gent", "nl_BE"),
                                     ("5000", "Namur", "fr_BE"), ("1000", "Bruxelles", "fr_BE")):
            partner = self.env["res.partner"].create({
                "name": f"Client {city}", "street": "Rue 1", "zip": zip_code, "city": city,
                "country_id": self.env.ref("base.be").id, "email": "x@example.com"})
            partner.lang = False
            letter = self._escalate("2026-03-09", self._invoice(
                partner, 100.0, "2026-02-01", "2026-03-01"))
            self.assertEqual(letter.lang, lang, city)

    def test_batch_renders_as_one_article(self):
        _inv, letters = self._ladder_letters(self.b2b)
        all_letters = self.env["account.dunning.letter"].concat(*letters.values())
        report = self.env.ref(LETTER_REPORT)
        html = self.env["ir.actions.report"]._render_qweb_html(LETTER_REPORT, all_letters.ids)[0]
        merged = report._dunning_merge_articles(html)
        root = lxml.html.fromstring(merged)
        articles = root.xpath("//div[contains(concat(' ', @class, ' '), ' article ')]")
        self.assertEqual(len(articles), 1)
        pages = root.xpath("//div[contains(concat(' ', @class, ' '), ' o_dunning_page ')]")
        self.assertEqual(len(pages), 4)
        self.assertIn("page-break-after: always", pages[0].get("style"))
        bodies = report._prepare_html(merged, report_model="account.dunning.letter")[0]
        self.assertEqual(len(bodies), 1)
        # one body for wkhtmltopdf, but each letter's id, for Odoo to split the PDF at
        bodies, ids = report._prepare_html(html, report_model="account.dunning.letter")[:2]
        self.assertEqual(len(bodies), 1)
        self.assertEqual(ids, all_letters.ids)

    def test_print_from_letters_and_invoices(self):
        invoice, letters = self._ladder_letters(self.b2b)
        action = self._record_deposit(
            self.env["account.dunning.letter"].action_print_for_moves(invoice))
        self.assertEqual(action["context"]["active_ids"], letters["last_notice"].ids)
        paper = self._escalate("2026-03-09", self._invoice(
            self.b2c.copy({"email": False}), 100.0, "2026-02-01", "2026-03-01"))
        self.assertEqual(paper.by_post, "letter")
        action = paper.action_print()
        self.assertEqual(action["report_name"], "account_dunning_be.report_dunning_letter")
        self.assertEqual(paper.state, "printed")

    # ------------------------------------------------------------
    # e-mail
    # ------------------------------------------------------------

    def test_default_levels_have_their_mail_template(self):
        template = self.env.ref("account_dunning_be.mail_template_dunning_letter")
        for level in self.levels:
            self.assertEqual(level.mail_template_id, template)
        # one template, its text per level and language
        invoice, letters = self._ladder_letters(self.b2c)
        subjects = set()
        for key, letter in letters.items():
            self.assertEqual(letter._get_mail_template(), template)
            letter.lang = "nl_BE"
            rendered = template._render_field(
                "body_html", letter.ids, compute_lang=True)[letter.id]
            subject = template._render_field(
                "subject", letter.ids, compute_lang=True)[letter.id]
            self.assertIn(LEVEL_WORDS["nl_BE"][key], subject)
            self.assertIn(letter._get_letter_texts()["paragraphs"][0], html_text(rendered))
            subjects.add(subject)
        self.assertEqual(len(subjects), 4)
        # a level without a template still e-mails with the shipped one
        self.friendly.mail_template_id = False
        self.assertEqual(self.env["account.dunning.letter"].new(
            {"level_id": self.friendly.id})._get_mail_template(), template)

    def test_email_with_pdf_logged_on_customer_and_invoices(self):
        self.company.dunning_attach_invoices = True
        invoice = self._invoice(self.b2b, 500.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        letter.lang = "fr_BE"
        letter.action_send()
        self.assertEqual(letter.state, "sent")
        message = letter.mail_message_id
        self.assertTrue(message)
        self.assertIn(invoice.name, message.body)
        self.assertIn("Rappel de paiement", message.subject)
        names = message.attachment_ids.mapped("name")
        self.assertTrue(any(letter.name.replace("/", "-") in name for name in names), names)
        self.assertEqual(len(names), 2, "the letter and the invoice")
        self.assertIn(letter.name, invoice.message_ids[0].body)
        self.assertIn(letter.name, self.b2b.message_ids[0].body)

    # ------------------------------------------------------------
    # bad input
    # ------------------------------------------------------------

    def test_company_without_iban_sends_nothing(self):
        letter = self._escalate("2026-03-09", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        self.env["account.journal"].search(
            [("company_id", "=", self.company.id)]).bank_account_id = False
        self.company.partner_id.bank_ids.action_archive()
        with self.assertRaisesRegex(UserError, r"IBAN.*Journals"):
            letter.action_send()
        self.assertEqual(letter.state, "draft")
        self.assertFalse(letter.mail_message_id)

    def test_company_without_enterprise_number_sends_nothing(self):
        letter = self._escalate("2026-03-09", self._invoice(
            self.b2b, 100.0, "2026-02-01", "2026-03-01"))
        self.company.write({"vat": False, "company_registry": False})
        with self.assertRaisesRegex(UserError, r"enterprise number.*Company ID"):
            letter.action_send()
        self.assertEqual(letter.state, "draft")

    def test_customer_without_address_gets_no_paper_letter(self):
        nowhere = self.env["res.partner"].create({"name": "Nobody Known"})
        letter = self._escalate("2026-03-09", self._invoice(
            nowhere, 100.0, "2026-02-01", "2026-03-01"))
        self.assertEqual(letter.by_post, "letter")
        with self.assertRaisesRegex(UserError, "postal address"):
            letter.action_send()
        with self.assertRaisesRegex(UserError, "postal address"):
            letter.action_print()
        self.assertEqual(letter.state, "draft")

    def test_paid_meanwhile_is_cancelled_not_sent(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self._pay(invoice, 100.0, "2026-03-09")
        letter.action_send()
        self.assertEqual(letter.state, "cancelled")
        self.assertFalse(letter.mail_message_id)
        self.assertEqual(invoice.dunning_level_id, self.env["account.dunning.level"])

    def test_paid_meanwhile_is_cancelled_not_printed(self):
        invoice = self._invoice(self.b2c.copy({"email": False}), 100.0, "2026-02-01",
                                "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self.assertEqual(letter.by_post, "letter")
        self._pay(invoice, 100.0, "2026-03-09")
        action = letter.action_print()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("paid meanwhile", action["params"]["message"])
        self.assertEqual(letter.state, "cancelled")
