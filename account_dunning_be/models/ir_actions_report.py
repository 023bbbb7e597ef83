import io
import json
import logging
import os

import lxml.html
from lxml import etree
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from odoo import models
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileWriter, PdfReader

_logger = logging.getLogger(__name__)

# Debian's wkhtmltopdf (unpatched Qt) takes one input document: these reports render all
# their records as one HTML body, a page break between two letters.
SINGLE_BODY_REPORTS = (
    "account_dunning_be.report_dunning_letter",
    "account_dunning_be.report_dunning_registered_letters",
    "account_dunning_be.report_dunning_registered_deposit",
)
LETTER_REPORT_NAME = "account_dunning_be.report_dunning_letter"

# Each document of these reports (a letter, a day's deposit list) opens with a link to
# ``dunning-document:<n>``; unpatched Qt keeps links (not headers, footers or outlines),
# so the link annotations of the PDF tell on which page each document starts. The
# stamps (reference, customer, "page n / N") are then drawn on the PDF pages, and the
# marker links removed.
MARKER_SCHEME = "dunning-document:"
MM = 72 / 25.4
STAMP_FONT_SIZE = 8.5
# the stamps lie inside the letters' 15 mm margins: header 15-19 mm from the top,
# footer 15-19 mm from the bottom
STAMP_HEADER_BASELINE_MM = 18.5
STAMP_FOOTER_BASELINE_MM = 16
STAMP_LEFT_MM = 20
STAMP_RIGHT_MM = 15
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/dejavu/DejaVuSans.ttf")


def _stamp_font():
    """A font that writes every name (DejaVu Sans when the system has it)."""
    if "DunningDejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DunningDejaVuSans"
    for path in FONT_PATHS:
        if os.path.exists(path):
            pdfmetrics.registerFont(TTFont("DunningDejaVuSans", path))
            return "DunningDejaVuSans"
    return "Helvetica"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        # whatever prints a letter (the Print menu, a URL, an e-mail template, our buttons)
        # renders it here: the letters are checked as when sent
        if report.report_name in SINGLE_BODY_REPORTS and docids:
            self.env[report.model].browse(docids)._check_sendable()
        return super()._get_rendering_context(report, docids, data)

    def _prepare_html(self, html, report_model=False):
        if self.report_name not in SINGLE_BODY_REPORTS:
            return super()._prepare_html(html, report_model=report_model)
        letter_ids = []
        if self.report_name == LETTER_REPORT_NAME:
            letter_ids = self._dunning_article_ids(html, report_model)
        result = super()._prepare_html(self._dunning_merge_articles(html),
                                       report_model=report_model)
        if not result or len(letter_ids) < 2:
            return result
        # one body, but every letter's id: Odoo then splits the PDF per letter at the
        # outline of each letter's subject (its only heading), as for separate bodies
        bodies, _res_ids, header, footer, paperformat_args = result
        return bodies, letter_ids, header, footer, paperformat_args

    def _dunning_article_ids(self, html, report_model):
        """The record ids of the ``div.article`` of ``html``, in order."""
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = root.xpath(
            "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]")
        return [int(article.get("data-oe-id", 0)) for article in articles
                if article.get("data-oe-model") == report_model]

    def _dunning_merge_articles(self, html):
        """Move every ``div.article`` of ``html`` into one article, page-break separated."""
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        articles = root.xpath(
            "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]")
        if len(articles) < 2:
            return html
        first = articles[0]
        merged = lxml.html.Element("div")
        for name, value in first.items():
            if name not in ("data-oe-model", "data-oe-id"):
                merged.set(name, value)
        first.addprevious(merged)
        for index, article in enumerate(articles):
            classes = [c for c in article.get("class", "").split() if c != "article"]
            article.set("class", " ".join(classes + ["o_dunning_page"]))
            if index < len(articles) - 1:
                style = article.get("style", "")
                article.set("style", f"{style};page-break-after: always;".lstrip(";"))
            merged.append(article)
        return etree.tostring(root.getroottree(), method="html", encoding="utf-8")

    # ------------------------------------------------------------
    # PAGE STAMPS (reference, customer, page n / N)
    # ------------------------------------------------------------

    def _run_wkhtmltopdf(self, bodies, report_ref=False, header=None, footer=None,
                         landscape=False, specific_paperformat_args=None,
                         set_viewport_size=False):
        content = super()._run_wkhtmltopdf(
            bodies, report_ref=report_ref, header=header, footer=footer, landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size)
        report = self._get_report(report_ref) if report_ref else self
        if report.report_name not in SINGLE_BODY_REPORTS:
            return content
        documents = self._dunning_documents(bodies)
        if not documents:
            return content
        content, ranges = self._dunning_stamp_pages(content, documents)
        collected = self.env.context.get("dunning_page_ranges")
        if isinstance(collected, list):
            collected.extend(ranges)
        return content

    def _dunning_documents(self, bodies):
        """{marker number: stamp data} of the documents the HTML bodies hold."""
        documents = {}
        for body in bodies:
            root = lxml.html.fromstring(body)
            for node in root.xpath("//*[@data-dunning-stamp]"):
                data = json.loads(node.get("data-dunning-stamp"))
                documents[str(data["marker"])] = data
        return documents

    def _dunning_stamp_pages(self, content, documents):
        """Stamp the documents' pages of the PDF ``content``; return the stamped PDF and
        [(res_model, res_id, first page index, page count)] of each document."""
        reader = PdfReader(io.BytesIO(content))
        page_count = len(reader.pages)
        starts = []  # (page index, marker)
        for index in range(page_count):
            page = reader.pages[index]
            annots = page.get("/Annots")
            if not annots:
                continue
            kept = []
            for annot in annots:
                action = annot.getObject().get("/A") or {}
                uri = str(action.get("/URI", ""))
                if uri.startswith(MARKER_SCHEME):
                    marker = uri[len(MARKER_SCHEME):]
                    if marker in documents and marker not in (m for _i, m in starts):
                        starts.append((index, marker))
                else:
                    kept.append(annot)
            if len(kept) != len(annots):
                page[NameObject("/Annots")] = ArrayObject(kept)
        if len(starts) != len(documents):
            _logger.warning("dunning report: %s of %s documents found in the PDF, pages not "
                            "stamped", len(starts), len(documents))
            return content, []
        writer = PdfFileWriter()
        ranges = []
        ends = [index for index, _marker in starts[1:]] + [page_count]
        for index in range(starts[0][0]):
            writer.add_page(reader.pages[index])
        for (start, marker), end in zip(starts, ends, strict=True):
            data = documents[marker]
            total = end - start
            for number in range(1, total + 1):
                page = reader.pages[start + number - 1]
                if total > 1:
                    page.merge_page(self._dunning_stamp_overlay(page, data, number, total))
                writer.add_page(page)
            ranges.append((data.get("model"), data.get("res_id"), start, total))
        stream = io.BytesIO()
        writer.write(stream)
        return stream.getvalue(), ranges

    def _dunning_stamp_overlay(self, page, data, number, total):
        """A one-page PDF with the stamp of page ``number`` of ``total``: from page 2 on,
        the header (reference and customer) and "page n / N" at the top; on page 1,
        "page 1 / N" at the bottom."""
        width = float(page.mediabox.width)
        height = float(page.mediabox.height)
        stream = io.BytesIO()
        pdf = canvas.Canvas(stream, pagesize=(width, height))
        font = _stamp_font()
        pdf.setFont(font, STAMP_FONT_SIZE)
        pdf.setFillGray(0.25)
        page_text = data["page"].replace("%(page)s", str(number)).replace(
            "%(total)s", str(total))
        right = width - STAMP_RIGHT_MM * MM
        left = STAMP_LEFT_MM * MM
        if number == 1:
            pdf.drawRightString(right, STAMP_FOOTER_BASELINE_MM * MM, page_text)
        else:
            baseline = height - STAMP_HEADER_BASELINE_MM * MM
            room = right - left - pdf.stringWidth(page_text, font, STAMP_FONT_SIZE) - 5 * MM
            header = data["header"]
            while header and pdf.stringWidth(header, font, STAMP_FONT_SIZE) > room:
                header = header[:-2] + "…"
            pdf.drawString(left, baseline, header)
            pdf.drawRightString(right, baseline, page_text)
            pdf.setStrokeGray(0.6)
            pdf.setLineWidth(0.4)
            pdf.line(left, baseline - 1.8 * MM, right, baseline - 1.8 * MM)
        pdf.showPage()
        pdf.save()
        return PdfReader(io.BytesIO(stream.getvalue())).pages[0]
