"""End to end: the main job writes real PDF letters, and they say the right thing.

Runs ``scripts/demo.py`` (the main job: a database of its own built from scratch, 150 days
of nightly dunning, every letter written as a PDF through wkhtmltopdf) into a temporary
folder, then reads two letters back with pdftotext and checks them word for word on their
key sentences and figures: a French formal notice to an enterprise and a Dutch consumer's
first reminder. The figures are recomputed here from the letters' data and the rules of
BELGIAN_RULES.md, never copied from the letter code.

A subprocess test like tests/test_install_upgrade.py: it needs ``DUNNING_TEST_TEMPLATE``
(``make test`` sets it; the job's database is named after it and dropped afterwards),
build/odoo.conf, the Odoo tree (``ODOO_SRC``), wkhtmltopdf and pdftotext. About two
minutes.
"""

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

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
    return cap.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
        "Malgré nos rappels précédents, repris ci-dessous, les factures ci-dessous restent "
        "impayées.",
        f"Par la présente, nous vous mettons formellement en demeure de payer le montant de "
        f"{total} au plus tard le {deadline}.",
        "À défaut de paiement à cette date, nous introduirons sans autre avis une requête en "
        "injonction de payer ou confierons la créance à une société de recouvrement, dont les "
        "frais vous seront réclamés.",
        "Nos rappels précédents",
        f"Montant restant dû {amount(data['residual'])}",
        "Intérêts de retard",
        amount(data["interest"]),
        "Taux légal de la loi du 2 août 2002",
        "Indemnité forfaitaire pour frais de recouvrement",
        f"40 EUR par facture payée en retard (loi du 2 août 2002, art. 6) ; nombre de "
        f"factures : {data['flat_fee_invoices']}.",
        f"Total dû {total}",
        f"Veuillez virer {total} sur le compte {IBAN} (titulaire : Atelier Dupont SRL), en "
        f"mentionnant la communication structurée {data['reference']}.",
        "Si vous avez payé entre-temps, veuillez ne pas tenir compte de ce courrier.",
    ):
        assert sentence in text, sentence
    # the earlier reminders, each with its date
    assert data["reminders"]
    for name, day in data["reminders"]:
        assert name in text
        assert long_date(date.fromisoformat(day), lang) in text
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
        f"Geachte {data['customer']},",
        "Volgens onze gegevens hebben wij de betaling van de hieronder vermelde facturen nog "
        "niet ontvangen. Wellicht is dit aan uw aandacht ontsnapt.",
        f"Wij vragen u vriendelijk {total} uiterlijk op {waiting_end} te betalen.",
        f"Totaal verschuldigd {total}",
        f"Deze brief vordert geen kosten, schadevergoeding of intresten: u hebt tot "
        f"{waiting_end} (wachttermijn van 14 dagen) om zonder bijkomende kosten te betalen.",
        f"Indien het verschuldigde bedrag niet tegen die datum betaald is, zullen wij een "
        f"forfaitaire schadevergoeding van {amount(damages_cap(data['residual']))} vorderen, "
        f"binnen de grenzen van Boek XIX van het Wetboek van economisch recht, evenals "
        f"verwijlintresten tegen de wettelijke rentevoet.",
        f"Gelieve {total} over te schrijven op rekening {IBAN} (rekeninghouder: Atelier Dupont "
        f"SRL), met vermelding van de gestructureerde mededeling {data['reference']}.",
        "Indien u intussen betaald hebt, mag u deze brief als onbestaande beschouwen.",
    ):
        assert sentence in text, sentence
    for claimed in ("Verwijlintresten", "Forfaitaire schadevergoeding voor invorderingskosten"):
        assert claimed not in text.split("Totaal verschuldigd")[0]
    assert not [english for english in ENGLISH if english in text]
