from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningFileScreen(DunningCommon):
    """The customer's follow-up screen: the open items with their stage and claim, the next
    action and its day, the responsible person, Send / Done, the statement and the
    accountant's queue with "Send all reviewed"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="dunning_sales", groups="account.group_account_invoice",
            company_id=cls.company.id, company_ids=cls.company.ids)
        cls.b2b.user_id = cls.salesman

    def test_open_items_next_action_and_responsible(self):
        inv_1 = self._invoice(self.b2b, 1000.0, "2026-01-05", "2026-02-04")
        inv_2 = self._invoice(self.b2b, 250.0, "2026-02-10", "2026-03-12")
        letters = self._climb(inv_1 | inv_2, "2026-03-19", 2)
        file = letters.file_id
        self.assertEqual(file.user_id, self.salesman, "the customer's salesperson follows up")
        self.assertEqual(file.open_move_ids, inv_1 | inv_2)
        # the second reminder claims no costs from an enterprise yet: a reminder
        self.assertEqual(inv_1.dunning_claim_status, "reminder")
        self.assertEqual(inv_1.dunning_level_id, self.second)
        self.assertEqual(inv_1.dunning_claimed, 0.0)
        with freeze_time(str(file.last_sent_date)):
            file.invalidate_recordset(["next_action", "next_action_date"])
            self.assertEqual(file.next_action_date, file.next_date)
            self.assertEqual(
                file.next_action,
                f"Next letter from {format_date(self.env, file.next_date)} if still unpaid.")

        formal = self._escalate(str(file.next_date), inv_1)
        self.assertEqual(formal.level_id, self.formal)
        file.invalidate_recordset(["next_action", "draft_letter_id"])
        self.assertEqual(file.draft_letter_id, formal)
        self.assertEqual(file.next_action,
                         f"Review letter {formal.name} (Formal notice), then send it.")
        # the formal notice claims the interest, the flat fee and the penalty clause
        inv_1.invalidate_recordset(["dunning_claim_status", "dunning_claimed"])
        line = formal.line_ids.filtered(lambda ln: ln.move_id == inv_1)
        self.assertEqual(inv_1.dunning_claim_status, "claimed")
        self.assertAlmostEqual(inv_1.dunning_claimed, line.interest + 40.0 + 100.0, places=2)

    def test_send_from_the_file_and_hand_over_by_hand(self):
        invoice = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-08", invoice)
        file = letter.file_id
        with self.assertRaisesRegex(UserError, "waits for review"):
            file.action_hand_over()
        with freeze_time("2026-03-08"):
            file.action_send()
        self.assertEqual((letter.state, letter.date_sent), ("sent", date(2026, 3, 8)))
        self.assertEqual(file.state, "waiting")
        with self.assertRaisesRegex(UserError, "No letter of Brasserie Lambiek SRL waits"):
            file.action_send()

        with freeze_time("2026-03-10"):
            file.action_hand_over()
        self.assertEqual((file.state, file.next_date), ("handed_over", False))
        activity = file.activity_ids
        self.assertEqual(activity.user_id, self.salesman, "the responsible person takes over")
        self.assertIn("took the file over at Friendly reminder", activity.note)
        self.assertFalse(self._escalate("2026-04-30", invoice),
                         "no automatic letter after the hand-over")
        with self.assertRaisesRegex(UserError, "Only a file in progress"):
            file.action_hand_over()

    def test_send_all_reviewed(self):
        other = self.b2b.copy({"name": "Taverne Het Anker BV", "email": "anker@example.be"})
        inv_1 = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        inv_2 = self._invoice(other, 500.0, "2026-02-01", "2026-03-01")
        letters = self._escalate("2026-03-09", inv_1 | inv_2)
        self.assertEqual(len(letters), 2)
        mine = letters.filtered(lambda lt: lt.partner_id == self.b2b)
        Files = self.env["account.dunning.file"]
        with self.assertRaisesRegex(UserError, "No reviewed letter to send"):
            Files.action_send_reviewed()
        mine.action_mark_reviewed()
        with freeze_time("2026-03-09"):
            action = Files.action_send_reviewed()
        self.assertEqual(mine.state, "sent")
        self.assertEqual((letters - mine).state, "draft", "not reviewed: it waits")
        self.assertEqual(action["params"]["message"], f"1 letter(s) sent by e-mail: {mine.name}.")
        with self.assertRaisesRegex(UserError, "Only letters to review"):
            mine.action_mark_reviewed()

    def test_back_in_review_must_be_reviewed_again(self):
        invoice = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        letter = self._escalate("2026-03-08", invoice)
        letter.action_mark_reviewed()
        self.assertTrue(letter.is_reviewed)
        with freeze_time("2026-03-08"):
            letter._send_reviewed()
        letter.state = "draft"  # as a failed e-mail puts it back
        self.assertFalse(letter.is_reviewed)
        with self.assertRaisesRegex(UserError, "No reviewed letter"):
            letter._send_reviewed()

    def test_statement_of_open_items_in_the_customer_language(self):
        if not self._lang_active("fr_BE"):
            self.env["res.lang"]._activate_lang("fr_BE")
            self.env["ir.module.module"]._load_module_terms(["account_dunning_be"], ["fr_BE"])
        self.b2b.lang = "fr_BE"
        inv_1 = self._invoice(self.b2b, 1234.56, "2026-01-05", "2026-02-04")
        inv_2 = self._invoice(self.b2b, 300.0, "2026-03-01", "2026-03-31")
        self._pay(inv_1, 234.56, "2026-02-20")
        letter = self._escalate("2026-03-08", inv_1)
        with freeze_time("2026-03-10"):
            html = self.env["ir.actions.report"]._render_qweb_html(
                "account_dunning_be.action_report_dunning_statement", letter.file_id.ids)[0]
        text = html.decode()
        self.assertIn("Relevé des factures ouvertes au 10 mars 2026", text)
        self.assertIn(inv_1.name, text)
        self.assertIn(inv_2.name, text, "the statement lists the items not yet due too")
        self.assertIn(f"<td>{inv_1.name}</td>", text)
        # amounts as a Belgian French reader writes them: 1.234,56 €
        self.assertIn("1.234,56\xa0€", text)
        self.assertIn("Échéance", text)
        self.assertIn("Solde dû", text)
        self.assertIn("À échoir", text)
        self.assertRegex(text, r"Total dû</strong></td><td[^>]*><strong>1\.300,00\xa0€",
                         "1,000.00 overdue and 300.00 not yet due")
        self.assertRegex(text, r"En retard</td><td[^>]*>1\.000,00\xa0€")
        self.assertIn("Numéro d'entreprise : 0477.472.701", text.replace("&#39;", "'"))
        self.assertIn("BE71 0961 2345 6769", text)
