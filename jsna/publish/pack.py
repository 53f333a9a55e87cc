"""`jsna export pack`: a template's document from the published figures (read as `jsna_reader`), written as a
tagged PDF or an editable DOCX by the file's suffix. A template is a function (Published, area code, area name,
period, url) -> Document; adding one is adding it to `TEMPLATES`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jsna.errors import ExportError
from jsna.publish import board, inspection_pack
from jsna.publish.document import Document
from jsna.publish.published import Published

Template = Callable[[Published, str, str, str | None, str | None], Document]
TEMPLATES: dict[str, Template] = {"board": board.build, "inspection": inspection_pack.build}
FORMATS = (".pdf", ".docx")


def build(template: str, area: str | None = None, period: str | None = None, url: str | None = None) -> Document:
    """The template's document for `area` (default: the project's upper-tier area, else the one the dashboards
    choose), each indicator's latest period or its latest up to the year of `period`."""
    from jsna.publish.maps import home_area

    if template not in TEMPLATES:
        raise ExportError(f"No pack template {template}: use {' or '.join(TEMPLATES)}.")
    if period is not None and not (period[:4].isdigit() and len(period) in (4, 6, 7)):
        raise ExportError(f"Cannot read period {period}: give a year (2024), an academic year (202425), a quarter "
                          "(2024-Q3) or a month (2024-09).")
    pub = Published.connect(url)
    with pub.engine.connect() as conn:
        code, name = home_area(conn, "ehcp_plans", area)
    return TEMPLATES[template](pub, code, name, period, url)


def write(doc: Document, out: Path) -> Path:
    """Write the document as the suffix says: .pdf (tagged, PDF/UA-1) or .docx."""
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        from jsna.publish.pdfdoc import write_pdf

        return write_pdf(doc, out)
    if suffix == ".docx":
        from jsna.publish.docxdoc import write_docx

        return write_docx(doc, out)
    raise ExportError(f"Cannot write {out.name}: a pack is written as {' or '.join(FORMATS)}.")


def export_pack(template: str, out: Path, area: str | None = None, period: str | None = None,
                url: str | None = None) -> Path:
    """Build the template's document and write it to `out` (.pdf or .docx)."""
    if out.suffix.lower() not in FORMATS:
        raise ExportError(f"Cannot write {out.name}: a pack is written as {' or '.join(FORMATS)}.")
    return write(build(template, area, period, url), out)
