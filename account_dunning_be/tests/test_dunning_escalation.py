from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLadder(DunningCommon):

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

    def test_level_1_on_day_7_level_2_on_day_21_nothing_twice(self):
        invoice = self._invoice(self.b2b, 1000.0, "2026-02-01", "2026-03-01")
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 8))
        self.assertFalse(self._escalate("2026-03-07"))

        letters = self._escalate("2026-03-08")
        self.assertEqual(len(letters), 1)
        self.assertEqual(letters.level_id, self.friendly)
        self.assertEqual(letters.partner_id, self.b2b)
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertEqual(invoice.dunning_last_date, date(2026, 3, 8))
        self.assertEqual(invoice.dunning_next_date, date(2026, 3, 22))
        self.assertFalse(self._escalate("2026-03-08"), "a second run the same day sends nothing")
        self.assertFalse(self._escalate("2026-03-21"))

        letters = self._escalate("2026-03-22")
        self.assertEqual(letters.level_id, self.second)
        self.assertEqual(letters.by_post, "letter")
        self.assertTrue(letters.by_email)
        self.assertIn("Dunning level Second reminder reached", invoice.message_ids[0].body)
        # the friendly reminder claims nothing; the second neither
        self.assertEqual(letters.amount_total, 1000.0)

    def test_one_letter_per_customer(self):
        inv_1 = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        inv_2 = self._invoice(self.b2b, 200.0, "2026-01-10", "2026-01-31")
        not_due = self._invoice(self.b2b, 50.0, "2026-02-01", "2026-02-05")
        other = self._invoice(self.b2c, 300.0, "2026-01-01", "2026-01-31")
        letters = self._escalate("2026-02-07")
        self.assertEqual(len(letters), 2)
        letter = letters.filtered(lambda lt: lt.partner_id == self.b2b)
        self.assertEqual(letter.line_ids.filtered("is_due").move_id, inv_1 | inv_2)
        # the overdue invoice not yet due for a level is listed for information
        self.assertEqual(letter.line_ids.filtered(lambda ln: not ln.is_due).move_id, not_due)
        self.assertFalse(not_due.dunning_level_id)
        self.assertEqual(letter.amount_residual, 350.0)
        self.assertEqual(letters.filtered(lambda lt: lt.partner_id == self.b2c).move_ids, other)
        # the history on the customer and on the invoice
        self.assertEqual(self.b2b.dunning_letter_count, 1)
        self.assertEqual(self.b2b.action_open_dunning_letters()["res_id"], letter.id)
        self.assertEqual(inv_1.dunning_letter_count, 1)

    def test_escalate_selected_invoices_of_several_customers(self):
        inv_b2b = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        inv_b2c = self._invoice(self.b2c, 200.0, "2026-01-01", "2026-01-31")
        letters = self._escalate("2026-02-07", inv_b2b | inv_b2c)
        self.assertEqual(len(letters), 2)
        for letter, invoice in ((letters[0], inv_b2b), (letters[1], inv_b2c)):
            self.assertEqual(letter.line_ids.move_id, invoice,
                             "a letter lists its own customer's invoices only")

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

        self.assertFalse(self._escalate("2026-02-07"))
        letters = self._escalate("2026-02-11")
        self.assertEqual(letters.line_ids.filtered("is_due").move_id, plan,
                         "the payment plan ended on 10 February: dunning resumes")
        self.assertFalse(blocked.dunning_level_id)
        self.assertFalse(small.dunning_level_id, "40.00 left is below the 50.00 minimum")

    def test_payment_between_runs_leaves_the_ladder(self):
        invoice = self._invoice(self.b2b, 400.0, "2026-01-01", "2026-01-31")
        self._escalate("2026-02-07")
        self._pay(invoice, 400.0, "2026-02-10")
        self.assertFalse(self._escalate("2026-02-21"))
        self.assertEqual(invoice.dunning_level_id, self.friendly)

    def test_credit_notes_never_get_a_level(self):
        invoice = self._invoice(self.b2b, 400.0, "2026-01-01", "2026-01-31")
        refund = invoice._reverse_moves([{"invoice_date": "2026-01-05"}])
        refund.action_post()
        self.assertFalse(refund.dunning_next_date)
        self.assertFalse(self._escalate("2026-02-07"))  # the invoice was paid by the refund
        self.assertFalse(refund.dunning_level_id)

    def test_customer_without_email_gets_a_letter(self):
        self.b2c.email = False
        self._invoice(self.b2c, 100.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-07")
        self.assertFalse(letter.by_email)
        self.assertEqual(letter.by_post, "letter")
        self.assertIn("has no e-mail address", letter.message_ids.mapped("body")[0])

    def test_new_delays_apply_to_future_steps(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._escalate("2026-02-07")
        self.second.delay = 20
        self.assertEqual(invoice.dunning_last_date, date(2026, 2, 7))
        self.assertEqual(invoice.dunning_next_date, date(2026, 2, 27))

    def test_used_level_cannot_be_deleted(self):
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._escalate("2026-02-07")
        with self.assertRaisesRegex(UserError, "Friendly reminder.*cannot be deleted"):
            self.friendly.unlink()
        self.assertTrue(self.friendly.exists())

    def test_cancel_restores_previous_level(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        self._escalate("2026-02-07")
        letter = self._escalate("2026-02-21")
        self.assertEqual(invoice.dunning_level_id, self.second)
        letter.action_cancel()
        self.assertEqual(invoice.dunning_level_id, self.friendly)
        self.assertEqual(invoice.dunning_last_date, date(2026, 2, 7))
        self.assertEqual(self._escalate("2026-02-21").level_id, self.second)

    def test_database_refuses_a_second_live_letter(self):
        invoice = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-07")
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            with self.env.cr.savepoint():
                letter.copy({"line_ids": [(0, 0, {"move_id": invoice.id, "is_due": True})]})
                self.env.flush_all()

    def test_formal_notice_claims_from_law(self):
        """B2B formal notice: interest at the statutory rate, EUR 40, 10 % penalty.

        1,000.00 due 2025-06-15, notice on 2025-07-31 (formal notice level reached by hand):
        16 June - 30 June: 15 days at 11.5 % = 1000 x 0.115 x 15 / 365 = 4.7260
        1 July - 31 July: 31 days at 10.5 % = 1000 x 0.105 x 31 / 365 = 8.9178
        interest 13.64; flat fee 40.00; penalty 10 % = 100.00 (between 40 and 2,500).
        """
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-15", "2025-06-15")
        invoice.write({"dunning_level_id": self.second.id, "dunning_last_date": "2025-07-01"})
        letter = self._escalate("2025-07-31")
        self.assertEqual(letter.level_id, self.formal)
        line = letter.line_ids
        self.assertEqual(line.days_late, 46)
        self.assertAlmostEqual(line.interest, 13.64, places=2)
        self.assertEqual(line.flat_fee, 40.0)
        self.assertEqual(line.penalty, 100.0)
        self.assertAlmostEqual(letter.amount_total, 1153.64, places=2)
        self.assertEqual(
            [(p["date_from"], p["date_to"], p["rate"]) for p in line.interest_periods],
            [("2025-06-16", "2025-06-30", "11.5"), ("2025-07-01", "2025-07-31", "10.5")],
        )

    def test_missing_semester_waits_in_review(self):
        """No B2B rate for 2026 H2 is shipped: the letter waits, naming the semester."""
        self.company.dunning_auto_send = True
        invoice = self._invoice(self.b2b, 1000.0, "2026-05-01", "2026-06-01")
        invoice.write({"dunning_level_id": self.second.id, "dunning_last_date": "2026-07-01"})
        self._invoice(self.b2c, 100.0, "2026-07-01", "2026-07-31")
        letters = self._escalate("2026-08-07")
        letter = letters.filtered(lambda lt: lt.partner_id == self.b2b)
        self.assertEqual(letter.state, "draft")
        self.assertIn("2026 H2", letter.review_reason)
        other = letters.filtered(lambda lt: lt.partner_id == self.b2c)
        self.assertEqual(other.state, "sent", "the other customers go on")

    def test_auto_send_problem_keeps_the_letter_in_review(self):
        self.company.dunning_auto_send = True
        self.company_data["default_journal_bank"].bank_account_id = False
        self.company.partner_id.bank_ids.unlink()
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-07")
        self.assertEqual(letter.state, "draft")
        self.assertIn("IBAN", letter.review_reason)

    def test_foreign_currency_invoice_keeps_its_currency(self):
        """A USD invoice gets a USD letter; the EUR 40 is converted at the letter's date
        (2 USD for 1 EUR here)."""
        usd = self.setup_other_currency("USD", rates=[("2016-01-01", 2.0)])
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-15", "2025-06-15", currency=usd)
        eur_invoice = self._invoice(self.b2b, 500.0, "2025-05-15", "2025-06-15")
        (invoice | eur_invoice)._dunning_set_step(self.second, date(2025, 7, 1))
        letters = self._escalate("2025-07-31")
        self.assertEqual(len(letters), 2, "one letter per currency")
        letter = letters.filtered(lambda lt: lt.currency_id == usd)
        self.assertEqual(letter.line_ids.move_id, invoice)
        self.assertEqual(letter.line_ids.flat_fee, 80.0)
        self.assertAlmostEqual(letter.line_ids.interest, 13.64, places=2)

    def test_consumer_first_reminder_claims_nothing_and_announces_damages(self):
        self._invoice(self.b2c, 800.0, "2026-01-01", "2026-01-31")
        letter = self._escalate("2026-02-07")
        line = letter.line_ids
        self.assertEqual((line.interest, line.flat_fee, line.penalty), (0.0, 0.0, 0.0))
        # Book XIX cap on 800.00: 65 + 5 % of 300 = 80.00
        self.assertEqual(line.damages_announced, 80.0)

    def test_failing_customer_is_skipped(self):
        good = self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        bad = self._invoice(self.b2c, 100.0, "2026-01-01", "2026-01-31")
        # a customer whose letter cannot be written (here: an injected fault) is logged and
        # skipped; the other customer gets its letter
        Move = type(self.env["account.move"])
        prepare = Move._prepare_dunning_letter_vals

        def failing(moves, *args):
            if moves.commercial_partner_id == self.b2c:
                raise ValueError("injected fault")
            return prepare(moves, *args)

        with patch.object(Move, "_prepare_dunning_letter_vals", failing), \
                mute_logger("odoo.addons.account_dunning_be.models.account_move"):
            letters = self._escalate("2026-02-07")
        self.assertEqual(letters.line_ids.move_id, good)
        self.assertEqual(good.dunning_level_id, self.friendly)
        self.assertFalse(bad.dunning_level_id)
        self.assertEqual(self._escalate("2026-02-07").line_ids.move_id, bad,
                         "the skipped customer is taken up again by the next run")


@tagged("post_install", "-at_install")
class TestDunningCron(DunningCommon):

    def test_cron_batches_and_resumes(self):
        partners = self.env["res.partner"].create([
            {"name": f"Customer {i}", "is_company": True, "email": f"c{i}@example.be"}
            for i in range(5)
        ])
        for partner in partners:
            self._invoice(partner, 100.0, "2026-01-01", "2026-01-31")
        Move = self.env["account.move"]
        with freeze_time("2026-02-07"):
            first = Move._cron_account_dunning(batch_size=2)
            second = Move._cron_account_dunning(batch_size=2)
            third = Move._cron_account_dunning(batch_size=2)
            again = Move._cron_account_dunning(batch_size=2)
        self.assertEqual(len(first), 2)
        self.assertEqual(len(second), 2)
        self.assertEqual(len(third), 1)
        self.assertFalse(again)
        self.assertEqual(len((first | second | third).partner_id), 5)

    def test_cron_two_runs_same_day(self):
        self._invoice(self.b2b, 100.0, "2026-01-01", "2026-01-31")
        Letter = self.env["account.dunning.letter"]
        with freeze_time("2026-02-07"):
            self.env["account.move"]._cron_account_dunning()
            count = Letter.search_count([])
            self.env["ir.config_parameter"].set_param("account_dunning_be.cron_cursor", "")
            self.env["account.move"]._cron_account_dunning()
        self.assertEqual(Letter.search_count([]), count)

    def test_queries_do_not_grow_with_invoices_per_customer(self):
        few = self.env["res.partner"].create({"name": "Few", "is_company": True,
                                              "email": "f@example.be"})
        many = self.env["res.partner"].create({"name": "Many", "is_company": True,
                                               "email": "m@example.be"})
        few_moves = self._invoice(few, 100.0, "2026-01-01", "2026-01-31")
        many_moves = self.env["account.move"]
        for _i in range(8):
            many_moves |= self._invoice(many, 100.0, "2026-01-01", "2026-01-31")

        def count(moves):
            # both runs start cold: same record caches, same ormcaches
            self.env.flush_all()
            self.env.invalidate_all()
            self.env.registry.clear_all_caches()
            before = self.env.cr.sql_log_count
            moves._dunning_escalate(date(2026, 2, 7))
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        # the first run of a year also creates the letter sequence's date range
        warm_up = self.env["res.partner"].create({"name": "Warm", "is_company": True})
        count(self._invoice(warm_up, 100.0, "2026-01-01", "2026-01-31"))
        self.assertEqual(count(many_moves), count(few_moves))


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
        with freeze_time("2026-02-07"):
            invoice.with_user(billing).action_dunning_escalate()
        self.assertEqual(invoice.dunning_level_id, self.friendly)
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
        letters = self.env["account.move"]._dunning_escalate(date(2026, 2, 7))
        self.assertEqual(len(letters), 2)
        self.assertEqual(mine.dunning_level_id.company_id, self.company)
        self.assertEqual(theirs.dunning_level_id.company_id, other)
        user = new_test_user(
            self.env, "dunning_one_company", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=self.company.ids)
        visible = self.env["account.dunning.letter"].with_user(user).search([])
        self.assertEqual(visible.company_id, self.company)
