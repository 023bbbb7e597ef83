from datetime import date, timedelta

from psycopg2.errors import UniqueViolation

from odoo.tests import tagged
from odoo.tools import mute_logger

from .. import law
from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningEarlierHistory(DunningCommon):
    """A file holding the first release's letters (one per invoice): several letters at a
    level, a lower level after a higher one. Those that do not raise the stage are its
    earlier history: kept, their deadlines hold, the ladder climbs above the stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv_x = cls._invoice(cls.b2b, 1000.0, "2026-01-01", "2026-01-31")
        cls.inv_y = cls._invoice(cls.b2b, 500.0, "2026-02-01", "2026-03-03")
        cls.file = cls.env["account.dunning.file"].create({
            "partner_id": cls.b2b.id, "company_id": cls.company.id,
            "currency_id": cls.company.currency_id.id, "date_open": "2026-02-09"})
        (cls.inv_x | cls.inv_y).dunning_file_id = cls.file

    def _old_letter(self, level, day, moves, is_history=False):
        """A letter as the first release wrote it, e-mailed on its day."""
        letter = self.env["account.dunning.letter"].create({
            "file_id": self.file.id, "company_id": self.company.id,
            "partner_id": self.b2b.id, "contact_id": self.b2b.id,
            "currency_id": self.company.currency_id.id, "level_id": level.id,
            "date": day, "date_sent": day, "state": "sent", "by_email": True,
            "is_b2b": True, "is_history": is_history,
            "line_ids": [(0, 0, {"move_id": move.id, "date_due": move.invoice_date_due,
                                 "amount_total": move.amount_total,
                                 "amount_residual": move.amount_residual})
                         for move in moves],
        })
        self.file._sync_from_letters()
        return letter

    def test_history_may_share_a_level_a_step_may_not(self):
        self._old_letter(self.friendly, "2026-02-09", self.inv_x)
        history = self._old_letter(self.friendly, "2026-03-12", self.inv_y | self.inv_x,
                                   is_history=True)
        self.assertTrue(history.exists())
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation), \
                self.env.cr.savepoint():
            self._old_letter(self.friendly, "2026-03-13", self.inv_y)
            self.env.flush_all()

    def test_the_stage_is_the_highest_step_the_deadline_the_latest(self):
        first = self._old_letter(self.friendly, "2026-02-09", self.inv_x)
        formal = self._old_letter(self.formal, "2026-03-02", self.inv_x)
        # invoice Y's own first reminder, after the formal notice of invoice X
        later = self._old_letter(self.friendly, "2026-03-12", self.inv_y | self.inv_x,
                                 is_history=True)
        self.assertLess(formal.payment_deadline, later.payment_deadline)
        file = self.file
        self.assertEqual(file.level_id, self.formal, "the stage the file reached")
        self.assertEqual(file.last_letter_id, later)
        self.assertEqual(file.payment_deadline, later.payment_deadline)
        self.assertEqual(file.state, "waiting")
        earliest = law.add_working_days(later.payment_deadline,
                                        self.company.dunning_transfer_days)
        self.assertGreater(file.next_date, earliest)
        self.assertGreaterEqual(file.next_date, later.date + timedelta(days=self.last.delay))
        self.assertEqual(file.letter_ids, first | formal | later)

        # nothing before the latest deadline; then the level after the stage, never the
        # second reminder the file skipped nor a second formal notice
        day = file.next_date
        self.assertFalse(self._escalate(str(day - timedelta(days=1))))
        letter = self._escalate(str(day))
        while not letter and not law.is_working_day(day):
            day += timedelta(days=1)
            letter = self._escalate(str(day))
        self.assertEqual(letter.level_id, self.last)
        self.assertEqual(letter.file_id, file)
        self.assertFalse(letter.is_history)
        self.assertEqual(letter.line_ids.move_id, self.inv_x | self.inv_y)
        self.assertEqual(file.level_id, self.last)

    def test_the_earlier_history_of_a_file(self):
        """In date order, a letter at or below a level already reached is history; the
        others climb a level at a time."""
        steps = [(self.friendly, date(2026, 2, 9)), (self.second, date(2026, 2, 23)),
                 (self.friendly, date(2026, 3, 12)), (self.second, date(2026, 3, 26)),
                 (self.formal, date(2026, 3, 30)), (self.second, date(2026, 3, 30))]
        letters = self.env["account.dunning.letter"].create([{
            "company_id": self.company.id, "partner_id": self.b2b.id,
            "currency_id": self.company.currency_id.id, "level_id": level.id, "date": day,
        } for level, day in steps])
        history = self.env["account.dunning.file"]._get_earlier_history(letters)
        self.assertEqual(history, letters[2] | letters[3] | letters[5])
