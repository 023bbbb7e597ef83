"""The shipped translations are complete and match the template.

File checks with polib, no database: every msgid of ``i18n/account_dunning_be.pot`` has a
translation in fr.po, nl.po and de.po, none empty or fuzzy; no .po keeps a msgid the .pot
no longer has; a translation keeps the placeholders of its msgid (``%(name)s``, ``%s``,
``%%``, ``{{ ... }}``, HTML and QWeb tags with their attributes); and babel, which Odoo's
export uses, can read every Python file of the addon.

One Odoo test (run by pytest-odoo on a database where the addon is installed, as
``make test`` does) compares the .pot with what Odoo's export extracts today: a string
added, changed or removed in the code, views, reports or data without re-exporting the
.pot fails it. README, section Translations, gives the export command.
"""

import io
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from babel.messages.extract import extract

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

REPO = Path(__file__).resolve().parents[1]
ADDON = REPO / "account_dunning_be"
I18N = ADDON / "i18n"
POT = I18N / "account_dunning_be.pot"
LANGS = ("fr", "nl", "de")
# what must come through a translation unchanged
PLACEHOLDER = re.compile(
    r"%\([a-z_]+\)[sdr]"     # %(name)s
    r"|%[sdr]"               # %s
    r"|%%"                   # a literal percent sign in a formatted string
    r"|\{\{.*?\}\}"          # {{ inline template }}
    r"|<[^<>]+>",            # an HTML or QWeb tag, attributes included
    re.DOTALL)


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def pot():
    assert POT.exists(), f"{POT.relative_to(REPO)} is missing: export it (README, Translations)"
    return polib.pofile(str(POT))


@pytest.mark.parametrize("lang", LANGS)
def test_every_msgid_is_translated(pot, lang):
    path = I18N / f"{lang}.po"
    assert path.exists(), f"{path.relative_to(REPO)} is missing"
    translated = {entry.msgid: entry for entry in polib.pofile(str(path))
                  if not entry.obsolete}
    problems = []
    for entry in pot:
        if not entry.msgid:
            continue
        found = translated.get(entry.msgid)
        if found is None:
            problems.append(f"missing: {entry.msgid!r}")
        elif not found.msgstr.strip():
            problems.append(f"empty: {entry.msgid!r}")
        elif "fuzzy" in found.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
    assert not problems, f"{lang}.po, {len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_no_msgid_outside_the_pot(pot, lang):
    known = {entry.msgid for entry in pot}
    po = polib.pofile(str(I18N / f"{lang}.po"))
    extra = [entry.msgid for entry in po if entry.msgid not in known]
    assert not extra, f"{lang}.po has msgids the .pot does not have (stale):\n" + "\n".join(
        repr(msgid) for msgid in extra)


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_kept(lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    mismatches = [
        f"{entry.msgid!r}\n  -> {entry.msgstr!r}"
        for entry in po
        if entry.msgstr and placeholders(entry.msgid) != placeholders(entry.msgstr)
    ]
    assert not mismatches, f"{lang}.po changes placeholders or tags:\n" + "\n".join(mismatches)


def test_placeholder_check_catches_a_change():
    """The check above is not blind: a lost argument, tag or percent sign shows."""
    assert placeholders("Pay %(amount)s by %(deadline)s") != placeholders("Payez %(amount)s")
    assert placeholders("<strong>Total</strong>") != placeholders("<b>Total</b>")
    assert placeholders("%(rate)s %% a year") != placeholders("%(rate)s % par an")
    assert placeholders('<p t-out="texts[\'ignore\']">Ignore</p>') == placeholders(
        '<p t-out="texts[\'ignore\']">Ignorer</p>')


def test_babel_reads_every_python_file():
    """Odoo's export reads the code's strings with babel, which evaluates each literal
    argument of ``_()``: an f-string there makes it drop the whole file's strings."""
    problems = []
    for path in sorted(ADDON.rglob("*.py")):
        if "tests" in path.parts:
            continue
        try:
            list(extract("python", io.BytesIO(path.read_bytes()),
                         keywords={"_": None, "_lt": None}))
        except Exception as error:  # any error loses the file's terms
            problems.append(f"{path.relative_to(REPO)}: {type(error).__name__}: {error}")
    assert not problems, "babel cannot extract the translatable strings of:\n" + "\n".join(
        problems)


@tagged("post_install", "-at_install")
class TestPotIsCurrent(TransactionCase):

    def test_pot_matches_the_export(self):
        exported = {
            source for _module, _type, _name, _res_id, source, _value, _comments
            in TranslationModuleReader(self.env.cr, modules=["account_dunning_be"])
        }
        shipped = {entry.msgid for entry in polib.pofile(str(POT)) if entry.msgid}
        new = sorted(exported - shipped)
        gone = sorted(shipped - exported)
        self.assertFalse(
            new or gone,
            "i18n/account_dunning_be.pot is out of date: re-export it (README, Translations)"
            f"\nnot in the .pot: {new}\nno longer exported: {gone}")
