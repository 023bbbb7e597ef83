"""The demo data set: a Belgian company's customers, invoices and payments.

``build(env, today, company=None)`` fills a company that already has the Belgian chart
of accounts (``be_comp``) with what the dunning needs to show its work:

- an IBAN bank account on the company's bank journal, structured communication
  (+++xxx/xxxx/xxxxx+++) on the sales journal; a penalty clause of 10 % (at least
  EUR 40, at most EUR 2,500) in its terms and conditions;
- 22 customers: enterprises with a VAT number and consumers without one, speaking
  French, Dutch, German and English, in Brussels, Flanders, Wallonia and the East
  Cantons;
- 60 posted invoices at 30 days whose due dates spread over the 150 days before
  ``today``: paid on time, paid late, partly paid, open and overdue, one disputed, a few
  not yet due.

Deterministic: the same ``today`` gives the same data (a seeded random generator, no
clock). The demo command (scripts/demo.py) and the test tests/test_demo_data.py use it.
"""

import functools
import logging
import random
from datetime import date, timedelta

_logger = logging.getLogger(__name__)

SEED = 18_2002  # the B2B late payment law is the law of 2 August 2002
INVOICE_COUNT = 60
LANGS = ("fr_BE", "nl_BE", "de_DE", "en_US")
COMPANY_IBAN = "BE71 0961 2345 6769"

# (name, is_company, enterprise number or None, lang, street, zip, city, email, phone)
CUSTOMERS = [
    # Brussels-Capital (1000-1299)
    ("Brasserie du Sablon SRL", True, "0403170701", "fr_BE", "Rue de Rollebeek 12", "1000",
     "Bruxelles", "compta@brasserie-sablon.example", "+32 2 512 34 56"),
    ("Tech Solutions Brussels SRL", True, "0456210412", "en_US", "Avenue Louise 250", "1050",
     "Ixelles", "accounts@techsolutions-brussels.example", "+32 2 640 11 22"),
    ("Marie Lefèvre", False, None, "fr_BE", "Rue Haute 120", "1000", "Bruxelles",
     "marie.lefevre@mail.example", "+32 475 12 34 56"),
    ("Emma Williams", False, None, "en_US", "Rue de la Loi 70", "1040", "Etterbeek",
     "emma.williams@mail.example", "+32 478 98 76 54"),
    ("Pieter De Smet", False, None, "nl_BE", "Vlaamsesteenweg 31", "1000", "Brussel",
     "pieter.desmet@mail.example", "+32 472 22 33 44"),
    # Flanders (1500-3999, 8000-9999)
    ("Bouwbedrijf Peeters NV", True, "0417497106", "nl_BE", "Mechelsesteenweg 221", "2018",
     "Antwerpen", "boekhouding@peeters-bouw.example", "+32 3 218 45 67"),
    ("Drukkerij Van Damme BV", True, "0428750985", "nl_BE", "Kortrijksesteenweg 88", "9000",
     "Gent", "facturen@vandamme-druk.example", "+32 9 222 33 44"),
    ("Bakkerij Claes BV", True, "0441558922", "nl_BE", "Grote Markt 7", "3500", "Hasselt",
     "info@bakkerij-claes.example", "+32 11 22 33 44"),
    ("Flanders Logistics NV", True, "0460827411", "en_US", "Kapelsestraat 12", "8400",
     "Oostende", "ap@flanders-logistics.example", "+32 59 70 80 90"),
    ("Café Leuven BV", True, "0473251604", "nl_BE", "Oude Markt 20", "3000", "Leuven",
     "zaakvoerder@cafe-leuven.example", "+32 16 20 30 40"),
    ("Jan Janssens", False, None, "nl_BE", "Lange Kievitstraat 45", "2018", "Antwerpen",
     "jan.janssens@mail.example", "+32 476 55 66 77"),
    ("Sofie Wouters", False, None, "nl_BE", "Langestraat 100", "8000", "Brugge",
     "sofie.wouters@mail.example", "+32 479 11 22 33"),
    # Wallonia (1300-1499, 4000-7999 without the East Cantons)
    ("Menuiserie Lambert SRL", True, "0435678912", "fr_BE", "Chaussée de Louvain 45", "5000",
     "Namur", "admin@menuiserie-lambert.example", "+32 81 22 33 44"),
    ("Transports Dubois SA", True, "0448123456", "fr_BE", "Rue Saint-Gilles 150", "4000",
     "Liège", "comptabilite@transports-dubois.example", "+32 4 223 45 67"),
    ("Garage Martin SRL", True, "0467345678", "fr_BE", "Boulevard Tirou 80", "6000",
     "Charleroi", "garage.martin@garage-martin.example", "+32 71 30 40 50"),
    ("Imprimerie Wallonne SA", True, "0479555333", "fr_BE", "Grand-Place 3", "7000", "Mons",
     "factures@imprimerie-wallonne.example", "+32 65 33 44 55"),
    ("Thomas Gérard", False, None, "fr_BE", "Avenue de la Gare 17", "1300", "Wavre",
     "thomas.gerard@mail.example", "+32 477 44 55 66"),
    ("Luc Dupuis", False, None, "fr_BE", "Rue de Fer 25", "5000", "Namur",
     "luc.dupuis@mail.example", "+32 474 66 77 88"),
    # East Cantons, German-speaking community (4700-4791)
    ("Autohaus Kessler GmbH", True, "0421987654", "de_DE", "Aachener Straße 30", "4700",
     "Eupen", "buchhaltung@autohaus-kessler.example", "+32 87 55 66 77"),
    ("Holzbau Schröder PGmbH", True, "0452468013", "de_DE", "Hauptstraße 55", "4780",
     "Sankt Vith", "info@holzbau-schroeder.example", "+32 80 22 33 44"),
    ("Anna Schmitz", False, None, "de_DE", "Bergstraße 12", "4730", "Raeren",
     "anna.schmitz@mail.example", "+32 471 33 44 55"),
    # the one customer the dunning can only reach by post
    ("Peter Kohnen", False, None, "de_DE", "Klosterstraße 4", "4700", "Eupen", False,
     "+32 87 74 12 34"),
]

# (name, price per unit): what a small Belgian workshop sells
PRODUCTS = [
    ("Consulting and design", 95.0),
    ("Workshop hours", 65.0),
    ("Materials", 180.0),
    ("Annual maintenance contract", 450.0),
]
# the products' names in the customers' languages: invoices and letters name them so
PRODUCT_NAMES = {
    "Consulting and design": {"fr_BE": "Conseil et étude", "nl_BE": "Advies en studie",
                              "de_DE": "Beratung und Planung"},
    "Workshop hours": {"fr_BE": "Travaux d'atelier", "nl_BE": "Werkplaatsuren",
                       "de_DE": "Werkstattstunden"},
    "Materials": {"fr_BE": "Matériel", "nl_BE": "Materiaal", "de_DE": "Material"},
    "Annual maintenance contract": {"fr_BE": "Contrat d'entretien annuel",
                                    "nl_BE": "Jaarlijks onderhoudscontract",
                                    "de_DE": "Jährlicher Wartungsvertrag"},
}
# the consumers whose title is known (greeting "Monsieur," / "Geachte mevrouw X,"); the
# others get the neutral form of their language
TITLES = {
    "Luc Dupuis": "base.res_partner_title_mister",
    "Marie Lefèvre": "base.res_partner_title_madam",
    "Pieter De Smet": "base.res_partner_title_mister",
    "Anna Schmitz": "base.res_partner_title_madam",
    "Emma Williams": "base.res_partner_title_madam",
}


def be_vat(number):
    """The VAT number ``BE`` + 10 digits for an enterprise number, check digits fixed.

    A Belgian enterprise number is 0 or 1, seven digits and two check digits equal to
    97 - (the first eight digits mod 97).
    """
    base = int(number[:8])
    return f"BE{base:08d}{97 - base % 97:02d}"


def region_of(zip_code):
    """Brussels, Flanders, Wallonia or the East Cantons, from a Belgian postcode."""
    code = int(zip_code)
    if 1000 <= code <= 1299:
        return "brussels"
    if 4700 <= code <= 4791:
        return "east_cantons"
    if 1300 <= code <= 1499 or 4000 <= code <= 7999:
        return "wallonia"
    return "flanders"


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _ensure_langs(env):
    for code in LANGS:
        env["res.lang"]._activate_lang(code)


def _sale_tax_21(env, company):
    tax = company.account_sale_tax_id
    if tax and tax.amount == 21 and tax.amount_type == "percent" and not tax.price_include:
        return tax
    Tax = env["account.tax"].with_company(company)
    tax = Tax.search([
        *Tax._check_company_domain(company),
        ("type_tax_use", "=", "sale"), ("amount_type", "=", "percent"), ("amount", "=", 21),
        ("price_include", "=", False),
    ], order="sequence, id", limit=1)
    if not tax:
        raise ValueError(f"no 21 % sale tax in {company.name}: load the 'be_comp' chart first")
    return tax


def _setup_journals(env, company):
    Journal = env["account.journal"].with_company(company)
    bank_journal = Journal.search([("company_id", "=", company.id), ("type", "=", "bank")],
                                  order="sequence, id", limit=1)
    sale_journal = Journal.search([("company_id", "=", company.id), ("type", "=", "sale")],
                                  order="sequence, id", limit=1)
    if not bank_journal or not sale_journal:
        raise ValueError(f"{company.name} has no bank or sales journal: load a chart first")
    Bank = env["res.partner.bank"]
    bank_account = Bank.search([("partner_id", "=", company.partner_id.id),
                                ("sanitized_acc_number", "=", COMPANY_IBAN.replace(" ", ""))])
    if not bank_account:
        bank_account = Bank.create({
            "acc_number": COMPANY_IBAN,
            "partner_id": company.partner_id.id,
            "company_id": company.id,
        })
    if not bank_journal.bank_account_id:
        bank_journal.bank_account_id = bank_account
    sale_journal.write({"invoice_reference_model": "be", "invoice_reference_type": "invoice"})
    return bank_journal, sale_journal, bank_account


def _create_customers(env, company):
    country = env.ref("base.be")
    vals_list = []
    for name, is_company, number, lang, street, zip_code, city, email, phone in CUSTOMERS:
        vals_list.append({
            "name": name,
            "is_company": is_company,
            "company_type": "company" if is_company else "person",
            "vat": be_vat(number) if number else False,
            "company_registry": be_vat(number)[2:] if number else False,
            "lang": lang,
            "street": street,
            "zip": zip_code,
            "city": city,
            "country_id": country.id,
            "email": email,
            "phone": phone,
            "customer_rank": 1,
            "title": env.ref(TITLES[name]).id if name in TITLES else False,
        })
    return env["res.partner"].with_company(company).create(vals_list)


def _create_products(env, company, tax):
    products = env["product.product"].with_context(lang="en_US").with_company(
        company).create([{
            "name": name,
            "type": "service",
            "list_price": price,
            "taxes_id": [(6, 0, tax.ids)],
            "company_id": company.id,
        } for name, price in PRODUCTS])
    for product, (name, _price) in zip(products, PRODUCTS, strict=True):
        product.product_tmpl_id.update_field_translations("name", PRODUCT_NAMES[name])
    return products


def _plan(rng, today, partners):
    """What happens to each invoice: (partner, invoice date, lines, fate, pay date, share).

    Fates: ``not_due``, ``paid`` (on time), ``paid_late``, ``partial`` (a part paid, the
    rest overdue), ``disputed``, ``open`` (overdue, nothing paid). Due dates are 30 days
    after the invoice date and spread over the 150 days before ``today``.
    """
    fates = (["not_due"] * 5 + ["paid"] * 10 + ["paid_late"] * 6 + ["partial"] * 7
             + ["disputed"] + ["open"] * (INVOICE_COUNT - 29))
    rng.shuffle(fates)
    # every customer gets at least two invoices, the first ones some more
    order = [partners[i % len(partners)] for i in range(INVOICE_COUNT)]
    rng.shuffle(order)
    plan = []
    for partner, fate in zip(order, fates, strict=True):
        if fate == "not_due":
            due = today + timedelta(days=rng.randint(1, 25))
        elif fate == "disputed":
            due = today - timedelta(days=rng.randint(60, 90))
        elif fate == "paid_late":
            due = today - timedelta(days=rng.randint(45, 150))
        else:
            due = today - timedelta(days=rng.randint(1, 150))
        invoice_date = due - timedelta(days=30)
        quantities = [1, 1, 2, 3, 4, 8, 12] if partner.is_company else [1, 1, 1, 2, 3]
        lines = [(rng.randrange(len(PRODUCTS)), rng.choice(quantities))
                 for _ in range(rng.randint(1, 3 if partner.is_company else 2))]
        pay_date, share = None, 1.0
        if fate == "paid":
            pay_date = min(due, today) - timedelta(days=rng.randint(0, 20))
            pay_date = max(pay_date, invoice_date)
        elif fate == "paid_late":
            pay_date = due + timedelta(days=rng.randint(5, min(40, (today - due).days)))
        elif fate == "partial":
            share = rng.choice([0.25, 0.4, 0.5, 0.6])
            pay_date = min(due + timedelta(days=rng.randint(-10, 20)), today)
            pay_date = max(pay_date, invoice_date)
        plan.append((partner, invoice_date, lines, fate, pay_date, share))
    # the customer without e-mail has an overdue invoice: the dunning must go by post
    by_post = [i for i, p in enumerate(plan) if not p[0].email]
    if by_post and not any(plan[i][3] == "open" for i in by_post):
        j = next(i for i, p in enumerate(plan) if p[3] == "open" and p[0].email)
        k = by_post[0]
        plan[j], plan[k] = (plan[k][0],) + plan[j][1:], (plan[j][0],) + plan[k][1:]
    plan.sort(key=lambda p: (p[1], p[0].id))
    # one large claim (above the justice of the peace's 5,000) for an enterprise
    # customer, one small one (below the B2C damages first bracket) for a consumer
    for i, (partner, invoice_date, _lines, fate, pay_date, share) in enumerate(plan):
        if fate == "open" and partner.is_company:
            plan[i] = (partner, invoice_date, [(1, 90)], fate, pay_date, share)
            break
    for i, (partner, invoice_date, _lines, fate, pay_date, share) in enumerate(plan):
        if fate == "open" and not partner.is_company:
            plan[i] = (partner, invoice_date, [(1, 1)], fate, pay_date, share)
            break
    return plan


def _register_payment(env, invoice, journal, pay_date, amount=None):
    wizard = env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoice.ids,
    ).create({
        "payment_date": pay_date,
        "journal_id": journal.id,
        **({"amount": amount, "payment_difference_handling": "open"} if amount else {}),
    })
    return wizard._create_payments()


def build(env, today=None, company=None, defer_payments=False):
    """Create the demo data in ``company`` (default: ``env.company``) as of ``today``.

    Returns a summary dict: the company, the customers and invoices created, the
    invoices per fate, the languages of the customers. With ``defer_payments`` the
    payments are not registered but listed in ``summary["payments"]`` as
    ``(pay_date, register)``: a replay of the nights registers each on its day
    (``register()``), so that a customer pays after the letters it received.
    """
    today = _as_date(today or date.today())
    company = company or env.company
    env = env(context=dict(env.context, allowed_company_ids=[company.id],
                           tracking_disable=True, mail_notrack=True, mail_create_nolog=True))
    company = company.with_env(env)
    if company.currency_id != env.ref("base.EUR"):
        raise ValueError(f"{company.name} must keep its books in EUR")
    rng = random.Random(SEED)
    _ensure_langs(env)
    tax = _sale_tax_21(env, company)
    bank_journal, sale_journal, bank_account = _setup_journals(env, company)
    partners = _create_customers(env, company)
    products = _create_products(env, company, tax)
    term = env.ref("account.account_payment_term_30days", raise_if_not_found=False)

    # the terms and conditions of the demo company: a penalty clause courts accept
    company.write({"dunning_penalty_percent": 10.0, "dunning_penalty_min": 40.0,
                   "dunning_penalty_max": 2500.0})
    plan = _plan(rng, today, partners)
    Move = env["account.move"].with_company(company)
    invoices = Move.create([{
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "journal_id": sale_journal.id,
        "invoice_date": invoice_date,
        "date": invoice_date,
        "invoice_payment_term_id": term.id if term else False,
        "invoice_date_due": invoice_date + timedelta(days=30),
        "partner_bank_id": bank_account.id,
        "invoice_line_ids": [(0, 0, {
            "product_id": products[p].id,
            "quantity": qty,
            "price_unit": PRODUCTS[p][1],
            "tax_ids": [(6, 0, tax.ids)],
        }) for p, qty in lines],
    } for partner, invoice_date, lines, _fate, _pay, _share in plan])
    # post in date order: the sequence follows the invoice dates
    for invoice in invoices:
        invoice.action_post()

    by_fate = {}
    payments = []
    for invoice, (_p, _d, _l, fate, pay_date, share) in zip(invoices, plan, strict=True):
        by_fate.setdefault(fate, env["account.move"])
        by_fate[fate] |= invoice
        amount = None
        if fate == "partial":
            amount = company.currency_id.round(invoice.amount_total * share)
        if fate in ("paid", "paid_late", "partial"):
            payments.append((pay_date, functools.partial(
                _register_payment, env, invoice, bank_journal, pay_date, amount)))
    payments.sort(key=lambda payment: payment[0])
    if not defer_payments:
        for _pay_date, register in payments:
            register()
        payments = []

    disputed = by_fate["disputed"]
    if "dunning_blocked" in env["account.move"]._fields:
        disputed.write({"dunning_blocked": True, "dunning_block_reason": "disputed"})
    else:
        _logger.warning("account.move has no dunning_blocked field yet: invoice %s is "
                        "not marked disputed", disputed.name)
        print(f"warning: account.move has no dunning_blocked field: {disputed.name} "
              "is not marked disputed")
    return {
        "company": company,
        "today": today,
        "bank_account": bank_account,
        "partners": partners,
        "invoices": invoices,
        "by_fate": by_fate,
        "payments": payments,
        "customers": len(partners),
        "posted": len(invoices),
        "overdue": len(invoices.filtered(
            lambda m: m.amount_residual and m.invoice_date_due < today)),
        "languages": sorted(set(partners.mapped("lang"))),
        "regions": sorted({region_of(p.zip) for p in partners}),
    }
