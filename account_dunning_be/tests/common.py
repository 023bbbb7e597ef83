from contextlib import ExitStack
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

import odoo.modules.module
from odoo import Command
from odoo.tests import HttpCase

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .. import law


class DunningCommon(AccountTestInvoicingCommon):
    """A Belgian company with the shipped ladder, an enterprise and a consumer customer."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("be")
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's own test runner sets ``current_test``, and Odoo then opens no SMTP
        # connection; pytest-odoo sets it from 19.0 on only. Without it every e-mail of a
        # letter fails for real ("Connection refused") and the letter goes back to review.
        # Not for browser tests: it also refuses the web client's websocket, and the tours
        # then failed more often on CPython 3.11's "AST constructor recursion depth
        # mismatch" (the browser's requests send no e-mail anyway: they send after a
        # commit that tests never make).
        previous = odoo.modules.module.current_test
        if not issubclass(cls, HttpCase):
            odoo.modules.module.current_test = previous or True
            cls.addClassCleanup(setattr, odoo.modules.module, "current_test", previous)
        cls.company = cls.company_data["company"]
        cls.company.write({
            "vat": "BE0477472701",
            "dunning_penalty_percent": 10.0,
            "dunning_penalty_min": 40.0,
            "dunning_penalty_max": 2500.0,
        })
        cls.company.partner_id.bank_ids = [Command.create({
            "acc_number": "BE71 0961 2345 6769",
            "allow_out_payment": True,
        })]
        cls.company_data["default_journal_bank"].bank_account_id = cls.company.partner_id.bank_ids
        cls.levels = cls.env["account.dunning.level"].search(
            [("company_id", "=", cls.company.id)])
        cls.friendly, cls.second, cls.formal, cls.last = cls.levels
        cls.b2b = cls.env["res.partner"].create({
            "name": "Brasserie Lambiek SRL",
            "is_company": True,
            "vat": "BE0403170701",
            "email": "compta@lambiek.example",
            "lang": "fr_BE" if cls._lang_active("fr_BE") else "en_US",
            "street": "Rue de la Loi 16",
            "zip": "1000",
            "city": "Bruxelles",
            "country_id": cls.env.ref("base.be").id,
        })
        cls.b2c = cls.env["res.partner"].create({
            "name": "Jan Peeters",
            "email": "jan.peeters@example.be",
            "street": "Meir 12",
            "zip": "2000",
            "city": "Antwerpen",
            "country_id": cls.env.ref("base.be").id,
        })

    @classmethod
    def _lang_active(cls, code):
        return bool(cls.env["res.lang"].search([("code", "=", code), ("active", "=", True)]))

    @classmethod
    def _invoice(cls, partner, amount, invoice_date, due_date=None, company=None, currency=None):
        """A posted customer invoice of ``amount`` (VAT included: no tax)."""
        company = company or cls.company
        move = cls.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date or invoice_date,
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "name": "Consultancy",
                "quantity": 1,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, pay_date):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids,
        ).create({"amount": amount, "payment_date": pay_date}).action_create_payments()

    def _escalate(self, on, moves=None, **kwargs):
        """The escalation service on ``on`` for the customers of ``moves`` (all when
        None), as the nightly run calls it."""
        partners = moves.commercial_partner_id if moves is not None else None
        return self.env["account.dunning.escalation"].with_company(self.company)._escalate(
            date.fromisoformat(on), partners, **kwargs)

    def _climb(self, moves, first_day, steps):
        """Take the customer of ``moves`` up ``steps`` letters, each escalated and sent on
        the first day its file allows; returns the letters."""
        letters = self.env["account.dunning.letter"]
        day = first_day
        for _step in range(steps):
            letter = self._escalate(day, moves)
            while not letter and not law.is_working_day(date.fromisoformat(day)):
                # paper letters wait for a working day
                day = str(date.fromisoformat(day) + timedelta(days=1))
                letter = self._escalate(day, moves)
            self.assertEqual(len(letter), 1, f"a letter on {day}")
            if letter.by_post == "registered":
                letter.registered_date = letter.date
            self._send(letter, day)
            letters |= letter
            day = str(letter.file_id.next_date)
        return letters

    def _send(self, letters, on):
        """The accountant sends (or prints) the letters on ``on``. In a browser test too,
        the e-mails go to Odoo's test outbox, not to an SMTP server (see setUpClass)."""
        with freeze_time(on), ExitStack() as stack:
            if isinstance(self, HttpCase):
                stack.enter_context(patch.object(odoo.modules.module, "current_test", True))
            letters.action_send()
        return letters

    def _record_deposit(self, action, numbers=None):
        """The deposit dialog an action opened for registered letters without a number:
        the accountant enters ``numbers`` ({letter: registered number}, none by default)
        and prints; returns the print's action."""
        self.assertEqual(action.get("res_model"), "account.dunning.letter.register",
                         "the deposit is asked first")
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        for line in wizard.line_ids:
            if numbers and line.letter_id in numbers:
                line.registered_number = numbers[line.letter_id]
        return wizard.action_print()
