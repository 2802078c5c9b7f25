"""HTML pages: the article's main text and metadata, via trafilatura.

A saved web page is mostly menus, footers and links; coding events from them
gives junk. trafilatura keeps the article body and reads the title, date,
site name and canonical URL from the page's metadata. It works on the bytes
we give it and never fetches anything (we call ``bare_extraction`` on a
string, never ``fetch_url``), so reading is offline and repeatable.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError

from ..errors import InputError
from ..models import Article
from .base import Item, Options
from .dates import choose_date, normalize_date
from .logs import attributed_logs

NO_TEXT = "no article text found in the HTML"
#: What is left of a page with no article (a menu, "Page not found") is a few
#: words; an article has at least one real sentence.
MIN_WORDS = 5
_SPACE = re.compile(r"\s+")
_BLOCKS = (
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "tr", "table", "section", "article", "header", "footer",
)  # fmt: skip


def read_html(
    html: str,
    origin: str,
    name: str,
    opts: Options,
    url: str = "",
    fallback_date: str | None = None,
) -> Item:
    """One article from a page; ``url``/``fallback_date`` come from a WARC record when known.

    Date order: the page's metadata, a dateline in the text, ``fallback_date``
    (the capture date), then the user's ``--date``.
    """
    try:
        # trafilatura (and htmldate, requests, dateutil under it) costs 0.1 s to import:
        # only a run that reads a page pays it
        import trafilatura
        from trafilatura.settings import set_date_params

        with attributed_logs(origin):  # trafilatura's "discarding data" names this page
            doc = trafilatura.bare_extraction(
                html,
                url=url or None,
                with_metadata=True,
                include_comments=False,
                # the page's own metadata only: the "extensive" search guesses from
                # copyright lines and any date in the page, which is worse than none
                date_extraction_params={**set_date_params(False)},
            )
    except Exception as exc:  # lxml/trafilatura raise many kinds on broken markup
        return InputError(origin, f"cannot parse the HTML ({type(exc).__name__}: {exc})")
    raw = (getattr(doc, "text", None) or "") if doc is not None else ""
    # trafilatura puts one paragraph per line; the clean stage splits paragraphs on blank lines
    text = "\n\n".join(line.strip() for line in raw.splitlines() if line.strip())
    if len(text.split()) < MIN_WORDS:
        return InputError(origin, NO_TEXT)
    meta_date = normalize_date(getattr(doc, "date", None))
    date = choose_date(meta_date, text, None) or fallback_date or opts.date
    return Article(
        id=name,
        text=text,
        title=(getattr(doc, "title", None) or "").strip(),
        date=date,
        url=url or getattr(doc, "url", None) or "",
        source=getattr(doc, "sitename", None) or getattr(doc, "hostname", None) or "",
        origin=origin,
    )


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment (a feed summary), paragraphs kept apart.

    trafilatura needs a whole page and drops short fragments, so fragments go
    through lxml: scripts and styles are removed, block elements end a paragraph.
    """
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return markup.strip()
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for el in root.iter():  # line breaks in the source are spaces, as a browser shows them
        if el.text:
            el.text = _SPACE.sub(" ", el.text)
        if el.tail:
            el.tail = _SPACE.sub(" ", el.tail)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in root.iter(*_BLOCKS):
        block.tail = "\n\n" + (block.tail or "")
    text = root.text_content()
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
