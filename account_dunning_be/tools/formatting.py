"""Figures in the language of the texts around them."""

from decimal import Decimal

from odoo.tools.misc import format_date as odoo_format_date
from odoo.tools.misc import formatLang


def format_amount(env, amount, currency):
    """``amount`` with its currency, in the language the texts around it are translated
    to: the context language, else English (the untranslated texts), even when English is
    not an installed language."""
    lang = env.lang or "en_US"
    if lang in dict(env["res.lang"].get_installed()):
        return formatLang(env(context=dict(env.context, lang=lang)), float(amount),
                          currency_obj=currency)
    number = f"{currency.round(float(amount)):,.{currency.decimal_places}f}"
    if currency.position == "before":
        return f"{currency.symbol}\N{NO-BREAK SPACE}{number}"
    return f"{number}\N{NO-BREAK SPACE}{currency.symbol}"


def _text_lang(env):
    """The language the texts around a figure are translated to: the context language,
    else English (the untranslated texts); None when it is not installed."""
    lang = env.lang or "en_US"
    return lang if lang in dict(env["res.lang"].get_installed()) else None


def format_date(env, value):
    """``value`` (a date) as the language of the texts around it writes it."""
    if not value:
        return ""
    # English not installed: the first installed language's date format, never ISO
    return odoo_format_date(env, value, lang_code=_text_lang(env))


def format_rate(env, rate):
    """A yearly rate in percent as the language of the texts around it writes it, with
    as many decimals as it has (``10,5`` in French and Dutch, ``10.5`` in English)."""
    rate = Decimal(str(rate)).normalize()
    digits = max(-rate.as_tuple().exponent, 0)
    lang = _text_lang(env)
    if not lang:
        return f"{rate:.{digits}f}"
    return formatLang(env(context=dict(env.context, lang=lang)), float(rate), digits=digits)
