from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from .common import DunningCommon

ESCALATION_LOGGER = "odoo.addons.account_dunning_be.models.account_dunning_escalation"


@tagged("post_install", "-at_install")
class TestDunningLadder(DunningCommon):
    """The customer's file: one letter at a time listing every overdue invoice, the next
    level after the level's delay and never before the last deadline (+ 3 working days)."""

    def test_default_ladder(self):
        self.assertEqual(
            [(lvl.default_key, lvl.delay) for lvl in self.levels],
            [("friendly", 7), ("second", 14), ("formal_notice", 14), ("last_notice", 14)],
        )
        self.assertTrue(self.friendly.action_email)
        self.assertFalse(self.friendly.claim_interest or self.friendly.claim_flat_fee)
        self.assertTrue(self.second.action_email and self.second.action_letter)
        self.assertTrue(self.formal.action_registered and self.formal.is_formal_notice)
        self.assertTrue(self.formal.claim_interest and self.formal.claim_flat_fee
                        and self.formal.claim_penalty)
        self.assertTrue(self.last.is_final and self.last.action_registered)
        self.assertEqual(self.friendly.name, "Friendly reminder")
        self.assertEqual(self.company.dunning_transfer_days, 3)

    def test_first_level_then_the_deadline_then_the_next(self):
        """Due Sunday 1 March; friendly reminder on day 7 (an e-mail may go on a Sunday).
        Sent on 8 March, it gives 14 days: Sunday 22 March, so the deadline is Monday 23
        March; a transfer made then has arrived by the 3rd working day (Thursday 26): the
        second reminder comes on Friday 27 March, not on day 14 of its delay (22 March)."""
        invoice = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 8))
        self.assertFalse(self._escalate("2026-03-07"))

        letter = self._escalate("2026-03-08")
        self.assertEqual(letter.level_id, self.friendly)
        file = letter.file_id
        self.assertEqual((file.partner_id, file.level_id, file.state),
                         (self.b2b, self.friendly, "open"), "to review: the file waits")
        self.assertFalse(file.next_date)
        self.assertFalse(self._escalate("2026-03-08"), "a second run the same day sends nothing")
        self.assertFalse(self._escalate("2026-03-20"), "a letter to review was never sent")

        self._send(letter, "2026-03-08")
        self.assertEqual((letter.state, letter.date_sent), ("sent", date(2026, 3, 8)))
        self.assertEqual(letter.payment_deadline, date(2026, 3, 23))
        self.assertEqual(file.state, "waiting")
        self.assertEqual(file.payment_deadline, date(2026, 3, 23))
        self.assertEqual(file.next_date, date(2026, 3, 27))
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 27))
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertFalse(self._escalate("2026-03-22"))
        self.assertFalse(self._escalate("2026-03-26"))

        second = self._escalate("2026-03-27")
        self.assertEqual(second.level_id, self.second)
        self.assertEqual(second.file_id, file, "one file, one sequence")
        self.assertEqual(second.by_post, "letter")
        self.assertTrue(second.by_email)
        self.assertIn("Dunning level Second reminder reached", invoice.message_ids[0].body)
        self.assertEqual(second.amount_total, 1000.0, "a reminder claims nothing")

    def test_one_letter_lists_every_overdue_invoice(self):
        inv_1 = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        inv_2 = self._invoice(self.b2b, 200.0, "2026-01-10", "2026-01-31")
        late = self._invoice(self.b2b, 50.0, "2026-02-01", "2026-02-05")
        not_due = self._invoice(self.b2b, 70.0, "2026-02-01", "2026-02-20")
        other = self._invoice(self.b2c, 300.0, "2026-01-01", "2026-01-31")
        letters = self._escalate("2026-02-09")
        self.assertEqual(len(letters), 2)
        letter = letters.filtered(lambda lt: lt.partner_id == self.b2b)
        self.assertEqual(letter.line_ids.move_id, inv_1 | inv_2 | late,
                         "every overdue open invoice, the one due two days ago too")
        self.assertNotIn(not_due, letter.line_ids.move_id)
        self.assertEqual(late.dunning_level_id, self.friendly)
        self.assertEqual(letter.amount_residual, 350.0)
        self.assertEqual(letters.filtered(lambda lt: lt.partner_id == self.b2c).move_ids, other)
        # the file, the history on the customer and on the invoice
        self.assertEqual(self.b2b.dunning_file_id, letter.file_id)
        self.assertEqual(self.b2b.dunning_stage_id, self.friendly)
        self.assertEqual(self.b2b.dunning_letter_count, 1)
        self.assertEqual(self.b2b.action_open_dunning_letters()["res_id"], letter.id)
        self.assertEqual(self.b2b.action_open_dunning_files()["res_id"], letter.file_id.id)
        self.assertEqual(inv_1.dunning_letter_count, 1)

    def test_escalate_selected_invoices_of_several_customers(self):
        inv_b2b = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        inv_b2c = self._invoice(self.b2c, 200.0, "2026-01-01", "2026-01-31")
        with freeze_time("2026-02-09"):
            action = (inv_b2b | inv_b2c).action_dunning_escalate()
        letters = self.env["account.dunning.letter"].search(action["domain"])
        self.assertEqual(len(letters), 2)
        for invoice in inv_b2b | inv_b2c:
            letter = letters.filtered(lambda lt, i=invoice: lt.partner_id == i.partner_id)
            self.assertEqual(letter.line_ids.move_id, invoice,
                             "a letter lists its own customer's invoices only")
        with freeze_time("2026-02-09"), self.assertRaisesRegex(UserError, "deadline"):
            inv_b2b.action_dunning_escalate()

    def test_blocked_excluded_and_minimum(self):
        self.company.dunning_min_amount = 50.0
        blocked = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        blocked.write({"dunning_blocked": True, "dunning_block_reason": "disputed"})
        plan = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        plan.write({"dunning_blocked": True, "dunning_block_reason": "payment_plan",
                    "dunning_block_until": "2026-02-10"})
        small = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._pay(small, 60.0, "2026-02-01")
        self.b2c.dunning_excluded = True
        self._invoice(self.b2c, 500.0, "2026-01-01", "2026-01-31")

        self.assertFalse(self._escalate("2026-02-09"))
        letters = self._escalate("2026-02-11")
        self.assertEqual(letters.line_ids.move_id, plan,
                         "the payment plan ended on 10 February: dunning resumes")
        self.assertFalse(blocked.dunning_level_id, "a disputed invoice is never listed")
        self.assertFalse(small.dunning_level_id, "40.00 left is below the 50.00 minimum")

    def test_payment_closes_the_file_and_a_new_debt_opens_a_new_one(self):
        invoice = self._invoice(self.b2b, 400.0, "2026-01-01", "2026-01-31")
        letter = self._send(self._escalate("2026-02-09"), "2026-02-09")
        file = letter.file_id
        self._pay(invoice, 400.0, "2026-02-10")
        self.assertFalse(invoice.dunning_next_date, "a paid invoice has no next step")
        with freeze_time("2026-02-27"):
            self.env["account.move"]._cron_account_dunning()
        self.assertEqual((file.state, file.date_closed), ("closed", date(2026, 2, 27)))
        self.assertEqual(invoice.dunning_level_id, self.friendly)

        later = self._invoice(self.b2b, 300.0, "2026-03-01", "2026-03-31")
        new = self._escalate("2026-04-07")
        self.assertEqual(new.level_id, self.friendly, "a new file starts at the first level")
        self.assertNotEqual(new.file_id, file)
        self.assertEqual(new.line_ids.move_id, later)

    def test_credit_notes_never_get_a_level(self):
        invoice = self._invoice(self.b2b, 400.0, "2026-01-01", "2026-01-31")
        refund = invoice._reverse_moves([{"invoice_date": "2026-01-05"}])
        refund.action_post()
        self.assertFalse(refund.dunning_next_date)
        self.assertFalse(self._escalate("2026-02-09"))  # the invoice was paid by the refund
        self.assertFalse(refund.dunning_level_id)

    def test_customer_without_email_gets_a_letter_on_a_working_day(self):
        self.b2c.email = False
        self._invoice(self.b2c, 100.0, "2026-01-01", "2026-01-31")
        self.assertFalse(self._escalate("2026-02-07"), "no paper letter on a Saturday")
        self.assertFalse(self._escalate("2026-02-08"), "nor on a Sunday")
        letter = self._escalate("2026-02-09")
        self.assertFalse(letter.by_email)
        self.assertEqual(letter.by_post, "letter")
        self.assertEqual(letter.date, date(2026, 2, 9))
        self.assertIn("has no e-mail address", letter.message_ids.mapped("body")[0])

    def test_new_delays_apply_to_future_steps(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        letter = self._send(self._escalate("2026-02-09"), "2026-02-09")
        # deadline 23 February; + 3 working days: 26 February; the delay 14: 23 February
        self.assertEqual(letter.file_id.next_date, date(2026, 2, 27))
        self.second.delay = 30
        self.assertEqual(invoice.dunning_last_date, date(2026, 2, 9))
        self.assertEqual(letter.file_id.next_date, date(2026, 3, 11))
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 11))

    def test_used_level_cannot_be_deleted(self):
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._escalate("2026-02-09")
        with self.assertRaisesRegex(UserError, "Friendly reminder.*cannot be deleted"):
            self.friendly.unlink()
        self.assertTrue(self.friendly.exists())

    def test_archived_level_hands_its_files_to_the_next_active_level(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._send(self._escalate("2026-02-09"), "2026-02-09")
        second = self._send(self._escalate("2026-02-27"), "2026-02-27")
        self.assertEqual(second.level_id, self.second)
        self.second.active = False
        self.assertTrue(second.file_id.next_date, "the file keeps moving")
        third = self._escalate("2026-03-19")
        self.assertEqual(third.level_id, self.formal)
        self.assertEqual(invoice.dunning_level_id, self.formal)

    def test_cancel_restores_previous_level(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._send(self._escalate("2026-02-09"), "2026-02-09")
        letter = self._escalate("2026-02-27")
        self.assertEqual(invoice.dunning_level_id, self.second)
        letter.action_cancel()
        file = letter.file_id
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertEqual(invoice.dunning_last_date, date(2026, 2, 9))
        self.assertEqual((file.level_id, file.state), (self.friendly, "waiting"))
        self.assertEqual(self._escalate("2026-02-27").level_id, self.second)

    def test_database_refuses_a_second_live_letter_of_a_level(self):
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-09")
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            with self.env.cr.savepoint():
                letter.copy()
                self.env.flush_all()

    def test_formal_notice_claims_on_every_invoice(self):
        """B2B formal notice on 31 July 2025 listing three overdue invoices: each carries
        its interest from the day after its due date, its EUR 40 and the 10 % penalty.

        1,000.00 due 2025-06-15: 16-30 June 15 days at 11.5 % = 4.7260; 1-31 July 31 days
        at 10.5 % = 8.9178; interest 13.64; penalty 100.00.
        500.00 due 2025-06-30: 1-31 July 31 days at 10.5 % = 500 x 0.105 x 31 / 365 =
        4.4589 -> 4.46; penalty 10 % = 50.00.
        200.00 due 2025-07-20: 21-31 July 11 days at 10.5 % = 0.6329 -> 0.63; penalty
        10 % = 20, raised to the 40.00 minimum.
        """
        big = self._invoice(self.b2b, 1000.0, "2025-05-15", "2025-06-15")
        mid = self._invoice(self.b2b, 500.0, "2025-05-31", "2025-06-30")
        small = self._invoice(self.b2b, 200.0, "2025-06-20", "2025-07-20")
        letter = self._escalate("2025-07-31", level=self.formal, ignore_delay=True)
        self.assertEqual(letter.level_id, self.formal, "an enterprise may get a notice first")
        lines = {line.move_id: line for line in letter.line_ids}
        self.assertEqual(set(lines), {big, mid, small})
        expected = {big: (46, 13.64, 100.0), mid: (31, 4.46, 50.0), small: (11, 0.63, 40.0)}
        for move, (days, interest, penalty) in expected.items():
            line = lines[move]
            self.assertEqual(line.days_late, days)
            self.assertAlmostEqual(line.interest, interest, places=2)
            self.assertEqual(line.flat_fee, 40.0)
            self.assertEqual(line.penalty, penalty)
            self.assertEqual(line.claim_status, "claimed")
        self.assertEqual(
            [(p["date_from"], p["date_to"], p["rate"]) for p in lines[big].interest_periods],
            [("2025-06-16", "2025-06-30", "11.5"), ("2025-07-01", "2025-07-31", "10.5")],
        )
        self.assertEqual(letter.amount_flat_fee, 120.0)
        self.assertAlmostEqual(letter.amount_total, 1700 + 18.73 + 120 + 190, places=2)

    def test_missing_semester_waits_in_review(self):
        """No B2B rate for 2026 H2 is shipped: the letter waits, naming the semester."""
        self.company.dunning_auto_send = True
        self._invoice(self.b2b, 1000.0, "2026-05-01", "2026-06-01")
        self._invoice(self.b2c, 100.0, "2026-07-01", "2026-07-31")
        letters = self._escalate("2026-08-07", level=self.formal, ignore_delay=True)
        letter = letters.filtered(lambda lt: lt.partner_id == self.b2b)
        self.assertEqual(letter.state, "draft")
        self.assertIn("2026 H2", letter.review_reason)
        # the interest runs to 30 June, the last day the table covers, never zeroed:
        # 1000 * 10.5 * 29 / 36500 = 8.34 (2 to 30 June)
        self.assertIn(f"up to {format_date(self.env, date(2026, 6, 30))} only",
                      letter.review_reason)
        line = letter.line_ids
        self.assertAlmostEqual(line.interest, 8.34, places=2)
        self.assertEqual(
            [(p["date_from"], p["date_to"], p["rate"]) for p in line.interest_periods],
            [("2026-06-02", "2026-06-30", "10.5")])
        other = letters.filtered(lambda lt: lt.partner_id == self.b2c)
        self.assertEqual(other.level_id, self.friendly, "a consumer's first letter is free")
        self.assertEqual(other.state, "sent", "the other customers go on")

    def test_auto_send_problem_keeps_the_letter_in_review(self):
        self.company.dunning_auto_send = True
        self.company_data["default_journal_bank"].bank_account_id = False
        self.company.partner_id.bank_ids.unlink()
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-09")
        self.assertEqual(letter.state, "draft")
        self.assertIn("IBAN", letter.review_reason)

    def test_foreign_currency_invoice_keeps_its_currency(self):
        """A USD invoice gets a USD letter in its own file; the EUR 40 is converted at the
        letter's date (2 USD for 1 EUR here)."""
        usd = self.setup_other_currency("USD", rates=[("2016-01-01", 2.0)])
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-15", "2025-06-15", currency=usd)
        self._invoice(self.b2b, 500.0, "2025-05-15", "2025-06-15")
        letters = self._escalate("2025-07-31", level=self.formal, ignore_delay=True)
        self.assertEqual(len(letters), 2, "one letter per currency")
        self.assertEqual(len(letters.file_id), 2, "one file per currency")
        letter = letters.filtered(lambda lt: lt.currency_id == usd)
        self.assertEqual(letter.line_ids.move_id, invoice)
        self.assertEqual(letter.line_ids.flat_fee, 80.0)
        self.assertAlmostEqual(letter.line_ids.interest, 13.64, places=2)

    def test_consumer_first_reminder_claims_nothing_and_announces_damages(self):
        self._invoice(self.b2c, 800.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-09", level=self.formal)
        self.assertEqual(letter.level_id, self.friendly)
        line = letter.line_ids
        self.assertEqual((line.interest, line.flat_fee, line.penalty), (0.0, 0.0, 0.0))
        self.assertEqual(line.claim_status, "announced")
        # Book XIX cap on 800.00: 65 + 5 % of 300 = 80.00
        self.assertEqual(line.damages_announced, 80.0)

    def test_final_level_hands_the_file_over(self):
        """After the last notice nothing comes back down: its deadline passed, the file is
        handed over with an activity naming the recommended route."""
        invoice = self._invoice(self.b2b, 3000.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-09", level=self.last, ignore_delay=True)
        self.assertEqual(letter.level_id, self.last)
        letter.write({"registered_date": "2026-02-09"})
        self._send(letter, "2026-02-09")
        file = letter.file_id
        self.assertEqual(file.next_date, date(2026, 2, 27))
        self.assertFalse(self._escalate("2026-02-26"))
        self.assertFalse(self._escalate("2026-02-27"), "no letter after the final level")
        self.assertEqual(file.state, "handed_over")
        activity = file.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Recommended route", activity.note)
        self.assertFalse(self._escalate("2026-06-01"), "never again a friendly reminder")
        self.assertFalse(invoice.dunning_next_date)

    def test_claim_invoice_between_two_letters(self):
        """A claim invoice posted between the formal notice and the last notice: the last
        notice deducts what it charged, lists it as an open item and charges nothing on it.

        1,000.00 due 15 June 2025. Claim of 8 August: interest 16-30 June 15 days at
        11.5 % = 4.7260 + 1 July-8 August 39 days at 10.5 % = 11.2192: 15.95; EUR 40;
        penalty 100.00: 155.95. Last notice on 21 August (the notice's deadline 14 August,
        then 3 working days without 15 August): interest to date 4.7260 + 52 days at
        10.5 % = 14.9589: 19.68, of which 15.95 invoiced: 3.73 more; no fee, no penalty.
        """
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-15", "2025-06-15")
        formal = self._escalate("2025-07-31", level=self.formal, ignore_delay=True)
        formal.registered_date = formal.date
        self._send(formal, "2025-07-31")
        self.assertAlmostEqual(formal.amount_total, 1153.64, places=2)
        with freeze_time("2025-08-08"):
            wizard = self.env["account.move.dunning"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({"date": "2025-08-08"})
            wizard.action_post_claim()
            action = wizard.action_confirm()
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.amount_total, 155.95)
        self.assertTrue(claim.dunning_is_claim)
        self.assertEqual(formal.file_id.next_date, date(2025, 8, 21))

        last = self._escalate("2025-08-21")
        self.assertEqual(last.level_id, self.last)
        lines = {line.move_id: line for line in last.line_ids}
        self.assertEqual(set(lines), {invoice, claim}, "the claim invoice is an open item")
        line = lines[invoice]
        self.assertEqual((line.interest_invoiced, line.interest), (15.95, 3.73))
        self.assertEqual((line.flat_fee, line.penalty), (0.0, 0.0), "never charged twice")
        claim_line = lines[claim]
        self.assertEqual(claim_line.claim_status, "claim_invoice")
        self.assertEqual(claim_line.amount_residual, 155.95)
        self.assertEqual((claim_line.interest, claim_line.flat_fee, claim_line.penalty),
                         (0.0, 0.0, 0.0), "no interest on interest, no fee on fees")
        self.assertAlmostEqual(last.amount_total, 1000 + 3.73 + 155.95, places=2)
        notes = last.with_context(lang="en_US")._get_letter_texts()["notes"]
        self.assertIn(claim.name, notes[0])
        self.assertEqual(len(notes), 2, "the claim invoice and the interest deducted")

    def test_failing_customer_is_skipped(self):
        good = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        bad = self._invoice(self.b2c, 100.0, "2026-01-01", "2026-01-31")
        # a customer whose letter cannot be written (here: an injected fault) is logged and
        # skipped; the other customer gets its letter
        Service = type(self.env["account.dunning.escalation"])
        prepare = Service._prepare_letter_vals

        def failing(service, file, *args):
            if file.partner_id == self.b2c:
                raise ValueError("injected fault")
            return prepare(service, file, *args)

        with patch.object(Service, "_prepare_letter_vals", failing), \
                mute_logger(ESCALATION_LOGGER):
            letters = self._escalate("2026-02-09")
        self.assertEqual(letters.line_ids.move_id, good)
        self.assertEqual(good.dunning_level_id, self.friendly)
        self.assertFalse(bad.dunning_level_id)
        self.assertEqual(self._escalate("2026-02-09").line_ids.move_id, bad,
                         "the skipped customer is taken up again by the next run")


@tagged("post_install", "-at_install")
class TestDunningCron(DunningCommon):

    def _cron(self, run="run-1", batch_size=200):
        """One call of the runner: ``run`` stands for the cron's ``lastcall``."""
        return self.env["account.move"].with_context(lastcall=run)._cron_account_dunning(
            batch_size=batch_size)

    def test_cron_batches_and_resumes(self):
        partners = self.env["res.partner"].create([
            {"name": f"Customer {i}", "is_company": True, "email": f"c{i}@example.be"}
            for i in range(5)
        ])
        for partner in partners:
            self._invoice(partner, 100.0, "2026-01-01", "2026-01-31")
        with freeze_time("2026-02-09"):
            first = self._cron(batch_size=2)
            second = self._cron(batch_size=2)
            third = self._cron(batch_size=2)
            again = self._cron(batch_size=2)
        self.assertEqual(len(first), 2)
        self.assertEqual(len(second), 2)
        self.assertEqual(len(third), 1)
        self.assertFalse(again)
        self.assertEqual(len((first | second | third).partner_id), 5)

    def test_cron_two_runs_same_day(self):
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        Letter = self.env["account.dunning.letter"]
        with freeze_time("2026-02-09"):
            self._cron("run-1")
            count = Letter.search_count([])
            self._cron("run-2")
        self.assertEqual(Letter.search_count([]), count)

    def test_same_day_rerun_picks_up_what_is_due(self):
        """A customer that failed is skipped for the rest of the run, and a rerun the
        same day takes it up (no cursor holds it back until the next day)."""
        partners = self.env["res.partner"].create([
            {"name": f"Customer {i}", "is_company": True, "email": f"c{i}@example.be"}
            for i in range(3)
        ])
        for partner in partners:
            self._invoice(partner, 100.0, "2026-01-01", "2026-01-31")
        Service = type(self.env["account.dunning.escalation"])
        prepare = Service._prepare_letter_vals

        def failing(service, file, *args):
            if file.partner_id == partners[0]:
                raise ValueError("injected fault")
            return prepare(service, file, *args)

        with freeze_time("2026-02-09"):
            with patch.object(Service, "_prepare_letter_vals", failing), \
                    mute_logger(ESCALATION_LOGGER):
                first = self._cron("run-1", batch_size=2)
                second = self._cron("run-1", batch_size=2)
            self.assertEqual(first.partner_id, partners[1])
            self.assertEqual(second.partner_id, partners[2], "the failing one is not retried "
                             "in the same run: the others go on")
            rerun = self._cron("run-2")
        self.assertEqual(rerun.partner_id, partners[0])

    def test_queries_do_not_grow_with_invoices_per_customer(self):
        few = self.env["res.partner"].create({"name": "Few", "is_company": True,
                                              "email": "f@example.be"})
        many = self.env["res.partner"].create({"name": "Many", "is_company": True,
                                               "email": "m@example.be"})
        self._invoice(few, 100.0, "2026-01-01", "2026-01-31")
        for _i in range(8):
            self._invoice(many, 100.0, "2026-01-01", "2026-01-31")
        Service = self.env["account.dunning.escalation"]

        def count(partner):
            # both runs start cold: same record caches, same ormcaches
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.registry.clear_all_caches()
            before = self.env.cr.sql_log_count
            Service._escalate(date(2026, 2, 9), partner)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        # the first run of a year also creates the letter sequence's date range
        warm_up = self.env["res.partner"].create({"name": "Warm", "is_company": True})
        self._invoice(warm_up, 100.0, "2026-01-01", "2026-01-31")
        count(warm_up)
        self.assertEqual(count(many), count(few))


@tagged("post_install", "-at_install")
class TestDunningAccess(DunningCommon):

    def test_billing_user_escalates_manager_configures(self):
        billing = new_test_user(
            self.env, "dunning_billing", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=self.company.ids)
        manager = new_test_user(
            self.env, "dunning_manager", groups="account.group_account_manager",
            company_id=self.company.id, company_ids=self.company.ids)
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        with freeze_time("2026-02-09"):
            invoice.with_user(billing).action_dunning_escalate()
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertEqual(invoice.with_user(billing).dunning_file_id.level_id, self.friendly)
        with self.assertRaises(AccessError):
            self.friendly.with_user(billing).delay = 3
        self.friendly.with_user(manager).delay = 3
        self.assertEqual(self.friendly.delay, 3)

    def test_companies_are_isolated(self):
        other = self.setup_other_company(name="Other BE")["company"]
        other_levels = self.env["account.dunning.level"].search([("company_id", "=", other.id)])
        self.assertEqual(len(other_levels), 4)
        mine = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        theirs = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31", company=other)
        letters = self.env["account.dunning.escalation"]._escalate(date(2026, 2, 9))
        self.assertEqual(len(letters), 2)
        self.assertEqual(len(letters.file_id), 2, "a file per company")
        self.assertEqual(mine.dunning_level_id.company_id, self.company)
        self.assertEqual(theirs.dunning_level_id.company_id, other)
        user = new_test_user(
            self.env, "dunning_one_company", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=self.company.ids)
        visible = self.env["account.dunning.letter"].with_user(user).search([])
        self.assertEqual(visible.company_id, self.company)
        files = self.env["account.dunning.file"].with_user(user).search([])
        self.assertEqual(files.company_id, self.company)
