"""The Belgian structured communication (+++DDD/DDDD/DDDCC+++) of a letter.

Odoo has the rest: ``account/tools/structured_reference.py`` checks a reference and
l10n_be builds an invoice's own from its id or its customer's reference
(``account.move._get_invoice_reference_be_invoice``); a letter is no invoice, so its
reference is formatted here from its own digits."""


def format_structured_reference_be(base10):
    """``+++DDD/DDDD/DDDCC+++`` for a 10-digit base: check digits base mod 97, 97 for 0."""
    digits = str(base10).rjust(10, "0")[-10:]
    check = int(digits) % 97 or 97
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}{check:02d}+++"


def is_valid_structured_reference_be(reference):
    """l10n_be's check of a +++xxx/xxxx/xxxxx+++ reference, imported when called: the
    account addon is on the addons path only once Odoo runs, and the package must import
    without it (``import odoo.addons.account_dunning_be.law`` beside a bare Odoo tree)."""
    from odoo.addons.account.tools.structured_reference import (
        is_valid_structured_reference_be as check,
    )
    return check(reference)
