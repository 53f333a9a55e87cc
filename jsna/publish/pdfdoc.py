"""A pack's document model written as a tagged PDF (PDF/UA-1) by WeasyPrint: headings, paragraphs, tables and
figures become the PDF's structure (H1/H2, P, Table/TH/TD with their caption, Figure with its /Alt text), the
contents list links to each section with its page number, A4 pages, text 9 pt and over, fonts embedded
(DejaVu Sans, subset). A map figure is a page of its own, printed at its drawn size. Offline: the pictures are
inline data, and no URL is fetched (WeasyPrint's fetcher allows data: URLs only)."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from jsna.publish.document import Document, Figure, Paragraph, Table, Tiles

CSS = """
@page { size: A4; margin: 18mm 20mm 20mm 20mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt 'DejaVu Sans'; color: #404040; }
        @bottom-left { content: string(doctitle); font: 9pt 'DejaVu Sans'; color: #404040; } }
@page cover { @bottom-right { content: none; } @bottom-left { content: none; } }
@page map { margin: 0; @bottom-right { content: none; } @bottom-left { content: none; } }
html { font-family: 'DejaVu Sans', sans-serif; font-size: 10pt; line-height: 1.4; color: #1a1a1a; }
body { margin: 0; }
h1 { font-size: 17pt; margin: 0 0 4mm; break-before: page; color: #0b3d6b; }
h1.title { font-size: 24pt; break-before: auto; string-set: doctitle content(); margin-top: 40mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; break-after: avoid; color: #0b3d6b; }
p { margin: 0 0 2.5mm; }
p.subtitle { font-size: 15pt; margin-bottom: 12mm; }
p.note, figcaption, .caveat { font-size: 9pt; color: #333333; }
ul.lead { padding-left: 5mm; margin: 2mm 0 4mm; } ul.lead li { margin-bottom: 1.5mm; }
section.cover { page: cover; }
dl.cover { display: table; margin-top: 10mm; } dl.cover div { display: table-row; }
dl.cover dt, dl.cover dd { display: table-cell; padding: 1.2mm 4mm 1.2mm 0; margin: 0; }
dl.cover dt { font-weight: bold; white-space: nowrap; }
nav.contents { page: cover; break-before: page; }
nav.contents ol { list-style: none; padding: 0; }
nav.contents li { margin: 1.5mm 0; } nav.contents li.sub { padding-left: 6mm; font-size: 9.5pt; }
nav.contents a { color: #1a1a1a; text-decoration: none; }
nav.contents a::after { content: leader('.') target-counter(attr(href url), page); }
div.tiles { margin: 2mm 0 4mm; }
div.tile { display: inline-block; vertical-align: top; width: 54mm; min-height: 30mm; margin: 0 1.5mm 3mm 0;
           box-sizing: border-box;
           padding: 2.5mm 3mm; border: 0.6pt solid #9a9a9a; border-radius: 2mm; }
div.tile p.tile-title { font-size: 9pt; margin: 0 0 1mm; }
div.tile p.tile-value { font-size: 15pt; font-weight: bold; margin: 0 0 1mm; color: #0b3d6b; }
div.tile p.tile-line { font-size: 9pt; margin: 0; color: #333333; }
figure { margin: 3mm 0 5mm; break-inside: avoid; }
figure img { display: block; }
figure.page { page: map; margin: 0; break-before: page; break-after: page; }
figure.page img { width: 210mm; height: 297mm; }
figure.page figcaption { display: none; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 5mm; font-size: 9pt; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 9.5pt; padding-bottom: 1.5mm; }
th, td { padding: 1mm 1.5mm; border-bottom: 0.4pt solid #cccccc; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
thead th { border-bottom: 1pt solid #666666; vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody th { font-weight: normal; }
td.hash { font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; word-break: break-all; }
"""


def html(doc: Document) -> str:
    """The document as one HTML page: the cover, the contents, then each section."""
    cover = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in doc.cover)
    toc = "".join(f'<li class="{"sub" if s.level > 1 else "top"}"><a href="#{_anchor(i)}">{escape(s.title)}</a></li>'
                  for i, s in enumerate(doc.walk()))
    body = []
    for i, section in enumerate(doc.walk()):
        tag = "h1" if section.level == 1 else "h2"
        body.append(f'<{tag} id="{_anchor(i)}">{escape(section.title)}</{tag}>')
        body.extend(_block(b) for b in section.blocks)
    return (f'<!DOCTYPE html><html lang="{escape(doc.language)}"><head><meta charset="utf-8">'
            f"<title>{escape(doc.title)}: {escape(doc.subtitle)}</title><style>{CSS}</style></head><body>"
            f'<section class="cover"><h1 class="title">{escape(doc.title)}</h1>'
            f'<p class="subtitle">{escape(doc.subtitle)}</p><dl class="cover">{cover}</dl></section>'
            f'<nav class="contents"><h2>Contents</h2><ol>{toc}</ol></nav>{"".join(body)}</body></html>')


def write_pdf(doc: Document, out: Path) -> Path:
    """Write the tagged PDF (PDF/UA-1: structure tags, /Alt on every figure, the language, the title shown)."""
    import weasyprint

    out.parent.mkdir(parents=True, exist_ok=True)
    inline_only = weasyprint.urls.URLFetcher(allowed_protocols=["data"])  # the pictures are inline; nothing else
    weasyprint.HTML(string=html(doc), url_fetcher=inline_only).write_pdf(
        out, pdf_variant="pdf/ua-1", metadata=True, uncompressed_pdf=False)
    return out


def _anchor(i: int) -> str:
    return f"s{i}"


def _block(block: object) -> str:
    if isinstance(block, Paragraph):
        if block.style == "lead":
            items = "".join(f"<li>{escape(s)}</li>" for s in block.text.split("\n") if s)
            return f'<ul class="lead">{items}</ul>'
        return f'<p class="{block.style}">{escape(block.text)}</p>'
    if isinstance(block, Tiles):
        return '<div class="tiles">' + "".join(
            f'<div class="tile"><p class="tile-title">{escape(t.title)}</p><p class="tile-value">{escape(t.value)}</p>'
            + "".join(f'<p class="tile-line">{escape(line)}</p>' for line in t.lines) + "</div>"
            for t in block.tiles) + "</div>"
    if isinstance(block, Figure):
        src = "data:image/png;base64," + base64.b64encode(block.png).decode()
        if block.page:
            return (f'<figure class="page"><img src="{src}" alt="{escape(block.alt, quote=True)}">'
                    f"<figcaption>{escape(block.caption)}</figcaption></figure>")
        return (f'<figure><img src="{src}" alt="{escape(block.alt, quote=True)}" style="width:{block.width_mm:.1f}mm">'
                f"<figcaption>{escape(block.caption)}</figcaption></figure>")
    if isinstance(block, Table):
        return _table(block)
    raise TypeError(f"no PDF rendering for {type(block).__name__}")


def _table(t: Table) -> str:
    numeric = t.numeric or [False] * len(t.columns)
    head = "".join(f'<th scope="col"{_num(n)}>{escape(c)}</th>' for c, n in zip(t.columns, numeric, strict=True))
    rows = []
    for row in t.rows:
        cells = []
        for j, (cell, n) in enumerate(zip(row, numeric, strict=True)):
            css = ' class="hash"' if len(cell) == 64 and all(ch in "0123456789abcdef" for ch in cell) else _num(n)
            cells.append(f'<th scope="row">{escape(cell)}</th>' if j == 0 else f"<td{css}>{escape(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = f'<p class="note">{escape(t.note)}</p>' if t.note else ""
    cols = "".join(f'<col style="width:{100 * w:.1f}%">' for w in t.widths) if t.widths else ""
    fixed = ' style="table-layout:fixed"' if t.widths else ""
    return (f"<table{fixed}><caption>{escape(t.caption)}</caption><colgroup>{cols}</colgroup>"
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}")


def _num(numeric: bool) -> str:
    return ' class="num"' if numeric else ""

