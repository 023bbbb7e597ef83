"""Every release's databases upgrade to today's code, and keep every letter.

For each release of ``RELEASES`` (the first one, and the one before today's), built once
per test session:

1. a ``git worktree`` of the release's commit, outside the working tree;
2. the release's own ``scripts/demo.py`` builds its demo database with the release's
   code (half a year of nightly runs as of ``demo_today``), then a user of that release
   does what the demo does not (e-mails a few letters with their PDF, records
   registered numbers, cancels a letter), with the release's code too;
3. today's code upgrades it (``odoo-bin -u account_dunning_be`` on ``upgrade_on``), which
   runs every migration newer than the release: a migration added to
   ``account_dunning_be/migrations/`` is exercised without changing this file;
4. today's code replays the nights after the upgrade (the cron, then the accountant
   sends what waits for review each morning).

The tests then compare the letters before and after, read the files as the rules of
today's code would, and check the timeline rules on every letter the nights wrote. A
failure names the check and the letters or files concerned.

The next release adds its own entry to ``RELEASES``: every later upgrade keeps a
migration test from the release before it. Run through ``make test`` (it sets
``DUNNING_TEST_TEMPLATE``, whose name the databases here are derived from).
"""

import hashlib
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pytest
from release_db import (
    CONF,
    MODULE,
    REPO,
    addon_warnings,
    build_release_demo,
    drop_database,
    filestore,
    odoo_bin_at,
    odoo_python,
    psql,
    psql_json,
    release_worktree,
)

ADDON = REPO / MODULE
if str(ADDON) not in sys.path:
    sys.path.insert(0, str(ADDON))
import law  # noqa: E402  (the addon's pure-Python law engine, today's)

# What a user of the first release did beyond its demo, with its code: e-mail the last
# letters again through its template (the e-mail carries the letter's PDF), record the
# registered numbers of the first registered letters, cancel a printed letter.
FIRST_RELEASE_USER = """
Letter = env["account.dunning.letter"]
emailed = Letter.search([("state", "=", "sent"), ("by_email", "=", True)],
                        order="date desc, id desc", limit=3)
for letter in emailed:
    letter._send_email()
registered = Letter.search([("state", "=", "printed"), ("by_post", "=", "registered")],
                           order="date, id", limit=6)
for serial, letter in enumerate(registered, start=40117201):
    letter.registered_number = f"RR{serial}BE"
cancelled = Letter.search([("state", "=", "printed"), ("by_post", "=", "letter")],
                          order="date desc, id desc", limit=1)
cancelled.action_cancel()
result = {"emailed": emailed.ids, "registered": registered.ids, "cancelled": cancelled.ids}
"""

# The release before today's: its demo marks the past letters sent without their
# documents; the last ones keep the letter as it went out, as the release does when it
# sends or prints. The morning's letters to review (when the demo's last night wrote
# some): the accountant sends a few and leaves the others for after the upgrade. The
# oldest e-mailed letter is cancelled.
PREVIOUS_RELEASE_USER = """
Letter = env["account.dunning.letter"]
kept = Letter.search([("state", "in", ("sent", "printed")),
                      ("printed_attachment_id", "=", False)], order="date desc, id desc", limit=4)
kept._attach_printed_letter()
drafts = Letter.search([("state", "=", "draft")], order="id")
emails = drafts.filtered(lambda lt: lt.by_email and lt.by_post == "none")[:2]
paper = drafts.filtered(lambda lt: lt.by_post == "letter")[:2]
if emails | paper:
    (emails | paper).action_send()
cancelled = Letter.search([("state", "=", "sent")], order="date, id", limit=1)
cancelled.action_cancel()
result = {"kept": kept.ids, "sent": (emails | paper).ids, "cancelled": cancelled.ids}
"""


@dataclass(frozen=True)
class Release:
    version: str
    commit: str
    user_actions: str
    demo_today: date = date(2026, 10, 30)  # a Friday: the last night of the release
    upgrade_on: date = date(2026, 11, 2)  # the Monday after
    nights: int = 35  # replayed with today's code from upgrade_on


RELEASES = [
    Release("18.0.1.0.0", "22fe2812b76677835d794bf699b1f6ad94ec3fd5", FIRST_RELEASE_USER),
    Release("18.0.1.2.0", "a7ed121828659076ce278a938850d4724843d2b8", PREVIOUS_RELEASE_USER),
]

# What went to the customer: an upgrade changes none of it (columns the release has)
LETTER_KEPT = (
    "name", "state", "date", "date_sent", "registered_date", "registered_number",
    "payment_deadline", "partner_id", "contact_id", "company_id", "currency_id", "level_id",
    "lang", "by_email", "by_post", "is_b2b", "mail_message_id", "printed_attachment_id",
    "payment_reference", "cancel_reason", "file_id", "amount_residual", "amount_interest",
    "amount_flat_fee", "amount_penalty", "amount_total",
)
LINE_KEPT = ("letter_id", "move_id", "date_due", "amount_total", "amount_residual",
             "days_late", "interest", "flat_fee", "penalty", "damages_announced", "total")
FILE_KEPT = ("partner_id", "company_id", "currency_id", "state", "level_id",
             "last_letter_id", "payment_deadline", "date_open", "date_closed")


def snapshot(db):
    """The letters, their lines and documents, and the files, as stored (SQL: the same
    query reads a database of any release)."""
    letters = {row["id"]: row for row in psql_json(
        db, "SELECT row_to_json(l) FROM account_dunning_letter l")}
    lines = {row["id"]: row for row in psql_json(
        db, "SELECT row_to_json(l) FROM account_dunning_letter_line l")}
    documents = defaultdict(list)
    for row in psql_json(db, """
            SELECT json_build_object('letter', l.id, 'name', a.name, 'checksum', a.checksum,
                                     'store_fname', a.store_fname, 'mimetype', a.mimetype)
              FROM account_dunning_letter l
              JOIN ir_attachment a
                ON (a.res_model = 'account.dunning.letter' AND a.res_id = l.id)
                OR a.id IN (SELECT attachment_id FROM message_attachment_rel
                             WHERE message_id = l.mail_message_id)
             ORDER BY l.id, a.id"""):
        documents[row["letter"]].append(row)
    has_files = psql(db, "SELECT to_regclass('account_dunning_file') IS NOT NULL") == "t"
    files = {row["id"]: row for row in psql_json(
        db, "SELECT row_to_json(f) FROM account_dunning_file f")} if has_files else {}
    return {"letters": letters, "lines": lines, "documents": dict(documents),
            "files": files}


def describe(letter):
    return f"letter {letter['name']} (id {letter['id']}, {letter['state']}, {letter['date']})"


# The nights after the upgrade, with today's code: the cron, then each morning the
# accountant sends what waits for review (registered letters deposited that morning).
# Returns every letter as today's code reads it, the files and the letters written.
REPLAY = """
import logging
from datetime import date, timedelta
from freezegun import freeze_time
from odoo.exceptions import UserError

class Failures(logging.Handler):
    # a customer whose dunning fails is logged and skipped: here that is a failure
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage() + (
            "\\n" + logging.Formatter().formatException(record.exc_info)
            if record.exc_info else ""))

failures = Failures()
logging.getLogger("odoo.addons.account_dunning_be").addHandler(failures)
Move = env["account.move"]
Letter = env["account.dunning.letter"]
written, refused = Letter, []
first = date.fromisoformat(first_night)
for offset in range(nights):
    day = first + timedelta(days=offset)
    with freeze_time(day):
        written |= Move.with_context(lastcall=str(day))._cron_account_dunning()
        for letter in Letter.search([("state", "=", "draft")], order="id"):
            try:
                with env.cr.savepoint():
                    if letter.by_post == "registered" and not letter.registered_date:
                        letter.registered_date = day
                    letter.action_send()
            except UserError as error:
                refused.append([letter.name, str(day), str(error)])
env.invalidate_all()
result = {
    "written": written.ids,
    "refused": refused,
    "failures": failures.messages,
    "transfer_days": {c.id: c.dunning_transfer_days for c in env["res.company"].search([])},
    "letters": [{
        "id": lt.id, "name": lt.name, "state": lt.state, "date": str(lt.date),
        "partner": lt.partner_id.id, "key": [lt.partner_id.id, lt.company_id.id,
                                              lt.currency_id.id],
        "company": lt.company_id.id, "file": lt.file_id.id, "is_history": lt.is_history,
        "level": lt.level_id.id, "sequence": lt.level_id.sequence,
        "level_name": lt.level_id.name, "final": lt.level_id.is_final,
        "delay": lt.level_id.delay, "sent_on": str(lt._get_sent_on()),
        "deadline": str(lt.payment_deadline), "by_post": lt.by_post,
        "moves": lt.line_ids.move_id.ids,
    } for lt in Letter.search([], order="date, id")],
    "files": [{
        "id": f.id, "name": f.name, "state": f.state, "level": f.level_id.id,
        "key": [f.partner_id.id, f.company_id.id, f.currency_id.id],
    } for f in env["account.dunning.file"].search([])],
}
"""

OVERDUE = """
SELECT json_build_object('key', json_build_array(commercial_partner_id, company_id,
                                                 currency_id), 'count', count(*))
  FROM account_move
 WHERE move_type = 'out_invoice' AND state = 'posted'
   AND payment_state IN ('not_paid', 'partial') AND invoice_date_due < '%s'
 GROUP BY commercial_partner_id, company_id, currency_id
"""


@dataclass
class Upgraded:
    release: Release
    db: str
    user: dict
    before: dict
    log: str
    after: dict
    levels: dict
    overdue: set
    replay: dict


def base_name():
    template = os.environ.get("DUNNING_TEST_TEMPLATE")
    if not template:
        pytest.fail("DUNNING_TEST_TEMPLATE is not set: run these tests with 'make test'")
    return template.removesuffix("_template")


@pytest.fixture(scope="module", params=RELEASES, ids=lambda release: release.version)
def upgraded(request, tmp_path_factory):
    """Release ``request.param``'s demo database, upgraded by today's code, then the
    nights after; built once per session and release, dropped at the end."""
    release = request.param
    db = f"{base_name()}_from_{release.version.replace('.', '_')}"[:63]
    with release_worktree(release.commit, release.version) as tree:
        build_release_demo(tree, db, release.demo_today, tmp_path_factory.mktemp("out"))
        user = odoo_python(tree / "build" / "odoo.conf", db, release.demo_today,
                           release.user_actions)
    request.addfinalizer(lambda: drop_database(db))
    before = snapshot(db)
    proc = odoo_bin_at(release.upgrade_on, CONF, db, "-u", MODULE, "--log-level=info",
                       check=False)
    log = proc.stdout + proc.stderr
    if proc.returncode:
        pytest.fail(f"today's code could not upgrade the {release.version} database "
                    f"(exit {proc.returncode}):\n" + "\n".join(addon_warnings(log))[-8000:])
    after = snapshot(db)
    levels = {row["id"]: row for row in psql_json(db, """
        SELECT json_build_object('id', id, 'sequence', sequence, 'is_final', is_final)
          FROM account_dunning_level""")}
    overdue = {tuple(row["key"]) for row in psql_json(db, OVERDUE % release.upgrade_on)}
    replay = odoo_python(CONF, db, release.upgrade_on, REPLAY,
                         first_night=release.upgrade_on, nights=release.nights)
    return Upgraded(release, db, user, before, log, after, levels, overdue, replay)


def position(levels, level_id):
    return (levels[level_id]["sequence"], level_id)


# ---------------------------------------------------------------------------------------
# the upgrade itself
# ---------------------------------------------------------------------------------------

def test_the_build_has_what_the_checks_need(upgraded):
    """The release's database holds letters of every kind the checks compare: without
    them a check below would pass on nothing."""
    letters = upgraded.before["letters"].values()
    states = {letter["state"] for letter in letters}
    assert {"sent", "printed", "cancelled"} <= states, states
    assert any(letter["registered_number"] for letter in letters), "no registered number"
    assert upgraded.before["documents"], "no letter with its PDF"
    shared = defaultdict(int)
    for letter in letters:
        if letter["state"] != "cancelled":
            shared[letter["partner_id"], letter["level_id"]] += 1
    if upgraded.release.version == "18.0.1.0.0":
        assert max(shared.values()) > 1, "no customer with two letters at one level"


def test_every_migration_newer_than_the_release_ran(upgraded):
    release = tuple(map(int, upgraded.release.version.split(".")))
    expected = sorted(
        script for script in (ADDON / "migrations").glob("*/*.py")
        if tuple(map(int, script.parent.name.split("."))) > release)
    ran = set(re.findall(r"Running migration \[[^\]]*\] (\S+)", upgraded.log))
    missing = [f"{s.parent.name}/{s.name}" for s in expected if s.stem not in ran]
    assert not missing, f"migrations that did not run: {missing}"
    manifest = (ADDON / "__manifest__.py").read_text()
    version = re.search(r'"version":\s*"([^"]+)"', manifest).group(1)
    installed = psql(upgraded.db, "SELECT state || ' ' || latest_version FROM "
                                  f"ir_module_module WHERE name = '{MODULE}'")
    assert installed == f"installed {version}", installed


def test_the_upgrade_log_has_no_warning_of_the_addon(upgraded):
    warnings = addon_warnings(upgraded.log)
    assert not warnings, "\n\n".join(warnings)


def test_every_letter_is_kept_as_it_went_out(upgraded):
    before, after = upgraded.before["letters"], upgraded.after["letters"]
    assert sorted(after) == sorted(before), (
        f"letters lost: {sorted(set(before) - set(after))}, "
        f"appeared: {sorted(set(after) - set(before))}")
    count = defaultdict(int)
    for letter in before.values():
        count[letter["state"]] += 1
    assert count == {state: sum(1 for lt in after.values() if lt["state"] == state)
                     for state in count}
    changed = []
    for letter_id, old in sorted(before.items()):
        new = after[letter_id]
        for field in LETTER_KEPT:
            if field in old and old[field] != new[field]:
                changed.append(f"{describe(old)}: {field} {old[field]!r} -> {new[field]!r}")
        if "date_sent" not in old and new["state"] != "cancelled":
            # the first release knew no sending date: a letter that went out counts from
            # its deposit date (registered) or its date, as the next level's delay does
            expected = (old["registered_date"] or old["date"]) if old["state"] != "draft" \
                else None
            if new["date_sent"] != expected:
                changed.append(f"{describe(old)}: sent on {new['date_sent']}, expected "
                               f"{expected}")
    assert not changed, "\n".join(changed)


def test_every_line_and_document_is_kept(upgraded):
    before, after = upgraded.before, upgraded.after
    assert sorted(after["lines"]) == sorted(before["lines"]), "letter lines lost or added"
    changed = [
        f"line {line_id} of letter {old['letter_id']}: {field} {old[field]!r} -> "
        f"{after['lines'][line_id][field]!r}"
        for line_id, old in sorted(before["lines"].items())
        for field in LINE_KEPT if field in old and old[field] != after["lines"][line_id][field]
    ]
    assert not changed, "\n".join(changed)
    for letter_id in sorted(set(before["documents"]) | set(after["documents"])):
        old, new = before["documents"].get(letter_id), after["documents"].get(letter_id)
        assert old == new, f"letter {letter_id}: its documents {old} became {new}"
    store = filestore(upgraded.db)
    for letter_id, documents in after["documents"].items():
        for document in documents:
            path = store / document["store_fname"]
            assert path.is_file(), f"letter {letter_id}: {document['name']} lost its file"
            assert hashlib.sha1(path.read_bytes()).hexdigest() == document["checksum"], (
                f"letter {letter_id}: {document['name']} is not the document that went out")


def test_letters_are_grouped_into_files_per_customer_company_and_currency(upgraded):
    after, before = upgraded.after, upgraded.before
    files = after["files"]
    problems = []
    files_of_key = defaultdict(set)
    for letter in after["letters"].values():
        file = files.get(letter["file_id"])
        key = (letter["partner_id"], letter["company_id"], letter["currency_id"])
        if not file:
            problems.append(f"{describe(letter)} is in no file")
            continue
        if (file["partner_id"], file["company_id"], file["currency_id"]) != key:
            problems.append(f"{describe(letter)} is in file {file['name']} of another "
                            "customer, company or currency")
        files_of_key[key].add(file["id"])
    if not before["files"]:
        # the first release had no files: one file per customer holds all its letters
        problems += [f"customer {key[0]}: its letters are in files {sorted(ids)}"
                     for key, ids in files_of_key.items() if len(ids) > 1]
    assert not problems, "\n".join(problems)


def test_at_most_one_open_file_per_customer(upgraded):
    for stage, files in (("after the upgrade", upgraded.after["files"].values()),
                         ("after the nights", upgraded.replay["files"])):
        open_files = defaultdict(list)
        for file in files:
            if file["state"] != "closed":
                key = file.get("key") or [file["partner_id"], file["company_id"],
                                          file["currency_id"]]
                open_files[tuple(key)].append(file["id"])
        doubles = {key: ids for key, ids in open_files.items() if len(ids) > 1}
        assert not doubles, f"{stage}: customers with several open files: {doubles}"


def test_files_read_their_letters_as_the_rules_do(upgraded):
    """A file's stage is the highest level its live letters reached, its deadline the
    latest they gave, its last letter the latest; the letters that do not raise the stage
    are its earlier history, the others climb a level at a time; a file whose customer
    owes nothing overdue is closed. The files the release already had keep what they
    read."""
    levels, after, before = upgraded.levels, upgraded.after, upgraded.before
    live_of = defaultdict(list)
    for letter in sorted(after["letters"].values(), key=lambda lt: (lt["date"], lt["id"])):
        if letter["state"] != "cancelled":
            live_of[letter["file_id"]].append(letter)
    problems = []
    for file_id, file in sorted(after["files"].items()):
        name = f"file {file['name']} (id {file_id})"
        if file_id in before["files"]:
            old = before["files"][file_id]
            problems += [f"{name}: {field} {old[field]!r} -> {file[field]!r}"
                         for field in FILE_KEPT if field in old and old[field] != file[field]]
            continue
        live = live_of.get(file_id, [])
        reached = None
        for letter in live:
            pos = position(levels, letter["level_id"])
            history = reached is not None and pos <= reached
            if bool(letter["is_history"]) != history:
                problems.append(f"{name}: {describe(letter)} is_history "
                                f"{letter['is_history']}, expected {history}")
            reached = max(reached or pos, pos)
        key = (file["partner_id"], file["company_id"], file["currency_id"])
        if key not in upgraded.overdue:
            if file["state"] != "closed":
                problems.append(f"{name}: nothing overdue, yet {file['state']}")
            continue
        if not live:
            continue
        top = max(live, key=lambda lt: position(levels, lt["level_id"]))
        expected = {
            "level_id": top["level_id"],
            "payment_deadline": max(lt["payment_deadline"] for lt in live),
            "last_letter_id": live[-1]["id"],
            "state": "open" if live[-1]["state"] == "draft" else "waiting",
        }
        problems += [f"{name}: {field} {file[field]!r}, expected {value!r}"
                     for field, value in expected.items() if file[field] != value]
    assert not problems, "\n".join(problems)


def test_open_invoices_follow_their_file(upgraded):
    rows = psql_json(upgraded.db, """
        SELECT json_build_object('move', m.name, 'file', m.dunning_file_id,
                                 'files', array_agg(DISTINCT l.file_id))
          FROM account_move m
          JOIN account_dunning_letter_line ln ON ln.move_id = m.id
          JOIN account_dunning_letter l ON l.id = ln.letter_id
         WHERE m.payment_state IN ('not_paid', 'partial') AND l.state != 'cancelled'
         GROUP BY m.id""")
    wrong = [row for row in rows if row["file"] not in row["files"]]
    assert not wrong, f"open invoices outside the file of their letters: {wrong}"


# ---------------------------------------------------------------------------------------
# the nights after the upgrade
# ---------------------------------------------------------------------------------------

def test_the_nights_after_the_upgrade_send_what_they_write(upgraded):
    replay = upgraded.replay
    assert replay["written"], "the nights after the upgrade wrote no letter: nothing checked"
    assert not replay["refused"], "letters the accountant could not send: " + "\n".join(
        " ".join(item) for item in replay["refused"])
    failures = replay["failures"]
    assert not failures, f"the nights logged {len(failures)} failures, the first:\n" + \
        "\n".join(failures[:3])[:8000]


def test_the_nights_after_the_upgrade_keep_the_timeline(upgraded):
    """Every letter the nights wrote: a level above everything its file reached (nothing
    down a level, no level twice, nothing after the final level), after the deadline
    of every earlier letter of the customer plus the transfer days, the level's delay
    after the file's last letter, one letter a customer and day, paper on working days;
    and no invoice goes down a level."""
    replay = upgraded.replay
    letters = replay["letters"]
    written = set(replay["written"])
    problems = []
    for letter in (lt for lt in letters if lt["id"] in written):
        name = f"{letter['name']} ({letter['level_name']}, {letter['date']})"
        day = date.fromisoformat(letter["date"])
        earlier = [lt for lt in letters if lt["state"] != "cancelled"
                   and (lt["date"], lt["id"]) < (letter["date"], letter["id"])
                   and lt["key"] == letter["key"]]
        in_file = [lt for lt in earlier if lt["file"] == letter["file"]]
        if in_file:
            top = max(in_file, key=lambda lt: (lt["sequence"], lt["level"]))
            if (letter["sequence"], letter["level"]) <= (top["sequence"], top["level"]):
                problems.append(f"{name} is not above {top['name']} ({top['level_name']}) "
                                "that its file already reached")
            if any(lt["final"] for lt in in_file):
                problems.append(f"{name} comes after the final level of its file")
            last = in_file[-1]
            waited = (day - date.fromisoformat(last["sent_on"])).days
            if waited < letter["delay"]:
                problems.append(f"{name}: {waited} days after {last['name']}, the level "
                                f"asks {letter['delay']}")
        transfer = replay["transfer_days"][str(letter["company"])]
        for before in earlier:
            deadline = date.fromisoformat(before["deadline"])
            earliest = law.add_working_days(deadline, transfer) if transfer > 0 else deadline
            if day <= earliest:
                problems.append(f"{name} comes before the deadline of {before['name']} "
                                f"({deadline}) + {transfer} working days")
        same_day = [lt["name"] for lt in earlier if lt["date"] == letter["date"]]
        if same_day:
            problems.append(f"{name}: a second letter that day after {same_day}")
        if letter["by_post"] != "none" and not law.is_working_day(day):
            problems.append(f"{name}: a paper letter on a day the post does not work")
        for move in letter["moves"]:
            reached = [lt for lt in in_file if move in lt["moves"]]
            if reached and max(lt["sequence"] for lt in reached) >= letter["sequence"]:
                problems.append(f"{name}: invoice {move} does not go up a level")
    assert not problems, "\n".join(problems)


def test_files_after_the_nights_read_their_highest_level(upgraded):
    replay = upgraded.replay
    live = defaultdict(list)
    for letter in replay["letters"]:
        if letter["state"] != "cancelled":
            live[letter["file"]].append(letter)
    problems = []
    for file in replay["files"]:
        if live.get(file["id"]) and file["state"] != "closed":
            top = max(live[file["id"]], key=lambda lt: (lt["sequence"], lt["level"]))
            if file["level"] != top["level"]:
                problems.append(f"file {file['name']}: stage {file['level']}, its letters "
                                f"reached {top['level_name']} ({top['name']})")
    assert not problems, "\n".join(problems)
