from decimal import Decimal

from odoo.tools import float_round


def to_decimal(value, digits=2):
    """An Odoo float (an amount, a rate) as the Decimal ``law/`` takes (``10.5`` ->
    ``Decimal("10.5")``), rounded to ``digits``; 0 for an empty value."""
    return Decimal(str(float_round(value or 0.0, precision_digits=digits)))
