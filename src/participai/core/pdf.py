"""HTML to PDF with WeasyPrint, offline.

WeasyPrint gets the HTML as a string with no base URL and a fetcher that
refuses every URL, so rendering never touches the network or the file system
(print templates carry their CSS inline and their pictures as inline SVG),
and uses the system's default fonts.
"""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``. WeasyPrint is imported here, not at import time:
    it loads Pango, which the web pages never need."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"a PDF fetches no external resource ({url[:80]})")

    return weasyprint.HTML(string=html, base_url=None, url_fetcher=NoFetching()).write_pdf()
