import re

from odoo import Command, models
from odoo.tools import html2plaintext

from ..tools import SOFT_RELOAD, is_valid_structured_reference_be, notification_action

# a Belgian structured communication as a bank statement quotes it: +++123/4567/89012+++,
# ***123/4567/89012***, or its twelve digits, spaced, slashed or not
STRUCTURED_COMMUNICATION = re.compile(r"(?<!\d)(\d{3})[\s/]*(\d{4})[\s/]*(\d{5})(?!\d)")


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    # ------------------------------------------------------------
    # DUNNING LETTERS: the letter's reference pays the letter
    # ------------------------------------------------------------

    def _get_dunning_references(self):
        """The structured communications the line quotes (label, reference, notes), as
        the letters store them (+++123/4567/89012+++), check digits verified."""
        self.ensure_one()
        texts = [self.payment_ref, self.ref, html2plaintext(self.narration or "")]
        references = set()
        for text in filter(None, texts):
            for digits in STRUCTURED_COMMUNICATION.findall(text):
                reference = "+++{}/{}/{}+++".format(*digits)
                if is_valid_structured_reference_be(reference):
                    references.add(reference)
        return references

    def _get_dunning_letters(self):
        """{statement line: the live letters of its company whose structured
        communication it quotes}, in one search for all the lines. A cancelled letter
        pays nothing."""
        references = {line: line._get_dunning_references() for line in self}
        wanted = set().union(*references.values())
        if not wanted:
            return {}
        letters = self.env["account.dunning.letter"].search([
            ("payment_reference", "in", sorted(wanted)),
            ("company_id", "in", self.company_id.ids),
            ("state", "!=", "cancelled"),
        ])
        by_reference = letters.grouped(lambda lt: (lt.company_id, lt.payment_reference))
        empty = self.env["account.dunning.letter"]
        result = {}
        for line, quoted in references.items():
            found = empty.union(*(by_reference.get((line.company_id, ref), empty)
                                  for ref in quoted))
            if found:
                result[line] = found
        return result

    def _get_dunning_letter_amls(self):
        """{statement line: the open receivable items of the invoices its letters list
        (claim invoices included), oldest due first}, in one search for all the lines;
        only items the line can pay: in its company and currency, of the same sign."""
        letters_by_line = self._get_dunning_letters()
        if not letters_by_line:
            return {}
        letters = self.env["account.dunning.letter"].union(*letters_by_line.values())
        items = self.env["account.move.line"].search([
            ("move_id", "in", letters.line_ids.move_id.ids),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("company_id", "in", self.company_id.ids),
        ], order="date_maturity, date, id")
        result = {}
        for line, line_letters in letters_by_line.items():
            currency = line.foreign_currency_id or line.currency_id
            moves = line_letters.line_ids.move_id
            found = items.filtered(
                lambda aml, line=line, moves=moves, currency=currency: aml.move_id in moves
                and aml.company_id == line.company_id and aml.currency_id == currency
                and (aml.amount_residual_currency > 0) == (line.amount > 0))
            if found:
                result[line] = found
        return result

    def _retrieve_partner(self):
        """The customer of the letter the line quotes, when the bank did not name one.
        Extends the partner lookup of the bank reconciliation (Odoo Enterprise's
        ``account_accountant`` or OCA's ``account_reconcile_model_oca``) when installed."""
        self.ensure_one()
        if not self.partner_id:
            letters = self._get_dunning_letters().get(self)
            if letters and len(letters.partner_id) == 1:
                return letters.partner_id
        parent = getattr(super(), "_retrieve_partner", None)
        return parent() if parent else self.partner_id

    # ------------------------------------------------------------
    # PUBLIC ACTIONS
    # ------------------------------------------------------------

    def action_reconcile_dunning_letters(self):
        """Reconcile the selected statement lines that quote a letter's structured
        communication with that letter's open invoices: the community edition's way to
        apply the letters' matching rule (Enterprise's bank reconciliation widget applies it
        itself, through ``account.reconcile.model``)."""
        done = self._reconcile_dunning_letters()
        if not done:
            return notification_action(self.env._(
                "None of the selected statement lines quotes the structured communication of "
                "a dunning letter with open invoices."), "warning", SOFT_RELOAD)
        return notification_action(self.env._(
            "%(count)s statement line(s) reconciled with the invoices of their dunning "
            "letter.", count=len(done)), next_action=SOFT_RELOAD)

    def _reconcile_dunning_letters(self):
        """Reconcile each line still in the suspense account with the open items its
        letters list, oldest due first, as far as its amount goes (what is left stays in
        suspense); returns the lines reconciled. Lines already matched, partly or fully,
        are left alone."""
        amls_by_line = self.filtered(
            lambda line: not line.is_reconciled and line.amount > 0)._get_dunning_letter_amls()
        done = self.browse()
        for line, items in amls_by_line.items():
            _liquidity, suspense, other = line._seek_for_lines()
            if len(suspense) != 1 or other or suspense.currency_id != items.currency_id[:1]:
                continue
            line._reconcile_dunning_items(suspense, items)
            done |= line
        return done

    def _reconcile_dunning_items(self, suspense, items):
        """Turn the suspense line into one counterpart per item the amount pays, oldest
        first, keep what is left (if anything) in suspense, and reconcile each counterpart
        with its item."""
        self.ensure_one()
        liquidity = self._seek_for_lines()[0]
        currency = suspense.currency_id
        company_currency = self.company_id.currency_id
        left = -suspense.amount_currency
        rate = suspense.balance / suspense.amount_currency
        commands, paid = [], self.env["account.move.line"]
        for item in items:
            if currency.compare_amounts(left, 0.0) <= 0:
                break
            part = min(item.amount_residual_currency, left)
            vals = {
                "account_id": item.account_id.id,
                "partner_id": item.partner_id.id,
                "name": self.payment_ref or item.move_id.name,
                "amount_currency": -part,
                "balance": company_currency.round(-part * rate),
                "currency_id": currency.id,
            }
            commands.append(Command.create(vals) if paid else Command.update(suspense.id, vals))
            paid |= item
            left = currency.round(left - part)
        if not currency.is_zero(left):
            commands.append(Command.create({
                "account_id": suspense.account_id.id,
                "name": suspense.name,
                "amount_currency": -left,
                "balance": suspense.balance - sum(cmd[2]["balance"] for cmd in commands),
                "currency_id": currency.id,
            }))
        partner = paid.partner_id[:1]
        commands.append(Command.update(liquidity.id, {"partner_id": partner.id}))
        self.move_id.with_context(skip_readonly_check=True).write({
            "partner_id": partner.id, "line_ids": commands})
        counterparts = self.move_id.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
            and not aml.reconciled).sorted("id")
        for counterpart, item in zip(counterparts, paid, strict=True):
            (counterpart | item).reconcile()
