"""The words and the post-office paper of the letters: greetings and closings by title and
language, dates as each language writes them, the channel words, the register and the
signatory, the envelope address, the bpost deposit list of a day."""

import json
from datetime import date, timedelta

import lxml.html
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .. import law
from .common import DunningCommon
from .test_dunning_letter_report import DEPOSIT_REPORT, IBAN, LETTER_REPORT, html_text

LANGS = ("fr_BE", "nl_BE", "de_DE", "en_US")
# (greeting, closing) per language and title of a consumer named Luc Dupuis / Anna Schmitz
EXPECTED = {
    ("fr_BE", "mister"): ("Monsieur,", "Veuillez agréer, Monsieur, l'expression de nos "
                          "salutations distinguées."),
    ("fr_BE", "madam"): ("Madame,", "Veuillez agréer, Madame, l'expression de nos salutations "
                         "distinguées."),
    ("fr_BE", None): ("Madame, Monsieur,", "Veuillez agréer, Madame, Monsieur, l'expression de "
                      "nos salutations distinguées."),
    ("nl_BE", "mister"): ("Geachte heer Dupuis,", "Met vriendelijke groeten,"),
    ("nl_BE", "madam"): ("Geachte mevrouw Schmitz,", "Met vriendelijke groeten,"),
    ("nl_BE", None): ("Geachte heer, mevrouw,", "Hoogachtend,"),
    ("de_DE", "mister"): ("Sehr geehrter Herr Dupuis,", "Mit freundlichen Grüßen"),
    ("de_DE", "madam"): ("Sehr geehrte Frau Schmitz,", "Mit freundlichen Grüßen"),
    ("de_DE", None): ("Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen"),
    ("en_US", "mister"): ("Dear Mr Dupuis,", "Yours sincerely,"),
    ("en_US", "madam"): ("Dear Ms Schmitz,", "Yours sincerely,"),
    ("en_US", None): ("Dear Sir or Madam,", "Yours faithfully,"),
}


@tagged("post_install", "-at_install")
class TestDunningLetterPaper(DunningCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_be"], list(LANGS[:3]), overwrite=True)
        cls.company.write({
            "name": "Atelier Dupont SRL",
            "company_registry": "0477472701",
            "street": "Rue de l'Industrie 42",
            "zip": "1040",
            "city": "Etterbeek",
            "country_id": cls.env.ref("base.be").id,
            "dunning_signatory_name": "Sophie Dupont",
            "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
        })
        cls.company.update_field_translations("dunning_register", {
            "en_US": "RLE Brussels", "fr_BE": "RPM Bruxelles", "nl_BE": "RPR Brussel",
            "de_DE": "RJP Brüssel"})
        cls.company.update_field_translations("dunning_signatory_function", {
            "en_US": "Managing director", "fr_BE": "Gérante", "nl_BE": "Zaakvoerder",
            "de_DE": "Geschäftsführerin"})
        bank = cls.company.partner_id.bank_ids[:1]
        bank.acc_holder_name = "Atelier Dupont SRL"
        cls.mister = cls.env.ref("base.res_partner_title_mister")
        cls.madam = cls.env.ref("base.res_partner_title_madam")
        address = {"street": "Rue de Fer 25", "zip": "5000", "city": "Namur",
                   "country_id": cls.env.ref("base.be").id}
        cls.luc = cls.env["res.partner"].create(
            {"name": "Luc Dupuis", "title": cls.mister.id, "email": "luc@example.be", **address})
        cls.anna = cls.env["res.partner"].create(
            {"name": "Anna Schmitz", "title": cls.madam.id, "email": "anna@example.be",
             **address})
        cls.nobody = cls.env["res.partner"].create(
            {"name": "Thomas Gérard", "email": "thomas@example.be", **address})

    def _letter(self, partner, amount=300.0, on="2026-03-09"):
        invoice = self._invoice(partner, amount, "2026-02-01", "2026-03-01")
        return self._escalate(on, invoice)

    def _ladder(self, partner):
        invoice = self._invoice(partner, 1000.0, "2026-02-01", "2026-03-01")
        keys = ("friendly", "second", "formal_notice", "last_notice")
        return dict(zip(keys, self._climb(invoice, "2026-03-09", 4), strict=True))

    def _text(self, letters, report=LETTER_REPORT):
        html = self.env["ir.actions.report"]._render_qweb_html(report, letters.ids)[0]
        return html, html_text(html)

    # ------------------------------------------------------------
    # words
    # ------------------------------------------------------------

    def test_greeting_and_closing_by_title_and_language(self):
        for partner, title in ((self.luc, "mister"), (self.anna, "madam"),
                               (self.nobody, None), (self.b2b, None)):
            letter = self._letter(partner)
            for lang in LANGS:
                with self.subTest(customer=partner.name, lang=lang):
                    letter.lang = lang
                    greeting, closing = EXPECTED[lang, title]
                    self.assertEqual(letter._get_salutation(), (greeting, closing))
                    _html, text = self._text(letter)
                    self.assertIn(greeting, text)
                    self.assertIn(closing, text)
                    # the greeting names no first name, the closing answers the greeting
                    self.assertNotIn(f"{partner.name},", text)

    def test_company_contact_with_a_title_is_greeted_by_name(self):
        contact = self.env["res.partner"].create({
            "name": "Marc Lambiek", "title": self.mister.id, "parent_id": self.b2b.id,
            "type": "invoice", "email": "marc@lambiek.example"})
        letter = self._letter(self.b2b)
        letter.contact_id = contact
        letter.lang = "nl_BE"
        self.assertEqual(letter._get_salutation()[0], "Geachte heer Lambiek,")
        self.assertEqual(letter._get_address_lines()[:2], ["Brasserie Lambiek SRL",
                                                           "Marc Lambiek"])

    def test_dates_as_each_language_writes_them(self):
        letter = self._letter(self.luc)
        first, second = date(2026, 8, 1), date(2026, 12, 2)
        cases = {
            "fr_BE": ("1er août 2026", "2 décembre 2026", "01/08/2026"),
            "nl_BE": ("1 augustus 2026", "2 december 2026", "01/08/2026"),
            "de_DE": ("1. August 2026", "2. Dezember 2026", "01.08.2026"),
            "en_US": ("1 August 2026", "2 December 2026", "01/08/2026"),
        }
        for lang, (long_first, long_second, short) in cases.items():
            with self.subTest(lang=lang):
                letter.lang = lang
                self.assertEqual(letter._fmt_date(first), long_first)
                self.assertEqual(letter._fmt_date(second), long_second)
                self.assertEqual(letter._fmt_date_short(first), short)

    def test_channel_words_register_and_signatory(self):
        letters = self._ladder(self.b2b)
        formal, last = letters["formal_notice"], letters["last_notice"]
        last.lang = "de_DE"
        channels = [reminder["channel"] for reminder in last._get_earlier_reminders()]
        self.assertEqual(channels, ["E-Mail", "E-Mail, Brief", "Einschreiben"])
        _html, text = self._text(last)
        self.assertIn("Unternehmensnummer: 0477.472.701 · RJP Brüssel", text)
        self.assertIn("Sophie Dupont", text)
        self.assertIn("Geschäftsführerin", text)
        formal.lang = "fr_BE"
        self.assertIn("RPM Bruxelles", formal._get_register_line())
        formal.lang = "nl_BE"
        self.assertIn("RPR Brussel", formal._get_register_line())
        # the friendly reminder is signed by the company, without a named signatory
        friendly = letters["friendly"]
        friendly.lang = "fr_BE"
        self.assertEqual(friendly._get_signatory(), (False, False))
        _html, text = self._text(friendly)
        self.assertNotIn("Sophie Dupont", text)

    def test_invoice_description_in_the_letters_language(self):
        product = self.env["product.product"].with_context(lang="en_US").create(
            {"name": "Workshop hours", "type": "service"})
        product.product_tmpl_id.update_field_translations("name", {
            "fr_BE": "Travaux d'atelier", "nl_BE": "Werkplaatsuren",
            "de_DE": "Werkstattstunden"})
        invoice = self.env["account.move"].with_context(lang="fr_BE").create({
            "move_type": "out_invoice", "partner_id": self.anna.id,
            "invoice_date": "2026-02-01", "invoice_date_due": "2026-03-01",
            "invoice_line_ids": [
                (0, 0, {"product_id": product.id, "quantity": 2, "price_unit": 65.0,
                        "name": "Travaux d'atelier", "tax_ids": [(5,)]}),
            ],
        })
        invoice.action_post()
        custom = self._invoice(self.anna, 80.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice | custom)
        letter.lang = "de_DE"
        self.assertEqual(letter._get_invoice_description(invoice), "Werkstattstunden")
        letter.lang = "en_US"
        self.assertEqual(letter._get_invoice_description(invoice), "Workshop hours")
        # a line written by hand keeps the invoice's own text
        self.assertEqual(letter._get_invoice_description(custom), "Consultancy")

    # ------------------------------------------------------------
    # envelope and page stamps
    # ------------------------------------------------------------

    def test_window_holds_the_address_only(self):
        letter = self._letter(self.luc)
        letter.lang = "fr_BE"
        html, _text = self._text(letter)
        root = lxml.html.fromstring(html)
        window = root.xpath("//div[@name='debtor']")[0]
        self.assertEqual([div.text_content() for div in window],
                         ["Luc Dupuis", "Rue de Fer 25", "5000 Namur"])
        self.assertIn("Atelier Dupont SRL · Rue de l'Industrie 42 · 1040 Etterbeek",
                      root.xpath("//div[@name='return_line']")[0].text_content())
        # a foreign address names its country
        self.luc.country_id = self.env.ref("base.nl")
        self.luc.zip = "6211 AB"
        self.luc.city = "Maastricht"
        self.assertEqual(letter._get_address_lines()[-1], "Pays-Bas")
        stamp = json.loads(letter._get_page_stamp())
        self.assertEqual(stamp["header"], f"{letter.name} · Luc Dupuis")
        self.assertEqual(stamp["page"], "page %(page)s / %(total)s")
        letter.lang = "de_DE"
        self.assertEqual(json.loads(letter._get_page_stamp())["page"],
                         "Seite %(page)s / %(total)s")

    # ------------------------------------------------------------
    # deposit list
    # ------------------------------------------------------------

    def test_deposit_date_must_be_a_working_day(self):
        formal = self._ladder(self.b2b)["formal_notice"]
        saturday = formal.date + timedelta(days=(5 - formal.date.weekday()) % 7 or 7)
        for day in (saturday, saturday + timedelta(days=1), date(2026, 11, 11)):
            with self.subTest(day=day), self.assertRaises(ValidationError) as caught:
                formal.with_context(lang="fr_BE").write({"registered_date": day})
            self.assertIn("n'est pas un jour ouvrable", str(caught.exception))
        monday = saturday + timedelta(days=2)
        formal.write({"registered_date": monday})
        self.assertEqual(formal.registered_date, monday)

    def test_deposit_list_of_one_day(self):
        luc = self._ladder(self.luc)
        b2b = self._ladder(self.b2b)
        first_day = max(luc["formal_notice"].date, b2b["formal_notice"].date)
        while not law.is_working_day(first_day):
            first_day += timedelta(days=1)
        second_day = luc["last_notice"].date
        luc["formal_notice"].write({"registered_number": "RR123456785BE",
                                    "registered_date": first_day})
        b2b["formal_notice"].write({"registered_date": first_day})
        luc["last_notice"].write({"registered_date": second_day})
        letters = luc["formal_notice"] | b2b["formal_notice"] | luc["last_notice"]
        self.assertEqual([day for day, _l in letters._get_deposit_groups()],
                         [first_day, second_day])
        for lang in ("fr", "nl"):
            html = self.env["ir.actions.report"].with_context(
                dunning_deposit_lang=lang)._render_qweb_html(DEPOSIT_REPORT, letters.ids)[0]
            root = lxml.html.fromstring(html)
            lists = root.xpath("//div[@data-deposit-date]")
            self.assertEqual([node.get("data-deposit-date") for node in lists],
                             [str(first_day), str(second_day)])
            first = lists[0]
            rows = first.xpath(".//table[@name='deposit_list']/tbody/tr")
            cells = [[html_text(lxml.html.tostring(td)).strip() for td in row.xpath("td")]
                     for row in rows]
            addresses = {row[4]: [div.text_content() for div in row_node.xpath("td[4]/div")]
                         for row, row_node in zip(cells, rows, strict=True)}
            names = sorted([luc["formal_notice"].name, b2b["formal_notice"].name])
            self.assertEqual([row[4] for row in cells], names)
            self.assertEqual([row[0] for row in cells], ["1", "2"])
            by_name = {row[4]: row for row in cells}
            self.assertEqual(by_name[luc["formal_notice"].name][1:3],
                             ["RR123456785BE", "Luc Dupuis"])
            self.assertEqual(addresses[luc["formal_notice"].name], ["Rue de Fer 25", "5000 Namur"])
            self.assertEqual(by_name[b2b["formal_notice"].name][1:3],
                             ["", "Brasserie Lambiek SRL"])
            self.assertEqual(addresses[b2b["formal_notice"].name],
                             ["Rue de la Loi 16", "1000 Bruxelles"])
            self.assertTrue(rows[[r[4] for r in cells].index(b2b["formal_notice"].name)].xpath(
                ".//div[contains(@class, 'o_dl_blank')]"), "a blank to write the R-number in")
            text = html_text(lxml.html.tostring(first))
            self.assertIn("Atelier Dupont SRL", text)
            self.assertIn("0477.472.701", text)
            self.assertTrue(first.xpath(".//div[@name='post_office']"))
            if lang == "fr":
                self.assertIn("Date de dépôt : " + luc["formal_notice"]._fmt_date_lang(
                    first_day, "fr_BE"), text)
                self.assertIn("Total : 2 lettres recommandées", text)
                self.assertIn("Pour la poste : cachet dateur et signature", text)
            else:
                self.assertIn("Datum van afgifte: " + luc["formal_notice"]._fmt_date_lang(
                    first_day, "nl_BE"), text)
                self.assertIn("Totaal: 2 aangetekende brieven", text)
                self.assertIn("Voor bpost: datumstempel en handtekening", text)

    def test_todays_deposit_list_from_the_letters_list(self):
        letters = self._ladder(self.b2b)
        last = letters["last_notice"]
        last.registered_date = False
        sunday = last.date + timedelta(days=(6 - last.date.weekday()) % 7 or 7)
        monday = sunday + timedelta(days=1)
        Letter = self.env["account.dunning.letter"]
        # a Sunday: the post office is closed, the list is Monday's
        with freeze_time(sunday):
            # the letter has no registered number yet: the deposit dialog comes first
            action = self._record_deposit(Letter.action_print_todays_deposit_list())
        self.assertEqual(action["report_name"],
                         "account_dunning_be.report_dunning_registered_letters")
        self.assertEqual(action["context"]["active_ids"], last.ids)
        self.assertEqual(last.registered_date, monday)
        with freeze_time(monday + timedelta(days=1)), self.assertRaises(UserError):
            Letter.action_print_todays_deposit_list()

    def test_letter_report_marks_and_stamps(self):
        """The HTML the PDF pipeline reads: a marker link and the stamp per letter."""
        letters = self._letter(self.luc) | self._letter(self.anna)
        html, _text = self._text(letters)
        root = lxml.html.fromstring(html)
        marks = [a.get("href") for a in root.xpath("//a[@class='o_dl_marker']")]
        self.assertEqual(marks, [f"dunning-document:letter-{lt.id}" for lt in letters])
        stamps = [json.loads(node.get("data-dunning-stamp"))
                  for node in root.xpath("//*[@data-dunning-stamp]")]
        self.assertEqual([s["res_id"] for s in stamps], letters.ids)
        self.assertIn(IBAN, html_text(html))
