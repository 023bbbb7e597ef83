# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Import a rate sheet (.xls or .xlsx, read with xlrd).

Columns (first row, any order, case-insensitive): ``date_from``, ``date_to``, ``rate``,
``kind`` (``b2b`` or ``legal``), optional ``status`` (``published`` or ``derived``;
default published), ``published_ref``, ``source``, ``note``.  Dates are Excel dates or
ISO text (``2026-07-01``); the rate is percent per year.

A row with the kind and first day of an existing rate replaces it (the existing record
is updated, so its history stays); every other row is created.  The sheet is refused,
with every error listed by row number and nothing written, when a row is wrong: date
unreadable, unknown kind, rate outside 0-30 %, a period that is not a calendar semester
(B2B) or year (legal), periods of one kind overlapping each other or an existing rate
the sheet does not replace, or a gap between the periods of one kind in the sheet.
"""

import base64
from datetime import date, timedelta

import xlrd

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.account_dunning_be.models.account_dunning_rate import RATE_MAX

from ..tools import notification_action

REQUIRED_COLUMNS = ("date_from", "date_to", "rate", "kind")
TEXT_COLUMNS = ("published_ref", "source", "note")


class AccountDunningRateImport(models.TransientModel):
    _name = "account.dunning.rate.import"
    _description = "Import Dunning Interest Rates"

    file = fields.Binary(required=True, help="An .xls or .xlsx sheet.")
    filename = fields.Char()

    # ---- reading --------------------------------------------------------------------

    def _read_sheet(self):
        """``(header, rows, datemode)`` of the first sheet: header names lowercased,
        rows as ``(row number, [xlrd.Cell])`` with the number as shown in the
        spreadsheet (the header is row 1), blank rows left out."""
        self.ensure_one()
        try:
            book = xlrd.open_workbook(file_contents=base64.b64decode(self.file))
        except Exception as error:  # xlrd raises many types for a file it cannot read
            raise UserError(
                self.env._(
                    "The file %(file)s cannot be read as an .xls or .xlsx sheet: %(error)s",
                    file=self.filename or "",
                    error=error,
                )
            ) from error
        sheet = book.sheet_by_index(0)
        if not sheet.nrows:
            raise UserError(self.env._("The sheet is empty."))
        header = [str(cell.value).strip().lower() for cell in sheet.row(0)]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise UserError(
                self.env._(
                    "The first row of the sheet must name the columns %(columns)s; "
                    "missing: %(missing)s.",
                    columns=", ".join(REQUIRED_COLUMNS),
                    missing=", ".join(missing),
                )
            )
        rows = []
        for index in range(1, sheet.nrows):
            cells = sheet.row(index)
            if all(cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) for cell in cells):
                continue
            if all(not str(cell.value).strip() for cell in cells):
                continue
            rows.append((index + 1, cells))
        return header, rows, book.datemode

    def _parse_date(self, cell, datemode):
        if cell.ctype == xlrd.XL_CELL_DATE:
            return xlrd.xldate_as_datetime(cell.value, datemode).date()
        if cell.ctype == xlrd.XL_CELL_TEXT:
            return date.fromisoformat(cell.value.strip()[:10])
        raise ValueError(cell.value)

    def _parse_rate(self, cell):
        if cell.ctype == xlrd.XL_CELL_NUMBER:
            return float(cell.value)
        if cell.ctype == xlrd.XL_CELL_TEXT:
            return float(cell.value.strip().rstrip("%").strip().replace(",", "."))
        raise ValueError(cell.value)

    def _get_kinds(self):
        """Accepted spellings of each kind: its key and its label, lowercased."""
        field = self.env["account.dunning.rate"]._fields["kind"]
        kinds = {}
        for key, label in field._description_selection(self.env):
            kinds[key.lower()] = key
            kinds[label.lower()] = key
        return kinds

    def _parse_rows(self):
        """``(parsed rows, errors)``: each parsed row a dict with its ``row`` number
        and create values; each error ``(row number, message)``."""
        _ = self.env._
        header, rows, datemode = self._read_sheet()
        column = {name: header.index(name) for name in header if name}
        kinds = self._get_kinds()
        statuses = {"published": "published", "derived": "derived"}
        rates = self.env["account.dunning.rate"]
        parsed, errors = [], []

        def cell_of(cells, name):
            index = column.get(name)
            if index is None or index >= len(cells):
                return xlrd.sheet.Cell(xlrd.XL_CELL_EMPTY, "")
            return cells[index]

        for number, cells in rows:
            row_errors = []
            vals = {}
            for name in ("date_from", "date_to"):
                cell = cell_of(cells, name)
                try:
                    vals[name] = self._parse_date(cell, datemode)
                except (ValueError, TypeError, OverflowError, xlrd.xldate.XLDateError):
                    row_errors.append(
                        _(
                            "%(column)s %(value)r is not a date (use an Excel date or YYYY-MM-DD).",  # noqa: E501
                            column=name,
                            value=cell.value,
                        )
                    )
            kind_cell = cell_of(cells, "kind")
            kind = kinds.get(str(kind_cell.value).strip().lower())
            if kind:
                vals["kind"] = kind
            else:
                row_errors.append(
                    _(
                        "kind %(value)r is unknown (use %(kinds)s).",
                        value=kind_cell.value,
                        kinds=" or ".join(rates._fields["kind"].get_values(self.env)),
                    )
                )
            rate_cell = cell_of(cells, "rate")
            try:
                vals["rate"] = self._parse_rate(rate_cell)
            except (ValueError, TypeError):
                row_errors.append(_("rate %(value)r is not a number.", value=rate_cell.value))
            else:
                if not 0 <= vals["rate"] <= RATE_MAX:
                    row_errors.append(
                        _(
                            "rate %(rate)s %% is not between 0 and %(max)s %%.",
                            rate=vals["rate"],
                            max=RATE_MAX,
                        )
                    )
            if "status" in column:
                status_cell = cell_of(cells, "status")
                status = str(status_cell.value).strip().lower() or "published"
                if status in statuses:
                    vals["status"] = statuses[status]
                else:
                    row_errors.append(
                        _(
                            "status %(value)r is unknown (use published or derived).",
                            value=status_cell.value,
                        )
                    )
            for name in TEXT_COLUMNS:
                if name in column:
                    vals[name] = str(cell_of(cells, name).value).strip() or False
            if {"kind", "date_from", "date_to"} <= vals.keys():
                if vals["date_to"] < vals["date_from"]:
                    row_errors.append(
                        _(
                            "date_to %(date_to)s is before date_from %(date_from)s.",
                            date_to=vals["date_to"],
                            date_from=vals["date_from"],
                        )
                    )
                else:
                    error = rates._get_period_error(
                        vals["kind"], vals["date_from"], vals["date_to"]
                    )
                    if error:
                        row_errors.append(error)
                    else:
                        # only rows with a valid period take part in the cross-row checks
                        vals.setdefault("status", "published")
                        parsed.append({"row": number, "vals": vals, "valid": not row_errors})
            errors.extend((number, message) for message in row_errors)
        return parsed, errors

    # ---- checks across rows ---------------------------------------------------------

    def _check_periods(self, parsed):
        """Errors ``(row number, message)`` of overlaps and gaps among the periods of
        one kind in the sheet, and overlaps with existing rates it does not replace."""
        _ = self.env._
        rates = self.env["account.dunning.rate"]
        errors = []
        for kind in {row["vals"]["kind"] for row in parsed}:
            rows = sorted(
                (row for row in parsed if row["vals"]["kind"] == kind),
                key=lambda row: (row["vals"]["date_from"], row["row"]),
            )
            previous = None
            for row in rows:
                vals = row["vals"]
                if previous:
                    before = previous["vals"]
                    if vals["date_from"] <= before["date_to"]:
                        errors.append(
                            (
                                row["row"],
                                _(
                                    "%(date_from)s to %(date_to)s overlaps row %(other)s.",
                                    date_from=vals["date_from"],
                                    date_to=vals["date_to"],
                                    other=previous["row"],
                                ),
                            )
                        )
                        continue
                    if vals["date_from"] > before["date_to"] + timedelta(days=1):
                        errors.append(
                            (
                                row["row"],
                                _(
                                    "gap between row %(other)s (ends %(end)s) and this row "
                                    "(starts %(start)s): no rate for the days in between.",
                                    other=previous["row"],
                                    end=before["date_to"],
                                    start=vals["date_from"],
                                ),
                            )
                        )
                previous = row
            # existing rates: those with the same kind and first day are replaced
            replaced = rates.search(
                [
                    ("kind", "=", kind),
                    ("date_from", "in", [row["vals"]["date_from"] for row in rows]),
                ]
            )
            for row in rows:
                vals = row["vals"]
                others = rates.search(
                    [("id", "not in", replaced.ids)]
                    + rates._get_overlap_domain(kind, vals["date_from"], vals["date_to"]),
                    limit=1,
                )
                if others:
                    errors.append(
                        (
                            row["row"],
                            _(
                                "%(date_from)s to %(date_to)s overlaps the existing rate "
                                "%(rate)s (%(other_from)s to %(other_to)s), which it does "
                                "not replace (a row replaces the rate of the same kind "
                                "starting the same day).",
                                date_from=vals["date_from"],
                                date_to=vals["date_to"],
                                rate=others.name,
                                other_from=others.date_from,
                                other_to=others.date_to,
                            ),
                        )
                    )
        return errors

    # ---- action ---------------------------------------------------------------------

    def action_import(self):
        self.ensure_one()
        parsed, errors = self._parse_rows()
        errors += self._check_periods(parsed)
        if not parsed and not errors:
            raise UserError(self.env._("The sheet holds no rate."))
        if errors:
            lines = [
                self.env._("Row %(row)s: %(message)s", row=row, message=message)
                for row, message in sorted(errors, key=lambda error: error[0])
            ]
            raise UserError(
                self.env._(
                    "Nothing was imported; correct these rows and import the sheet again:"
                    "\n%(errors)s",
                    errors="\n".join(lines),
                )
            )
        rates = self.env["account.dunning.rate"]
        created = updated = 0
        to_create = []
        for row in parsed:
            vals = row["vals"]
            existing = rates.search(
                [("kind", "=", vals["kind"]), ("date_from", "=", vals["date_from"])], limit=1
            )
            if existing:
                existing.write(vals)
                updated += 1
            else:
                to_create.append(vals)
        rates.create(to_create)
        created = len(to_create)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_dunning_be.account_dunning_rate_action"
        )
        return notification_action(self.env._(
            "%(created)s rates created, %(updated)s replaced.",
            created=created,
            updated=updated,
        ), next_action=action)
