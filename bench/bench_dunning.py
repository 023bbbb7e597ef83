"""Benchmark of the nightly dunning run against OCA account_credit_control 18.0.

A script, not a test (pytest does not collect bench/). Needs build/env.sh sourced
(``make bench`` does it).

    python bench/bench_dunning.py                       # 200x5 and 2000x5, both addons
    python bench/bench_dunning.py --customers 2000 --invoices-per-customer 5 [--skip-peer]
    python bench/bench_dunning.py --customers 200 --profile-sql 25    # + top statements
    python bench/bench_dunning.py --cron              # 20000x5 through the cron's batches

For every size (customers x invoices per customer):

1. ``<prefix>_ours`` (``--db-prefix``, default ``dunning_bench``): a copy of
   ``<prefix>_base`` (built once: ``base``, the main company made Belgian,
   ``account_dunning_be`` installed, chart ``be_comp``, default levels checked), seeded
   with the customers and their overdue posted invoices. One template invoice per shape
   is created and posted by the ORM; the others are cloned in SQL (moves, lines and
   their many2many rows), with their own names, customers and dates (due 20 to 60 days
   ago), ``dunning_next_date`` shifted like the due date (due + the first level's delay
   + the days of grace, as the compute gives) and no dunning file: every customer is due
   for its first letter. The ORM then checks that ``_get_dunning_due_domain(today)``
   finds them all. ``today`` must be a Belgian working day (``law.is_working_day``):
   paper letters, for the customers without e-mail, are only created on those days.
2. One ``account.dunning.escalation._escalate(today)`` over all the customers, in a
   fresh process: wall seconds (flush included), SQL queries
   (``odoo.sql_db.sql_counter``), peak RSS of the process and its growth during the run,
   letters and letter lines created (one letter per customer is checked); rolled back.
3. Unless ``--skip-peer``: ``<prefix>_peer`` = copy of ``<prefix>_ours`` with OCA
   ``account_credit_control`` 18.0 installed from its PyPI wheel (``pip install
   --no-deps --target`` into ``--peer-addons``, outside the repository; never a project
   dependency; it depends only on base, account and mail), its "3 time policy" on the
   receivable accounts, first level moved to 7 days net like ours; one
   ``credit.control.run.generate_credit_lines()`` for the same date, measured the same way.

``--tracemalloc`` adds a run of each under tracemalloc (Python heap peak; slower, so in
its own process). ``--profile-sql N`` adds a run of ours that lists its N most frequent
statements with their Python caller.

``--cron`` (default 20,000 customers x 5 invoices, no peer) runs the nightly cron instead,
as Odoo's runner does: ``account.move._cron_account_dunning(batch_size)`` (the escalation
service's ``_cron_escalate``) called with an ``ir.cron.progress`` in its context and the
day frozen on ``today``, a commit after each call, until the progress says nothing
remains. Each call is timed (flush and commit included) and counted; the report gives
the batches, their maximum and median seconds, the total, the queries per invoice and
the peak RSS. The seeded database is consumed by the run (it commits).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "build" / "odoo.conf"
DB_PREFIX = "dunning_bench"
BASE_DB = f"{DB_PREFIX}_base"
DB = f"{DB_PREFIX}_ours"
PEER_DB = f"{DB_PREFIX}_peer"
PEER_WHEEL = "odoo-addon-account-credit-control>=18.0,<18.1dev"
PEER_MODULE = "account_credit_control"
RESULT = "BENCH_RESULT "
_monotonic = time.monotonic  # kept: freezegun replaces time.monotonic in the cron worker
T0 = _monotonic()


def say(message):
    print(f"[bench {_monotonic() - T0:7.1f}s] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------
# orchestration (no Odoo import here: every Odoo step runs in its own process)
# ------------------------------------------------------------------------------------------

def odoo_bin(db, *args, addons_path=None):
    odoo_src = os.environ.get("ODOO_SRC")
    if not odoo_src or not (Path(odoo_src) / "odoo-bin").exists():
        sys.exit("ODOO_SRC is not set: source build/env.sh (or run 'make bench')")
    cmd = [sys.executable, str(Path(odoo_src) / "odoo-bin"), "-c", str(CONF), "-d", db,
           "--stop-after-init", "--log-level=warn", "--without-demo=all", *args]
    if addons_path:
        cmd.append(f"--addons-path={addons_path}")
    if subprocess.run(cmd, cwd=REPO, check=False).returncode:
        sys.exit(f"odoo-bin {' '.join(args)} failed on {db}")


def worker(step, db, **options):
    """Run ``step`` of this script in a fresh Python process; return its JSON result."""
    cmd = [sys.executable, __file__, "--worker", step, "--db", db]
    for key, value in options.items():
        if value is not None:
            cmd += [f"--{key.replace('_', '-')}", str(value)]
    proc = subprocess.run(cmd, cwd=REPO, check=False, stdout=subprocess.PIPE, text=True)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT):])
        else:
            print(line)
    if proc.returncode or result is None:
        sys.exit(f"worker {step} on {db} failed (exit {proc.returncode})")
    return result


def drop_db(db):
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    shutil.rmtree(REPO / "build" / "data" / "filestore" / db, ignore_errors=True)


def copy_db(source, target):
    drop_db(target)
    subprocess.run(["createdb", "-T", source, target], check=True)
    filestore = REPO / "build" / "data" / "filestore"
    if (filestore / source).exists():
        shutil.copytree(filestore / source, filestore / target)


def build_base(rebuild):
    exists = subprocess.run(
        ["psql", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{BASE_DB}'", "postgres"],
        check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    if exists and not rebuild:
        # a base left by an earlier run is reused only if its addon is up to date
        say(f"updating account_dunning_be in {BASE_DB}")
        odoo_bin(BASE_DB, "-u", "account_dunning_be")
    else:
        say(f"building {BASE_DB}: base, Belgian main company, account_dunning_be")
        drop_db(BASE_DB)
        odoo_bin(BASE_DB, "-i", "base")
        worker("company", BASE_DB)
        odoo_bin(BASE_DB, "-i", "account_dunning_be")
    info = worker("chart", BASE_DB)
    say(f"chart {info['chart']}, dunning levels: {', '.join(info['levels'])}")


def peer_addons_ready(peer_addons):
    """The addons directory holding the peer, installed from its wheel when missing.

    ``pip install --no-deps --target`` puts the wheel's ``odoo/addons/<module>`` under
    ``peer_addons`` (outside the repository: never a dependency of the project). The
    peer's manifest must depend only on modules already on the addons path.
    """
    import ast

    addons = Path(peer_addons) / "odoo" / "addons"
    manifest = addons / PEER_MODULE / "__manifest__.py"
    if not manifest.exists():
        say(f"installing the {PEER_MODULE} 18.0 wheel into {peer_addons} "
            "(pip install --no-deps --target)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile",
                        "--upgrade", "-q", "--target", str(peer_addons), PEER_WHEEL],
                       check=True)
    depends = ast.literal_eval(manifest.read_text()).get("depends", [])
    roots = [Path(p) for p in os.environ.get("ADDONS_PATH", "").split(",") if p] + [addons]
    missing = [dep for dep in depends
               if not any((root / dep / "__manifest__.py").exists() for root in roots)]
    if missing:
        sys.exit(f"{PEER_MODULE} needs {', '.join(missing)}, not on the addons path: "
                 f"install their wheels into {peer_addons} the same way")
    return addons


def bench_size(args, customers, per_customer, today):
    say(f"=== {customers} customers x {per_customer} invoices = {customers * per_customer}")
    copy_db(BASE_DB, DB)
    seeded = worker("seed", DB, customers=customers, per_customer=per_customer, today=today)
    say(f"seeded {seeded['invoices']} invoices in {seeded['seconds']:.1f}s "
        f"({seeded['due']} due for dunning on {today})")
    row = {"customers": customers, "invoices": seeded["invoices"], "due": seeded["due"]}
    say("measuring account_dunning_be (account.dunning.escalation._escalate)")
    row["ours"] = best_of(args.repeat, "ours", DB, today=today)
    if args.tracemalloc:
        row["ours"]["heap_mb"] = worker("ours", DB, today=today, mode="tracemalloc")["heap_mb"]
    if args.profile_sql:
        row["profile"] = worker("ours", DB, today=today, mode="profile",
                                top=args.profile_sql)["profile"]
    if args.cprofile:
        row["cprofile"] = worker("ours", DB, today=today, mode="cprofile",
                                 top=args.cprofile)["cprofile"]
    if not args.skip_peer:
        addons = peer_addons_ready(args.peer_addons)
        peer_path = f"{os.environ.get('ADDONS_PATH', '')},{addons}".strip(",")
        say(f"{PEER_DB}: copy of {DB} with {PEER_MODULE} installed")
        copy_db(DB, PEER_DB)
        odoo_bin(PEER_DB, "-i", PEER_MODULE, addons_path=peer_path)
        worker("peer_setup", PEER_DB, addons_path=peer_path)
        say(f"measuring {PEER_MODULE} (credit.control.run.generate_credit_lines)")
        row["peer"] = best_of(args.repeat, "peer", PEER_DB, today=today, addons_path=peer_path)
        if args.tracemalloc:
            row["peer"]["heap_mb"] = worker("peer", PEER_DB, today=today, mode="tracemalloc",
                                            addons_path=peer_path)["heap_mb"]
    return row


def best_of(repeat, step, db, **options):
    """The fastest of ``repeat`` measurements, each in its own process (others: ``runs``)."""
    results = [worker(step, db, **options) for _i in range(max(repeat, 1))]
    best = min(results, key=lambda result: result["seconds"])
    best["runs"] = [round(result["seconds"], 2) for result in results]
    return best


def bench_cron(args, customers, per_customer, today):
    say(f"=== cron: {customers} customers x {per_customer} invoices = "
        f"{customers * per_customer}, batches of {args.batch_size} customers")
    copy_db(BASE_DB, DB)
    seeded = worker("seed", DB, customers=customers, per_customer=per_customer, today=today)
    say(f"seeded {seeded['invoices']} invoices in {seeded['seconds']:.1f}s "
        f"({seeded['due']} due for dunning on {today})")
    say("running account.move._cron_account_dunning until nothing remains (commits)")
    result = worker("cron", DB, today=today, batch_size=args.batch_size)
    result.update(customers=customers, invoices=seeded["invoices"], due=seeded["due"],
                  batch_size=args.batch_size)
    return result


def print_cron_report(result, today):
    import statistics

    batches = result["batches"]
    seconds = [batch["seconds"] for batch in batches]
    print(f"\nCron run on {today}: {result['invoices']} invoices ({result['customers']} "
          f"customers, {result['due']} due), batches of {result['batch_size']} customers, "
          f"{os.cpu_count()} CPUs\n")
    print(f"  {'batches (calls)':34} {len(batches):>10}")
    print(f"  {'batch seconds: max':34} {max(seconds):>10.2f}")
    print(f"  {'batch seconds: median':34} {statistics.median(seconds):>10.2f}")
    print(f"  {'batch seconds: first / last':34} {seconds[0]:>10.2f} / {seconds[-1]:.2f}")
    print(f"  {'total seconds (calls)':34} {sum(seconds):>10.2f}")
    print(f"  {'SQL queries (per invoice)':34} {result['queries']:>10d} "
          f"({result['queries'] / result['invoices']:.3f})")
    print(f"  {'queries per batch: max':34} {max(b['queries'] for b in batches):>10d}")
    print(f"  {'peak RSS MB (process)':34} {result['peak_rss_mb']:>10.0f}")
    print(f"  {'letters / letter lines':34} {result['letters']:>10d} / {result['lines']}")
    print(f"  {'customers left due':34} {result['left_due']:>10d}")
    print("\n  batch  customers  remaining  seconds  queries  RSS MB")
    for i, batch in enumerate(batches, start=1):
        if i <= 3 or i > len(batches) - 3 or i % 10 == 0:
            print(f"  {i:5d}  {batch['done']:9d}  {batch['remaining']:9d}  "
                  f"{batch['seconds']:7.2f}  {batch['queries']:7d}  {batch['rss_mb']:6.0f}")
    checks = [
        ("no batch over 60 s", max(seconds) < 60, f"max {max(seconds):.1f} s"),
        ("fewer than 0.05 queries per invoice", result["queries"] / result["invoices"] < 0.05,
         f"{result['queries'] / result['invoices']:.3f}"),
        ("under 1 GB (peak RSS)", result["peak_rss_mb"] < 1024,
         f"{result['peak_rss_mb']:.0f} MB"),
        ("every customer got its letter", result["letters"] == result["customers"],
         f"{result['letters']} letters"),
    ]
    print(f"\nTargets (cron, {result['invoices']} invoices):")
    for label, ok, value in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def print_report(rows, today):
    print(f"\nDunning run on {today}: account_dunning_be vs OCA {PEER_MODULE} 18.0 "
          f"(same data, one process per measurement, {os.cpu_count()} CPUs)\n")
    metrics = [
        ("wall seconds", "seconds", ".2f"),
        ("SQL queries", "queries", "d"),
        ("queries / invoice", "queries_per_invoice", ".3f"),
        ("peak RSS MB (process)", "peak_rss_mb", ".0f"),
        ("RSS growth MB (run)", "rss_growth_mb", ".0f"),
        ("tracemalloc peak MB", "heap_mb", ".0f"),
        ("letters / communications", "documents", "d"),
        ("letter lines / credit lines", "lines", "d"),
        ("invoices per second", "invoices_per_second", ".0f"),
    ]
    for row in rows:
        head = (f"{row['invoices']} invoices ({row['customers']} customers, "
                f"{row['due']} due)")
        print(head)
        print(f"  {'':30} {'account_dunning_be':>20} {PEER_MODULE:>24}")
        for label, key, spec in metrics:
            ours = row["ours"].get(key)
            peer = row.get("peer", {}).get(key)
            if ours is None and peer is None:
                continue
            print(f"  {label:30} {fmt(ours, spec):>20} {fmt(peer, spec):>24}")
        if len(row["ours"].get("runs", [])) > 1:
            runs = [" ".join(map(str, row[side]["runs"])) for side in ("ours", "peer")
                    if row.get(side)]
            print(f"  {'all runs (s)':30} " + " ".join(f"{r:>20}" for r in runs[:1])
                  + (f" {runs[1]:>24}" if len(runs) > 1 else ""))
        if row.get("peer"):
            print(f"  {'speed-up (peer s / ours s)':30} "
                  f"{row['peer']['seconds'] / row['ours']['seconds']:>20.1f}x")
        print()
    big = max(rows, key=lambda r: r["invoices"])
    ours = big["ours"]
    checks = [
        (f"{big['invoices']} invoices under 60 s", ours["seconds"] < 60,
         f"{ours['seconds']:.1f} s"),
        ("fewer than 0.05 queries per invoice", ours["queries_per_invoice"] < 0.05,
         f"{ours['queries_per_invoice']:.3f}"),
        ("under 1 GB (peak RSS)", ours["peak_rss_mb"] < 1024, f"{ours['peak_rss_mb']:.0f} MB"),
    ]
    if big.get("peer"):
        ratio = big["peer"]["seconds"] / ours["seconds"]
        checks.append(("at least 5x faster than the peer", ratio >= 5, f"{ratio:.1f}x"))
    print(f"Targets ({big['invoices']} invoices):")
    for label, ok, value in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")
    for row in rows:
        if row.get("profile"):
            print(f"\nMost frequent statements of _escalate, {row['invoices']} invoices "
                  f"({row['profile']['total']} queries):")
            for item in row["profile"]["top"]:
                print(f"  {item['count']:6d}  {item['ms']:8.0f} ms  {item['sql']}")
                print(f"  {'':6}  {'':8}     at {item['caller']}")


def print_cprofile(rows):
    for row in rows:
        if row.get("cprofile"):
            print(f"\ncProfile of _escalate, {row['invoices']} invoices "
                  "(times inflated by the profiler):")
            for line in row["cprofile"]:
                print(f"  {line}")


def working_day(day=None):
    """``day`` if it is a Belgian working day (exit otherwise); by default the last one
    on or before today."""
    sys.path.insert(0, str(REPO / "account_dunning_be"))
    import law  # pure Python: no Odoo import

    if day is not None:
        if not law.is_working_day(day):
            sys.exit(f"--today {day} is not a Belgian working day: the customers without "
                     "e-mail would get no letter (paper letters wait for a working day)")
        return day
    day = date.today()
    while not law.is_working_day(day):
        day -= timedelta(days=1)
    return day


def use_prefix(prefix):
    global BASE_DB, DB, PEER_DB
    BASE_DB, DB, PEER_DB = f"{prefix}_base", f"{prefix}_ours", f"{prefix}_peer"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int)
    parser.add_argument("--invoices-per-customer", type=int, default=5)
    parser.add_argument("--today", type=date.fromisoformat,
                        help="a Belgian working day (default: the last one up to today)")
    parser.add_argument("--db-prefix", default=DB_PREFIX,
                        help="databases <prefix>_base, <prefix>_ours, <prefix>_peer")
    parser.add_argument("--cron", action="store_true",
                        help="run the cron's batches instead (default 20000 x 5, no peer)")
    parser.add_argument("--batch-size", type=int, default=200,
                        help="customers per cron call (the cron's default: 200)")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--peer-addons", default="/opt/odoo/bench-addons",
                        help="where the peer's wheel is installed (outside the repository)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each side this many times, keep the fastest")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--profile-sql", type=int, default=0, metavar="N")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="add a cProfile run of ours and list its N costliest functions")
    parser.add_argument("--rebuild", action="store_true",
                        help=f"rebuild {BASE_DB} even if it exists")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    os.chdir(REPO)
    use_prefix(args.db_prefix)
    args.today = working_day(args.today)
    if args.cron:
        build_base(args.rebuild)
        result = bench_cron(args, args.customers or 20000, args.invoices_per_customer,
                            args.today)
        print_cron_report(result, args.today)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1, default=str))
        return
    sizes = ([(args.customers, args.invoices_per_customer)] if args.customers
             else [(200, 5), (2000, 5)])
    build_base(args.rebuild)
    rows = [bench_size(args, customers, per, args.today) for customers, per in sizes]
    print_report(rows, args.today)
    print_cprofile(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, default=str))


# ------------------------------------------------------------------------------------------
# workers (one Odoo registry each)
# ------------------------------------------------------------------------------------------

def open_env(db, addons_path=None):
    import odoo
    from odoo.modules.registry import Registry

    options = ["-c", str(CONF), "-d", db, "--log-level=warn"]
    if addons_path:
        options.append(f"--addons-path={addons_path}")
    odoo.tools.config.parse_config(options)
    return Registry.new(db)


def emit(result):
    print(RESULT + json.dumps(result, default=str), flush=True)


def step_company(env, opts):
    """The main company is Belgian (and in EUR) before accounting is installed."""
    eur = env.ref("base.EUR")
    eur.active = True
    company = env.ref("base.main_company")
    company.write({"name": "Bench Belgium SRL", "country_id": env.ref("base.be").id,
                   "currency_id": eur.id, "email": "compta@bench.example",
                   "street": "Rue de la Loi 16", "zip": "1000", "city": "Bruxelles"})
    company.partner_id.is_company = True
    return {}


def step_chart(env, opts):
    company = env.ref("base.main_company")
    if company.chart_template != "be_comp":
        env["account.chart.template"].try_loading("be_comp", company, install_demo=False)
    assert company.chart_template == "be_comp", company.chart_template
    levels = env["account.dunning.level"].search([("company_id", "=", company.id)])
    if not levels:
        raise SystemExit("no dunning levels on the Belgian company after loading be_comp")
    return {"chart": company.chart_template,
            "levels": [f"{lv.name} (+{lv.delay}d)" for lv in levels]}


def due_offset(customer, invoice):
    """Days between the due date and today: 20 to 60."""
    return 20 + (customer * 7 + invoice * 13) % 41


def step_seed(env, opts):
    from odoo import Command
    from odoo.tools import SQL

    began = time.perf_counter()
    today = date.fromisoformat(opts.today)
    n, m = opts.customers, opts.per_customer
    company = env.ref("base.main_company")
    cr = env.cr
    ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
               mail_notrack=True)
    Partner = env["res.partner"].with_context(ctx)
    customers = Partner.create([{
        "name": f"Bench Customer {i:05d}",
        "is_company": i % 2 == 0,                      # half B2B, half consumers
        "email": f"customer{i:05d}@bench.example" if i % 10 else False,  # 10% by post
        "street": f"Rue du Bench {i}", "zip": "1000", "city": "Bruxelles",
        "country_id": env.ref("base.be").id,
    } for i in range(n)])

    # one template invoice per shape, through the ORM, for the first customer
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    tax = company.account_sale_tax_id
    Move = env["account.move"].with_context(ctx)
    templates = Move.create([{
        "move_type": "out_invoice",
        "partner_id": customers[0].id,
        "journal_id": journal.id,
        "invoice_date": today - timedelta(days=due_offset(0, j) + 30),
        "invoice_date_due": today - timedelta(days=due_offset(0, j)),
        "invoice_line_ids": [
            Command.create({"name": f"Service {j}.{k}", "quantity": 1 + k,
                            "price_unit": 100.0 + 37.5 * j + 11 * k,
                            "tax_ids": [Command.set(tax.ids)]})
            for k in range(1 + j % 3)                 # 1 to 3 product lines
        ],
    } for j in range(m)])
    templates.action_post()
    templates.flush_recordset()
    if not all(templates.mapped("dunning_next_date")):
        raise SystemExit("the template invoices have no dunning_next_date")
    env.flush_all()

    # clones: customers 1..n-1, in SQL
    cr.execute("""CREATE TEMP TABLE bench_map (
        new_id int, tmpl_id int, partner_id int, shift int, seq int) ON COMMIT DROP""")
    rows, seq = [], 100000
    for i, customer in enumerate(customers[1:], start=1):
        for j, template in enumerate(templates):
            seq += 1
            rows.append((template.id, customer.id, due_offset(0, j) - due_offset(i, j), seq))
    from psycopg2.extras import execute_values
    execute_values(cr._obj, "INSERT INTO bench_map (tmpl_id, partner_id, shift, seq) VALUES %s",
                   rows, page_size=5000)
    cr.execute("UPDATE bench_map SET new_id = nextval('account_move_id_seq')")

    def columns(table):
        cr.execute("SELECT column_name FROM information_schema.columns "
                   "WHERE table_schema = current_schema() AND table_name = %s", (table,))
        return [name for [name] in cr.fetchall()]

    def clone(table, overrides, source):
        cols = columns(table)
        select = ", ".join(overrides.get(col, f"t.{col}") for col in cols)
        cr.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} {source}")
        return cr.rowcount

    new_name = ("regexp_replace(t.sequence_prefix, '[0-9]{4}', "
                "to_char(t.date + m.shift, 'YYYY')) || m.seq::text")
    shifted = lambda col: f"t.{col} + m.shift"  # noqa: E731
    moves = clone("account_move", {
        "id": "m.new_id", "name": new_name,
        "sequence_prefix": "regexp_replace(t.sequence_prefix, '[0-9]{4}', "
                           "to_char(t.date + m.shift, 'YYYY'))",
        "sequence_number": "m.seq", "made_sequence_gap": "false",
        "partner_id": "m.partner_id", "commercial_partner_id": "m.partner_id",
        "partner_shipping_id": "m.partner_id", "invoice_partner_display_name": "p.name",
        "payment_reference": new_name,
        "date": shifted("date"), "invoice_date": shifted("invoice_date"),
        "invoice_date_due": shifted("invoice_date_due"),
        "dunning_next_date": shifted("dunning_next_date"),
        "dunning_level_id": "NULL", "dunning_last_date": "NULL", "dunning_file_id": "NULL",
        "access_token": "NULL", "inalterable_hash": "NULL", "secure_sequence_number": "NULL",
        "message_main_attachment_id": "NULL",
        "create_date": "now() at time zone 'UTC'", "write_date": "now() at time zone 'UTC'",
    }, "FROM bench_map m JOIN account_move t ON t.id = m.tmpl_id "
       "JOIN res_partner p ON p.id = m.partner_id")
    cr.execute("""CREATE TEMP TABLE bench_line_map ON COMMIT DROP AS
        SELECT nextval('account_move_line_id_seq')::int AS new_id, l.id AS old_id,
               m.new_id AS move_id, m.partner_id, m.shift
          FROM bench_map m JOIN account_move_line l ON l.move_id = m.tmpl_id""")
    lines = clone("account_move_line", {
        "id": "m.new_id", "move_id": "m.move_id", "move_name": "am.name",
        "partner_id": "CASE WHEN t.partner_id IS NULL THEN NULL ELSE m.partner_id END",
        "date": shifted("date"), "invoice_date": shifted("invoice_date"),
        "date_maturity": shifted("date_maturity"),
        "create_date": "now() at time zone 'UTC'", "write_date": "now() at time zone 'UTC'",
    }, "FROM bench_line_map m JOIN account_move_line t ON t.id = m.old_id "
       "JOIN account_move am ON am.id = m.move_id")
    for model, mapping in (("account.move", "bench_map"), ("account.move.line", "bench_line_map")):
        old = "tmpl_id" if mapping == "bench_map" else "old_id"
        for field in env[model]._fields.values():
            if field.type == "many2many" and field.store:
                rel, col1, col2 = field.relation, field.column1, field.column2
                cr.execute(f"""INSERT INTO "{rel}" ("{col1}", "{col2}")
                    SELECT m.new_id, r."{field.column2}" FROM {mapping} m
                      JOIN "{field.relation}" r ON r."{field.column1}" = m.{old}
                    ON CONFLICT DO NOTHING""")
    env.invalidate_all()
    env.registry.clear_cache()
    cr.commit()
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE res_partner")
    cr.commit()

    # what the ORM sees
    Move = env["account.move"]
    invoices = Move.search([("move_type", "=", "out_invoice"),
                            ("partner_id", "in", customers.ids)])
    due = Move.search_count(Move._get_dunning_due_domain(today))
    expected = n * m
    assert len(invoices) == expected == moves + m, (len(invoices), expected, moves)
    assert due == expected, f"{due} of {expected} invoices due for dunning"
    assert set(invoices.mapped("payment_state")) == {"not_paid"}
    assert all(inv.amount_residual > 0 for inv in invoices)
    assert invoices.commercial_partner_id == customers
    # due for the first letter: no file yet, next date = due + first delay + grace
    assert not env["account.dunning.file"].search_count([]), "dunning files before the run"
    Level = env["account.dunning.level"]
    first = Level._next_level(Level._get_ladders(company)[company.id], Level)
    cr.execute(SQL(
        """SELECT count(*) FROM account_move WHERE id = ANY(%s) AND (dunning_file_id IS NOT NULL
               OR dunning_next_date IS DISTINCT FROM invoice_date_due + %s)""",
        invoices.ids, first.delay + company.dunning_grace_days))
    [wrong] = cr.fetchone()
    assert not wrong, f"{wrong} invoices without the next date the compute gives"
    return {"invoices": expected, "due": due, "lines": lines + len(templates.line_ids),
            "seconds": time.perf_counter() - began}


def measure(env, opts, run, count):
    """Time ``run(env)`` (flush included), count its queries and memory; roll back."""
    import resource
    import tracemalloc

    import odoo.sql_db

    mode = opts.mode or "plain"
    env.cr.rollback()
    result = {}
    stats = None
    if mode == "profile":
        stats = profile_statements()
    if mode == "tracemalloc":
        tracemalloc.start()
    if mode == "cprofile":
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queries_before = odoo.sql_db.sql_counter
    began = time.perf_counter()
    documents = run(env)
    env.flush_all()
    seconds = time.perf_counter() - began
    queries = odoo.sql_db.sql_counter - queries_before
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if mode == "tracemalloc":
        result["heap_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    if mode == "cprofile":
        profiler.disable()
        profiler.dump_stats(f"/tmp/dunning_bench_{opts.worker}.prof")  # for pstats / snakeviz
        result["cprofile"] = cprofile_report(profiler, opts.top)
    if stats is not None:
        stats.stop()
        result["profile"] = stats.report(opts.top)
    documents_count, lines_count, invoices = count(env, documents)
    env.cr.rollback()
    result.update({
        "seconds": seconds, "queries": queries,
        "queries_per_invoice": queries / max(invoices, 1),
        "peak_rss_mb": rss_after, "rss_growth_mb": rss_after - rss_before,
        "documents": documents_count, "lines": lines_count,
        "invoices_per_second": invoices / seconds if seconds else None,
    })
    return result


def cprofile_report(profiler, top):
    """The ``top`` functions by own time and by cumulated time, as text lines."""
    import io
    import pstats

    lines = []
    for sort in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort).print_stats(top)
        text = out.getvalue()
        lines.append(f"-- by {sort}")
        lines += [line for line in text.splitlines()[text.splitlines().index(next(
            x for x in text.splitlines() if x.strip().startswith("ncalls"))):] if line.strip()]
    return lines


class profile_statements:
    """Count the statements run through odoo.sql_db.Cursor.execute, with their caller."""

    def __init__(self):
        import odoo.sql_db

        self.cursor_class = odoo.sql_db.Cursor
        self.original = original = self.cursor_class.execute
        self.counts = Counter()
        self.ms = defaultdict(float)
        self.callers = defaultdict(Counter)
        stats = self

        def execute(cursor, query, params=None, log_exceptions=True):
            sql = str(getattr(query, "code", query))
            sql = re.sub(r"\s+", " ", sql).strip()
            sql = re.sub(r"\b\d+\b", "N", sql)
            began = time.perf_counter()
            try:
                return original(cursor, query, params, log_exceptions)
            finally:
                stats.counts[sql] += 1
                stats.ms[sql] += (time.perf_counter() - began) * 1000
                stats.callers[sql][stats.caller()] += 1

        self.cursor_class.execute = execute

    @staticmethod
    def caller():
        frame = sys._getframe(2)
        odoo_frame = None
        while frame:
            name = frame.f_code.co_filename
            if "account_dunning_be" in name:
                return f"{name.split('account_dunning_be/')[-1]}:{frame.f_lineno} " \
                       f"{frame.f_code.co_name}" + (f" > {odoo_frame}" if odoo_frame else "")
            if odoo_frame is None and "sql_db" not in name and "/odoo/" in name:
                odoo_frame = f"{name.split('/odoo/')[-1]}:{frame.f_lineno} {frame.f_code.co_name}"
            frame = frame.f_back
        return odoo_frame or "?"

    def stop(self):
        self.cursor_class.execute = self.original

    def report(self, top):
        return {"total": sum(self.counts.values()), "top": [
            {"count": count, "ms": self.ms[sql], "sql": sql[:300],
             "caller": self.callers[sql].most_common(1)[0][0]}
            for sql, count in self.counts.most_common(top)
        ]}


def step_ours(env, opts):
    today = date.fromisoformat(opts.today)
    due = env["account.move"].search_count(env["account.move"]._get_dunning_due_domain(today))
    env.invalidate_all()

    customers = len(env["account.move"]._read_group(
        env["account.move"]._get_dunning_due_domain(today), ["commercial_partner_id"]))
    env.invalidate_all()

    def run(env):
        return env["account.dunning.escalation"]._escalate(today)

    def count(env, letters):
        lines = env["account.dunning.letter.line"].search_count([("letter_id", "in", letters.ids)])
        if len(letters.partner_id) != customers or lines != due:
            raise SystemExit(f"{len(letters)} letters for {customers} customers due, "
                             f"{lines} lines for {due} invoices")
        return len(letters), lines, due

    return measure(env, opts, run, count)


def step_cron(env, opts):
    """The cron as Odoo's runner calls it: a progress record in the context, the job's
    ``lastcall``, one call per batch, a commit after each, until nothing remains."""
    import resource
    from datetime import datetime

    import freezegun

    import odoo.sql_db

    clock = time.perf_counter  # the real one: freezegun replaces time.perf_counter
    today = date.fromisoformat(opts.today)
    Move = env["account.move"]
    due = Move.search_count(Move._get_dunning_due_domain(today))
    cron = env.ref("account_dunning_be.ir_cron_account_dunning")
    lastcall = datetime.combine(today - timedelta(days=1), datetime.min.time())
    env.cr.commit()
    batches = []
    queries_before = odoo.sql_db.sql_counter
    with freezegun.freeze_time(datetime.combine(today, datetime.min.time()).replace(hour=2)):
        while True:
            cron_env = cron.with_context(lastcall=lastcall, cron_id=cron.id)
            cron_env, progress = cron_env._add_progress()
            env.cr.commit()
            before = odoo.sql_db.sql_counter
            began = clock()
            env["account.move"].with_context(cron_env.env.context)._cron_account_dunning(
                batch_size=opts.batch_size)
            env.cr.commit()  # flushes, as the runner's commit
            seconds = clock() - began
            queries = odoo.sql_db.sql_counter - before
            batches.append({
                "seconds": seconds, "queries": queries,
                "done": progress.done, "remaining": progress.remaining,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            })
            say(f"batch {len(batches)}: {progress.done} customers in {seconds:.2f}s, "
                f"{queries} queries, {progress.remaining} remaining")
            if not progress.remaining or not progress.done:
                break
            if len(batches) > 10 * (due // max(opts.batch_size, 1) + 2):
                raise SystemExit("the cron does not converge")
    queries = odoo.sql_db.sql_counter - queries_before
    env.invalidate_all()
    letters = env["account.dunning.letter"].search_count([])
    lines = env["account.dunning.letter.line"].search_count([])
    left_due = len(Move._read_group(Move._get_dunning_due_domain(today),
                                    ["commercial_partner_id"]))
    return {"batches": batches, "queries": queries, "letters": letters, "lines": lines,
            "left_due": left_due,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def step_peer_setup(env, opts):
    company = env.ref("base.main_company")
    policy = env.ref("account_credit_control.credit_control_3_time")
    receivable = env["account.account"].search([
        ("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)])
    policy.write({"account_ids": [(6, 0, receivable.ids)], "company_id": company.id})
    first = policy.level_ids.sorted("level")[:1]
    first.write({"delay_days": 7, "computation_mode": "net_days"})  # like our first level
    company.credit_policy_id = policy
    return {"policy": policy.name, "levels": len(policy.level_ids)}


def step_peer(env, opts):
    today = date.fromisoformat(opts.today)
    company = env.ref("base.main_company")
    invoices = env["account.move"].search_count(
        env["account.move"]._get_dunning_due_domain(today))
    env.invalidate_all()

    def run(env):
        ctl_run = env["credit.control.run"].create({
            "date": today, "company_id": company.id,
            "policy_ids": [(6, 0, company.credit_policy_id.ids)]})
        ctl_run.generate_credit_lines()
        return ctl_run

    def count(env, ctl_run):
        # the peer groups its lines into communications in a later, separate step
        return None, len(ctl_run.line_ids), invoices

    return measure(env, opts, run, count)


WORKERS = {"company": step_company, "chart": step_chart, "seed": step_seed,
           "ours": step_ours, "peer_setup": step_peer_setup, "peer": step_peer,
           "cron": step_cron}


def worker_main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=WORKERS, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path")
    parser.add_argument("--customers", type=int)
    parser.add_argument("--per-customer", type=int)
    parser.add_argument("--today")
    parser.add_argument("--mode", choices=["plain", "tracemalloc", "profile", "cprofile"])
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=200)
    opts = parser.parse_args(argv)
    import odoo

    registry = open_env(opts.db, opts.addons_path)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result = WORKERS[opts.worker](env, opts)
        if opts.worker in ("company", "chart", "peer_setup"):
            cr.commit()
    emit(result)


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker_main(sys.argv[1:])
    else:
        main()
