"""Write dunning letters as real PDFs (wkhtmltopdf) into a folder.

    python scripts/render_letters.py --db dunning_demo --out out [--serve [--http-port N]]
                                     [--bench 100]

The main job (scripts/demo.py) calls ``write_letters_pdf(env, letters, out_dir)`` inside
``serving(env, db, port)``: wkhtmltopdf fetches the report CSS from the database's HTTP
server, so one must answer while the PDFs render. ``write_letters_pdf`` starts nothing
itself; ``serving`` starts an Odoo HTTP server of the database on ``port`` (a free one by
default, never one another server answers on) for the time of the rendering and points
``report.url`` at it. The letters of one run are rendered by one wkhtmltopdf call and
cut per letter. Needs build/env.sh sourced.
"""

import argparse
import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONF = REPO / "build" / "odoo.conf"
LETTER_REPORT = "account_dunning_be.account_dunning_letter_report"
REGISTERED_REPORT = "account_dunning_be.account_dunning_registered_letters_report"
DEPOSIT_REPORT = "account_dunning_be.account_dunning_registered_deposit_report"


def _safe(name):
    return re.sub(r"[^\w.-]+", "_", name).strip("_")


def _render_pdf(env, report, records, page_ranges=None):
    """The PDF of ``report`` for ``records``; ``page_ranges``, a list, receives the
    (model, id, first page, page count) of each document."""
    content, _kind = env["ir.actions.report"].with_context(
        force_report_rendering=True,
        dunning_page_ranges=page_ranges if page_ranges is not None else [],
    )._render_qweb_pdf(report, records.ids)
    return content


def render_letters_split(env, letters):
    """{letter: PDF bytes}, all rendered by one wkhtmltopdf run and cut per letter; letter
    by letter when the cut fails.

    Each letter starts on a new page; the report's PDF pipeline finds where (it stamps
    "page n / N" per letter from the same information) and reports the page ranges.
    """
    if len(letters) > 1:
        ranges = []
        content = _render_pdf(env, LETTER_REPORT, letters, ranges)
        starts = [start for _model, _res_id, start, _count in ranges]
        if [res_id for _model, res_id, _start, _count in ranges] == letters.ids:
            return dict(zip(letters, _cut_pdf(content, starts), strict=True))
        print("could not cut the letters' PDF: rendering them one by one", file=sys.stderr)
    return {letter: _render_pdf(env, LETTER_REPORT, letter) for letter in letters}


def _cut_pdf(content, starts):
    """The PDFs of the page ranges beginning at ``starts`` (the last one to the end)."""
    from odoo.tools.pdf import PdfFileReader, PdfFileWriter

    reader = PdfFileReader(io.BytesIO(content))
    ends = [*starts[1:], reader.getNumPages()]
    parts = []
    for start, end in zip(starts, ends, strict=True):
        writer = PdfFileWriter()
        for index in range(start, end):
            writer.addPage(reader.getPage(index))
        stream = io.BytesIO()
        writer.write(stream)
        parts.append(stream.getvalue())
    return parts


def letter_filename(letter):
    return f"{_safe(letter.name)}_{_safe(letter.partner_id.name)}_{letter.lang}.pdf"


def write_letters_pdf(env, letters, out_dir):
    """One PDF per letter, the registered ones in one batch PDF after their deposit lists,
    the deposit lists alone (all days, and one PDF a day: ``deposit_list_<day>.pdf``), in
    ``out_dir``. Returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    letters = letters.filtered(lambda lt: lt.state != "cancelled").sorted(lambda lt: lt.id)
    for letter, content in render_letters_split(env, letters).items():
        path = out_dir / letter_filename(letter)
        path.write_bytes(content)
        paths.append(path)
    registered = letters.filtered(lambda lt: lt.by_post == "registered")
    if registered:
        path = out_dir / "registered_letters.pdf"
        path.write_bytes(_render_pdf(env, REGISTERED_REPORT, registered))
        paths.append(path)
        ranges = []
        content = _render_pdf(env, DEPOSIT_REPORT, registered, ranges)
        path = out_dir / "registered_deposit_list.pdf"
        path.write_bytes(content)
        paths.append(path)
        # one deposit list a deposit day, as handed to the post office
        days = [day for day, _letters in registered._get_deposit_groups()]
        if len(ranges) == len(days):
            parts = _cut_pdf(content, [start for _m, _i, start, _n in ranges])
            for day, part in zip(days, parts, strict=True):
                path = out_dir / f"deposit_list_{day}.pdf"
                path.write_bytes(part)
                paths.append(path)
    return paths


def _answers(url):
    try:
        with urllib.request.urlopen(url + "/web/health", timeout=2) as response:
            return response.status == 200
    except OSError:  # refused, reset, timed out, HTTP error: not yet
        return False


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(env, db, port=None):
    """An Odoo HTTP server of ``db`` for wkhtmltopdf to load the report assets from.

    Points the ``report.url`` parameter of ``env`` at it (committed: the server reads it
    too) and stops the server afterwards.
    """
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    if _answers(url):
        raise RuntimeError(f"port {port} is taken by another server: choose a free one")
    cmd = [sys.executable, str(Path(os.environ["ODOO_SRC"]) / "odoo-bin"), "-c", str(CONF),
           "-d", db, f"--db-filter=^{db}$", f"--http-port={port}", "--gevent-port=0",
           "--max-cron-threads=0", "--log-level=warn", "--workers=0"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    Param = env["ir.config_parameter"].sudo()
    previous = Param.get_param("report.url")
    try:
        deadline = time.monotonic() + 120
        while not _answers(url):
            if proc.poll() is not None:
                raise RuntimeError(f"the Odoo server of {db} stopped: "
                                   f"{proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Odoo server of {db} does not answer on {url}")
            time.sleep(0.5)
        Param.set_param("report.url", url)
        env.cr.commit()
        # the first request builds the report asset bundle: make it before wkhtmltopdf waits
        with contextlib.suppress(Exception):
            urllib.request.urlopen(url + "/web/login", timeout=120).read()
        yield url
    finally:
        Param.set_param("report.url", previous or "")
        env.cr.commit()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="out")
    parser.add_argument("--serve", action="store_true",
                        help="start an HTTP server of the database while rendering")
    parser.add_argument("--http-port", type=int, default=0,
                        help="port of the server --serve starts (default: a free one)")
    parser.add_argument("--bench", type=int, default=0,
                        help="also time N letters rendered into one PDF")
    args = parser.parse_args(argv)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", str(CONF), "-d", args.db, "--log-level=warn"])
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        letters = env["account.dunning.letter"].search([("state", "!=", "cancelled")])
        context = (serving(env, args.db, args.http_port) if args.serve
                   else contextlib.nullcontext())
        with context:
            started = time.monotonic()
            paths = write_letters_pdf(env, letters, args.out)
            print(f"{len(paths)} PDFs in {time.monotonic() - started:.1f}s", file=sys.stderr)
            for path in paths:
                print(path)
            if args.bench:
                ids = (letters.ids * (args.bench // max(len(letters), 1) + 1))[:args.bench]
                started = time.monotonic()
                content, _kind = env["ir.actions.report"].with_context(
                    force_report_rendering=True)._render_qweb_pdf(LETTER_REPORT, ids)
                elapsed = time.monotonic() - started
                bench = Path(args.out) / f"bench_{args.bench}_letters.pdf"
                bench.write_bytes(content)
                print(f"{args.bench} letters in one PDF: {elapsed:.1f}s ({bench}, "
                      f"{len(content) // 1024} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
