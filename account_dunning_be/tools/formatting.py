"""Dates, amounts and figures as a language writes them.

Odoo's ``format_date`` and ``format_amount`` do the work. What is added: the ways a
letter writes a date ("long" in a sentence, "short" in a table), French's "1er" for the
first day of a month, and English, the language of the untranslated texts, written in
English even in a database where it is not installed (Odoo's helpers would then write
another installed language's months and separators)."""

from decimal import Decimal

from babel.dates import format_date as babel_format_date

from odoo import fields
from odoo.tools.misc import babel_locale_parse
from odoo.tools.misc import format_amount as odoo_format_amount
from odoo.tools.misc import format_date as odoo_format_date

# the babel patterns of a date in a sentence ("long") and in a table ("short"), by
# language (None: every other language)
DATE_FORMATS = {
    "long": {"en": "d MMMM y", None: "long"},
    "short": {"de": "dd.MM.y", None: "dd/MM/y"},
}


def _get_lang_code(env, lang_code):
    """``lang_code``, else the context's language, else English; and whether it is
    installed (only English may not be: the context refuses any other)."""
    lang_code = lang_code or env.lang or "en_US"
    return lang_code, lang_code in dict(env["res.lang"].get_installed())


def format_date(env, value, lang_code=None, date_format=False):
    """``value`` (a date) as ``lang_code`` (default: the context's language) writes it:
    in the language's own format, or ``date_format``: ``"long"`` (in a sentence: "1 August
    2026", "1. August 2026", "1er août 2026"), ``"short"`` (in a table: "01/08/2026",
    "01.08.2026") or a babel pattern."""
    if not value:
        return ""
    lang_code, installed = _get_lang_code(env, lang_code)
    language = lang_code.split("_")[0]
    if date_format in DATE_FORMATS:
        if date_format == "long" and language == "fr" and fields.Date.to_date(value).day == 1:
            return "1er " + format_date(env, value, lang_code, "MMMM y")
        formats = DATE_FORMATS[date_format]
        date_format = formats.get(language, formats[None])
    if date_format and not installed:
        return babel_format_date(fields.Date.to_date(value), format=date_format,
                                 locale=babel_locale_parse(lang_code))
    # without a format, a language that is not installed takes the format of one that is
    return odoo_format_date(env, value, lang_code if installed else None, date_format)


def format_amount(env, amount, currency, lang_code=None):
    """``amount`` (a float or a Decimal) with its currency, to the currency's decimals,
    as ``lang_code`` (default: the context's language) writes it."""
    lang_code, installed = _get_lang_code(env, lang_code)
    if installed:
        return odoo_format_amount(env, float(amount), currency, lang_code)
    number = f"{currency.round(float(amount)):,.{currency.decimal_places}f}"
    if currency.position == "before":
        return f"{currency.symbol}\N{NO-BREAK SPACE}{number}"
    return f"{number}\N{NO-BREAK SPACE}{currency.symbol}"


def format_number(env, value, lang_code=None, digits=None):
    """A figure (a rate, a percent) as ``lang_code`` (default: the context's language)
    writes it: ``10,50`` in French, ``10.50`` in English; ``digits=None`` keeps the
    decimals it has (``10``, ``12,5``)."""
    if digits is None:
        digits = max(-Decimal(str(value)).normalize().as_tuple().exponent, 0)
    lang_code, installed = _get_lang_code(env, lang_code)
    if not installed:
        return f"{float(value):,.{digits}f}"
    return env["res.lang"]._lang_get(lang_code).format(f"%.{digits}f", float(value),
                                                      grouping=True)
