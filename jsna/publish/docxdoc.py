"""A pack's document model written as an editable Word document (python-docx): A4, the named styles an officer
restyles in one place (Title, Heading 1 and 2, Caption, List Bullet, a 'Pack Table' table style, 'Tile Value'),
real tables with a repeated header row, every picture with its text alternative (the drawing's `descr`) and a
caption. A map is a section of its own with no margins, printed at the size it was drawn."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from jsna.publish.document import Document, Figure, Paragraph, Table, Tiles

FONT = "DejaVu Sans"
TABLE_STYLE = "Pack Table"


def write_docx(doc: Document, out: Path) -> Path:
    """Write the document (.docx)."""
    import docx
    from docx.shared import Mm, Pt

    word = docx.Document()
    _styles(word)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _margins(section, 18, 20, 20, 20)
    props = word.core_properties
    props.title, props.subject, props.language = doc.title, doc.subtitle, doc.language
    word.add_paragraph(doc.title, style="Title")
    word.add_paragraph(doc.subtitle, style="Subtitle")
    cover = word.add_table(rows=0, cols=2, style=TABLE_STYLE)
    for label, text in doc.cover:
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = label, text
        cells[0].paragraphs[0].runs[0].bold = True
    word.add_paragraph("Contents", style="Heading 1")
    for s in doc.walk():
        p = word.add_paragraph(s.title, style="List Number" if s.level == 1 else "List Bullet 2")
        p.paragraph_format.space_after = Pt(2)
    for s in doc.walk():
        heading = word.add_paragraph(s.title, style=f"Heading {min(s.level, 2)}")
        if s.level == 1:
            heading.paragraph_format.page_break_before = True
        for block in s.blocks:
            _block(word, block)
    out.parent.mkdir(parents=True, exist_ok=True)
    word.save(str(out))
    return out


def _styles(word: Any) -> None:
    """The document's named styles: its fonts at 10 pt and over, a caption style, the table style."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = word.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10)
    for name, size in (("Title", 24), ("Subtitle", 15), ("Heading 1", 17), ("Heading 2", 13)):
        styles[name].font.name, styles[name].font.size = FONT, Pt(size)
        styles[name].font.color.rgb = RGBColor(0x0B, 0x3D, 0x6B)
    caption = styles["Caption"]
    caption.font.name, caption.font.size, caption.font.italic = FONT, Pt(9), False
    caption.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style, note.font.size = normal, Pt(9)
    value = styles.add_style("Tile Value", WD_STYLE_TYPE.PARAGRAPH)
    value.base_style, value.font.size, value.font.bold = normal, Pt(16), True
    value.font.color.rgb = RGBColor(0x0B, 0x3D, 0x6B)
    table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.font.name, table.font.size = FONT, Pt(9)


def _margins(section: Any, top: float, right: float, bottom: float, left: float) -> None:
    from docx.shared import Mm

    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = section.footer_distance = Mm(min(top, bottom) / 2)


def _block(word: Any, block: object) -> None:
    if isinstance(block, Paragraph):
        if block.style == "lead":
            for sentence in (s for s in block.text.split("\n") if s):
                word.add_paragraph(sentence, style="List Bullet")
        else:
            word.add_paragraph(block.text, style="Note" if block.style == "note" else "Normal")
    elif isinstance(block, Tiles):
        _tiles(word, block)
    elif isinstance(block, Figure):
        _figure(word, block)
    elif isinstance(block, Table):
        _table(word, block)
    else:
        raise TypeError(f"no DOCX rendering for {type(block).__name__}")


def _tiles(word: Any, block: Tiles) -> None:
    """Headline tiles as a table of three columns: each cell its title, value and lines."""
    cols = 3
    table = word.add_table(rows=0, cols=cols, style=TABLE_STYLE)
    for i in range(0, len(block.tiles), cols):
        cells = table.add_row().cells
        for cell, t in zip(cells, block.tiles[i:i + cols], strict=False):
            cell.paragraphs[0].text = t.title
            cell.paragraphs[0].style = word.styles["Note"]
            cell.add_paragraph(t.value, style="Tile Value")
            for line in t.lines:
                cell.add_paragraph(line, style="Note")
    word.add_paragraph()


def _figure(word: Any, fig: Figure) -> None:
    from docx.shared import Mm, Pt

    if fig.page:
        _end_section(word, margins=None)  # what came before ends its section on the page before the map
    par = word.add_paragraph()
    par.paragraph_format.space_before = par.paragraph_format.space_after = Pt(0)
    width = fig.width_mm - (1.0 if fig.page else 0.0)  # a hair under the page: Word keeps it on its page
    shape = par.add_run().add_picture(io.BytesIO(fig.png), width=Mm(width))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", fig.alt)
    doc_pr.set("title", fig.caption[:250])
    if fig.page:
        _end_section(word, margins=(0, 0, 0, 0), paragraph=par)
    else:
        word.add_paragraph(fig.caption, style="Caption")


def _end_section(word: Any, margins: tuple[float, float, float, float] | None, paragraph: Any = None) -> None:
    """End the current section at `paragraph` (else at a new empty paragraph after whatever came last, a table
    included), the next starting on a new page; `margins` (mm) for the section that ends, else the document's."""
    body = word.element.body
    sentinel = body.get_or_add_sectPr()
    p = paragraph or word.add_paragraph()
    ended = sentinel.clone()
    p._p.set_sectPr(ended)
    if margins is not None:
        from docx.section import Section

        _margins(Section(ended, word.part), *margins)


def _table(word: Any, t: Table) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word.add_paragraph(t.caption, style="Caption")
    numeric = t.numeric or [False] * len(t.columns)
    table = word.add_table(rows=1, cols=len(t.columns), style=TABLE_STYLE)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_pr.append(repeat)
    for cell, name, n in zip(header.cells, t.columns, numeric, strict=True):
        cell.text = name
        run = cell.paragraphs[0].runs[0]
        run.bold = True
        if n:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in t.rows:
        cells = table.add_row().cells
        for cell, text, n in zip(cells, row, numeric, strict=True):
            cell.text = text
            if n:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if t.widths:
        from docx.shared import Mm

        table.autofit = False
        for column, share in zip(table.columns, t.widths, strict=True):  # the grid LibreOffice lays out by
            column.width = Mm(170 * share)
        for row in table.rows:
            for cell, share in zip(row.cells, t.widths, strict=True):
                cell.width = Mm(170 * share)
    if t.note:
        word.add_paragraph(t.note, style="Note")
