"""A paper letter keeps the document that went to the post (issue 12, item 10)."""

from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningPrintedLetter(DunningCommon):

    def test_printed_letters_keep_what_was_printed(self):
        paper = self.env["account.dunning.letter"]
        for name in ("Jan Peeters", "Marie Dubois"):
            customer = self.b2c.copy({"name": name, "email": False})
            paper |= self._escalate("2026-03-09", self._invoice(
                customer, 100.0, "2026-02-01", "2026-03-01"))
        self.assertEqual(paper.mapped("by_post"), ["letter", "letter"])
        paper.action_print()
        self.assertEqual(paper.mapped("state"), ["printed", "printed"])
        for letter in paper:
            with self.subTest(letter=letter.name):
                attachments = self.env["ir.attachment"].search(
                    [("res_model", "=", "account.dunning.letter"), ("res_id", "=", letter.id)])
                self.assertEqual(len(attachments), 1)
                self.assertEqual(letter.printed_attachment_id, attachments)
                content = attachments.raw.decode()
                self.assertIn(letter.partner_id.name, content)
                self.assertIn(letter.payment_reference, content)
                other = paper - letter
                self.assertNotIn(other.payment_reference, content)
        # printing again does not replace what went to the post
        first = paper.printed_attachment_id
        paper.action_print()
        self.assertEqual(paper.printed_attachment_id, first)
