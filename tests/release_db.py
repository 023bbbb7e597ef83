"""Databases built by an earlier release of the addon, taken from the project's history.

A migration is only tested when it runs on a database that the release before it really
built. These helpers do that with nothing but the repository and ``build/`` of the
current checkout:

- ``release_worktree(commit, version)``: a ``git worktree`` of the release's commit in
  a temporary folder outside the working tree (a clone without that commit fails with a
  clear message: the full history is needed), with a ``build/odoo.conf`` whose addons
  path holds the release's addon instead of today's, and the data folder of today's
  configuration (the filestore travels with the database);
- ``build_release_demo(...)``: the release's own ``scripts/demo.py``, run as it is,
  except that it writes no PDF folder (its letters are the database's, the PDFs it would
  write to ``out/`` are not), then a snippet of what a user of that release did with it,
  with the release's own code;
- ``odoo_bin_at(day, ...)`` / ``odoo_python(...)``: today's or the release's Odoo on the
  database, with the clock at ``day`` (Odoo's own tests freeze the clock the same way),
  so that a run gives the same database and the same letters whatever the real date.

Needs what ``make test`` sets up: ``build/env.sh`` sourced (ODOO_SRC, PG* variables) and
``build/odoo.conf``.
"""

import configparser
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "build" / "odoo.conf"
MODULE = "account_dunning_be"


def odoo_src():
    src = os.environ.get("ODOO_SRC")
    if not src or not (Path(src) / "odoo-bin").exists():
        pytest.fail("ODOO_SRC is not set to an Odoo 18.0 tree: run 'make test'")
    if not CONF.exists():
        pytest.fail(f"{CONF} is missing: run 'make test' (or 'make setup')")
    return Path(src)


def run(cmd, timeout=1200, cwd=REPO, check=True):
    env = dict(os.environ, PYTHONPATH=str(odoo_src()))
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=env)
    if check and proc.returncode:
        pytest.fail(f"{' '.join(map(str, cmd[:6]))} failed ({proc.returncode}):\n"
                    f"{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return proc


def git(*args, check=True):
    return run(["git", "-C", str(REPO), *args], check=check)


def psql(db, query):
    return run(["psql", "-X", "-q", "-tA", "-d", db, "-c", query]).stdout.strip()


def psql_json(db, query):
    """The rows of ``query`` as dicts (``query`` selects one json value per row)."""
    out = psql(db, query)
    return [json.loads(line) for line in out.splitlines() if line]


def data_dir():
    config = configparser.ConfigParser()
    config.read(CONF)
    return Path(config["options"]["data_dir"])


def filestore(db):
    return data_dir() / "filestore" / db


def drop_database(db):
    run(["dropdb", "--if-exists", "--force", db])
    shutil.rmtree(filestore(db), ignore_errors=True)


# ---------------------------------------------------------------------------------------
# the release's code
# ---------------------------------------------------------------------------------------

def resolve_release(commit, version):
    """The full hash of ``commit``, checked to be release ``version`` of the addon."""
    found = git("rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}", check=False)
    if found.returncode:
        shallow = git("rev-parse", "--is-shallow-repository", check=False).stdout.strip()
        pytest.fail(
            f"commit {commit} (release {version}) is not in the repository at {REPO}"
            + (" (a shallow clone: run 'git fetch --unshallow')" if shallow == "true" else "")
            + ": the migration test builds that release's database with the release's own "
            "code, taken from the project's history. Test in a full clone.")
    full = found.stdout.strip()
    manifest = git("show", f"{full}:{MODULE}/__manifest__.py").stdout
    match = re.search(r'"version":\s*"([^"]+)"', manifest)
    if not match or match.group(1) != version:
        pytest.fail(f"commit {commit} is version {match and match.group(1)} of {MODULE}, "
                    f"not the release {version} the test names")
    return full


@contextlib.contextmanager
def release_worktree(commit, version):
    """A checkout of release ``version`` (``commit``) outside the working tree, with a
    ``build/odoo.conf`` that loads its addon; removed afterwards."""
    full = resolve_release(commit, version)
    parent = Path(tempfile.mkdtemp(prefix=f"{MODULE}-{version}-"))
    path = parent / "release"
    git("worktree", "add", "--detach", str(path), full)
    try:
        config = configparser.ConfigParser()
        config.read(CONF)
        options = config["options"]
        odoo = odoo_src()
        options["addons_path"] = ",".join(
            [str(odoo / "addons"), str(odoo / "odoo" / "addons"), str(path)])
        options["data_dir"] = str(data_dir())  # the filestore goes with the database
        (path / "build").mkdir()
        with open(path / "build" / "odoo.conf", "w") as stream:
            config.write(stream)
        yield path
    finally:
        git("worktree", "remove", "--force", str(path), check=False)
        git("worktree", "prune", check=False)
        shutil.rmtree(parent, ignore_errors=True)


# The release's scripts/demo.py, as it is, without its PDF folder: wkhtmltopdf and the
# HTTP server it needs cost minutes, and nothing of the database depends on them.
DEMO_WITHOUT_PDF_FOLDER = """
import contextlib, sys
from pathlib import Path
sys.path.insert(0, str(Path.cwd() / "scripts"))
import render_letters

def write_letters_pdf(env, letters, out_dir, *args, **kwargs):
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return []

render_letters.serving = lambda *args, **kwargs: contextlib.nullcontext()
render_letters.write_letters_pdf = write_letters_pdf
import demo
demo.main(sys.argv[1:])
"""


def build_release_demo(worktree, db, today, out):
    """Release ``worktree``'s demo database ``db`` as of ``today``; returns its output."""
    drop_database(db)
    proc = run([sys.executable, "-c", DEMO_WITHOUT_PDF_FOLDER, "--db", db, "--out", str(out),
                "--today", str(today)], cwd=worktree)
    return proc.stdout + proc.stderr


# ---------------------------------------------------------------------------------------
# Odoo at a date
# ---------------------------------------------------------------------------------------

# The log's timestamps keep the real clock: a frozen one breaks the log formatter.
REAL_LOG_CLOCK = """
import logging, time
logging.Formatter.converter = staticmethod(time.localtime)
"""

ODOO_BIN_AT = REAL_LOG_CLOCK + """
import runpy, sys
from freezegun import freeze_time
day, odoo_bin = sys.argv[1], sys.argv[2]
sys.argv = [odoo_bin, *sys.argv[3:]]
with freeze_time(day + " 03:00:00", tick=True):
    runpy.run_path(odoo_bin, run_name="__main__")
"""


def odoo_bin_at(day, conf, db, *args, check=True):
    """``odoo-bin -c conf -d db args --stop-after-init`` with the clock at ``day``."""
    return run([sys.executable, "-c", ODOO_BIN_AT, str(day), str(odoo_src() / "odoo-bin"),
                "-c", str(conf), "-d", db, *args, "--stop-after-init"], check=check)


ODOO_PYTHON = REAL_LOG_CLOCK + """
import json, sys
import odoo
from freezegun import freeze_time
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2], "--log-level=warn"])
registry = Registry(sys.argv[2])
# reports render as HTML, as under Odoo's tests: no wkhtmltopdf, no HTTP server (once the
# registry is loaded: loading it in test mode would run the modules' tests)
odoo.tools.config["test_enable"] = True
result = None
with freeze_time(sys.argv[3] + " 09:00:00", tick=True), registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"mail_notify_force_send": False,
                                                      "tz": "Europe/Brussels"})
"""


def odoo_python(conf, db, day, body, **values):
    """Run ``body`` with ``env`` (superuser) on ``db``, the clock at ``day`` (``body`` may
    freeze it again); commit; return its ``result`` (JSON). ``values`` are given to
    ``body`` as names, through JSON."""
    code = (ODOO_PYTHON
            + textwrap.indent("globals().update(json.loads(sys.argv[4]))\n", " " * 4)
            + textwrap.indent(textwrap.dedent(body), " " * 4)
            + '\nprint("RESULT " + json.dumps(result, default=str))\n')
    proc = run([sys.executable, "-c", code, str(conf), db, str(day),
                json.dumps(values, default=str)])
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("RESULT ")),
                None)
    assert line, f"no result:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return json.loads(line[len("RESULT "):])


# ---------------------------------------------------------------------------------------
# the log of an install or an upgrade
# ---------------------------------------------------------------------------------------

LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")


def log_records(text):
    """The records of an Odoo log: each starts with its timestamp line, continuation lines
    (a traceback, a view's debug details) belong to it."""
    records = []
    for line in text.splitlines():
        if LOG_RECORD.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return records


def addon_warnings(text):
    """The warnings and errors of an Odoo log that come from this addon or name it (its
    modules, views, fields and models all say "dunning"), and every error whatever its
    origin."""
    found = []
    for record in log_records(text):
        match = LOG_RECORD.match(record)
        level = match and match.group("level")
        if level in ("ERROR", "CRITICAL") or (
                level == "WARNING" and "dunning" in record.lower()):
            found.append(record)
    return found
