import lxml.html
from lxml import etree

from odoo import models

# Debian's wkhtmltopdf (unpatched Qt) takes one input document: these reports render all
# their records as one HTML body, a page break between two letters.
SINGLE_BODY_REPORTS = (
    "account_dunning_be.report_dunning_letter",
    "account_dunning_be.report_dunning_registered_letters",
    "account_dunning_be.report_dunning_registered_deposit",
)
LETTER_REPORT_NAME = "account_dunning_be.report_dunning_letter"


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
