"""The inspection evidence pack template: `jsna.publish.inspection.evidence` (the Ofsted/CQC area SEND framework's
evaluation areas with the published indicators that evidence them, and the handbook's requested information, held
or not) laid out as a document model, which the PDF and DOCX writers render like the board pack."""

from __future__ import annotations

from datetime import UTC, datetime

from jsna.publish import board
from jsna.publish.document import Document, Paragraph, Section, Table
from jsna.publish.formatting import fmt_number, missing
from jsna.publish.inspection import Evidence, evidence
from jsna.publish.published import Published

COLUMNS = ["Indicator", "Period", "Value", "Direction", "England", "Against target"]


def build(pub: Published, code: str, name: str, period: str | None = None, url: str | None = None) -> Document:
    """The evidence pack of area `code` (latest figures, or the latest up to `period`)."""
    with pub.engine.connect() as conn:
        ev = evidence(conn, code, period)
    sections = [_introduction(ev)]
    sections += [_area(a) for a in ev.areas]
    sections += [_requested(ev), _gaps(ev)]
    context = board.Board(pub, code, name, board.period_year(period) if period else None, url)
    sections += [board.sources(context)]
    run = board.run_line(pub)
    return Document(
        title="Area SEND inspection: evidence pack",
        subtitle=f"{ev.area_name}: the published evidence for each evaluation area of the Ofsted/CQC framework",
        cover=[("Area", f"{ev.area_name} ({ev.area_code})"),
               ("Period", f"Each indicator's latest period up to {period}" if period
                else "Each indicator's latest published period"),
               ("Framework", f"{ev.source.title} (version read: {ev.source.version_read})"),
               ("Made", f"{datetime.now(UTC):%d %B %Y %H:%M} UTC"), ("Refresh run", run),
               ("Figures", "Published figures only, after disclosure control; suppressed figures stay suppressed.")],
        sections=sections)


def _introduction(ev: Evidence) -> Section:
    return Section("About this pack").add(
        Paragraph(f"For each evaluation area of the {ev.source.title}, the published indicators that evidence it: "
                  "each at its latest period, the direction over its latest three periods (improving or worsening "
                  "where one direction is better), England's value where published, and whether its target is met. "
                  "The information the handbook asks a local area partnership for is then listed, held or not; "
                  f"what is not held is listed as a gap ({len(ev.gaps)} here), never skipped."),
        Paragraph(f"Source: {ev.source.title}, {ev.source.url} (first published {ev.source.first_published}, in use "
                  f"from {ev.source.in_use_from}, read {ev.source.read_on}). {ev.source.caveat}", "note"))


def _area(area: object) -> Section:
    from jsna.publish.inspection import AreaEvidence

    assert isinstance(area, AreaEvidence)
    section = Section(f"{area.group}: {area.label}").add(Paragraph(area.summary))
    if len(area.rows):
        rows = []
        for r in area.rows.to_dict("records"):
            title = r["title"] + (f" ({r['breakdown_label']})" if r["breakdown"] != "all" else "")
            england = "" if missing(r["england_value"]) else fmt_number(r["england_value"], str(r["unit"])) + (
                f" ({r['england_comparison']})" if r["england_comparison"] else "")
            target = "" if missing(r["target"]) else f" (target {fmt_number(r['target'], str(r['unit']))})"
            rows.append([title, str(r["period_label"]), str(r["shown"]), str(r["trend"]), england,
                         f"{r['rating']}{target}"])
        section.add(Table(f"Evidence for: {area.label}", COLUMNS, rows, [False, False, True, False, True, False],
                          widths=[0.30, 0.11, 0.15, 0.16, 0.12, 0.16]))
    if area.note:
        section.add(Paragraph(area.note, "note"))
    elif area.missing:
        section.add(Paragraph(f"Named by the catalogue but not published for this area: {', '.join(area.missing)}.",
                              "note"))
    return section


def _requested(ev: Evidence) -> Section:
    rows = [[str(r.label), "held" if r.held else "not held", str(r.evidence or ""), str(r.note or "")]
            for r in ev.requested.itertuples()]
    return Section("Information requested by the handbook").add(
        Table("The information the handbook asks for, and what the warehouse publishes of it",
              ["Information", "Held", "Published evidence", "Note"], rows, widths=[0.28, 0.10, 0.30, 0.32]))


def _gaps(ev: Evidence) -> Section:
    gaps = ev.gaps
    section = Section("Gaps").add(Paragraph(
        f"{len(gaps)} items the handbook asks for are not published for {ev.area_name}: they must come from "
        "elsewhere (or be added to the warehouse) before an inspection." if len(gaps) else
        "Every item the handbook asks for is published for this area."))
    if len(gaps):
        section.add(Table("Gaps: requested information the warehouse does not publish", ["Information", "Why"],
                          [[str(r.label), str(r.note or "")] for r in gaps.itertuples()], widths=[0.35, 0.65]))
    return section
