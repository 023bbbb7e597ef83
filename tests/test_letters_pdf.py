"""End to end: the main job writes real PDF letters, and they say the right thing.

Runs ``scripts/demo.py`` (the main job: a database of its own built from scratch, 150 days
of nightly dunning, every letter written as a PDF through wkhtmltopdf) into a temporary
folder, then reads two letters back with pdftotext and checks them word for word on their
key sentences and figures: a French formal notice to an enterprise and a Dutch consumer's
first reminder. The figures are recomputed here from the letters' data and the rules of
BELGIAN_RULES.md, never copied from the letter code.

Then the paper: with ``pdftotext -bbox-layout`` (positions in points, turned into mm of
the A4 sheet), on a letter of each language at each level, the address lies in the
window of a right-window envelope, no word lies in the 15 mm margins, no page holds fewer
than four lines, body words are at least 10 pt and every word at least 8 pt, and the
greeting and the closing match the customer's title; and one day's bpost deposit list,
word for word.

A subprocess test like tests/test_install_upgrade.py: it needs ``DUNNING_TEST_TEMPLATE``
(``make test`` sets it; the job's database is named after it and dropped afterwards),
build/odoo.conf, the Odoo tree (``ODOO_SRC``), wkhtmltopdf and pdftotext. About two
minutes.
"""

import configparser
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "build" / "odoo.conf"
TODAY = "2026-02-16"
IBAN = "BE71 0961 2345 6769"

MONTHS = {
    "fr_BE": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"),
    "nl_BE": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"),
}
ENGLISH = ("Dear ", "Payment reminder", "Formal notice", "Total due", "Please transfer",
           "If you have paid", "Enterprise number", "Yours faithfully", "Outstanding amount",
           "Friendly reminder", "Second reminder", "Deposit date")


def odoo_src():
    src = os.environ.get("ODOO_SRC")
    if not src or not (Path(src) / "odoo-bin").exists():
        pytest.fail("ODOO_SRC is not set to an Odoo 18.0 tree: run 'make test'")
    return Path(src)


def job_db():
    template = os.environ.get("DUNNING_TEST_TEMPLATE")
    if not template:
        pytest.fail("DUNNING_TEST_TEMPLATE is not set: run these tests with 'make test'")
    if not CONF.exists():
        pytest.fail(f"{CONF} is missing: run 'make test' (or 'make setup')")
    for tool in ("wkhtmltopdf", "pdftotext", "dropdb"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: run 'make setup'")
    return f"{template.removesuffix('_template')}_letters"[:63]


def run(cmd, timeout=1200):
    env = dict(os.environ, PYTHONPATH=str(odoo_src()))
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout,
                          cwd=REPO, env=env)
    assert proc.returncode == 0, f"{cmd[:4]} failed ({proc.returncode}):\n" \
                                 f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def filestore(db):
    config = configparser.ConfigParser()
    config.read(CONF)
    return Path(config["options"]["data_dir"]) / "filestore" / db


READ_LETTER = """
    letter = env["account.dunning.letter"].search([("name", "=", sys.argv[3])])
    company = letter.company_id
    reminders = letter._get_earlier_reminders()
    result = {
        "date": str(letter.date),
        "registered_date": str(letter.registered_date or ""),
        "by_email": letter.by_email,
        "by_post": letter.by_post,
        "is_b2b": letter.is_b2b,
        "customer": letter.partner_id.name,
        "payment_days": company.dunning_payment_days,
        "reference": letter.payment_reference,
        "invoices": letter.line_ids.move_id.mapped("name"),
        "residual": letter.amount_residual,
        "interest": letter.amount_interest,
        "flat_fee": letter.amount_flat_fee,
        "penalty": letter.amount_penalty,
        "total": letter.amount_total,
        "flat_fee_invoices": len(letter.line_ids.filtered("flat_fee")),
        "reminders": [[r["letter"].name, str(r["date"])] for r in reminders],
        "lang": letter.lang,
        "name": (letter.contact_id or letter.partner_id).name,
        "is_company": (letter.contact_id or letter.partner_id).is_company,
        "title": (letter.contact_id or letter.partner_id).title.get_external_id().get(
            (letter.contact_id or letter.partner_id).title.id, ""),
    }
"""


def read_letter(db, name):
    code = textwrap.dedent("""
        import json, sys
        import odoo
        from odoo.modules.registry import Registry
        odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2],
                                        "--log-level=warn"])
        with Registry(sys.argv[2]).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    """) + textwrap.indent(textwrap.dedent(READ_LETTER), " " * 4) + textwrap.dedent("""
        print("RESULT " + json.dumps(result))
    """)
    proc = run([sys.executable, "-c", code, str(CONF), db, name])
    line = next(ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def pdf_text(path):
    """The text of a PDF, as one line: spaces collapsed, no-break spaces as spaces."""
    text = run(["pdftotext", "-q", str(path), "-"]).stdout
    text = re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))
    return re.sub(r"(\w)- (?=\w)", r"\1-", text)  # a line broken after a hyphen


def pdf_rows(path):
    """The text of a PDF row by row, as the eye reads a table: the words of each page
    that share a baseline, left to right, one string a row (spaces collapsed)."""
    rows = []
    for page in pdf_pages(path):
        words = sorted((word for line in page for word in line.words),
                       key=lambda word: (round(word.y1 * 2), word.x0))
        for _y, group in itertools.groupby(words, key=lambda word: round(word.y1 * 2)):
            rows.append(clean(" ".join(word.text for word in group)))
    return rows


def amount(value):
    """1234.5 as Belgian French and Dutch write it: 1.234,50 €."""
    cents = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    units, decimals = f"{cents:.2f}".split(".")
    return f"{int(units):,}".replace(",", ".") + f",{decimals} €"


def long_date(day, lang):
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def damages_cap(balance):
    """Book XIX cap on lump-sum damages (BELGIAN_RULES.md section 3)."""
    balance = Decimal(str(balance))
    if balance <= 150:
        cap = Decimal(20)
    elif balance <= 500:
        cap = 30 + (balance - 150) * Decimal("0.10")
    else:
        cap = min(65 + (balance - 500) * Decimal("0.05"), Decimal(2000))
    # a figure above the cap is deemed unwritten: rounded down, never half a cent above
    return cap.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """Run the main job once: its database name and the folder of its PDFs."""
    db = job_db()
    out = tmp_path_factory.mktemp("demo_out")
    try:
        proc = run([sys.executable, str(REPO / "scripts" / "demo.py"), "--db", db,
                    "--out", str(out), "--today", TODAY])
        yield db, out, proc.stdout
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)
        shutil.rmtree(filestore(db), ignore_errors=True)


def index_rows(out):
    rows = []
    for line in (out / "letters" / "index.txt").read_text(encoding="utf-8").splitlines():
        file, name, customer, kind, level, lang, post = line.split("\t")
        if name:
            rows.append(dict(file=file, name=name, customer=customer, kind=kind, level=level,
                             lang=lang, post=post))
    return rows


def test_job_writes_every_letter_as_pdf(job):
    db, out, stdout = job
    rows = index_rows(out)
    assert len(rows) >= 50
    pdf_dir = out / "letters"
    assert f"Letters: {len(rows)} PDFs in {pdf_dir}/" in stdout
    for row in rows:
        head = (pdf_dir / row["file"]).read_bytes()[:5]
        assert head == b"%PDF-", row["file"]
    # the registered letters: one batch after their deposit list, which lists exactly them
    registered = [row["name"] for row in rows if row["post"] == "registered"]
    assert registered
    deposit = pdf_text(pdf_dir / "registered_deposit_list.pdf")
    listed = re.findall(r"DUN/\d{4}/\d{5}", deposit)
    assert sorted(listed) == sorted(registered)
    batch = pdf_text(pdf_dir / "registered_letters.pdf")
    for name in registered:
        assert name in batch


def test_french_formal_notice(job):
    db, out, _stdout = job
    row = next(r for r in index_rows(out)
               if r["lang"] == "fr_BE" and r["level"] == "Formal notice" and r["kind"] == "B2B")
    data = read_letter(db, row["name"])
    text = pdf_text(out / "letters" / row["file"])
    lang = "fr_BE"
    total = amount(data["total"])
    sent_on = date.fromisoformat(data["registered_date"] or data["date"])
    deadline = long_date(sent_on + timedelta(days=data["payment_days"]), lang)
    invoices = ", ".join(data["invoices"])
    noun = "facture" if len(data["invoices"]) == 1 else "factures"
    # the figures: outstanding + interest + EUR 40 per late invoice + penalty = total
    assert data["flat_fee"] == 40.0 * data["flat_fee_invoices"] > 0
    assert round(data["residual"] + data["interest"] + data["flat_fee"] + data["penalty"],
                 2) == data["total"]
    assert data["by_post"] == "registered"
    for sentence in (
        "Lettre recommandée",
        "Atelier Dupont SRL",
        "Numéro d'entreprise : 0477.472.701",
        f"IBAN : {IBAN}",
        f"Mise en demeure : {noun} {invoices}",
        "Madame, Monsieur,",
        "Malgré nos rappels précédents, repris ci-dessous, les factures suivantes restent "
        "impayées.",
        f"Par la présente, nous vous mettons formellement en demeure de payer le montant de "
        f"{total} au plus tard le {deadline}.",
        "À défaut de paiement à cette date, nous introduirons sans autre avis une requête en "
        "injonction de payer ou confierons la créance à une société de recouvrement, dont les "
        "frais vous seront réclamés.",
        "Nos rappels précédents",
        "Intérêts de retard",
        amount(data["interest"]),
        "Taux légal de la loi du 2 août 2002",
        "Indemnité forfaitaire pour frais de recouvrement",
        f"40 EUR par facture payée en retard (loi du 2 août 2002, art. 6) ; nombre de "
        f"factures : {data['flat_fee_invoices']}.",
        f"Veuillez virer {total} sur le compte {IBAN} (titulaire : Atelier Dupont SRL), en "
        f"mentionnant la communication structurée {data['reference']}.",
        "Si vous avez payé entre-temps, veuillez ne pas tenir compte de ce courrier.",
    ):
        assert sentence in text, sentence
    # a label and its amount, side by side on one row of the table
    rows = pdf_rows(out / "letters" / row["file"])
    for label, value in (("Montant restant dû", data["residual"]), ("Total dû", data["total"])):
        assert f"{label} {amount(value)}" in rows, label
    # the earlier reminders, each with its date (in figures, in the table)
    assert data["reminders"]
    for name, day in data["reminders"]:
        assert name in text
        assert date.fromisoformat(day).strftime("%d/%m/%Y") in text
    assert not [english for english in ENGLISH if english in text]


def test_dutch_consumer_first_reminder(job):
    db, out, _stdout = job
    row = next(r for r in index_rows(out)
               if r["lang"] == "nl_BE" and r["level"] == "Friendly reminder"
               and r["kind"] == "B2C" and r["post"] == "none")
    data = read_letter(db, row["name"])
    text = pdf_text(out / "letters" / row["file"])
    lang = "nl_BE"
    assert data["by_email"] and not data["is_b2b"]
    # a consumer's first reminder claims nothing but the balance
    assert data["total"] == data["residual"] > 0
    total = amount(data["total"])
    sent_on = date.fromisoformat(data["date"])
    # e-mail: the 14 days start the day after sending; the deadline is at least that
    waiting_end = long_date(sent_on + timedelta(days=14), lang)
    invoices = ", ".join(data["invoices"])
    noun = "factuur" if len(data["invoices"]) == 1 else "facturen"
    for sentence in (
        "Ondernemingsnummer: 0477.472.701",
        f"Betalingsherinnering: {noun} {invoices}",
        expected_greeting(data)[0],
        "Volgens onze gegevens hebben wij de betaling van de hieronder vermelde facturen nog "
        "niet ontvangen. Wellicht is dit aan uw aandacht ontsnapt.",
        f"Voor {invoices} vordert deze brief geen kosten, schadevergoeding of intresten: u "
        f"hebt tot {waiting_end} (wachttermijn van 14 dagen) om zonder bijkomende kosten te "
        f"betalen.",
        "Bij gebrek aan betaling tegen die datum vorderen wij een forfaitaire schadevergoeding "
        f"van {amount(damages_cap(data['residual']))} (binnen de grens van Boek XIX van het "
        f"Wetboek van economisch recht) en verwijlintresten tegen de jaarlijkse rentevoet van",
        f"Gelieve {total} over te schrijven op rekening {IBAN} (rekeninghouder: Atelier Dupont "
        f"SRL), met vermelding van de gestructureerde mededeling {data['reference']}.",
        "Indien u intussen betaald hebt, mag u deze brief als onbestaande beschouwen.",
    ):
        assert sentence in text, sentence
    assert f"Totaal verschuldigd {total}" in pdf_rows(out / "letters" / row["file"])
    for claimed in ("Verwijlintresten", "Forfaitaire schadevergoeding voor invorderingskosten"):
        assert claimed not in text.split("Totaal verschuldigd")[0]
    assert not [english for english in ENGLISH if english in text]


# ------------------------------------------------------------------------------------------
# the letters on paper
# ------------------------------------------------------------------------------------------

MM = 25.4 / 72  # millimetres a PDF point
PAGE_W, PAGE_H, MARGIN = 210, 297, 15
# the window of a right-window DL or C5/6 envelope, in mm of the A4 sheet
WINDOW_X, WINDOW_Y = (110, 200), (45, 90)
# pdftotext's word box is the font's ascent + descent: 1.164 em for DejaVu Sans
EM_BOX = 1.164
LEVELS = ("Friendly reminder", "Second reminder", "Formal notice",
          "Last notice before legal action")
# the forms of address, by language and title (independent of the letter code)
GREETINGS = {
    ("fr_BE", "mister"): ("Monsieur,", "Veuillez agréer, Monsieur, l'expression de nos "
                          "salutations distinguées."),
    ("fr_BE", "madam"): ("Madame,", "Veuillez agréer, Madame, l'expression de nos salutations "
                         "distinguées."),
    ("fr_BE", None): ("Madame, Monsieur,", "Veuillez agréer, Madame, Monsieur, l'expression "
                      "de nos salutations distinguées."),
    ("nl_BE", "mister"): ("Geachte heer {surname},", "Met vriendelijke groeten,"),
    ("nl_BE", "madam"): ("Geachte mevrouw {surname},", "Met vriendelijke groeten,"),
    ("nl_BE", None): ("Geachte heer, mevrouw,", "Hoogachtend,"),
    ("de_DE", "mister"): ("Sehr geehrter Herr {surname},", "Mit freundlichen Grüßen"),
    ("de_DE", "madam"): ("Sehr geehrte Frau {surname},", "Mit freundlichen Grüßen"),
    ("de_DE", None): ("Sehr geehrte Damen und Herren,", "Mit freundlichen Grüßen"),
    ("en_US", "mister"): ("Dear Mr {surname},", "Yours sincerely,"),
    ("en_US", "madam"): ("Dear Ms {surname},", "Yours sincerely,"),
    ("en_US", None): ("Dear Sir or Madam,", "Yours faithfully,"),
}
TITLES = {"base.res_partner_title_mister": "mister", "base.res_partner_title_madam": "madam",
          "base.res_partner_title_miss": "madam"}

READ_PAPER = """
    result = {}
    for name in sys.argv[3].split(","):
        letter = env["account.dunning.letter"].search([("name", "=", name)])
        partner = letter.contact_id or letter.partner_id
        texts = letter._get_letter_texts()
        result[name] = {
            "lang": letter.lang,
            "name": partner.name,
            "is_company": partner.is_company,
            "title": partner.title.get_external_id().get(partner.title.id, ""),
            "street": partner.street, "zip": partner.zip, "city": partner.city,
            "country": partner.country_id.code,
            "paragraphs": texts["paragraphs"],
            "by_post": letter.by_post,
            "registered_number": letter.registered_number or "",
            "deposit_day": str(letter.registered_date or letter.date),
        }
"""


def read_paper(db, names):
    """What the paper checks need of the letters ``names``, read from the job's database."""
    code = textwrap.dedent("""
        import json, sys
        import odoo
        from odoo.modules.registry import Registry
        odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2],
                                        "--log-level=warn"])
        with Registry(sys.argv[2]).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    """) + textwrap.indent(textwrap.dedent(READ_PAPER), " " * 4) + textwrap.dedent("""
        print("RESULT " + json.dumps(result))
    """)
    proc = run([sys.executable, "-c", code, str(CONF), db, ",".join(names)])
    line = next(ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def clean(text):
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


class Word:
    def __init__(self, node):
        self.text = node.text or ""
        self.x0, self.y0, self.x1, self.y1 = (float(node.get(k)) * MM for k in (
            "xMin", "yMin", "xMax", "yMax"))

    @property
    def size(self):
        """The font size in points, from the height of the word's box."""
        return (self.y1 - self.y0) / MM / EM_BOX


class Line:
    def __init__(self, words):
        self.words = words
        self.text = clean(" ".join(word.text for word in words))
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.y0 = min(w.y0 for w in words)
        self.y1 = max(w.y1 for w in words)

    def inside(self, xs, ys):
        return xs[0] <= self.x0 and self.x1 <= xs[1] and ys[0] <= self.y0 and self.y1 <= ys[1]

    def __repr__(self):
        return f"<{self.text!r} x {self.x0:.1f}-{self.x1:.1f} y {self.y0:.1f}-{self.y1:.1f}>"


def pdf_pages(path):
    """The pages of a PDF as lists of lines of words, positions in mm from the top left."""
    xml = run(["pdftotext", "-bbox-layout", str(path), "-"]).stdout
    root = etree.fromstring(xml.encode(), parser=etree.XMLParser(recover=True))
    pages = []
    for page in root.iter("{*}page"):
        assert abs(float(page.get("width")) * MM - PAGE_W) < 1, "not A4"
        pages.append([Line([Word(w) for w in line.iter("{*}word")])
                      for line in page.iter("{*}line")])
    return pages


def expected_greeting(data):
    title = None if data["is_company"] else TITLES.get(data["title"])
    greeting, closing = GREETINGS[data["lang"], title]
    surname = data["name"].split(None, 1)[-1]
    return greeting.format(surname=surname), closing


@pytest.fixture(scope="module")
def paper_letters(job):
    """One letter of each language at each level that the job wrote, with its data."""
    db, out, _stdout = job
    chosen = {}
    for row in index_rows(out):
        chosen.setdefault((row["lang"], row["level"]), row)
    data = read_paper(db, [row["name"] for row in chosen.values()])
    return [(row, data[row["name"]], pdf_pages(out / "letters" / row["file"]))
            for row in chosen.values()]


def test_every_language_and_level_on_paper(paper_letters):
    seen = {(row["lang"], row["level"]) for row, _data, _pages in paper_letters}
    assert {lang for lang, _level in seen} == {"fr_BE", "nl_BE", "de_DE", "en_US"}
    assert {level for _lang, level in seen} == set(LEVELS)
    assert len(seen) >= 12


def test_address_alone_in_the_envelope_window(paper_letters):
    for row, data, pages in paper_letters:
        first = pages[0]
        address = [data["name"], data["street"], f"{data['zip']} {data['city']}"]
        assert data["country"] == "BE"  # a Belgian address: no country line
        lines = {line.text: line for line in first if line.x0 >= 100}
        for text in address:
            line = lines.get(text)
            assert line, f"{row['file']}: address line {text!r} not found in {list(lines)}"
            assert line.inside(WINDOW_X, WINDOW_Y), f"{row['file']}: {line} out of the window"
            assert line.words[0].size >= 10, f"{row['file']}: {line} below 10 pt"
        in_window = [line for line in first
                     if line.x1 > WINDOW_X[0] and line.y1 > WINDOW_Y[0] and line.y0 < WINDOW_Y[1]]
        returns = [line for line in in_window if line.text not in address]
        # the sender's return line, in small print above the address, and nothing else
        assert clean(" ".join(line.text for line in returns)) == (
            "Atelier Dupont SRL · Rue de l'Industrie 42 · 1040 Etterbeek (Bruxelles)"), (
            f"{row['file']}: the window shows {in_window}")
        for line in returns:
            assert line.inside(WINDOW_X, WINDOW_Y), f"{row['file']}: {line}"
            assert line.y1 <= lines[data["name"]].y0
            assert 8 <= line.words[0].size < 10


def is_stamp(line, number, total):
    """A line the PDF pipeline stamped (header from page 2 on, "page 1 / N" at the foot of
    page 1): drawn with reportlab, whose DejaVu Sans box is 1 em high, not 1.164."""
    return total > 1 and (line.y1 <= 25 if number > 1 else line.y0 >= PAGE_H - 20)


def test_nothing_in_the_margins_and_no_near_empty_page(paper_letters):
    for row, _data, pages in paper_letters:
        for number, page in enumerate(pages, 1):
            assert len(page) >= 4, f"{row['file']} page {number}: {page}"
            for line in page:
                for word in line.words:
                    assert MARGIN <= word.x0 and word.x1 <= PAGE_W - MARGIN, (
                        f"{row['file']} page {number}: {word.text!r} at x {word.x0:.1f}-"
                        f"{word.x1:.1f} mm")
                    assert MARGIN <= word.y0 and word.y1 <= PAGE_H - MARGIN, (
                        f"{row['file']} page {number}: {word.text!r} at y {word.y0:.1f}-"
                        f"{word.y1:.1f} mm")
                    if not is_stamp(line, number, len(pages)):
                        assert word.size >= 8, f"{row['file']}: {word.text!r} {word.size:.1f} pt"


def test_page_stamps_from_page_two(paper_letters):
    """Page 2 on: the reference and the customer at the top left, "page n / N" at the top
    right; page 1 of a longer letter: "page 1 / N" at the bottom."""
    several = [(row, pages) for row, _data, pages in paper_letters if len(pages) > 1]
    assert several, "no letter of two pages to check the stamps on"
    words = {"fr_BE": "page", "nl_BE": "pagina", "de_DE": "Seite", "en_US": "page"}
    for row, pages in several:
        total = len(pages)
        word = words[row["lang"]]
        bottom = max(pages[0], key=lambda line: line.y1)
        assert bottom.text == f"{word} 1 / {total}", bottom
        for number, page in enumerate(pages[1:], 2):
            top = sorted(page, key=lambda line: (round(line.y0), line.x0))[:2]
            assert [line.text for line in top] == [
                f"{row['name']} · {row['customer']}", f"{word} {number} / {total}"], top
            assert all(MARGIN <= line.y0 and line.y1 <= 25 for line in top), top
            # 8.5 pt: reportlab's box is the font size itself
            assert all((line.y1 - line.y0) / MM >= 8 for line in top), top


def test_body_text_and_greeting(paper_letters):
    for row, data, pages in paper_letters:
        lines = [line for page in pages for line in page]
        texts = [line.text for line in lines]
        greeting, closing = expected_greeting(data)
        assert greeting in texts, f"{row['file']}: no {greeting!r}"
        after = lines[texts.index(greeting) + 1:]
        closing_lines = [line for line in after if line.text in closing and len(line.text) > 8]
        assert closing_lines and clean(" ".join(
            line.text for line in closing_lines)) == closing, f"{row['file']}: {closing!r}"
        # the greeting, the paragraphs and the closing: at least 10 pt
        body = [lines[texts.index(greeting)], *closing_lines]
        for paragraph in data["paragraphs"]:
            paragraph = clean(paragraph)
            body += [line for line in lines if len(line.text) > 20 and line.text in paragraph]
        assert len(body) >= 4
        for line in body:
            for word in line.words:
                assert word.size >= 10, f"{row['file']}: {word.text!r} {word.size:.2f} pt"
        # the closing and the signature never stand alone on a page
        last = pages[-1]
        assert len(last) >= 4
        assert any(line.text in closing for line in last)
        assert any("Atelier Dupont SRL" == line.text for line in last)


def test_deposit_list_of_one_day_word_for_word(job):
    db, out, _stdout = job
    rows = [row for row in index_rows(out) if row["post"] == "registered"]
    data = read_paper(db, [row["name"] for row in rows])
    days = {}
    for name, letter in sorted(data.items()):
        days.setdefault(letter["deposit_day"], []).append((name, letter))
    for day in days:
        assert date.fromisoformat(day).weekday() < 5, f"deposit on a {day} weekend"
        assert (out / "letters" / f"deposit_list_{day}.pdf").exists(), day
    # the day with most letters, some with an R-number and some without if there is one
    day = max(days, key=lambda d: (len({bool(lt["registered_number"]) for _n, lt in days[d]}),
                                   len(days[d])))
    letters = days[day]
    pages = pdf_pages(out / "letters" / f"deposit_list_{day}.pdf")
    assert len(pages) == 1
    page = pages[0]
    deposit = date.fromisoformat(day)
    french_months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                     "septembre", "octobre", "novembre", "décembre")
    day_text = (("1er" if deposit.day == 1 else str(deposit.day))
                + f" {french_months[deposit.month - 1]} {deposit.year}")
    head = ["Expéditeur", "Atelier Dupont SRL", "Rue de l'Industrie 42",
            "1040 Etterbeek (Bruxelles)", "Numéro d'entreprise : 0477.472.701",
            "Lettres recommandées : liste de dépôt", f"Date de dépôt : {day_text}"]
    columns = ["N°", "Numéro de recommandé", "Destinataire", "Adresse", "Référence"]
    foot = [f"Total : {len(letters)} lettres recommandées",
            "Pour la poste : cachet dateur et signature"]
    cells = []
    for number, (name, letter) in enumerate(letters, 1):
        cells.append([str(number), letter["registered_number"], letter["name"],
                      f"{letter['street']} {letter['zip']} {letter['city']}", name])
    # word for word: every word of the page is one of these, and each of these is there
    expected = [word for text in head + columns + foot + list(itertools.chain(*cells))
                for word in clean(text).split()]
    actual = [part for line in page for word in line.words
              for part in clean(word.text).split()]
    assert sorted(actual) == sorted(expected)
    # in this order, top to bottom
    texts = [line.text for line in page]
    assert texts[:len(head)] == head
    assert texts[-len(foot):] == foot
    # and each in its cell: columns start where their heading starts
    numero = next(w for line in page for w in line.words if w.text == columns[0])
    header_words = [w for line in page for w in line.words if abs(w.y0 - numero.y0) < 5]
    starts = []
    for heading in columns[1:]:
        first_word = heading.split()[0]
        starts.append(min(w.x0 for w in header_words if w.text == first_word))
    number_words = sorted((w for line in page for w in line.words
                           if w.x1 <= starts[0] and w.text.isdigit() and w.y0 > numero.y0),
                          key=lambda w: w.y0)
    assert [w.text for w in number_words] == [str(n) for n in range(1, len(letters) + 1)]
    total_y = next(line.y0 for line in page if line.text == foot[0])
    bounds = [w.y0 - 0.5 for w in number_words] + [total_y - 0.5]
    for index, (top, bottom) in enumerate(itertools.pairwise(bounds)):
        found = [[] for _column in columns]
        for line in page:
            for word in line.words:
                if top <= word.y0 < bottom:
                    column = sum(1 for start in starts if word.x0 >= start - 0.5)
                    found[column].append(word.text)
        assert [clean(" ".join(words)) for words in found] == cells[index], index


def test_no_letter_beyond_the_margins(job):
    """Every PDF of the job (letters, batch, deposit lists): no word in the 15 mm margins,
    no page of fewer than four lines, every word at least 8 pt."""
    _db, out, _stdout = job
    files = sorted((out / "letters").glob("*.pdf"))
    assert len(files) > 100
    for path in files:
        pages = pdf_pages(path)
        for number, page in enumerate(pages, 1):
            assert len(page) >= 4, f"{path.name} page {number}: {page}"
            for line in page:
                assert MARGIN <= line.x0 and line.x1 <= PAGE_W - MARGIN, (
                    f"{path.name} page {number}: {line}")
                assert MARGIN <= line.y0 and line.y1 <= PAGE_H - MARGIN, (
                    f"{path.name} page {number}: {line}")
                if path.name.startswith("DUN_") and not is_stamp(line, number, len(pages)):
                    assert min(word.size for word in line.words) >= 8, (
                        f"{path.name} page {number}: {line}")
