"""Build the demo database from scratch, run the dunning and print what it did.

    python scripts/demo.py --db dunning_demo --out out [--today YYYY-MM-DD] [--http-port N]

(``make demo`` runs it after ``make setup``; ``make serve`` then serves the database at
http://localhost:8069, login admin / admin.)

1. drops the database and creates it with ``base`` and the languages fr_BE, nl_BE, de_DE;
2. makes the main company a Belgian company (address, VAT and enterprise number, EUR);
3. installs account_dunning_be (account, l10n_be and mail come with it) and makes sure
   the Belgian chart of accounts ``be_comp`` is loaded;
4. builds the customers, invoices and payments of scripts/demo_data.py as of ``--today``;
5. runs the dunning as of ``--today`` and prints one row per customer;
6. writes every letter it created as a PDF (wkhtmltopdf) into ``<out>/letters/``, the
   registered ones also in one batch after their deposit list, and prints where they are.
   wkhtmltopdf loads the report's CSS from an Odoo HTTP server of the database that the
   job starts for that time on ``--http-port`` (default: a free port).

The same ``--today`` gives the same data and the same table on stdout (progress and
timings go to stderr). Needs build/env.sh sourced (PATH, PYTHONPATH, PG* variables).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "build" / "odoo.conf"
LANGS = "fr_BE,nl_BE,de_DE"

COMPANY = {
    "name": "Atelier Dupont SRL",
    "street": "Rue de l'Industrie 42",
    "zip": "1040",
    "city": "Etterbeek (Bruxelles)",
    "vat": "BE0477472701",
    "company_registry": "0477472701",
    "email": "comptabilite@atelier-dupont.example",
    "phone": "+32 2 230 45 67",
    "website": "https://www.atelier-dupont.example",
}
# translated company settings printed on the letters: the register of legal entities and
# its seat (the enterprise court of Brussels), the signatory's function
COMPANY_TRANSLATIONS = {
    "dunning_register": {"en_US": "RLE Brussels", "fr_BE": "RPM Bruxelles",
                         "nl_BE": "RPR Brussel", "de_DE": "RJP Brüssel"},
    "dunning_signatory_function": {"en_US": "Managing director", "fr_BE": "Gérante",
                                   "nl_BE": "Zaakvoerder", "de_DE": "Geschäftsführerin"},
}

T0 = time.monotonic()


def say(message):
    print(f"[demo {time.monotonic() - T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def odoo_bin(db, *args):
    odoo_src = os.environ.get("ODOO_SRC")
    if not odoo_src or not (Path(odoo_src) / "odoo-bin").exists():
        sys.exit("ODOO_SRC is not set to an Odoo 18.0 tree: run 'make demo' "
                 "(or 'source build/env.sh' after 'make setup')")
    cmd = [sys.executable, str(Path(odoo_src) / "odoo-bin"), "-c", str(CONF), "-d", db,
           "--stop-after-init", "--log-level=warn", *args]
    proc = subprocess.run(cmd, cwd=REPO, check=False)
    if proc.returncode:
        sys.exit(f"odoo-bin {' '.join(args)} failed on {db} (exit {proc.returncode})")


def recreate_database(db):
    say(f"dropping and creating database {db}")
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    shutil.rmtree(REPO / "build" / "data" / "filestore" / db, ignore_errors=True)
    odoo_bin(db, "-i", "base", f"--load-language={LANGS}", "--without-demo=all")


def open_env(db):
    """A fresh registry for ``db`` (after a subprocess changed its modules)."""
    import odoo
    from odoo.modules.registry import Registry

    if not getattr(open_env, "configured", False):
        odoo.tools.config.parse_config(["-c", str(CONF), "-d", db, "--log-level=warn"])
        open_env.configured = True
    return Registry.new(db)


def setup_company(db):
    """The main company becomes a Belgian company before accounting is installed, so that
    installing l10n_be loads the Belgian chart on it."""
    import odoo

    say("main company: Atelier Dupont SRL, Brussels, EUR")
    registry = open_env(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        eur = env.ref("base.EUR")
        eur.active = True
        company = env.ref("base.main_company")
        company.write({**COMPANY, "country_id": env.ref("base.be").id, "currency_id": eur.id})
        company.partner_id.write({"lang": "fr_BE", "is_company": True})
        env.ref("base.user_admin").write({"tz": "Europe/Brussels"})


def demo_logo():
    """A small logo for the company (PNG, base64): the letters print it."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 150, 160), fill=(31, 73, 125))
    draw.polygon([(30, 130), (75, 30), (120, 130)], fill="white")
    draw.rectangle((180, 60, 580, 70), fill=(31, 73, 125))
    draw.rectangle((180, 90, 480, 100), fill=(120, 140, 170))
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return base64.b64encode(stream.getvalue())


def setup_letters(company):
    """What the letters print besides the address: logo, register, signatory."""
    company.write({"logo": demo_logo(), "dunning_signatory_name": "Sophie Dupont"})
    for field, values in COMPANY_TRANSLATIONS.items():
        company.update_field_translations(field, values)


def ensure_belgian_chart(env, company):
    if company.chart_template != "be_comp":
        say("loading the Belgian chart of accounts be_comp")
        env["account.chart.template"].try_loading("be_comp", company, install_demo=False)
    assert company.chart_template == "be_comp", company.chart_template
    assert company.currency_id == env.ref("base.EUR")


# the ECB main refinancing rate the accountant reads for a semester the Treasury has not
# published yet (BELGIAN_RULES.md section 2: 2.15 % since 11 June 2025)
ECB_RATE = 2.15


def derive_missing_rates(env, today):
    """Derive each unpublished B2B semester up to ``today`` from the ECB rate, as the
    accountant does from the rate list (marked "derived, not yet published")."""
    derived = []
    while env["account.dunning.rate"]._get_missing_semesters(today):
        wizard = env["account.dunning.rate.derive"].create({"ecb_rate": ECB_RATE})
        wizard.action_derive()
        derived.append(f"{wizard.year} H{wizard.half}: {wizard.rate} %")
    return derived


def registered_number(serial):
    """A bpost R-number: RR, 8 digits, the UPU S10 check digit, BE."""
    digits = f"{serial:08d}"
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"RR{digits}{check}BE"


def run_dunning(env, today, payments, history_days=150):
    """The nightly runs of the last ``history_days`` days, then today's.

    Each day the payments of that day arrive first (``payments``: ``[(date,
    register)]``), then the nightly run writes the letters, and the accountant sends
    them that morning (the registered ones deposited at the post office that day, a
    working day: paper letters are only written on working days); today's letters wait
    for review. The past letters count as sent on their day without queuing e-mails.
    Returns (all letters, today's letters).
    """
    from freezegun import freeze_time

    Service = env["account.dunning.escalation"]
    Letter = env["account.dunning.letter"]
    letters = Letter
    payments = list(payments)
    serial = 40_117_200
    for offset in range(history_days, -1, -1):
        day = today - timedelta(days=offset)
        while payments and payments[0][0] <= day:
            payments.pop(0)[1]()
        with freeze_time(day):
            env["account.dunning.file"].search([("state", "!=", "closed")])._close_settled(day)
            written = Service._escalate(day)
            letters |= written
            for letter in written.filtered(lambda lt: lt.state == "draft") if offset else []:
                # sent that morning (the e-mails themselves are not queued in the demo)
                vals = {"state": "sent" if letter.by_email else "printed", "date_sent": day}
                if letter.by_post == "registered":
                    vals["registered_date"] = day
                    # the R-numbers of the receipts are recorded a few days later: the
                    # last deposits still have a blank on their deposit list
                    if offset > 7:
                        serial += 1
                        vals["registered_number"] = registered_number(serial)
                letter.write(vals)
    todays = letters.filtered(lambda lt: lt.date == today)
    return letters, todays


def summary_rows(env, summary, letters, todays, today):
    """One row per customer: what it owes, and its dunning file as the accountant sees
    it (stage, state, letters, the last letter's deadline, the next step)."""
    partners = summary["partners"].sorted("name")
    invoices = summary["invoices"]
    letters_by_partner = letters.grouped("partner_id")
    todays_by_partner = todays.grouped("partner_id")
    states = dict(env["account.dunning.file"]._fields["state"]._description_selection(env))
    rows = []
    for partner in partners:
        mine = invoices.filtered(lambda m, p=partner: m.partner_id == p)
        overdue = mine.filtered(lambda m: m.amount_residual and m.invoice_date_due < today)
        file = env["account.dunning.file"].search(
            [("partner_id", "=", partner.id)], order="id desc", limit=1)
        rows.append({
            "name": partner.name,
            "lang": partner.lang,
            "kind": "B2B" if partner.dunning_is_b2b else "B2C",
            "open": sum(overdue.mapped("amount_residual")),
            "count": len(overdue),
            "stage": file.level_id.name or "-",
            "state": states.get(file.state, "-") if file else "-",
            "deadline": str(file.payment_deadline or "-"),
            "next": str(file.next_date or "-"),
            "letters": len(letters_by_partner.get(partner, [])),
            "today": len(todays_by_partner.get(partner, [])),
        })
    return rows


def format_table(rows):
    head = (f"{'Customer':<28} {'Lang':<6} {'Type':<4} {'Overdue EUR':>11} {'Inv.':>4}  "
            f"{'File stage':<22} {'File state':<24} {'Deadline':<10} {'Next step':<10} "
            f"{'Letters':>7} {'Today':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['name'][:28]:<28} {r['lang']:<6} {r['kind']:<4} {r['open']:>11,.2f} "
            f"{r['count']:>4}  {r['stage'][:22]:<22} {r['state'][:24]:<24} "
            f"{r['deadline']:<10} {r['next']:<10} {r['letters']:>7} {r['today']:>5}")
    lines.append("-" * len(head))
    lines.append(
        f"{'Total (' + str(len(rows)) + ' customers)':<28} {'':<6} {'':<4} "
        f"{sum(r['open'] for r in rows):>11,.2f} {sum(r['count'] for r in rows):>4}  "
        f"{'':<22} {'':<24} {'':<10} {'':<10} {sum(r['letters'] for r in rows):>7} "
        f"{sum(r['today'] for r in rows):>5}")
    return "\n".join(lines)


def write_letters_index(letters, paths, pdf_dir):
    """Write ``index.txt`` into ``pdf_dir``, one tab-separated line per PDF (file, letter,
    customer, B2B or B2C, level, language, post); return the lines saying where they are."""
    import render_letters

    by_name = {path.name: path for path in paths}
    lines = []
    for letter in letters.sorted(lambda lt: lt.id):
        path = by_name.get(render_letters.letter_filename(letter))
        if path:
            kind = "B2B" if letter.is_b2b else "B2C"
            lines.append(f"{path.name}\t{letter.name}\t{letter.partner_id.name}\t{kind}\t"
                         f"{letter.level_id.name}\t{letter.lang}\t{letter.by_post}")
    batches = [name for name in ("registered_letters.pdf", "registered_deposit_list.pdf")
               if name in by_name]
    daily = sorted(name for name in by_name if name.startswith("deposit_list_"))
    lines += [f"{name}\t\t\t\t\t\t" for name in batches + daily]
    (pdf_dir / "index.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    where = [f"Letters: {len(paths) - len(batches) - len(daily)} PDFs in {pdf_dir}/ "
             f"(one per letter, listed in {pdf_dir / 'index.txt'})"]
    if batches:
        where.append(f"Registered letters: {pdf_dir / batches[0]} (deposit lists first), "
                     f"deposit lists alone: {pdf_dir / batches[1]}, one a day: "
                     f"{len(daily)} {pdf_dir}/deposit_list_<day>.pdf")
    return where


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="dunning_demo")
    parser.add_argument("--out", default="out", help="folder for the letters and the summary")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="the dunning date, YYYY-MM-DD (default: today)")
    parser.add_argument("--http-port", type=int, default=0,
                        help="port of the HTTP server wkhtmltopdf loads the report CSS from "
                        "while the letters render (default: a free port)")
    args = parser.parse_args(argv)
    os.chdir(REPO)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    recreate_database(args.db)
    setup_company(args.db)
    say("installing account_dunning_be (account, l10n_be, mail)")
    odoo_bin(args.db, "-i", "account_dunning_be")

    import odoo

    sys.path.insert(0, str(REPO / "scripts"))
    import demo_data
    import render_letters

    registry = open_env(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        ensure_belgian_chart(env, company)
        setup_letters(company)
        say(f"building customers, invoices and payments as of {args.today}")
        summary = demo_data.build(env, args.today, company=company, defer_payments=True)
        admin = env.ref("base.user_admin")
        if admin.login != "admin":
            admin.login = "admin"
        admin.password = "admin"
        cr.commit()

        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        derived = derive_missing_rates(env, args.today)
        say("running the nightly dunning over the last 150 days, then today's")
        letters, todays = run_dunning(env, args.today, summary["payments"])
        cr.commit()
        env.invalidate_all()
        rows = summary_rows(env, summary, letters, todays, args.today)
        overdue = len(summary["invoices"].filtered(
            lambda m: m.amount_residual and m.invoice_date_due < args.today))
        File = env["account.dunning.file"]
        file_states = dict(File._fields["state"]._description_selection(env))
        file_counts = ", ".join(
            f"{count} {file_states[state].lower()}" for state, count in sorted(
                (state, count) for [state, count] in File._read_group(
                    [], ["state"], ["__count"])))
        pdf_dir = out / "letters"
        shutil.rmtree(pdf_dir, ignore_errors=True)  # no letter of an earlier run stays
        say(f"writing the {len(letters)} letters as PDF into {pdf_dir}")
        with render_letters.serving(env, args.db, args.http_port):
            paths = render_letters.write_letters_pdf(env, letters, pdf_dir)
        written = write_letters_index(letters, paths, pdf_dir)

        fates = {fate: len(moves) for fate, moves in sorted(summary["by_fate"].items())}
        report = [
            (f"Demo database {args.db} as of {args.today}: {company.name} "
             f"({company.vat}, IBAN {summary['bank_account'].acc_number})"),
            (f"{summary['customers']} customers in {', '.join(summary['regions'])}; "
             f"languages {', '.join(summary['languages'])}"),
            f"{summary['posted']} posted invoices: "
            + ", ".join(f"{n} {fate.replace('_', ' ')}" for fate, n in fates.items())
            + f"; {overdue} overdue with a balance",
            ("B2B rates derived from the ECB rate (not yet published): " + ", ".join(derived))
            if derived else "B2B rates: every semester published",
            (f"dunning: {len(letters)} letters over 150 days of nightly runs, {len(todays)} "
             f"today ({len(todays.filtered(lambda lt: lt.state == 'draft'))} to review); "
             f"one file per customer: {file_counts}"),
            "",
            format_table(rows),
            "",
            *written,
            "",
            "Serve it:  make serve   then open http://localhost:8069 "
            "(login admin, password admin)",
        ]
    text = "\n".join(report)
    print(text)
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    say(f"done; summary written to {out / 'summary.txt'}")


if __name__ == "__main__":
    main()
