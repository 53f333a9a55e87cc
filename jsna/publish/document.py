"""A pack as a document model: sections of headings, paragraphs, headline tiles, figures with their text
alternatives and tables with captions. A template (`jsna.publish.board`, ...) builds one from the published
figures; the writers (`jsna.publish.pdfdoc`, `jsna.publish.docxdoc`) render any of them, so a new template is
one more function and never touches the writers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """Running text; `style` 'body', 'lead' (the summary's sentences, as a list) or 'note' (smaller, caveats)."""

    text: str
    style: str = "body"


@dataclass
class Tile:
    """A headline figure: its title and period, the value as the board reads it, and the lines under it."""

    title: str
    value: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Tiles:
    tiles: list[Tile]


@dataclass
class Figure:
    """A picture (PNG) with its text alternative and caption. `width_mm`: its printed width; `page`: drawn as a
    page of its own at paper size (a print-grade map, whose text sizes are print sizes)."""

    png: bytes
    alt: str
    caption: str
    width_mm: float = 170.0
    page: bool = False
    name: str = "figure"


@dataclass
class Table:
    """A real table: column headers, rows of cell text (as printed), which columns are numbers (right-aligned),
    the first column as row headers, and a caption."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    note: str | None = None
    widths: list[float] | None = None  # each column's share of the width (they add up to 1), else automatic


Block = Paragraph | Tiles | Figure | Table


@dataclass
class Section:
    """A heading (level 1 or 2) and what follows it, then its subsections."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1
    subsections: list[Section] = field(default_factory=list)

    def add(self, *blocks: Block | None) -> Section:
        self.blocks.extend(b for b in blocks if b is not None)
        return self

    def walk(self) -> list[Section]:
        """This section and every subsection, in reading order."""
        return [self, *(s for sub in self.subsections for s in sub.walk())]


@dataclass
class Document:
    """A whole pack: its title, the cover's lines (label, text) and its sections in order."""

    title: str
    subtitle: str
    cover: list[tuple[str, str]]
    sections: list[Section]
    language: str = "en-GB"

    def walk(self) -> list[Section]:
        return [s for top in self.sections for s in top.walk()]

    def blocks(self) -> list[Block]:
        return [b for s in self.walk() for b in s.blocks]
