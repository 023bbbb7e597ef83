from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningWizardConfirm(DunningCommon):
    """The wizard asks before it posts or sends: a preview of what Confirm does, Back to
    the lines. Warnings, notifications and the texts in the user's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"dunning_bailiff_estimate": 200.0, "dunning_lawyer_estimate": 250.0})
        cls.env["res.lang"]._activate_lang("en_US")
        cls.b2b.lang = "en_US"

    def _wizard(self, moves, on, env=None):
        return (env or self.env)["account.move.dunning"].with_context(
            active_model="account.move", active_ids=moves.ids,
        ).create({"date": on})

    def _claims(self):
        return self.env["account.move"].search([("dunning_is_claim", "=", True)])

    # ------------------------------------------------------------
    # Post the claim: preview, Back, Confirm
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_claim_preview_then_confirm(self):
        """1,000.00 due 31 May 2025, on 31 July: interest 1 June to 31 July (30 days at
        11.5 % = 9.452055 + 31 days at 10.5 % = 8.917808: 18.37), EUR 40, penalty 100:
        158.37."""
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-07-31")
        self.assertEqual(wizard.state, "edit")
        action = wizard.action_post_claim()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(action["context"]["dialog_size"], "extra-large")
        self.assertEqual(wizard.state, "confirm_claim")
        self.assertFalse(self._claims(), "the preview posts nothing")
        self.assertFalse(invoice.dunning_claim_ids)
        preview = str(wizard.preview)
        self.assertIn("Brasserie Lambiek SRL", preview)
        self.assertIn(f"Late payment interest on {invoice.name} from 06/01/2025 to 07/31/2025",
                      preview)
        self.assertIn("18.37\xa0€", preview)
        self.assertIn(f"Penalty clause of our terms for {invoice.name} due 05/31/2025", preview)
        self.assertIn("158.37\xa0€", preview)
        # Back: nothing done, the lines as they were
        wizard.action_back()
        self.assertEqual((wizard.state, wizard.preview), ("edit", False))
        self.assertFalse(self._claims())
        with self.assertRaisesRegex(UserError, "Nothing to confirm"):
            wizard.action_confirm()
        wizard.action_post_claim()
        action = wizard.action_confirm()
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.state, "posted")
        self.assertAlmostEqual(claim.amount_total, 158.37, places=2)
        self.assertEqual(self._claims(), claim)

    @freeze_time("2025-07-31")
    def test_claim_preview_checks_first(self):
        """An amount above the law is refused on the first click, before any preview."""
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-07-31")
        wizard.line_ids.penalty = 150.0
        with self.assertRaisesRegex(UserError, "exceeds what the law allows"):
            wizard.action_post_claim()
        self.assertEqual(wizard.state, "edit")
        self.assertFalse(self._claims())

    # ------------------------------------------------------------
    # Send letters: preview, Confirm through the escalation service
    # ------------------------------------------------------------

    @freeze_time("2025-03-31")
    def test_letters_preview_then_confirm(self):
        """One invoice selected; the customer owes three: the preview and the letter list
        all three, nothing is e-mailed before Confirm."""
        inv_1 = self._invoice(self.b2b, 1524.60, "2025-01-01", "2025-01-31")
        inv_2 = self._invoice(self.b2b, 988.73, "2025-01-15", "2025-02-14")
        inv_3 = self._invoice(self.b2b, 600.0, "2025-02-01", "2025-02-28")
        wizard = self._wizard(inv_1, "2025-03-31")
        mails = self.env["mail.mail"].search_count([])
        wizard.action_send_letters()
        self.assertEqual(wizard.state, "confirm_letters")
        self.assertFalse(self.env["account.dunning.letter"].search([]), "no letter yet")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "no e-mail yet")
        preview = str(wizard.preview)
        self.assertIn(f"Brasserie Lambiek SRL: {self.friendly.name} by e-mail to "
                      "compta@lambiek.example", preview)
        for move, amount in ((inv_1, "1,524.60"), (inv_2, "988.73"), (inv_3, "600.00")):
            self.assertIn(move.name, preview)
            self.assertIn(f"{amount}\xa0€", preview)
        self.assertIn("02/14/2025", preview)
        wizard.action_confirm()
        letter = self.env["account.dunning.letter"].search([("partner_id", "=", self.b2b.id)])
        self.assertEqual(letter.level_id, self.friendly)
        self.assertEqual(letter.line_ids.move_id, inv_1 | inv_2 | inv_3)
        self.assertAlmostEqual(letter.amount_residual, 3113.33, places=2)
        self.assertNotEqual(letter.state, "draft")
        self.assertTrue(letter.mail_message_id, "sent by e-mail on Confirm")
        # a higher level by registered letter: the preview says so
        with freeze_time("2025-04-30"):
            wizard = self._wizard(inv_1, "2025-04-30")
            wizard.level_id = self.formal
            wizard.action_send_letters()
            self.assertIn(f"Brasserie Lambiek SRL: {self.formal.name} by registered letter",
                          str(wizard.preview))

    @freeze_time("2025-03-31")
    def test_letters_preview_refuses_when_nothing_would_go(self):
        invoice = self._invoice(self.b2b, 300.0, "2025-01-01", "2025-01-31")
        invoice.write({"dunning_blocked": True, "dunning_block_reason": "disputed"})
        wizard = self._wizard(invoice, "2025-03-31")
        with self.assertRaisesRegex(UserError, "No letter to send"):
            wizard.action_send_letters()
        self.assertEqual(wizard.state, "edit")

    # ------------------------------------------------------------
    # Warnings
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_no_bailiff_or_lawyer_estimate_is_said(self):
        self.company.write({"dunning_bailiff_estimate": 0.0, "dunning_lawyer_estimate": 0.0})
        invoice = self._invoice(self.b2b, 5000.0, "2025-01-01", "2025-01-31")
        wizard = self._wizard(invoice, "2025-07-31")
        bailiff = ("The bailiff estimate in the settings is 0: the cost to advance counts no "
                   "bailiff (service of the writ, enforcement).")
        lawyer = "The lawyer estimate in the settings is 0: the cost to advance counts no lawyer."
        self.assertIn(bailiff, wizard.warning)
        self.assertIn(lawyer, wizard.warning)
        summary = wizard.partner_ids
        self.assertEqual(summary.costs_warning, f"{bailiff}\n{lawyer}")
        # 165 roll fee + 24 legal aid fund, nothing for the bailiff or the lawyer
        self.assertEqual((summary.bailiff_estimate, summary.lawyer_estimate), (0.0, 0.0))
        self.assertEqual(summary.to_advance, 189.0)
        self.company.dunning_lawyer_estimate = 250.0
        wizard = self._wizard(invoice, "2025-07-31")
        self.assertEqual(wizard.partner_ids.costs_warning, bailiff)
        self.assertNotIn(lawyer, wizard.warning)

    @freeze_time("2025-07-31")
    def test_estimates_set_no_warning(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-07-31")
        self.assertFalse(wizard.warning)
        self.assertFalse(wizard.partner_ids.costs_warning)

    @freeze_time("2026-03-31")
    def test_derived_rate_is_said(self):
        """The shipped 2026 H1 rate (10.5 %) is derived from the ECB rate."""
        rate = self.env["account.dunning.rate"].search(
            [("kind", "=", "b2b"), ("date_from", "=", "2026-01-01")])
        self.assertEqual(rate.status, "derived")
        invoice = self._invoice(self.b2b, 1000.0, "2026-01-01", "2026-01-31")
        wizard = self._wizard(invoice, "2026-03-31")
        self.assertIn(
            "The rate of 10.5 % from 01/01/2026 to 06/30/2026 is only derived from the ECB "
            "rate: check it against the rate published in the Moniteur belge before claiming.",
            wizard.warning)
        rate.status = "published"
        self.assertFalse(self._wizard(invoice, "2026-03-31").warning)

    # ------------------------------------------------------------
    # Blocking: a notification says what was done
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_mark_disputed_and_payment_plan_notify(self):
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        wizard = self._wizard(invoice, "2025-07-31")
        wizard.block_note = "Goods returned damaged"
        action = wizard.action_mark_disputed()
        self.assertEqual((action["type"], action["tag"]),
                         ("ir.actions.client", "display_notification"))
        self.assertEqual(action["params"]["message"], (
            f"{invoice.name} of Brasserie Lambiek SRL marked disputed: no letter goes out for "
            "them until the dispute is settled."))
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertEqual(invoice.dunning_block_reason, "disputed")
        wizard = self._wizard(invoice, "2025-07-31")
        wizard.block_until = "2025-09-30"
        action = wizard.action_payment_plan()
        self.assertEqual(action["params"]["message"], (
            f"Payment plan until 09/30/2025 for {invoice.name} of Brasserie Lambiek SRL: "
            "dunning resumes on 10/01/2025."))
        self.assertEqual(invoice.dunning_block_reason, "payment_plan")

    # ------------------------------------------------------------
    # The user's language
    # ------------------------------------------------------------

    @freeze_time("2025-07-31")
    def test_texts_in_french_and_dutch(self):
        """Dates as the language writes them, a decimal comma in the rates."""
        invoice = self._invoice(self.b2b, 1000.0, "2025-05-01", "2025-05-31")
        for lang, expected in (
            ("fr_BE", "Du 01/06/2025 au 30/06/2025 : 30 jours sur 1.000,00\xa0€ à 11,5 % "
                      "= 9,45\xa0€"),
            ("nl_BE", "01-06-2025 tot 30-06-2025: 30 dagen op 1.000,00\xa0€ tegen 11,5 % "
                      "= 9,45\xa0€"),
        ):
            with self.subTest(lang=lang):
                self.env["res.lang"]._activate_lang(lang)
                env = self.env(context=dict(self.env.context, lang=lang))
                wizard = self._wizard(invoice, "2025-07-31", env=env)
                line = wizard.line_ids
                self.assertEqual(line.interest_periods_text.split("\n")[0], expected)
                self.assertNotIn("2025-", line.interest_periods_text)
                self.assertNotIn("2025-", line.balance_history)
                self.assertNotIn("10.5", line.interest_periods_text)

    def test_days_late_label(self):
        self.assertEqual(
            self.env["account.move.dunning.line"].fields_get(["days_late"])["days_late"]
            ["string"], "Days late")
