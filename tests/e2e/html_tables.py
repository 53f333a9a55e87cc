"""Read the HTML tables a page drew (`dashboards.tables.html_table`) back into frames, with the standard
library's parser, and its headline tiles (`dashboards.ui.headline_html`): AppTest sees an st.html element as
its HTML text."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "head": None})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th", "caption"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.cell is None or not self.tables:
            return
        text = "".join(self.cell).strip()
        if tag == "caption":
            self.tables[-1]["caption"] = text
            self.cell = None
        elif tag in ("td", "th"):
            self.tables[-1]["rows"][-1].append(text)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def read_tables(html: str) -> list[pd.DataFrame]:
    """Every table in `html` as a frame of strings (the first row is the header); `frame.attrs['caption']`."""
    parser = _Tables()
    parser.feed(html)
    out = []
    for t in parser.tables:
        header, *body = t["rows"]
        frame = pd.DataFrame(body, columns=header)
        frame.attrs["caption"] = t["caption"]
        out.append(frame)
    return out


def page_tables(at: Any) -> list[pd.DataFrame]:
    """The HTML tables on an AppTest page, in page order."""
    return [f for h in at.get("html") for f in read_tables(h.proto.body)]


def badges(at: Any) -> list[str]:
    """The comparison badge of each headline tile on an AppTest page, in page order, as its words read."""
    out = []
    for h in at.get("html"):
        out += [unescape(w) for w in re.findall(r"data-testid='comparison-badge'[^>]*>(.*?)</span>", h.proto.body)]
    return out


def headlines(at: Any) -> list[tuple[str, str]]:
    """The headline tiles on an AppTest page, in page order: (label, value) as shown."""
    out = []
    for h in at.get("html"):
        body = h.proto.body
        for label, value in re.findall(r"data-testid='headline-label'[^>]*>(.*?)</div>"
                                       r"<div data-testid='headline-value'[^>]*>(.*?)</div>", body):
            out.append((unescape(label), unescape(value)))
    return out
