import io
from datetime import date
from decimal import Decimal as D

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import format_date

from odoo.addons.account_dunning_be import law

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningWizard(DunningCommon):
    """The dunning wizard: figures to the cent, court costs, posting, letters, export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"dunning_bailiff_estimate": 200.0, "dunning_lawyer_estimate": 250.0})

    def _wizard(self, moves, on):
        return self.env["account.move.dunning"].with_context(
            active_model="account.move", active_ids=moves.ids,
        ).create({"date": on})

    def _d(self, value, lang=None):
        """A date as the texts of the user's language (or ``lang``) write it."""
        if not lang:
            # the wizard's texts speak English when the context has no language
            lang = self.env.lang or "en_US"
            lang = lang if lang in dict(self.env["res.lang"].get_installed()) else None
        return format_date(self.env, fields.Date.to_date(value), lang_code=lang)

    def _post_claim(self, wizard):
        """Post the claim as a user does: the first click previews, creating nothing;
        Confirm posts."""
        claims = self.env["account.move"].search_count([("dunning_is_claim", "=", True)])
        preview = wizard.action_post_claim()
        self.assertEqual((wizard.state, preview["res_id"]), ("confirm_claim", wizard.id))
        self.assertEqual(preview["context"]["dialog_size"], "extra-large")
        self.assertEqual(
            self.env["account.move"].search_count([("dunning_is_claim", "=", True)]), claims,
            "the preview posts nothing")
        return wizard.action_confirm()

    def _send_letters(self, wizard):
        """Send the letters as a user does: preview (nothing created), then Confirm."""
        letters = self.env["account.dunning.letter"].search_count([])
        wizard.action_send_letters()
        self.assertEqual(wizard.state, "confirm_letters")
        self.assertEqual(self.env["account.dunning.letter"].search_count([]), letters,
                         "the preview creates no letter")
        return wizard.action_confirm()

    def _line(self, wizard, move):
        return wizard.line_ids.filtered(lambda line: line.move_id == move)

    def _speaks_english(self, partner):
        """The claim invoice is written in the customer's language: make it English."""
        self.env["res.lang"]._activate_lang("en_US")
        partner.lang = "en_US"

    # ------------------------------------------------------------
    # Worked cases
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_b2b_across_a_semester_change(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-07-31")
        line = self._line(wizard, invoice)
        # 30 days of June at 11.5 % (9.452055) + 31 days of July at 10.5 % (8.917808)
        self.assertEqual(line.days_late, 61)
        self.assertEqual(line.amount_residual, 1000.0)
        self.assertAlmostEqual(line.interest, 18.37, places=2)
        self.assertEqual(line.interest_date_from, date(2025, 6, 1))
        self.assertIn(f"{self._d('2025-06-01')} to"
                      f" {self._d('2025-06-30')}: 30 days",
                      line.interest_periods_text)
        self.assertIn("at 11.5 %", line.interest_periods_text)
        self.assertIn(f"{self._d('2025-07-01')} to"
                      f" {self._d('2025-07-31')}: 31 days",
                      line.interest_periods_text)
        self.assertIn("at 10.5 %", line.interest_periods_text)
        self.assertEqual(line.flat_fee, 40.0)
        self.assertEqual(line.penalty, 100.0)  # 10 % of 1,000, min 40, max 2,500
        self.assertAlmostEqual(line.total, 1158.37, places=2)
        self.assertAlmostEqual(wizard.amount_total, 1158.37, places=2)

        summary = wizard.partner_ids
        self.assertEqual(summary.partner_id, self.b2b)
        self.assertAlmostEqual(summary.claim_total, 1158.37, places=2)
        self.assertEqual(summary.court, "enterprise_court")
        self.assertEqual(summary.roll_fee, 165.0)
        self.assertEqual(summary.legal_aid_contribution, 24.0)
        self.assertEqual(summary.procedural_indemnity, 600.0)
        self.assertEqual(summary.to_advance, 165.0 + 24.0 + 200.0 + 250.0)
        self.assertEqual(summary.recoverable_if_won, 165.0 + 24.0 + 600.0 + 200.0)
        # no reminder sent yet
        self.assertEqual(summary.recommendation, "keep_reminding")
        self.assertIn("0 of the 3 usual reminders", summary.recommendation_reasons)

    @freeze_time("2025-03-31")
    def test_partial_payment(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-01-01", "2025-01-31")
        self._pay(invoice, 400.0, "2025-03-02")
        line = self._line(self._wizard(invoice, "2025-03-31"), invoice)
        # 30 days on 1,000 (9.452055) + 29 days on 600 (5.482192) at 11.5 %
        self.assertAlmostEqual(line.interest, 14.93, places=2)
        self.assertEqual(line.amount_residual, 600.0)
        self.assertEqual(line.penalty, 60.0)
        self.assertEqual(line.flat_fee, 40.0)
        self.assertAlmostEqual(line.total, 714.93, places=2)
        history = line.balance_history.split("\n")
        self.assertEqual(history[0],
                         f"{self._d('2025-01-01')} {invoice.name}: outstanding 1,000.00\xa0€")
        self.assertRegex(history[1], rf"^{self._d('2025-03-02')} PBNK1/2025/\d+ .*: "
                                     r"outstanding 600\.00\xa0€$")
        self.assertEqual(len(history), 2)
        self.assertIn(f"{self._d('2025-02-01')} to"
                      f" {self._d('2025-03-02')}: 30 days",
                      line.interest_periods_text)
        self.assertIn(f"{self._d('2025-03-03')} to"
                      f" {self._d('2025-03-31')}: 29 days",
                      line.interest_periods_text)

    @freeze_time("2025-03-31")
    def test_credit_note_lowers_the_balance_from_its_date(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-01-01", "2025-01-31")
        refund = self.env["account.move"].create({
            "move_type": "out_refund",
            "partner_id": self.b2b.id,
            "invoice_date": "2025-02-15",
            "invoice_line_ids": [Command.create({
                "name": "Returned goods", "quantity": 1, "price_unit": 200.0,
                "tax_ids": [Command.clear()],
            })],
        })
        refund.action_post()
        (invoice | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable").reconcile()
        line = self._line(self._wizard(invoice, "2025-03-31"), invoice)
        # 15 days (1 to 15 Feb) on 1,000 at 11.5 % = 4.726027 + 44 days (16 Feb to 31 Mar)
        # on 800 = 11.090411: 15.816438
        self.assertAlmostEqual(line.interest, 15.82, places=2)
        self.assertEqual(line.amount_residual, 800.0)
        self.assertEqual(line.balance_history.split("\n")[1],
                         f"{self._d('2025-02-15')} {refund.name}: outstanding 800.00\xa0€")
        self.assertIn(f"{self._d('2025-02-16')} to {self._d('2025-03-31')}: "
                      "44 days on 800.00\xa0€ at 11.5 % = 11.09\xa0€",
                      line.interest_periods_text)

    @freeze_time("2025-03-31")
    def test_paid_late_invoice(self):
        invoice = self._invoice(self.b2b, 500.0, "2025-01-01", "2025-01-31")
        self._pay(invoice, 500.0, "2025-03-02")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        line = self._line(self._wizard(invoice, "2025-03-31"), invoice)
        # 30 days on 500 at 11.5 % = 4.726027
        self.assertAlmostEqual(line.interest, 4.73, places=2)
        self.assertEqual(line.flat_fee, 40.0)
        self.assertEqual(line.amount_residual, 0.0)
        self.assertEqual(line.penalty, 0.0, "the penalty clause is on the outstanding balance")
        self.assertAlmostEqual(line.total, 44.73, places=2)

    def test_consumer_before_and_after_the_waiting_period(self):
        with freeze_time("2025-02-07"):
            invoice = self._invoice(self.b2c, 300.0, "2025-01-01", "2025-01-31")
            before = self._line(self._wizard(invoice, "2025-02-07"), invoice)
            self.assertEqual((before.interest, before.flat_fee, before.penalty), (0, 0, 0))
            self.assertEqual(before.damages_announced, 45.0)  # 30 + 10 % of 150
            letters = self._escalate("2025-02-07", invoice)
            letters.state = "sent"  # first reminder by e-mail on 7 February
        with freeze_time("2025-02-21"):
            # the 14 days run from 8 to 21 February: nothing may be charged yet
            line = self._line(self._wizard(invoice, "2025-02-21"), invoice)
            self.assertEqual((line.interest, line.flat_fee, line.penalty), (0, 0, 0))
        with freeze_time("2025-03-31"):
            line = self._line(self._wizard(invoice, "2025-03-31"), invoice)
            # legal rate 2025 4.5 %, 22 Feb to 31 Mar: 38 days on 300 = 1.405479
            self.assertAlmostEqual(line.interest, 1.41, places=2)
            self.assertEqual(line.interest_date_from, date(2025, 2, 22))
            self.assertEqual(line.flat_fee, 0.0, "no flat fee against a consumer")
            self.assertEqual(line.penalty, 45.0)
            self.assertEqual(line.penalty_label, "Consumer damages (Book XIX)")
            self.assertAlmostEqual(line.total, 346.41, places=2)
            summary = line.wizard_id.partner_ids
            self.assertEqual(summary.court, "justice_of_the_peace")

    def test_caps_reached(self):
        with freeze_time("2025-02-07"):
            consumer = self._invoice(self.b2c, 50000.0, "2025-01-01", "2025-01-31")
            self._escalate("2025-02-07", consumer).state = "sent"
        with freeze_time("2025-03-31"):
            business = self._invoice(self.b2b, 30000.0, "2025-01-01", "2025-01-31")
            wizard = self._wizard(consumer | business, "2025-03-31")
            # Book XIX: 65 + 5 % of 49,500 = 2,540, capped at 2,000
            self.assertEqual(self._line(wizard, consumer).penalty, 2000.0)
            # penalty clause 10 % of 30,000 = 3,000, company maximum 2,500
            self.assertEqual(self._line(wizard, business).penalty, 2500.0)
            courts = {s.partner_id: s.court for s in wizard.partner_ids}
            self.assertEqual(courts[self.b2c], "first_instance")
            self.assertEqual(courts[self.b2b], "enterprise_court")

    def test_contractual_rate_capped_for_a_consumer(self):
        self.company.dunning_interest_rate = 15.0
        with freeze_time("2025-02-07"):
            consumer = self._invoice(self.b2c, 300.0, "2025-01-01", "2025-01-31")
            self._escalate("2025-02-07", consumer).state = "sent"
        with freeze_time("2025-03-31"):
            business = self._invoice(self.b2b, 1000.0, "2025-01-01", "2025-01-31")
            wizard = self._wizard(consumer | business, "2025-03-31")
            # consumer: 22 Feb to 31 Mar, 38 days on 300 at the statutory 11.5 %, not the
            # agreed 15 % (Book XIX): 3.591781
            line = self._line(wizard, consumer)
            self.assertAlmostEqual(line.interest, 3.59, places=2)
            self.assertIn(f"{self._d('2025-02-22')} to {self._d('2025-03-31')}: "
                          "38 days on 300.00\xa0€ at 11.5 %",
                          line.interest_periods_text)
            # enterprise: the agreed 15 % from 1 Feb, 59 days on 1,000: 24.246575
            line = self._line(wizard, business)
            self.assertAlmostEqual(line.interest, 24.25, places=2)
            self.assertIn(f"{self._d('2025-02-01')} to {self._d('2025-03-31')}: "
                          "59 days on 1,000.00\xa0€ at 15",
                          line.interest_periods_text)

    # ------------------------------------------------------------
    # Recommendation
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_recommendation_after_the_reminders_and_when_disputed(self):
        invoice = self._invoice(self.b2b, 5000.0, "2025-01-01", "2025-01-31")
        self._climb(invoice, "2025-02-07", 3)
        wizard = self._wizard(invoice, "2025-07-31")
        summary = wizard.partner_ids
        self.assertEqual(summary.reminders_sent, 3)
        self.assertEqual(summary.recommendation, "uncontested_b2b")
        # interest: 150 days (1 Feb to 30 Jun) at 11.5 % = 236.301370 + 31 days at 10.5 %
        # = 44.589041 -> 280.89; penalty 10 % = 500; flat fee 40: claim 5,820.89.
        # Costs: 165 roll fee + 24 legal aid + 200 bailiff + 250 lawyer = 639 to advance;
        # 165 + 24 + 1,350 indemnity (5,000.01 to 10,000) + 200 bailiff = 1,739 recoverable
        reasons = summary.recommendation_reasons.split("\n")
        self.assertEqual(reasons[0], "The claim of 5,820.89\xa0€ is above "
                         "the 1,000.00\xa0€ from which going to court usually pays off.")
        self.assertEqual(reasons[1], "The customer is an enterprise (law of 2 August 2002).")
        self.assertEqual(reasons[2], "Court costs: 639.00\xa0€ to advance, 1,739.00\xa0€ "
                         "recoverable from the customer if the claim is granted.")
        self.assertEqual(reasons[3], "In this procedure interest and penalty together are "
                         "capped at 10 % of the principal: at most 500.00\xa0€ on 5,000.00\xa0€ "
                         "(claimed now: 780.89\xa0€).")

        wizard.block_note = "Goods returned damaged"
        wizard.action_mark_disputed()
        self.assertTrue(invoice.dunning_blocked)
        self.assertEqual(invoice.dunning_block_reason, "disputed")
        self.assertEqual(invoice.dunning_block_note, "Goods returned damaged")
        wizard = self._wizard(invoice, "2025-07-31")
        self.assertEqual(wizard.partner_ids.recommendation, "summons")
        self.assertIn("never hand it to a collection agency",
                      wizard.partner_ids.recommendation_reasons)

    @freeze_time("2025-07-31")
    def test_recommendation_routes_after_the_reminders(self):
        consumer = self._invoice(self.b2c, 2000.0, "2025-01-01", "2025-01-31")
        small = self._invoice(self.b2b, 800.0, "2025-01-01", "2025-01-31")
        self._climb(consumer, "2025-02-07", 3)
        self._climb(small, "2025-02-07", 3)
        wizard = self._wizard(consumer | small, "2025-07-31")
        summaries = {s.partner_id: s for s in wizard.partner_ids}
        self.assertEqual(summaries[self.b2b].reminders_sent, 3)
        self.assertEqual(summaries[self.b2b].recommendation, "collection_agency")
        self.assertEqual(summaries[self.b2b].recommendation_reasons.split("\n")[1],
                         "The customer is an enterprise (law of 2 August 2002).")
        self.assertRegex(summaries[self.b2b].recommendation_reasons,
                         r"^The claim of [\d,.]+\xa0€ is below the 1,000\.00\xa0€ from which")
        consumer_summary = summaries[self.b2c]
        self.assertEqual(consumer_summary.recommendation, "summons")
        self.assertIn("No writing from the customer: a summary payment order is not possible",
                      consumer_summary.recommendation_reasons)
        consumer_summary.has_written_acknowledgement = True
        self.assertEqual(consumer_summary.recommendation, "summary_order")
        self.assertIn("The customer acknowledged the debt in writing",
                      consumer_summary.recommendation_reasons)
        self.assertIn("The customer is a consumer (Book XIX).",
                      consumer_summary.recommendation_reasons)

    def test_every_reason_reads_as_a_sentence(self):
        """Each reason code law.recommend returns has its translatable sentence."""
        with freeze_time("2025-07-31"):
            invoice = self._invoice(self.b2b, 100.0, "2025-05-01", "2025-05-31")
            summary = self._wizard(invoice, "2025-07-31").partner_ids
        on = date(2025, 7, 31)
        seen = set()
        for claim in ("300", "800", "2000", "20000"):
            for enterprise in (True, False):
                costs = law.injunction_costs(D(claim), enterprise, on, D(200), D(250))
                for disputed, writing, sent, estimate in (
                    (False, False, 0, costs), (False, False, 3, costs),
                    (False, True, 3, costs), (True, False, 3, costs), (False, False, 3, None),
                ):
                    result = law.recommend(D(claim), enterprise, disputed, estimate, writing,
                                           sent, principal=D(claim), interest_and_penalty=D(5))
                    for code, params in result.reasons:
                        text = summary._reason_text(code, params)
                        self.assertNotEqual(text, code)
                        self.assertTrue(text.endswith("."), text)
                        self.assertNotIn("EUR", text)
                        seen.add(code)
        self.assertEqual(seen, {
            "disputed", "reminders", "below_threshold", "above_threshold", "consumer",
            "enterprise", "costs_exceed", "costs_unknown", "recoverable",
            "written_acknowledgement", "no_written_acknowledgement", "cap_10_percent"})

    @freeze_time("2025-03-31")
    def test_amounts_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_BE")
        invoice = self._invoice(self.b2b, 1000.0, "2025-01-01", "2025-01-31")
        self._pay(invoice, 400.0, "2025-03-02")
        wizard = self.env["account.move.dunning"].with_context(
            lang="fr_BE", active_model="account.move", active_ids=invoice.ids,
        ).create({"date": "2025-03-31"})
        line = self._line(wizard, invoice)
        self.assertIn("1.000,00\xa0€", line.balance_history)
        self.assertTrue(line.balance_history.endswith("600,00\xa0€"))
        self.assertNotIn("600.00", line.balance_history)
        self.assertIn("1.000,00\xa0€", line.interest_periods_text)
        self.assertIn("9,45\xa0€", line.interest_periods_text)
        self.assertIn("5,48\xa0€", line.interest_periods_text)

    @freeze_time("2025-07-31")
    def test_missing_court_cost(self):
        self.env["account.dunning.court.cost"].search([("item", "=", "roll_fee")]).unlink()
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        summary = self._wizard(invoice, "2025-07-31").partner_ids
        self.assertEqual(summary.costs_error, "The court cost tables have no court roll fee "
                         f"(Enterprise court) valid on {self._d('2025-07-31')}: add it under "
                         "Invoicing > "
                         "Configuration > Dunning.")
        self.assertEqual(summary.to_advance, 0.0)
        self.assertEqual(summary.court, "enterprise_court")
        self.assertAlmostEqual(summary.claim_total, 1158.37, places=2)

    @freeze_time("2025-07-31")
    def test_payment_plan_blocks_dunning(self):
        invoice = self._invoice(self.b2b, 500.0, "2025-01-01", "2025-01-31")
        wizard = self._wizard(invoice, "2025-07-31")
        with self.assertRaisesRegex(UserError, "Give the date the payment plan ends"):
            wizard.action_payment_plan()
        wizard.block_until = "2025-07-30"
        with self.assertRaisesRegex(UserError, f"cannot end on {self._d('2025-07-30')}, before "
                                    f"the computation date {self._d('2025-07-31')}"):
            wizard.action_payment_plan()
        self.assertFalse(invoice.dunning_blocked)
        wizard.block_until = "2025-12-31"
        wizard.action_payment_plan()
        self.assertEqual(invoice.dunning_block_reason, "payment_plan")
        self.assertEqual(invoice.dunning_block_until, date(2025, 12, 31))
        self.assertFalse(self._escalate("2025-07-31", invoice))

    # ------------------------------------------------------------
    # Posting the claim
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_post_the_claim(self):
        self._speaks_english(self.b2b)
        inv_1 = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        inv_2 = self._invoice(self.b2b, 500.0, "2025-01-01", "2025-01-31")
        self._pay(inv_2, 500.0, "2025-03-02")
        lines_before = inv_1.line_ids.read(["balance", "account_id"])
        action = self._post_claim(self._wizard(inv_1 | inv_2, "2025-07-31"))
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.move_type, "out_invoice")
        self.assertEqual(claim.partner_id, self.b2b)
        self.assertEqual(claim.invoice_date, date(2025, 7, 31))
        self.assertRegex(claim.payment_reference, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
        digits = claim.payment_reference.replace("+", "").replace("/", "")
        self.assertEqual(int(digits[:10]), claim.id)
        self.assertEqual(int(digits[10:]), claim.id % 97 or 97)
        self.assertNotIn(claim.payment_reference,
                         (inv_1 | inv_2).mapped("payment_reference"))
        lines = claim.invoice_line_ids
        self.assertFalse(lines.tax_ids, "out of VAT scope")
        self.assertEqual(claim.amount_tax, 0.0)
        got = [(line.name, line.account_id.code[:3], line.price_unit) for line in lines]
        self.assertEqual(got, [  # oldest due date first
            (f"Late payment interest on {inv_2.name} from {self._d('2025-02-01', 'en_US')} to "
             f"{self._d('2025-07-31', 'en_US')}",
             "751", 4.73),
            (f"Flat recovery fee (law of 2 August 2002, art. 6) for {inv_2.name} due "
             f"{self._d('2025-01-31', 'en_US')}", "743", 40.0),
            (f"Late payment interest on {inv_1.name} from {self._d('2025-06-01', 'en_US')} to "
             f"{self._d('2025-07-31', 'en_US')}",
             "751", 18.37),
            (f"Flat recovery fee (law of 2 August 2002, art. 6) for {inv_1.name} due "
             f"{self._d('2025-05-31', 'en_US')}", "743", 40.0),
            (f"Penalty clause of our terms for {inv_1.name} due "
             f"{self._d('2025-05-31', 'en_US')}", "743", 100.0),
        ])
        self.assertAlmostEqual(claim.amount_total, 18.37 + 40 + 100 + 4.73 + 40, places=2)
        # linked both ways, the originals unchanged
        self.assertEqual(inv_1.dunning_claim_move_ids, claim)
        self.assertEqual(inv_2.dunning_claim_move_ids, claim)
        self.assertEqual(claim.dunning_claim_source_move_ids, inv_1 | inv_2)
        self.assertTrue(claim.dunning_is_claim)
        self.assertEqual(inv_1.line_ids.read(["balance", "account_id"]), lines_before)
        self.assertEqual(inv_1.amount_residual, 1000.0)
        records = claim.dunning_claim_source_ids.filtered(lambda c: c.move_id == inv_1)
        self.assertEqual(sorted(records.mapped("kind")), ["flat_fee", "interest", "penalty"])
        interest = records.filtered(lambda c: c.kind == "interest")
        self.assertEqual((interest.date_from, interest.date_to), (date(2025, 6, 1),
                                                                   date(2025, 7, 31)))

    @freeze_time("2025-07-31")
    def test_claim_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_BE")
        self.b2b.lang = "fr_BE"
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        action = self._post_claim(self._wizard(invoice, "2025-07-31"))
        claim = self.env["account.move"].browse(action["res_id"])
        french = self.env(context={"lang": "fr_BE"})
        self.assertEqual(claim.invoice_line_ids[0].name, french._(
            "Late payment interest on %(invoice)s from %(date_from)s to %(date_to)s",
            invoice=invoice.name, date_from=self._d("2025-06-01", "fr_BE"),
            date_to=self._d("2025-07-31", "fr_BE")))
        self.assertNotIn("Late payment interest", claim.invoice_line_ids[0].name)
        self.assertIn(invoice.name, claim.invoice_line_ids[0].name)
        self.assertIn("01/06/2025", claim.invoice_line_ids[0].name)

    @freeze_time("2025-07-31")
    def test_claim_has_its_own_structured_communication(self):
        self.company_data["default_journal_sale"].write({
            "invoice_reference_model": "be", "invoice_reference_type": "partner"})
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        self.assertEqual(invoice.payment_reference,
                         invoice._get_invoice_reference_be_partner())
        action = self._post_claim(self._wizard(invoice, "2025-07-31"))
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.journal_id, self.company_data["default_journal_sale"])
        self.assertNotEqual(claim.payment_reference, invoice.payment_reference)
        self.assertEqual(claim.payment_reference, claim._get_invoice_reference_be_invoice())

    @freeze_time("2025-07-31")
    def test_claim_accounts_and_products_from_the_settings(self):
        revenue = self.company_data["default_account_revenue"]
        product = self.env["product.product"].create({"name": "Intérêts de retard"})
        settings = self.env["res.config.settings"].create({
            "dunning_interest_account_id": revenue.id,
            "dunning_interest_product_id": product.id,
        })
        settings.execute()
        self.assertEqual(self.company.dunning_interest_account_id, revenue)
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        action = self._post_claim(self._wizard(invoice, "2025-07-31"))
        lines = self.env["account.move"].browse(action["res_id"]).invoice_line_ids
        got = [(line.product_id, line.account_id, line.price_unit) for line in lines]
        self.assertEqual(got, [
            (product, revenue, 18.37),
            (self.env.ref("account_dunning_be.product_dunning_flat_fee"),
             self.company._get_dunning_claim_account("flat_fee"), 40.0),
            (self.env.ref("account_dunning_be.product_dunning_penalty"),
             self.company._get_dunning_claim_account("penalty"), 100.0),
        ])
        self.assertEqual(lines[1].account_id.code, "743000")
        self.assertFalse(lines.tax_ids)

    @freeze_time("2025-07-31")
    def test_amounts_may_be_lowered_never_raised(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-07-31")
        line = self._line(wizard, invoice)
        line.penalty = 150.0
        with self.assertRaisesRegex(UserError, "The penalty or damages claimed for "
                                    rf"{invoice.name} \(150\.00\xa0€\) exceeds what the law "
                                    rf"allows on {self._d('2025-07-31')}: 100\.00\xa0€"):
            wizard.action_post_claim()
        self.assertFalse(invoice.dunning_claim_ids)
        line.write({"penalty": 50.0, "interest": 10.0})
        self.assertAlmostEqual(line.total, 1100.0)
        action = self._post_claim(wizard)
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.invoice_line_ids.mapped("price_unit"), [10.0, 40.0, 50.0])

    def test_claims_never_overlap(self):
        self._speaks_english(self.b2b)
        with freeze_time("2025-07-31"):
            invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
            self._post_claim(self._wizard(invoice, "2025-07-31"))
            # the same date again: everything is claimed
            with self.assertRaisesRegex(UserError, "Nothing to claim"):
                self._wizard(invoice, "2025-07-31").action_post_claim()
            # an earlier date, interest forced by hand: refused, naming the period
            wizard = self._wizard(invoice, "2025-07-15")
            self._line(wizard, invoice).interest = 5.0
            with self.assertRaisesRegex(UserError,
                                        f"already claimed up to {self._d('2025-07-31')}"):
                wizard.action_post_claim()
        with freeze_time("2025-08-31"):
            wizard = self._wizard(invoice, "2025-08-31")
            line = self._line(wizard, invoice)
            self.assertEqual(line.claimed_up_to, date(2025, 7, 31))
            self.assertEqual(line.interest_date_from, date(2025, 8, 1))
            self.assertEqual((line.flat_fee, line.penalty), (0.0, 0.0))
            # lawful interest to 31 August (18.369863 + 31 days at 10.5 % = 27.287671)
            self.assertAlmostEqual(line.interest_computed, 27.29, places=2)
            self.assertAlmostEqual(line.interest, 27.29 - 18.37, places=2)
            action = self._post_claim(wizard)
            claim = self.env["account.move"].browse(action["res_id"])
            self.assertEqual(len(claim.invoice_line_ids), 1)
            self.assertIn(f"from {self._d('2025-08-01', 'en_US')} to "
                          f"{self._d('2025-08-31', 'en_US')}", claim.invoice_line_ids.name)
            self.assertAlmostEqual(sum(invoice.dunning_claim_ids.filtered(
                lambda c: c.kind == "interest").mapped("amount")), 27.29, places=2)
            # a cancelled claim frees its period
            claim.button_draft()
            claim.button_cancel()
            line = self._line(self._wizard(invoice, "2025-08-31"), invoice)
            self.assertEqual(line.interest_date_from, date(2025, 8, 1))
            self.assertAlmostEqual(line.interest, 8.92, places=2)

    # ------------------------------------------------------------
    # Letters
    # ------------------------------------------------------------

    @freeze_time("2025-03-31")
    def test_send_letters_never_skipping_the_consumer_first_reminder(self):
        b2c_invoice = self._invoice(self.b2c, 300.0, "2025-01-01", "2025-01-31")
        b2b_invoice = self._invoice(self.b2b, 300.0, "2025-01-01", "2025-01-31")
        other = self._invoice(self.b2b, 200.0, "2025-02-01", "2025-02-28")
        with freeze_time("2025-03-31"):
            wizard = self._wizard(b2c_invoice | b2b_invoice, "2025-03-31")
            wizard.level_id = self.formal
            self._send_letters(wizard)
        self.assertEqual(b2c_invoice.dunning_level_id, self.friendly)
        self.assertEqual(b2b_invoice.dunning_level_id, self.formal)
        letter = b2b_invoice.dunning_letter_line_ids.letter_id
        self.assertEqual(letter.level_id, self.formal)
        self.assertEqual(letter.line_ids.move_id, b2b_invoice | other,
                         "the letter lists every overdue invoice of the customer")
        self.assertNotEqual(letter.state, "draft")
        # never before the friendly reminder's deadline (14 April) + 3 working days
        with freeze_time("2025-04-17"), self.assertRaisesRegex(UserError, "deadline"):
            self._wizard(b2c_invoice, "2025-04-17").action_send_letters()
        with freeze_time("2025-04-18"):
            self._send_letters(self._wizard(b2c_invoice, "2025-04-18"))
        self.assertEqual(b2c_invoice.dunning_level_id, self.second, "the next level by default")
        with freeze_time("2025-04-18"), self.assertRaisesRegex(UserError, "dated and sent today"):
            self._wizard(b2c_invoice, "2025-04-10").action_send_letters()
        # a level the file already reached: a clear error, nothing sent
        count = self.env["account.dunning.letter"].search_count([])
        with freeze_time("2025-06-02"):
            wizard = self._wizard(b2b_invoice, "2025-06-02")
            wizard.level_id = self.formal
            with self.assertRaisesRegex(UserError, "already reached Formal notice"):
                wizard.action_send_letters()
        self.assertEqual(self.env["account.dunning.letter"].search_count([]), count)

    # ------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_bad_input(self):
        invoice = self._invoice(self.b2b, 100.0, "2025-05-01", "2025-05-31")
        draft = invoice.copy({"invoice_date": "2025-05-01"})
        with self.assertRaisesRegex(UserError, "draft or cancelled"):
            self._wizard(invoice | draft, "2025-07-31")
        draft.button_cancel()
        with self.assertRaisesRegex(UserError, "draft or cancelled"):
            self._wizard(draft, "2025-07-31")
        bill = self.init_invoice("in_invoice", partner=self.b2b, amounts=[100.0], post=True,
                                 invoice_date="2025-05-01")
        with self.assertRaisesRegex(UserError, "Only customer invoices"):
            self._wizard(invoice | bill, "2025-07-31")
        usd = self.setup_other_currency("USD", rates=[("2025-01-01", 1.1)])
        in_usd = self._invoice(self.b2b, 100.0, "2025-05-01", "2025-05-31", currency=usd)
        with self.assertRaisesRegex(UserError, "several currencies"):
            self._wizard(invoice | in_usd, "2025-07-31")
        other = self.setup_other_company(name="Other BE")["company"]
        self.env.user.company_ids |= other
        in_other = self._invoice(self.b2b, 100.0, "2025-05-01", "2025-05-31", company=other)
        with self.assertRaisesRegex(UserError, "several companies"):
            self._wizard(invoice | in_other, "2025-07-31")
        wizard = self._wizard(invoice, "2025-05-15")
        self.assertIn("before the due date", wizard.warning)
        with self.assertRaisesRegex(UserError, "before the due date"):
            wizard.action_post_claim()
        with self.assertRaisesRegex(UserError, "before the due date"):
            wizard.action_send_letters()
        self.assertFalse(invoice.dunning_claim_ids)
        self.assertFalse(invoice.dunning_letter_line_ids)

    @freeze_time("2025-07-31")
    def test_customer_with_no_regime(self):
        invoice = self._invoice(self.b2b, 100.0, "2025-05-01", "2025-05-31")
        self.b2b.dunning_partner_type = False
        with self.assertRaisesRegex(
                UserError, r"Say whether Brasserie Lambiek SRL is an enterprise or a consumer"):
            self._wizard(invoice, "2025-07-31")
        self.assertFalse(self.env["account.move.dunning"].search([]))
        self.b2b.dunning_partner_type = "b2b"
        self.assertEqual(self._line(self._wizard(invoice, "2025-07-31"), invoice).flat_fee, 40)

    @freeze_time("2026-08-31")
    def test_missing_rate_names_the_semester(self):
        """No B2B rate for 2026 H2 is shipped: the interest stops on 30 June, the semester
        is named, and a claim posted now charges 1 to 30 June only, saying so.
        1,000.00 due 31 May 2026: 30 days at 10.5 %: 1000 * 10.5 * 30 / 36500 = 8.63."""
        self._speaks_english(self.b2b)
        invoice = self._invoice(self.b2b, 1000.0, "2026-05-01", "2026-05-31")
        wizard = self._wizard(invoice, "2026-08-31")
        self.assertTrue(wizard.missing_rate)
        self.assertIn(
            f"No interest rate for semester 2026 H2: the interest of {invoice.name} stops on "
            f"{self._d('2026-06-30')}, the last day the rate table covers.", wizard.warning)
        line = self._line(wizard, invoice)
        self.assertEqual(line.interest_error, (
            f"Interest up to {self._d('2026-06-30')} only: no interest rate for semester "
            f"2026 H2 ({self._d('2026-07-01')} to {self._d('2026-12-31')}) in the rate table."))
        self.assertEqual(line.interest_missing_semester, "2026 H2")
        self.assertEqual((line.interest_date_from, line.interest_date_to),
                         (date(2026, 6, 1), date(2026, 6, 30)))
        self.assertEqual(line.interest, 8.63)
        self.assertEqual(line.interest_max, 8.63)
        self.assertEqual((line.flat_fee, line.penalty), (40.0, 100.0))
        self.assertAlmostEqual(wizard.amount_total, 1148.63, places=2)
        self.assertIn(
            f"{self._d('2026-06-01')} to {self._d('2026-06-30')}: 30 days on 1,000.00\xa0€ "
            "at 10.5 % = 8.63\xa0€", line.interest_periods_text)
        # the claim charges the interest up to the last known day, labelled so
        action = self._post_claim(wizard)
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(
            [(aml.name, aml.price_unit) for aml in claim.invoice_line_ids][0],
            (f"Late payment interest on {invoice.name} from {self._d('2026-06-01', 'en_US')} "
             f"to {self._d('2026-06-30', 'en_US')}", 8.63))
        self.assertAlmostEqual(claim.amount_total, 148.63, places=2)
        interest = invoice.dunning_claim_ids.filtered(lambda c: c.kind == "interest")
        self.assertEqual((interest.date_from, interest.date_to, interest.amount),
                         (date(2026, 6, 1), date(2026, 6, 30), 8.63))
        # once the rate is known, the next claim takes up from 1 July
        self.env["account.dunning.rate"].create({
            "kind": "b2b", "date_from": "2026-07-01", "date_to": "2026-12-31", "rate": 10.0,
            "status": "derived"})
        wizard = self._wizard(invoice, "2026-08-31")
        line = self._line(wizard, invoice)
        self.assertFalse(line.interest_error)
        self.assertEqual(line.claimed_up_to, date(2026, 6, 30))
        self.assertEqual(line.interest_date_from, date(2026, 7, 1))
        # 62 days at 10 %: 1000 * 10 * 62 / 36500 = 16.99
        self.assertAlmostEqual(line.interest, 16.99, places=2)
        self.assertIn("only derived from the ECB rate", wizard.warning)
        self.assertIn(f"from {self._d('2026-07-01')} to {self._d('2026-12-31')}",
                      wizard.warning)

    # ------------------------------------------------------------
    # Access rights
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_billing_user_runs_the_wizard(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        user = new_test_user(self.env, login="dunning_biller",
                             groups="account.group_account_invoice",
                             company_id=self.company.id, company_ids=self.company.ids)
        env = self.env(user=user)
        wizard = env["account.move.dunning"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"date": "2025-07-31"})
        self.assertAlmostEqual(wizard.amount_total, 1158.37, places=2)
        action = self._post_claim(wizard)
        claim = env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.create_uid, user)

        other = self.setup_other_company(name="Elsewhere BE")["company"]
        stranger = new_test_user(self.env, login="dunning_stranger",
                                 groups="account.group_account_invoice",
                                 company_id=other.id, company_ids=other.ids)
        self.assertFalse(self.env(user=stranger)["account.move"].search(
            [("id", "=", invoice.id)]))
        with self.assertRaises(AccessError):
            self.env(user=stranger)["account.move"].browse(invoice.id).read(["name"])
        with self.assertRaises(AccessError):
            self.env(user=stranger)["account.move.dunning"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({"date": "2025-07-31"})

    @freeze_time("2025-07-31")
    def test_open_from_the_customer(self):
        inv_1 = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        inv_2 = self._invoice(self.b2b, 200.0, "2025-06-01", "2025-06-30")
        self._invoice(self.b2b, 300.0, "2025-07-01", "2025-08-30")  # not due yet
        action = self.b2b.with_company(self.company).action_open_dunning_wizard()
        wizard = self.env["account.move.dunning"].with_context(action["context"]).create({})
        self.assertEqual(wizard.move_ids, inv_1 | inv_2)
        self.assertEqual(wizard.date, date(2025, 7, 31))
        # from the invoice list or form: the action bound to invoices, for billing users
        bound = self.env.ref("account_dunning_be.account_move_dunning_action")
        self.assertEqual(bound.binding_model_id.model, "account.move")
        self.assertEqual(bound.binding_view_types, "list,form")
        self.assertEqual(bound.groups_id, self.env.ref("account.group_account_invoice"))
        wizard = self.env["account.move.dunning"].with_context(
            inv_1.action_open_dunning_wizard()["context"]).create({})
        self.assertEqual(wizard.move_ids, inv_1)
        self.assertEqual(wizard.partner_ids.partner_id, self.b2b)
        # a customer with nothing overdue
        with self.assertRaisesRegex(UserError, "Jan Peeters has no overdue invoice"):
            self.b2c.with_company(self.company).action_open_dunning_wizard()

    # ------------------------------------------------------------
    # Export
    # ------------------------------------------------------------

    @freeze_time("2025-03-31")
    def test_export_xlsx(self):
        import openpyxl

        invoice = self._invoice(self.b2b, 1000.0, "2025-01-01", "2025-01-31")
        self._escalate("2025-02-07", invoice).state = "sent"
        self._pay(invoice, 400.0, "2025-03-02")
        wizard = self._wizard(invoice, "2025-03-31")
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move.dunning"), ("res_id", "=", wizard.id)])
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertEqual(book.sheetnames,
                         ["Invoices", "Payments", "Interest periods", "Fees", "Reminders"])
        ws = book["Invoices"]
        self.assertEqual(ws["B2"].value, invoice.name)
        self.assertEqual(ws["D2"].value.date(), date(2025, 1, 31))
        self.assertEqual(ws["G2"].value, 600.0)
        self.assertAlmostEqual(ws["H2"].value, 14.93, places=2)
        self.assertEqual(ws["I2"].value, 40.0)
        self.assertEqual(ws["J2"].value, 60.0)
        ws = book["Payments"]
        self.assertEqual(ws["B2"].value.date(), date(2025, 3, 2))
        self.assertEqual(ws["D2"].value, 400.0)
        ws = book["Interest periods"]
        self.assertEqual([c.value for c in ws[3]][3:], [29, 600.0, 11.5, 5.48])
        ws = book["Fees"]
        self.assertEqual([c.value for c in ws[2]][1:], ["Flat recovery fee", 40.0])
        self.assertEqual([c.value for c in ws[3]][1:], ["Penalty clause", 60.0])
        ws = book["Reminders"]
        self.assertEqual(ws["B2"].value.date(), date(2025, 2, 7))
        self.assertEqual(ws["C2"].value, self.friendly.name)
