from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .. import law
from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningPartnerMerge(DunningCommon):
    """Odoo's "Merge contacts" on customers that each have an open dunning file: the
    merged customer's file joins the kept one's, or the merge is refused with a message;
    never a database error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the same enterprise, entered twice
        cls.twin = cls.b2b.copy({"name": "Brasserie Lambiek (double)"})

    def _merge(self, partners, kept):
        wizard = self.env["base.partner.merge.automatic.wizard"].with_context(
            active_model="res.partner", active_ids=partners.ids).create({
                "partner_ids": [(6, 0, partners.ids)], "dst_partner_id": kept.id})
        wizard.action_merge()

    def _open_files(self, partner):
        return self.env["account.dunning.file"].search(
            [("partner_id", "=", partner.id), ("state", "!=", "closed")])

    def test_the_merged_customer_file_joins_the_kept_one_at_its_highest_stage(self):
        kept_inv = self._invoice(self.b2b, 1000.0, "2026-01-01", "2026-01-31")
        twin_inv = self._invoice(self.twin, 600.0, "2026-01-01", "2026-01-31")
        # the kept customer had one reminder; the twin three letters, the last a formal
        # notice by registered post
        kept_letters = self._climb(kept_inv, "2026-02-09", 1)
        twin_letters = self._climb(twin_inv, "2026-02-09", 3)
        self.assertEqual(twin_letters[-1].level_id, self.formal)
        kept_file, twin_file = kept_letters.file_id, twin_letters.file_id
        states = {letter: (letter.state, letter.date, letter.date_sent,
                           letter.payment_deadline, letter.registered_date)
                  for letter in kept_letters | twin_letters}
        latest = max((kept_letters | twin_letters).mapped("payment_deadline"))

        self._merge(self.b2b | self.twin, self.b2b)

        self.assertFalse(self.twin.exists())
        self.assertEqual(self._open_files(self.b2b), kept_file)
        self.assertFalse(twin_file.exists(), "the emptied file is gone")
        self.assertEqual(kept_file.letter_ids, kept_letters | twin_letters,
                         "every letter of both customers is in the joined file")
        for letter, kept in states.items():
            self.assertEqual((letter.state, letter.date, letter.date_sent,
                              letter.payment_deadline, letter.registered_date), kept,
                             f"{letter.name} as it went out")
            self.assertEqual(letter.partner_id, self.b2b)
        self.assertEqual(kept_file.move_ids, kept_inv | twin_inv)
        self.assertEqual(kept_file.level_id, self.formal, "the highest stage reached")
        self.assertEqual(kept_file.payment_deadline, latest)
        self.assertEqual(kept_file.state, "waiting")
        # both reminders went out the same day: the twin's, the later, repeats a level the
        # file had reached and is its earlier history; the others climb a level at a time
        self.assertEqual((kept_letters | twin_letters).filtered("is_history"), twin_letters[0])
        self.assertIn("joined this one", kept_file.message_ids[:1].body)

        # the next letter comes after the latest deadline, one level up, for both invoices
        day = kept_file.next_date
        self.assertGreater(day, latest)
        self.assertFalse(self._escalate(str(day - timedelta(days=1))), "not before")
        letter = self._escalate(str(day))
        while not letter and not law.is_working_day(day):
            day += timedelta(days=1)
            letter = self._escalate(str(day))
        self.assertEqual(letter.file_id, kept_file)
        self.assertEqual(letter.level_id, self.last, "one level up, never down")
        self.assertEqual(letter.line_ids.move_id, kept_inv | twin_inv)

    def test_a_file_without_letters_joins_the_other_customer_file(self):
        kept_inv = self._invoice(self.b2b, 1000.0, "2026-01-01", "2026-01-31")
        twin_inv = self._invoice(self.twin, 600.0, "2026-01-01", "2026-01-31")
        twin_letters = self._climb(twin_inv, "2026-02-09", 2)
        # the kept customer's file holds a later overdue invoice, no letter yet
        kept_file = self.env["account.dunning.file"].create({
            "partner_id": self.b2b.id, "company_id": self.company.id,
            "currency_id": self.company.currency_id.id})
        kept_inv.dunning_file_id = kept_file

        self._merge(self.b2b | self.twin, self.b2b)

        self.assertEqual(self._open_files(self.b2b), kept_file)
        self.assertEqual(kept_file.letter_ids, twin_letters)
        self.assertEqual(kept_file.level_id, self.second)
        self.assertEqual(kept_file.last_letter_id, twin_letters[-1])
        self.assertEqual(kept_file.move_ids, kept_inv | twin_inv)

    def test_a_merge_waits_for_the_letters_to_review(self):
        kept_inv = self._invoice(self.b2b, 1000.0, "2026-01-01", "2026-01-31")
        twin_inv = self._invoice(self.twin, 600.0, "2026-01-01", "2026-01-31")
        self._climb(kept_inv, "2026-02-09", 1)
        draft = self._escalate("2026-02-09", twin_inv)
        self.assertEqual(draft.state, "draft")
        with self.assertRaisesRegex(UserError, f"{draft.name}.*waits for review"):
            self._merge(self.b2b | self.twin, self.b2b)
        self.assertTrue(self.twin.exists())
        self.assertEqual(draft.file_id.partner_id, self.twin, "nothing moved")
        # once sent, the customers merge
        self._send(draft, "2026-02-09")
        self._merge(self.b2b | self.twin, self.b2b)
        self.assertEqual(len(self._open_files(self.b2b)), 1)

    def test_files_in_other_currencies_or_closed_move_as_they_are(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        kept_inv = self._invoice(self.b2b, 1000.0, "2026-01-01", "2026-01-31")
        twin_inv = self._invoice(self.twin, 600.0, "2026-01-01", "2026-01-31", currency=usd)
        kept_file = self._climb(kept_inv, "2026-02-09", 1).file_id
        twin_file = self._climb(twin_inv, "2026-02-09", 1).file_id
        self._merge(self.b2b | self.twin, self.b2b)
        self.assertEqual(self._open_files(self.b2b), kept_file | twin_file)
        self.assertEqual(twin_file.currency_id, usd)
        self.assertEqual(twin_file.partner_id, self.b2b)

    def test_a_handed_over_file_hands_the_joined_file_over(self):
        kept_inv = self._invoice(self.b2b, 1000.0, "2026-01-01", "2026-01-31")
        twin_inv = self._invoice(self.twin, 600.0, "2026-01-01", "2026-01-31")
        kept_file = self._climb(kept_inv, "2026-02-09", 1).file_id
        twin_file = self._climb(twin_inv, "2026-02-09", 1).file_id
        twin_file.action_hand_over()
        activity = twin_file.activity_ids
        self.assertTrue(activity)
        self._merge(self.b2b | self.twin, self.b2b)
        self.assertEqual(kept_file.state, "handed_over")
        self.assertEqual(kept_file.activity_ids, activity, "the accountant's to-do follows")
        self.assertFalse(self._escalate("2026-06-01", kept_inv), "no automatic letter any more")
