"""A SEN2 return as COLLECT's "Blade Export" writes it: one CSV per module (…_sen2.csv for the header,
…_person.csv, …_requests.csv, …_assessment.csv, …_namedplan.csv, …_plandetail.csv, …_activeplans.csv,
…_placementdetail.csv, …_senneed.csv), in a folder or a zip. Each row carries its module's table id and
its parent's; items are the XML element names in lower case. Read into the same module tables as the XML."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from jsna.config import get_settings
from jsna.errors import SourceError
from jsna.sources.base import norm, read_delimited
from jsna.sources.limits import size_text
from jsna.sources.sen2_return.spec import COLLECTION, MODULES, PARENT, YEARS
from jsna.sources.sen2_return.xml import Header, Modules

FILES = {"person": "person", "requests": "requests", "assessment": "assessment", "named_plan": "namedplan",
         "plan_detail": "plandetail", "active_plans": "activeplans", "placement_detail": "placementdetail",
         "sen_need": "senneed"}
HEADER_FILE = "sen2"
ALIASES = {"Sex": ("sex", "gendercurrent")}  # the person's sex is 'gendercurrent' in some exports


def _module_files(folder: Path) -> dict[str, Path]:
    """Each module's CSV in the folder (by the name's ending), one sentence naming any that is missing."""
    found: dict[str, Path] = {}
    csvs = [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"]
    for module in (HEADER_FILE, *FILES.values()):
        match = [p for p in csvs if re.search(rf"(^|[_\-\s]){module}$", p.stem, re.IGNORECASE)]
        if not match:
            raise SourceError(folder, f"the Blade Export has no {module} module (a file named like "
                                      f"Blade-Export_<date>_{module}.csv); COLLECT exports one CSV per module.")
        found[module] = sorted(match)[0]
    return found


def _date_text(s: pd.Series) -> pd.Series:
    """COLLECT's dates ('2022-Sep-28 00:00:00') as ISO dates; other values as given."""
    head = s.str.split(" ").str[0]
    parsed = pd.to_datetime(head, format="%Y-%b-%d", errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), s)


def _table(path: Path, module: str) -> pd.DataFrame:
    own, parent = FILES[module] + "tableid", FILES[PARENT[module]] + "tableid" if module in PARENT else None
    frame = read_delimited(path, [[own]], identifying=True)
    columns = {norm(c): c for c in frame.columns}
    missing = [c for c in (own, parent) if c and c not in columns]
    if missing:
        raise SourceError(path, f"has no {missing[0]} column, so its rows cannot be joined to their module.")
    out = pd.DataFrame({"id": frame[columns[own]].str.strip(),
                        "parent": frame[columns[parent]].str.strip() if parent else "-1",
                        "line": frame["__line__"]})
    for item in MODULES[module]:
        name = next((columns[a] for a in ALIASES.get(item, (item.lower(),)) if a in columns), None)
        out[item] = frame[name].fillna("").str.strip() if name else ""
        if name and ("date" in item.lower() or item in ("ReviewMeeting", "LastReview")):
            out[item] = _date_text(out[item])
    return out


def _header(path: Path) -> Header:
    frame = read_delimited(path, [["collection"], ["year"]])
    row = {norm(c): str(frame[c].iloc[0]).strip() for c in frame.columns} if len(frame) else {}
    collection, year = row.get("collection", ""), row.get("year", "")
    if collection and collection.upper() != COLLECTION:
        raise SourceError(path, f"is a {collection[:20]} export (column collection), not the SEN2 return.")
    if not year.isdigit() or int(year) not in YEARS:
        raise SourceError(path, f"its collection year (column year) is {year[:10] or 'missing'}; jsna reads the "
                                f"SEN2 specifications of {YEARS[0]} to {YEARS[-1]}.")
    return Header(collection, int(year), _date_text(pd.Series([row.get("referencedate", "")])).iloc[0],
                  row.get("lea", ""))


def _read_folder(folder: Path) -> Modules:
    files = _module_files(folder)
    return Modules(_header(files[HEADER_FILE]), {m: _table(files[f], m) for m, f in FILES.items()})


def read_blade(path: Path) -> Modules:
    """The module tables of a Blade Export folder or zip (a zip is unpacked to a temporary folder after
    its members' sizes are checked against JSNA_MAX_FILE_BYTES)."""
    if path.is_dir():
        return _read_folder(path)
    limit = get_settings().max_file_bytes
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
            if total > limit:
                raise SourceError(path, f"unpacks to {size_text(total)}, over the limit of {size_text(limit)} "
                                        "(JSNA_MAX_FILE_BYTES), so it was not read.")
            with tempfile.TemporaryDirectory(prefix="jsna_sen2_") as tmp:
                for info in z.infolist():
                    name = Path(info.filename).name
                    if not info.is_dir() and name.lower().endswith(".csv"):
                        (Path(tmp) / name).write_bytes(z.read(info))
                modules = _read_folder(Path(tmp))
    except zipfile.BadZipFile as exc:
        raise SourceError(path, "is not a readable zip file (nor SEN2 XML).") from exc
    except SourceError as exc:
        if exc.path.startswith(tempfile.gettempdir()):
            raise SourceError(path, str(exc).split(": ", 1)[1]) from None
        raise
    return modules
