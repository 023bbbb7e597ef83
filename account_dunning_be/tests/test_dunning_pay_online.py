"""Pay online (issue 13, item 5): with a payment provider enabled, the dunning e-mail and
the letter carry each invoice's portal payment link, with its access token, and the link
opens the invoice's page with its "Pay Now" button; without a provider, no link."""

import shutil
import subprocess
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import DunningCommon
from .test_dunning_letter_report import LETTER_REPORT, html_text

MM = 25.4 / 72  # millimetres a PDF point
PAGE_W, PAGE_H, MARGIN = 210, 297, 15


def pdf_words(pdf):
    """[(page, text, x0, y0, x1, y1 in mm of the sheet)] of a PDF, read by pdftotext."""
    xml = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout
    root = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
    return [(number, word.text or "", *(float(word.get(key)) * MM
                                         for key in ("xMin", "yMin", "xMax", "yMax")))
            for number, page in enumerate(root.iter("{*}page"), 1)
            for word in page.iter("{*}word")]


@tagged("post_install", "-at_install")
class TestDunningPayOnline(DunningCommon, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_BE")
        cls.env["ir.module.module"]._load_module_terms(
            ["account_dunning_be"], ["fr_BE"], overwrite=True)
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", "True")
        cls.env["payment.provider"].sudo().search(
            [("company_id", "=", cls.company.id), ("state", "!=", "disabled")],
        ).state = "disabled"
        method = cls.env.ref("payment.payment_method_unknown")
        # a provider in test mode, as payment's own tests set one up (PaymentCommon)
        cls.provider = cls.env["payment.provider"].sudo().create({
            "name": "Dunning Test Provider",
            "code": "none",
            "state": "test",
            "is_published": True,
            "company_id": cls.company.id,
            "payment_method_ids": [Command.set(method.ids)],
        })
        method.active = True
        cls.company.partner_id.bank_ids.acc_holder_name = "Atelier Dupont SRL"
        cls.first = cls._invoice(cls.b2b, 1210.0, "2026-02-01", "2026-03-01")
        cls.second_invoice = cls._invoice(cls.b2b, 363.0, "2026-02-10", "2026-03-02")

    def _letter(self):
        letter = self._escalate("2026-03-09", self.first | self.second_invoice)
        self.assertEqual(letter.line_ids.move_id, self.first | self.second_invoice)
        return letter

    def _pay_url(self, invoice):
        self.assertTrue(invoice.access_token, "the link carries the invoice's access token")
        return f"{invoice.get_base_url()}/my/invoices/{invoice.id}?access_token=" \
               f"{invoice.access_token}"

    def _letter_html(self, letter):
        return self.env["ir.actions.report"]._render_qweb_html(
            LETTER_REPORT, letter.ids)[0].decode()

    def test_email_and_letter_carry_each_invoice_payment_link(self):
        letter = self._letter()
        links = letter._get_online_payment_links()
        self.assertEqual(list(links), [self.first, self.second_invoice])
        html = self._letter_html(letter)
        root = lxml.html.fromstring(html)
        block = root.xpath("//*[@name='pay_online']")
        self.assertEqual(len(block), 1)
        hrefs = [a.get("href") for a in block[0].xpath(".//a")]
        self.assertEqual(hrefs, [self._pay_url(self.first), self._pay_url(self.second_invoice)])
        # printed in full, in the letter's language (French for this customer), with the
        # EPC QR code still there
        text = html_text(lxml.html.tostring(block[0]).decode())
        self.assertIn(self._pay_url(self.first), text)
        self.assertIn(f"{self.first.name} · ", text)
        if letter.lang == "fr_BE":
            self.assertIn("Payer en ligne :", text)
        self.assertTrue(root.xpath(
            "//table[@name='payment']//img[starts-with(@src, 'data:image/png')]"))
        self.assertIn(letter.payment_reference, html_text(html))

        self._send(letter, "2026-03-09")
        self.assertEqual(letter.state, "sent")
        body = letter.mail_message_id.body
        for invoice in self.first | self.second_invoice:
            self.assertIn(f'href="{self._pay_url(invoice)}"', body)
        self.assertIn(letter.payment_reference, body)

        # the link opens the invoice's page, for a customer without an account
        for invoice in self.first | self.second_invoice:
            url = urlsplit(self._pay_url(invoice))
            response = self.url_open(f"{url.path}?{url.query}")
            self.assertEqual(response.status_code, 200)
            self.assertIn(invoice.name, response.text)
            # the "Pay Now" button (in the customer's language), and the provider to pay with
            self.assertIn('data-bs-target="#pay_with"', response.text)
            self.assertIn(f'data-provider-id="{self.provider.id}"', response.text)

    def test_one_invoice_one_link_without_its_number(self):
        invoice = self._invoice(self.b2c, 250.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-09", invoice)
        self.assertEqual(letter.line_ids.move_id, invoice)
        root = lxml.html.fromstring(self._letter_html(letter))
        block = root.xpath("//*[@name='pay_online']")[0]
        self.assertEqual([a.get("href") for a in block.xpath(".//a")], [self._pay_url(invoice)])
        self.assertNotIn(f"{invoice.name} · ", block.text_content())

    def test_paid_invoice_has_no_link(self):
        letter = self._letter()
        self._pay(self.second_invoice, 363.0, "2026-03-08")
        self.assertEqual(list(letter._get_online_payment_links()), [self.first])

    def test_no_provider_no_link(self):
        self.provider.state = "disabled"
        letter = self._letter()
        self.assertEqual(letter._get_online_payment_links(), {})
        html = self._letter_html(letter)
        self.assertFalse(lxml.html.fromstring(html).xpath("//*[@name='pay_online']"))
        self.assertNotIn("/my/invoices/", html)
        self._send(letter, "2026-03-09")
        self.assertNotIn("/my/invoices/", letter.mail_message_id.body)
        # an unpublished provider is not one the customer can pay with either
        self.provider.write({"state": "test", "is_published": False})
        self.assertEqual(letter._get_online_payment_links(), {})

    def test_links_on_paper_leave_the_payment_block_in_place(self):
        """The real PDF: the links, one line an invoice within the margins and at least
        8 pt, come after the payment block, which stays where it is without them."""
        if not (shutil.which("pdftotext") and shutil.which("wkhtmltopdf")):
            self.skipTest("wkhtmltopdf and pdftotext are needed")
        letter = self._letter()
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)

        def render():
            pdf, kind = Report._render_qweb_pdf(LETTER_REPORT, letter.ids)
            self.assertEqual(kind, "pdf")
            return pdf_words(pdf)

        with_links = render()
        self.provider.state = "disabled"
        without = render()

        def reference(words):
            return next(w[:4] for w in words if w[1] == letter.payment_reference)

        self.assertEqual(reference(with_links)[0], 1, "the payment block on the first page")
        self.assertEqual(reference(with_links), reference(without))
        urls = [w for w in with_links if "access_token=" in w[1]]
        self.assertEqual([w[1] for w in urls],
                         [self._pay_url(self.first), self._pay_url(self.second_invoice)])
        ref_page, _text, _x0, ref_y = reference(with_links)
        for page, _text, x0, y0, x1, y1 in urls:
            self.assertTrue((page, y0) > (ref_page, ref_y), "after the payment block")
            self.assertTrue(MARGIN <= x0 and x1 <= PAGE_W - MARGIN, (x0, x1))
            self.assertTrue(MARGIN <= y0 and y1 <= PAGE_H - MARGIN, (y0, y1))
            self.assertGreaterEqual((y1 - y0) / 1.164 / MM, 7.9, "at least 8 pt")
        # nothing new in the envelope window (45 to 90 mm from the top, right half)
        window = {w[1] for w in with_links if w[0] == 1 and w[2] > 110 and w[4] < 90}
        self.assertEqual(window, {w[1] for w in without if w[0] == 1 and w[2] > 110
                                  and w[4] < 90})
