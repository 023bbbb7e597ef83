"""The letter's reference pays the letter (issue 13, item 6): a bank statement line quoting
a letter's structured communication is matched with that letter's open invoices (and its
claim invoice), through the invoice-matching rule of Odoo's reconciliation models, and
reconciled: the invoices are paid."""

import re

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningStatementMatching(DunningCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.company_data["default_journal_bank"]
        cls.garage = cls.env["res.partner"].create({
            "name": "Garage Dubois SRL", "is_company": True, "vat": "BE0403019261",
            "email": "compta@dubois.example", "street": "Rue Haute 5", "zip": "5000",
            "city": "Namur", "country_id": cls.env.ref("base.be").id,
        })
        cls.inv_a = cls._invoice(cls.b2b, 1210.0, "2026-02-01", "2026-03-01")
        cls.inv_b = cls._invoice(cls.b2b, 363.0, "2026-02-10", "2026-03-02")
        cls.inv_c = cls._invoice(cls.garage, 484.0, "2026-02-01", "2026-03-01")
        cls.inv_d = cls._invoice(cls.garage, 96.8, "2026-02-03", "2026-03-03")

    def setUp(self):
        super().setUp()
        self.letter = self._escalate("2026-03-09", self.inv_a)
        self.other = self._escalate("2026-03-09", self.inv_c)
        self._send(self.letter | self.other, "2026-03-09")
        self.assertEqual(self.letter.line_ids.move_id, self.inv_a | self.inv_b)
        self.assertEqual(self.other.line_ids.move_id, self.inv_c | self.inv_d)
        # each letter has its own structured communication, none of its invoices'
        for letter in self.letter | self.other:
            self.assertRegex(letter.payment_reference, r"^\+\+\+\d{3}/\d{4}/\d{5}\+\+\+$")
            self.assertNotIn(letter.payment_reference,
                             letter.line_ids.move_id.mapped("payment_reference"))

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def _st_line(self, payment_ref, amount, **vals):
        return self.env["account.bank.statement.line"].create({
            "journal_id": self.journal.id,
            "date": "2026-03-20",
            "payment_ref": payment_ref,
            "amount": amount,
            **vals,
        })

    def _receivables(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")

    def _matching_rule(self):
        """The first invoice-matching rule, as the bank reconciliation runs them."""
        model = self.env["account.reconcile.model"].search([
            ("company_id", "=", self.company.id), ("rule_type", "=", "invoice_matching"),
        ], limit=1)
        self.assertTrue(model, "the Belgian chart ships an invoice-matching model")
        rules = model._get_invoice_matching_rules_map()
        return rules[min(rules)][0]

    # ------------------------------------------------------------
    # tests
    # ------------------------------------------------------------

    def test_the_letters_reference_pays_its_invoices(self):
        self.assertEqual(self.letter.amount_residual, 1573.0)
        st_line = self._st_line(
            f"VIREMENT EUROPEEN {self.letter.payment_reference} BRASSERIE LAMBIEK", 1573.0)
        # the bank named no customer: the letter's is found
        self.assertFalse(st_line.partner_id)
        self.assertEqual(st_line._retrieve_partner(), self.b2b)
        # the invoice-matching rule proposes exactly the letter's open invoices
        proposal = self._matching_rule()(st_line, st_line._retrieve_partner())
        self.assertEqual(proposal["amls"], self._receivables(self.inv_a | self.inv_b))
        self.assertEqual(sum(proposal["amls"].mapped("amount_residual")), 1573.0)
        self.assertTrue(proposal["allow_auto_reconcile"])

        action = st_line.action_reconcile_dunning_letters()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual(st_line.partner_id, self.b2b)
        for invoice in self.inv_a | self.inv_b:
            self.assertEqual(invoice.amount_residual, 0.0)
            self.assertEqual(invoice.payment_state, "paid")
        counterparts = st_line.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual(sorted(counterparts.mapped("credit")), [363.0, 1210.0])
        # the other customer's invoices are untouched
        self.assertEqual((self.inv_c | self.inv_d).mapped("payment_state"), ["not_paid"] * 2)
        # a line once reconciled is left alone
        self.assertEqual(st_line._reconcile_dunning_letters(), st_line.browse())

    def test_digits_only_and_a_partial_payment(self):
        digits = re.sub(r"\D", "", self.letter.payment_reference)
        st_line = self._st_line(f"Lambiek {digits}", 1300.0)
        self.assertEqual(st_line._get_dunning_letters(), {st_line: self.letter})
        st_line.action_reconcile_dunning_letters()
        self.assertTrue(st_line.is_reconciled)
        # oldest due first: the first invoice paid, the second for what is left
        self.assertEqual(self.inv_a.payment_state, "paid")
        self.assertEqual(self.inv_b.payment_state, "partial")
        self.assertEqual(self.inv_b.amount_residual, 273.0)

    def test_overpayment_leaves_the_rest_in_suspense(self):
        st_line = self._st_line(self.letter.payment_reference.replace("+", "*"), 1600.0)
        st_line.action_reconcile_dunning_letters()
        self.assertEqual((self.inv_a | self.inv_b).mapped("payment_state"), ["paid"] * 2)
        self.assertFalse(st_line.is_reconciled)
        self.assertEqual(st_line.amount_residual, -27.0)
        suspense = st_line.move_id.line_ids.filtered(
            lambda line: line.account_id == self.journal.suspense_account_id)
        self.assertEqual(suspense.credit, 27.0)

    def test_another_letters_reference_matches_the_other_letter(self):
        first = self._st_line(f"+++{self.letter.payment_reference[3:-3]}+++", 1573.0)
        second = self._st_line(f"Paiement rappel {self.other.payment_reference}", 580.8)
        lines = first | second
        self.assertEqual(lines._get_dunning_letters(),
                         {first: self.letter, second: self.other})
        proposals = lines._get_dunning_letter_amls()
        self.assertEqual(proposals[second], self._receivables(self.inv_c | self.inv_d))
        self.assertEqual(sum(proposals[second].mapped("amount_residual")), 580.8)
        self.assertEqual(self._matching_rule()(second, self.env["res.partner"]),
                         {"amls": self._receivables(self.inv_c | self.inv_d),
                          "allow_auto_reconcile": True})
        lines.action_reconcile_dunning_letters()
        self.assertTrue(all(lines.mapped("is_reconciled")))
        self.assertEqual(second.partner_id, self.garage)
        self.assertEqual((self.inv_a | self.inv_b | self.inv_c | self.inv_d).mapped(
            "payment_state"), ["paid"] * 4)

    def test_a_cancelled_letter_matches_nothing(self):
        reference = self.other.payment_reference
        self.other.action_cancel()
        st_line = self._st_line(f"Paiement {reference}", 580.8)
        self.assertEqual(st_line._get_dunning_letters(), {})
        self.assertIsNone(self._matching_rule()(st_line, self.env["res.partner"]))
        action = st_line.action_reconcile_dunning_letters()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertFalse(st_line.is_reconciled)
        self.assertFalse(st_line.partner_id)
        self.assertEqual((self.inv_c | self.inv_d).mapped("payment_state"), ["not_paid"] * 2)

    def test_wrong_check_digits_and_other_company_match_nothing(self):
        digits = re.sub(r"\D", "", self.letter.payment_reference)
        wrong = digits[:10] + f"{(int(digits[10:]) % 97) + 1:02d}"
        self.assertEqual(self._st_line(wrong, 1573.0)._get_dunning_letters(), {})
        other_company = self.setup_other_company(name="Autre Société SRL")
        st_line = self.env["account.bank.statement.line"].with_company(
            other_company["company"]).create({
                "journal_id": other_company["default_journal_bank"].id,
                "date": "2026-03-20",
                "payment_ref": self.letter.payment_reference,
                "amount": 1573.0,
            })
        self.assertEqual(st_line._get_dunning_letters(), {})

    def test_claim_invoice_listed_by_the_letter_is_paid_too(self):
        customer = self.b2b.copy({"name": "Brasserie Gueuze SRL", "vat": "BE0202239951"})
        invoice = self._invoice(customer, 1000.0, "2025-05-15", "2025-06-15")
        formal = self._escalate("2025-07-31", invoice, level=self.formal, ignore_delay=True)
        formal.registered_date = formal.date
        self._send(formal, "2025-07-31")
        with freeze_time("2025-08-08"):
            wizard = self.env["account.move.dunning"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({"date": "2025-08-08"})
            wizard.action_post_claim()  # the preview, then Confirm posts
            action = wizard.action_confirm()
        claim = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(claim.amount_total, 155.95)
        last = self._escalate("2025-08-21", invoice)
        self.assertEqual(last.line_ids.move_id, invoice | claim)
        self.assertEqual(last.amount_residual, 1155.95)
        st_line = self._st_line(last.payment_reference, 1155.95)
        self.assertEqual(st_line._retrieve_partner(), customer)
        self.assertEqual(self._matching_rule()(st_line, customer)["amls"],
                         self._receivables(invoice | claim))
        st_line.action_reconcile_dunning_letters()
        self.assertTrue(st_line.is_reconciled)
        self.assertEqual((invoice | claim).mapped("payment_state"), ["paid", "paid"])

    def test_from_the_statements_list(self):
        """Community edition: Statements list > Action > Reconcile with dunning letters."""
        first = self._st_line(self.letter.payment_reference, 1573.0)
        second = self._st_line("Sans référence", 99.0)
        statement = self.env["account.bank.statement"].create({
            "name": "Relevé 2026/012", "line_ids": [(6, 0, (first | second).ids)]})
        action = self.env.ref(
            "account_dunning_be.account_bank_statement_action_reconcile_dunning")
        result = action.with_context(
            active_model="account.bank.statement", active_ids=statement.ids).run()
        self.assertEqual(result["params"]["type"], "success")
        self.assertTrue(first.is_reconciled)
        self.assertFalse(second.is_reconciled)
        self.assertEqual((self.inv_a | self.inv_b).mapped("payment_state"), ["paid"] * 2)
