"""An upgrade keeps the accountant's data; an uninstall leaves nothing behind.

Subprocess tests, not Odoo test cases: each works on a copy of the pristine database
named by ``DUNNING_TEST_TEMPLATE`` (``make test`` creates it: the test database with
account_dunning_be installed, before any test ran), runs ``odoo-bin`` or a small Python
script with the Odoo registry on it, and drops the copy at the end. They need the Odoo
tree on PYTHONPATH (``ODOO_SRC``, from build/env.sh), ``build/odoo.conf`` and the
PostgreSQL client tools (createdb, dropdb, psql). Run them through ``make test``.
"""

import configparser
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from release_db import addon_warnings

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "build" / "odoo.conf"
MODULE = "account_dunning_be"


def template_db():
    name = os.environ.get("DUNNING_TEST_TEMPLATE")
    if not name:
        pytest.fail("DUNNING_TEST_TEMPLATE is not set: run these tests with 'make test', "
                    "which creates the template database they copy")
    if not CONF.exists():
        pytest.fail(f"{CONF} is missing: run 'make test' (or 'make setup')")
    return name


def odoo_src():
    src = os.environ.get("ODOO_SRC")
    if not src or not (Path(src) / "odoo-bin").exists():
        pytest.fail("ODOO_SRC is not set to an Odoo 18.0 tree: run 'make test'")
    return Path(src)


def run(cmd, timeout=900):
    env = dict(os.environ, PYTHONPATH=str(odoo_src()))
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout,
                          cwd=REPO, env=env)
    assert proc.returncode == 0, f"{cmd[:4]} failed ({proc.returncode}):\n" \
                                 f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def psql(db, query):
    return run(["psql", "-X", "-q", "-tA", "-d", db, "-c", query]).stdout.strip()


def filestore(db):
    config = configparser.ConfigParser()
    config.read(CONF)
    return Path(config["options"]["data_dir"]) / "filestore" / db


def odoo_python(db, body):
    """Run ``body`` with ``env`` (superuser) on ``db``; commit; return its ``result``."""
    code = textwrap.dedent("""
        import json, sys
        import odoo
        from odoo.modules.registry import Registry
        odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2],
                                        "--log-level=warn"])
        result = None
        with Registry(sys.argv[2]).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    """) + textwrap.indent(textwrap.dedent(body), " " * 4) + textwrap.dedent("""
        print("RESULT " + json.dumps(result, default=str))
    """)
    proc = run([sys.executable, "-c", code, str(CONF), db])
    line = next(ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


@pytest.fixture
def db_copy(request):
    """A copy of the template database (and its filestore), dropped afterwards."""
    template = template_db()
    # dunning_test_template -> dunning_test_upgrade, dunning_test_uninstall
    purpose = request.node.name.split("_")[1]
    name = f"{template.removesuffix('_template')}_{purpose}"[:63]
    run(["dropdb", "--if-exists", "--force", name])
    run(["createdb", "-T", template, name])
    target = filestore(name)
    shutil.rmtree(target, ignore_errors=True)
    for source in (filestore(template), filestore(template.removesuffix("_template"))):
        if source.is_dir():
            shutil.copytree(source, target)
            break
    yield name
    run(["dropdb", "--if-exists", "--force", name])
    shutil.rmtree(target, ignore_errors=True)


EDIT_DATA = """
    Level = env["account.dunning.level"].with_context(active_test=False)
    if not Level.search_count([]):
        # the test database's main company has the generic chart: the shipped levels
        # come with the Belgian chart, as for an accountant's Belgian company
        company = env["res.company"].create({
            "name": "Upgrade Test SRL", "country_id": env.ref("base.be").id,
            "currency_id": env.ref("base.EUR").id,
        })
        env["account.chart.template"].try_loading("be_comp", company, install_demo=False)
    levels = Level.search([], order="company_id, sequence, id")
    assert len(levels) >= 2, "no shipped dunning levels to edit"
    first, second = levels[0], levels[1]
    first.with_context(lang="en_US").name = "Friendly reminder (edited)"
    env.flush_all()  # the two edits come from two users, in two transactions
    if env["res.lang"]._lang_get("fr_BE"):
        first.with_context(lang="fr_BE").name = "Rappel amical (modifié)"
    first.delay = first.delay + 3
    second.active = False
    mine = first.copy({"name": "Level added by the accountant", "sequence": 99})
    rates = env["account.dunning.rate"].search([], order="date_from, id")
    assert len(rates) >= 2, "no shipped rate rows to edit"
    rates[0].note = "checked by the accountant"
    deleted_rate = [rates[1].kind, str(rates[1].date_from)]
    rates[1].unlink()
    result = {
        "first": first.id, "first_delay": first.delay, "second": second.id,
        "mine": mine.id, "rate": rates[0].id, "deleted_rate": deleted_rate,
        "levels": len(levels) + 1, "rates": len(rates) - 1,
    }
"""

READ_DATA = """
    Level = env["account.dunning.level"].with_context(active_test=False)
    Rate = env["account.dunning.rate"]
    first = Level.browse(%(first)d)
    kind, date_from = %(deleted_rate)r
    result = {
        "first_en": first.with_context(lang="en_US").name,
        "first_fr": first.with_context(lang="fr_BE").name,
        "first_delay": first.delay,
        "second_active": Level.browse(%(second)d).active,
        "mine": Level.browse(%(mine)d).exists().name,
        "rate_note": Rate.browse(%(rate)d).note,
        "deleted_rate_back": Rate.search_count(
            [("kind", "=", kind), ("date_from", "=", date_from)]),
        "levels": Level.search_count([]),
        "rates": Rate.search_count([]),
        "state": env["ir.module.module"].search([("name", "=", "%(module)s")]).state,
    }
"""


def test_upgrade_keeps_data(db_copy):
    before = odoo_python(db_copy, EDIT_DATA)
    # the edited name in every language, as stored (en_US may be inactive in the test
    # database: a French edit then also sets the English source)
    names_sql = f"SELECT name::text FROM account_dunning_level WHERE id = {before['first']}"
    names_before = psql(db_copy, names_sql)
    assert "(edited)" in names_before or "(modifié)" in names_before, names_before
    proc = run([sys.executable, str(odoo_src() / "odoo-bin"), "-c", str(CONF), "-d", db_copy,
                "-u", MODULE, "--stop-after-init", "--log-level=warn"])
    errors = [ln for ln in (proc.stdout + proc.stderr).splitlines()
              if " ERROR " in ln or " CRITICAL " in ln]
    assert not errors, "\n".join(errors)
    warnings = addon_warnings(proc.stdout + proc.stderr)
    assert not warnings, "the upgrade warns:\n" + "\n\n".join(warnings)
    assert psql(db_copy, names_sql) == names_before, "the upgrade changed an edited name"
    after = odoo_python(db_copy, READ_DATA % {**before, "module": MODULE})
    assert after["state"] == "installed"
    assert after["first_delay"] == before["first_delay"]
    assert after["second_active"] is False, "an archived level came back"
    assert after["mine"] == "Level added by the accountant"
    assert after["levels"] == before["levels"]
    assert after["rate_note"] == "checked by the accountant"
    assert after["deleted_rate_back"] == 0, "a rate row the accountant deleted came back"
    assert after["rates"] == before["rates"]


def test_uninstall_cleanly(db_copy):
    models_sql = "SELECT count(*) FROM ir_model WHERE model LIKE 'account.dunning.%'"
    assert int(psql(db_copy, models_sql)) > 0
    odoo_python(db_copy, f"""
        module = env["ir.module.module"].search([("name", "=", "{MODULE}")])
        module.button_immediate_uninstall()
        result = True
    """)
    state = psql(db_copy, f"SELECT state FROM ir_module_module WHERE name = '{MODULE}'")
    assert state == "uninstalled"
    # its dependencies stay
    for dep in ("account", "l10n_be", "mail"):
        assert psql(db_copy, f"SELECT state FROM ir_module_module WHERE name = '{dep}'") \
            == "installed", dep
    assert psql(db_copy, "SELECT model FROM ir_model WHERE model LIKE 'account.dunning%'") == ""
    assert psql(db_copy, "SELECT model || '.' || name FROM ir_model_fields "
                         "WHERE name LIKE 'dunning%'") == ""
    assert psql(db_copy, f"SELECT model || ' ' || name FROM ir_model_data "
                         f"WHERE module = '{MODULE}'") == ""
    assert psql(db_copy, "SELECT table_name FROM information_schema.tables "
                         "WHERE table_schema = 'public' "
                         "AND table_name LIKE 'account\\_dunning%'") == ""
    assert psql(db_copy, "SELECT table_name || '.' || column_name "
                         "FROM information_schema.columns WHERE table_schema = 'public' "
                         "AND column_name LIKE 'dunning\\_%'") == ""
    # and the database still loads
    assert odoo_python(db_copy, "result = len(env['account.move'].search([], limit=1)) >= 0")


def test_install_log_has_no_warning_of_the_addon():
    """A fresh install, as ``make test`` and the demo do it, at the info level: nothing
    of the addon warns (a view showing a field to groups that cannot read it, a field
    defined twice, a missing access rule, ...), and no error at all."""
    name = f"{template_db().removesuffix('_template')}_install"[:63]
    run(["dropdb", "--if-exists", "--force", name])
    shutil.rmtree(filestore(name), ignore_errors=True)
    try:
        proc = run([sys.executable, str(odoo_src() / "odoo-bin"), "-c", str(CONF), "-d", name,
                    "-i", MODULE, "--load-language=fr_BE,nl_BE,de_DE", "--without-demo=all",
                    "--stop-after-init", "--log-level=info"])
        log = proc.stdout + proc.stderr
        assert f"module {MODULE}: creating or updating database tables" in log, \
            "the log at the info level does not show the install"
        warnings = addon_warnings(log)
        assert not warnings, "the install warns:\n" + "\n\n".join(warnings)
    finally:
        run(["dropdb", "--if-exists", "--force", name])
        shutil.rmtree(filestore(name), ignore_errors=True)
