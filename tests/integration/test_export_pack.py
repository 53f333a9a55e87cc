"""The board pack (issue 16 points 1, 4 and 5), written by `jsna export pack` from the refreshed demo county as
jsna_reader: the PDF's sentences and figures against the published values read here independently, A4 pages,
text of 9 pt and over with embedded fonts, a tagged structure whose every figure has its text alternative, every
figure drawn; the DOCX's headings, real tables, styles and text alternatives; the refresh flow's pack_dir."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.db
REPO = Path(__file__).resolve().parents[2]
SECTIONS = ["Summary", "EHC plans and timeliness", "Health advice and waits", "Social care",
            "Sufficiency and forecasts", "Caveats", "Definitions and methods", "Sources"]
COUNT_UNITS = {"plans", "assessments", "requests"}
A4 = (595.28, 841.89)


def jsna(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jsna.cli", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "JSNA_DATABASE_URL": url}, timeout=300)


@pytest.fixture(scope="module")
def packs(refreshed: dict, warehouse_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pack")
    written = {}
    for suffix in ("pdf", "docx"):
        path = out / "board" / f"pack.{suffix}"
        proc = jsna("export", "pack", "--template", "board", "--out", str(path), url=warehouse_url)
        assert proc.returncode == 0, proc.stderr
        assert f"Pack written to {path}" in " ".join(proc.stdout.split())
        written[suffix] = path
    return written


def published(engine: sa.Engine, sql: str, **params: Any) -> pd.DataFrame:
    """Published rows read here, as the reader role reads them, without the pack's code."""
    with engine.connect() as conn:
        return pd.read_sql(sa.text(sql), conn, params=params)


def latest(engine: sa.Engine, indicator: str, code: str) -> pd.Series:
    rows = published(engine, "SELECT * FROM published.indicator_values WHERE indicator_id = :i AND area_code = :c "
                             "AND area_level = 'utla' AND breakdown = 'all' ORDER BY period", i=indicator, c=code)
    return rows.iloc[-1]


def shown(value: float, unit: str) -> str:
    """A value as the board reads it, written out here: 41.2%, 10.3 per 1,000, 5,645 plans, 18.0 weeks."""
    if unit == "%":
        return f"{value:.1f}%"
    if float(value).is_integer() and not unit.startswith("per "):
        return f"{value:,.0f} {unit}".strip()
    return f"{value:,.1f} {unit}".strip()


def label(period: str) -> str:
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    if len(period) == 6 and period.isdigit():
        return f"Jan {period[:2]}{period[4:]}"
    if len(period) == 7 and period[5:].isdigit():
        return f"{months[int(period[5:]) - 1]} {period[:4]}"
    return period.replace("-Q", " Q")


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def docx_tables(path: Path) -> list[list[list[str]]]:
    import docx

    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


def test_the_pdf_holds_the_headline_sentences_and_the_published_figures(packs: dict[str, Path],
                                                                          engine: sa.Engine) -> None:
    """Given the refreshed demo county, when the board pack is written as PDF,
    then its text holds the Overview's sentences built here from published rows, and every comparison table's
    figure (value, interval, region) equals the published value for its indicator and period."""
    text = pdf_text(packs["pdf"])
    area = published(engine, "SELECT area_code, area_name FROM published.areas WHERE area_level = 'utla' "
                              "AND area_code LIKE 'X10%' LIMIT 1").iloc[0]
    code, name = area["area_code"], area["area_name"]
    timely = latest(engine, "ehcp_20_weeks", code)
    target = published(engine, "SELECT target FROM published.indicators WHERE indicator_id = 'ehcp_20_weeks'")
    side = "below" if timely["value"] < target["target"].iloc[0] else "above"
    assert (f"{name} issued {timely['value']:.1f}% of new EHC plans within 20 weeks in {timely['period']}, {side} "
            f"the {target['target'].iloc[0]:g}% target") in text
    plans = latest(engine, "ehcp_plans", code)
    assert f"{name} maintained {plans['value']:,.0f} EHC plans in {label(plans['period'])}" in text
    backlog = latest(engine, "ehcp_backlog", code)
    assert f"At {label(backlog['period'])}, {backlog['value']:,.0f} assessments had been open past 20 weeks" in text
    for section in SECTIONS:
        assert section in text
    tiles = [c for t in docx_tables(packs["docx"]) for r in t for c in r]
    assert any(c.startswith(f"New EHC plans within 20 weeks ({timely['period']})\n{timely['value']:.1f}%")
               for c in tiles), tiles[:12]

    catalogue = published(engine, "SELECT indicator_id, short_title, unit FROM published.indicators")
    titles = dict(zip(catalogue["short_title"], catalogue["indicator_id"], strict=True))
    units = dict(zip(catalogue["indicator_id"], catalogue["unit"], strict=True))
    checked = 0
    for table in docx_tables(packs["docx"]):
        if table[0][:4] != ["Indicator", "Period", name, "95% CI"]:
            continue
        header = table[0]
        for row in table[1:]:
            indicator = titles[row[0]]
            mine = latest(engine, indicator, code)
            unit = units[indicator]
            assert row[1] == label(mine["period"])
            assert row[2] == shown(mine["value"], unit), (indicator, row)
            plain = "%" if unit == "%" else ""
            assert row[3] == f"{shown(mine['lower_ci95'], plain)} to {shown(mine['upper_ci95'], plain)}"
            assert row[2] in text and row[3] in text
            if "Region" in header:
                region = published(engine, "SELECT v.value FROM published.indicator_values v JOIN "
                                           "published.area_hierarchy h ON h.parent_code = v.area_code "
                                           "WHERE h.child_code = :c AND v.indicator_id = :i AND v.period = :p "
                                           "AND v.breakdown = 'all' AND v.area_level = 'region'",
                                   c=code, i=indicator, p=mine["period"])
                cell = row[header.index("Region")]
                assert cell == (shown(region["value"].iloc[0], unit) if len(region) else ""), (indicator, cell)
            checked += 1
    assert checked >= 10


def test_no_count_from_1_to_4_is_printed(packs: dict[str, Path]) -> None:
    """Given the pack, then no count of children, plans, assessments or requests from 1 to 4 appears in its text,
    and every count printed in its tables and tiles is 0 or at least 5."""
    text = pdf_text(packs["pdf"])
    assert not re.search(r"(?<![\d.,])[1-4] (plans?|assessments?|requests?|children|places)\b", text)
    counts = 0
    for table in docx_tables(packs["docx"]):
        for row in table:
            for cell in row:
                for number, _unit in re.findall(r"(?<![\d.,])(\d[\d,]*) (plans?|assessments?|requests?)\b", cell):
                    assert int(number.replace(",", "")) == 0 or int(number.replace(",", "")) >= 5, cell
                    counts += 1
        if table[0][:2] == ["District", "Places"] and table[0][2].startswith("Demand"):
            for row in table[1:]:
                for cell in row[1:3]:
                    if cell.replace(",", "").isdigit():
                        assert int(cell.replace(",", "")) == 0 or int(cell.replace(",", "")) >= 5, row
                        counts += 1
    assert counts >= 5


def test_pages_are_a4_with_text_of_9_pt_and_over_fonts_embedded_and_tagged(packs: dict[str, Path]) -> None:
    """Given the PDF, then every page is A4 portrait, every piece of text is at least 9 pt, every font is
    embedded, and it is tagged (PDF/UA): a structure tree whose every Figure has a text alternative, one per
    picture, tables with header cells, the language set."""
    from pypdf import PdfReader

    reader = PdfReader(packs["pdf"])
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes.append(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]))

    images: set[int] = set()
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
        page.extract_text(visitor_text=visit)
        resources = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            descriptor = font.get_object()
            descriptor = descriptor["/DescendantFonts"][0].get_object() if "/DescendantFonts" in descriptor \
                else descriptor
            files = descriptor["/FontDescriptor"].get_object()
            assert any(k in files for k in ("/FontFile", "/FontFile2", "/FontFile3")), descriptor
        images |= {x.idnum for x in (resources.get("/XObject") or {}).values()
                   if x.get_object()["/Subtype"] == "/Image"}
    assert len(reader.pages) >= 15 and min(sizes) >= 8.95, min(sizes)

    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and str(root["/Lang"]).startswith("en")
    found: dict[str, list[Any]] = {}

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.setdefault(str(node["/S"]), []).append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(root["/StructTreeRoot"])
    figures = found.get("/Figure", [])
    assert len(figures) == len(images) >= 10
    assert all(len(str(f.get("/Alt", ""))) > 40 for f in figures)
    assert len(found.get("/Table", [])) >= 8 and found.get("/TH") and found.get("/H1")


def test_every_figure_is_drawn(packs: dict[str, Path]) -> None:
    """Given the PDF rendered to images, then each picture's region has ink: not blank, with colour (a chart's
    series or a map's classes), and a map fills its page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(packs["pdf"])
    drawn = maps = 0
    for page in pdf:
        boxes = [o.get_bounds() for o in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE])]
        if not boxes:
            continue
        scale = 1.0
        image = np.asarray(page.render(scale=scale).to_pil().convert("RGB"), dtype=float) / 255
        height = image.shape[0]
        for left, bottom, right, top in boxes:
            region = image[int(height - top * scale):int(height - bottom * scale), int(left * scale):int(right * scale)]
            ink = np.mean(region.min(axis=2) < 0.9)
            colour = np.mean(region.max(axis=2) - region.min(axis=2) > 0.25)
            assert ink > 0.03 and colour > 0.01, (left, bottom, right, top, ink, colour)
            drawn += 1
            if right - left > 590 and top - bottom > 835:
                maps += 1
    assert drawn >= 10 and maps == 4


def test_the_docx_has_the_headings_real_tables_styles_and_text_alternatives(packs: dict[str, Path]) -> None:
    """Given the pack written as DOCX, then its Heading 1 paragraphs are the sections in order, its tables are real
    tables with a header row, it is A4 with the named styles an officer edits, and every picture carries a text
    alternative (the drawing's descr)."""
    import docx
    from docx.oxml.ns import qn

    word = docx.Document(str(packs["docx"]))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Contents", *SECTIONS]
    assert {"Heading 2", "Caption", "Pack Table", "Tile Value"} <= {s.name for s in word.styles}
    assert len(word.tables) >= 11
    assert all(t.style.name == "Pack Table" for t in word.tables)
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Demoshire against its comparators") for c in captions)
    for section in word.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    pictures = word.element.body.findall(".//" + qn("wp:docPr"))
    assert len(pictures) >= 10
    assert all(len(p.get("descr", "")) > 40 for p in pictures)


def test_a_pack_up_to_a_year_reads_that_years_figures(refreshed: dict, warehouse_url: str, engine: sa.Engine,
                                                      tmp_path: Path) -> None:
    """Given --period 2023, then the cover says so and the 20-week tile shows 2023's published figure."""
    import docx

    out = tmp_path / "pack2023.docx"
    proc = jsna("export", "pack", "--out", str(out), "--period", "2023", url=warehouse_url)
    assert proc.returncode == 0, proc.stderr
    cells = [c.text for t in docx.Document(str(out)).tables for row in t.rows for c in row.cells]
    assert "Each indicator's latest period up to the end of 2023" in cells
    code = published(engine, "SELECT area_code FROM published.areas WHERE area_level = 'utla' "
                             "AND area_code LIKE 'X10%' LIMIT 1")["area_code"].iloc[0]
    value = published(engine, "SELECT value FROM published.indicator_values WHERE indicator_id = 'ehcp_20_weeks' "
                              "AND area_code = :c AND area_level = 'utla' AND breakdown = 'all' AND period = '2023'",
                      c=code)["value"].iloc[0]
    assert any(c.startswith("New EHC plans within 20 weeks (2023)") and f"{value:.1f}%" in c for c in cells)
    bad = jsna("export", "pack", "--out", str(tmp_path / "pack.odt"), url=warehouse_url)
    assert bad.returncode == 1 and "a pack is written as .pdf or .docx" in " ".join(bad.stderr.split())


def test_the_refresh_flow_writes_the_pack_into_pack_dir_and_links_it(refreshed: dict, demo_dir: Path,
                                                                     engine: sa.Engine, tmp_path: Path) -> None:
    """Given the demo already refreshed, when the deployment's flow runs with pack_dir, then (nothing to rebuild)
    the board pack is written there, its cover names the run that built the published tables, and the run's
    Prefect artifact links to it."""
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from pypdf import PdfReader

    from flows.refresh import refresh

    summary = refresh(config=str(demo_dir / "jsna.toml"), pack_dir=str(tmp_path / "board"))
    path = Path(summary["pack"])
    assert path.parent == (tmp_path / "board").resolve() and path.name == f"board_pack_run{summary['run_id']}.pdf"
    built = published(engine, "SELECT run_id FROM published.build")["run_id"].iloc[0]
    cover = " ".join(PdfReader(path).pages[0].extract_text().split())
    assert f"Run {built}, started" in cover
    with get_client(sync_client=True) as client:
        links = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["board-pack"])))
    assert links and path.as_uri() in str(links[-1].data)


def test_the_inspection_template_is_the_same_writers_over_the_evidence_and_lists_its_gaps(
        refreshed: dict, warehouse_url: str, tmp_path: Path) -> None:
    """Given --template inspection, then the same writers lay out the inspection evidence: a heading per
    evaluation area of the framework, the requested information, and every gap the evidence finds listed in the
    Gaps table (none skipped); the PDF is written too, tagged like the board pack."""
    import docx
    from pypdf import PdfReader

    from jsna.publish.inspection import evidence
    from jsna.publish.inspection_framework import load_framework
    from jsna.warehouse.engine import get_engine, reader_url

    out = tmp_path / "inspection.docx"
    for path in (out, tmp_path / "inspection.pdf"):
        proc = jsna("export", "pack", "--template", "inspection", "--out", str(path), url=warehouse_url)
        assert proc.returncode == 0, proc.stderr
    word = docx.Document(str(out))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    for area in load_framework().area:
        assert f"{area.group}: {area.label}" in headings
    assert headings[-3:] == ["Information requested by the handbook", "Gaps", "Sources"]
    code = published(get_engine(warehouse_url), "SELECT area_code FROM published.areas WHERE area_level = 'utla' "
                                                "AND area_code LIKE 'X10%' LIMIT 1")["area_code"].iloc[0]
    with get_engine(reader_url()).connect() as conn:
        gaps = evidence(conn, code).gaps
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "Information" and len(t.columns) == 2)
    listed = [row.cells[0].text for row in table.rows[1:]]
    assert listed == list(gaps["label"]) and len(listed) >= 3
    assert "/StructTreeRoot" in PdfReader(tmp_path / "inspection.pdf").trailer["/Root"]
