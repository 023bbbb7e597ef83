from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from freezegun import freeze_time

from odoo.tests import tagged

from .. import law
from .common import DunningCommon

FIRST_NIGHT = date(2025, 9, 1)
NIGHTS = 182  # half a year, inside the shipped B2B rate table (it ends with 2026 H1)


@tagged("post_install", "-at_install")
class TestDunningReplay(DunningCommon):
    """Half a year of nights over a portfolio of enterprises and consumers, as the
    customers receive their letters; then the rules that must hold over every letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        address = {"street": "Rue Haute 1", "zip": "1000", "city": "Bruxelles",
                   "country_id": cls.env.ref("base.be").id}

        def customer(name, b2b, email=True):
            return cls.env["res.partner"].create(dict(
                address, name=name, is_company=b2b, vat=b2b and "BE0403170701" or False,
                email=email and f"{name.split()[0].lower()}@example.be"))

        cls.never_pays = customer("Nevers SRL", True)
        cls.three = customer("Trois SA", True)
        cls.partial = customer("Partiel SRL", True)
        cls.pays_then_again = customer("Retour SRL", True)
        cls.consumer_email = customer("Ann Mail", False)
        cls.consumer_post = customer("Paul Post", False, email=False)
        cls.consumer_two = customer("Zoe Deux", False)
        cls.consumer_partial = customer("Marc Part", False)
        inv = cls._invoice
        cls.invoices = {
            "never": inv(cls.never_pays, 3000.0, "2025-08-01", "2025-08-31"),
            "three_1": inv(cls.three, 1000.0, "2025-08-01", "2025-08-31"),
            "three_2": inv(cls.three, 500.0, "2025-08-22", "2025-09-21"),
            "three_3": inv(cls.three, 250.0, "2025-09-19", "2025-10-19"),
            "partial": inv(cls.partial, 2000.0, "2025-08-05", "2025-09-04"),
            "again_1": inv(cls.pays_then_again, 800.0, "2025-08-01", "2025-08-31"),
            "again_2": inv(cls.pays_then_again, 600.0, "2025-11-01", "2025-12-01"),
            "c_email": inv(cls.consumer_email, 400.0, "2025-08-01", "2025-08-31"),
            "c_post": inv(cls.consumer_post, 393.25, "2025-08-01", "2025-08-31"),
            "c_two_1": inv(cls.consumer_two, 300.0, "2025-08-01", "2025-08-31"),
            "c_two_2": inv(cls.consumer_two, 900.0, "2025-09-10", "2025-10-10"),
            "c_partial": inv(cls.consumer_partial, 1200.0, "2025-08-01", "2025-08-31"),
        }
        cls.payments = [
            # the enterprise paying in part after its second reminder, the rest never
            (date(2025, 10, 15), "partial", 800.0),
            # paid after the first reminder; invoices again later
            (date(2025, 9, 12), "again_1", 800.0),
            (date(2025, 11, 20), "c_partial", 500.0),
        ]
        cls.letters, cls.listed = cls._replay()

    @classmethod
    def _replay(cls):
        """Every night the cron runs; every morning the accountant sends what waits for
        review (registered letters deposited that day). Returns the letters and, per
        letter, the customer's overdue open invoices on the night it was written."""
        Move = cls.env["account.move"]
        Letter = cls.env["account.dunning.letter"]
        listed = {}
        for offset in range(NIGHTS):
            day = FIRST_NIGHT + timedelta(days=offset)
            for pay_day, key, amount in cls.payments:
                if pay_day == day:
                    cls._pay(cls.invoices[key], amount, str(day))
            with freeze_time(day):
                letters = Move.with_context(lastcall=str(day))._cron_account_dunning()
                for letter in letters:
                    listed[letter.id] = Move.search(
                        Move._get_dunning_open_items_domain(day)
                        + [("commercial_partner_id", "=", letter.partner_id.id)])
                drafts = Letter.search([("state", "=", "draft")])
                for letter in drafts.filtered(lambda lt: lt.by_post == "registered"):
                    letter.registered_date = day
                if drafts:
                    drafts.action_send()
        return Letter.search([("state", "!=", "cancelled")], order="date, id"), listed

    def _by_partner(self):
        letters = defaultdict(list)
        for letter in self.letters:
            letters[letter.partner_id].append(letter)
        return letters

    # ------------------------------------------------------------
    # the sequence a customer receives
    # ------------------------------------------------------------

    def test_every_letter_went_out(self):
        self.assertTrue(self.letters)
        self.assertEqual(set(self.letters.mapped("state")) - {"sent", "printed"}, set())

    def test_at_most_one_letter_a_customer_and_day(self):
        days = defaultdict(int)
        for letter in self.letters:
            days[letter.partner_id, letter.date] += 1
        self.assertEqual({key: n for key, n in days.items() if n > 1}, {})

    def test_none_before_the_previous_deadline(self):
        for partner, letters in self._by_partner().items():
            for before, after in zip(letters, letters[1:], strict=False):
                # a new file after a closed one waits for the last deadline too
                earliest = law.add_working_days(before.payment_deadline, 3)
                self.assertGreater(after.date, earliest, (
                    f"{partner.name}: {after.name} of {after.date} comes before the deadline "
                    f"of {before.name} ({before.payment_deadline}) + 3 working days"))
                if before.file_id == after.file_id:
                    self.assertGreaterEqual(
                        (after.date - before._get_sent_on()).days, after.level_id.delay)
        for letter in self.letters:
            self.assertTrue(law.is_working_day(letter.payment_deadline),
                            f"{letter.name}: a transfer cannot arrive on its deadline")

    def test_levels_never_go_down_and_nothing_after_the_final_level(self):
        for partner, letters in self._by_partner().items():
            for before, after in zip(letters, letters[1:], strict=False):
                if before.file_id != after.file_id:
                    self.assertEqual(before.file_id.state, "closed",
                                     "a new file only once the old one is closed")
                    continue
                self.assertFalse(before.level_id.is_final,
                                 f"{partner.name}: {after.name} after the final level")
                self.assertGreater(after.level_id.sequence, before.level_id.sequence,
                                   f"{partner.name}: {after.name} is not a level up")
        levels = defaultdict(list)
        for line in self.letters.line_ids.sorted(lambda ln: (ln.date, ln.id)):
            levels[line.move_id].append(line.level_id.sequence)
        for move, sequence in levels.items():
            self.assertEqual(sequence, sorted(sequence), f"{move.name} went a level down")

    def test_paper_only_on_working_days(self):
        paper = self.letters.filtered(lambda lt: lt.by_post != "none")
        self.assertTrue(paper)
        for letter in paper:
            self.assertTrue(law.is_working_day(letter.date), f"{letter.name} on {letter.date}")
            self.assertTrue(law.is_working_day(letter._get_sent_on()))

    def test_every_overdue_open_invoice_is_listed(self):
        for letter in self.letters:
            self.assertEqual(letter.line_ids.move_id, self.listed[letter.id], letter.name)

    def test_the_customer_who_never_pays_reaches_the_final_level(self):
        letters = self._by_partner()[self.never_pays]
        self.assertEqual([lt.level_id for lt in letters],
                         [self.friendly, self.second, self.formal, self.last])
        file = letters[-1].file_id
        self.assertEqual(file.state, "handed_over")
        self.assertTrue(file.activity_ids)

    def test_paid_customer_file_closes_and_a_new_debt_opens_a_new_file(self):
        letters = self._by_partner()[self.pays_then_again]
        files = self.letters.filtered(
            lambda lt: lt.partner_id == self.pays_then_again).file_id
        self.assertEqual(len(files), 2)
        self.assertEqual(files.sorted("id")[0].state, "closed")
        self.assertEqual(letters[0].level_id, self.friendly)
        later = [lt for lt in letters if lt.file_id == files.sorted("id")[1]]
        self.assertEqual(later[0].level_id, self.friendly, "a new file starts at level 1")
        self.assertEqual(later[0].line_ids.move_id, self.invoices["again_2"])

    def test_an_invoice_falling_due_later_joins_the_file_at_its_stage(self):
        letters = self._by_partner()[self.three]
        third = self.invoices["three_3"]
        first_listing = next(lt for lt in letters if third in lt.line_ids.move_id)
        self.assertGreater(first_listing.level_id.sequence, self.friendly.sequence)
        self.assertEqual(len(letters[0].file_id | letters[-1].file_id), 1)

    # ------------------------------------------------------------
    # what the letters claim
    # ------------------------------------------------------------

    def test_every_b2b_invoice_of_a_claiming_letter_carries_interest_and_the_fee(self):
        claiming = self.letters.filtered(lambda lt: lt.is_b2b and lt.level_id.claim_interest)
        self.assertTrue(claiming)
        for line in claiming.line_ids:
            self.assertEqual(line.claim_status, "claimed", line.letter_id.name)
            self.assertGreater(line.interest, 0, f"{line.letter_id.name} {line.move_id.name}")
            self.assertEqual(line.flat_fee, 40.0)
            self.assertGreaterEqual(line.penalty, 40.0)
            self.assertEqual(line.interest_date_from, line.date_due + timedelta(days=1))

    def test_consumer_charged_nothing_before_a_waiting_period_ran_out(self):
        lines = self.letters.filtered(lambda lt: not lt.is_b2b).line_ids
        charged = lines.filtered(lambda ln: ln.interest or ln.penalty or ln.flat_fee)
        self.assertTrue(charged, "the consumers who never pay are charged in the end")
        for line in lines.sorted(lambda ln: (ln.date, ln.id)):
            announcing = lines.filtered(
                lambda ln, lin=line: ln.move_id == lin.move_id and ln.claim_status == "announced")
            self.assertTrue(announcing, f"{line.move_id.name} was never announced")
            first = announcing.sorted(lambda ln: (ln.date, ln.id))[0]
            end = first.letter_id._get_waiting_period_end()
            if line.interest or line.penalty:
                self.assertGreater(line.date, end, f"{line.letter_id.name} charges too early")
                self.assertEqual(line.flat_fee, 0.0)
                self.assertLessEqual(line.penalty, first.damages_announced)
                self.assertLessEqual(
                    Decimal(str(line.penalty)),
                    law.b2c_damages_cap(Decimal(str(first.amount_residual))))
        # a consumer letter never announces a collection agency's costs
        for letter in self.letters.filtered(lambda lt: not lt.is_b2b):
            texts = letter.with_context(lang="en_US")._get_letter_texts()
            self.assertNotIn("agency", texts["next_step"])

    def test_claims_carry_forward(self):
        history = defaultdict(list)
        for line in self.letters.line_ids.sorted(lambda ln: (ln.date, ln.id)):
            history[line.move_id].append(line)
        for move, lines in history.items():
            for before, after in zip(lines, lines[1:], strict=False):
                self.assertGreaterEqual(after.interest + after.interest_invoiced,
                                        before.interest + before.interest_invoiced, move.name)
                self.assertGreaterEqual(after.flat_fee, before.flat_fee, move.name)
                self.assertGreaterEqual(after.penalty, before.penalty, move.name)
