from collections import defaultdict

from odoo import models


class AccountReconcileModel(models.Model):
    _inherit = "account.reconcile.model"

    # ------------------------------------------------------------
    # INVOICE MATCHING: the letter's reference pays the letter
    # ------------------------------------------------------------

    def _get_invoice_matching_rules_map(self):
        """The invoice-matching rules, the letters' first: a statement line quoting a
        dunning letter's structured communication proposes that letter's open invoices,
        as the invoice's own reference proposes the invoice.

        The rules are run by the bank reconciliation (``_apply_rules``) of Odoo
        Enterprise's ``account_accountant`` or of OCA's ``account_reconcile_model_oca``,
        which define this method without calling ``super()``: the override counts when
        that module loads before this one (OCA's, which depends on ``account`` only,
        does; for another, a bridge module depending on both makes it certain). The
        community edition has no such engine and reconciles through
        ``account.bank.statement.line.action_reconcile_dunning_letters``."""
        parent = getattr(super(), "_get_invoice_matching_rules_map", None)
        rules = parent() if parent else defaultdict(list)
        rules[0].insert(0, self._get_invoice_matching_dunning_letter_candidates)
        return rules

    def _get_invoice_matching_dunning_letter_candidates(self, st_line, partner):
        """The open receivable items of the letter(s) whose structured communication
        ``st_line`` quotes, in the rules' format; None when it quotes none."""
        items = st_line._get_dunning_letter_amls().get(st_line)
        if items:
            return {"amls": items, "allow_auto_reconcile": True}
        return None
