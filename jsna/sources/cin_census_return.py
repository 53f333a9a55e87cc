"""The Children in Need census return as local authorities submit it to DfE: one XML file per year
(schemas 2016 onward), a `Child` element per child with its identifiers, characteristics (disabilities)
and `CINdetails` episodes: referrals, their assessments (with the factors identified), CIN plans,
section 47 enquiries and child protection plans.

The file is streamed (lxml iterparse, one `Child` at a time). Each referral, assessment, CIN plan,
section 47 enquiry and child protection plan is one row; a bad item goes to quarantine with its reason,
and every item of a child whose own details break a rule (or who appears twice) goes with it. A file
that is not well-formed XML, another collection's return or a census year jsna does not know stops
with one sentence naming the file and the element or line.

Children are keyed like every case-level kind (NHS number, else UPN, else LAchildID: the CIN census has
no NHS number, so a child with a UPN links to the same child in the SEN2 return and EHC plan extracts).
Names, UPN, former UPN and dates of birth stop here: ages at the item's start and at the census date
(31 March) instead. The census has no home postcode; a `PostCode` some systems add is placed, and a
child without one still counts in the authority's figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from jsna.errors import SourceError
from jsna.schemas.cin_census_return import (
    ABUSE_CATEGORIES,
    CIN_CENSUS_RETURN,
    CLOSURE_REASONS,
    DISABILITIES,
    FACTORS,
    FLAGS,
    GENDER,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
    UPN,
    YEARS,
)
from jsna.sources.base import Parsed, Screen, parse_date
from jsna.sources.context import ReadContext
from jsna.sources.people import REDACTED, age_on
from jsna.sources.records import finish, key_children

RAW_TABLE = "cin_census_return"
# The text of each item, by our column, from the item's element (paths relative to it).
ITEMS: dict[str, tuple[str, dict[str, str]]] = {
    "referral": (".", {"start": "CINreferralDate", "end": "CINclosureDate", "source": "ReferralSource",
                       "need": "PrimaryNeedCode", "closure": "ReasonForClosure", "flag": "ReferralNFA"}),
    "assessment": ("Assessments", {"start": "AssessmentActualStartDate", "end": "AssessmentAuthorisationDate"}),
    "cin_plan": ("CINPlanDates", {"start": "CINPlanStartDate", "end": "CINPlanEndDate"}),
    "section47": ("Section47", {"start": "S47ActualStartDate", "end": "DateOfInitialCPC", "flag": "ICPCnotRequired"}),
    "cp_plan": ("ChildProtectionPlans", {"start": "CPPstartDate", "end": "CPPendDate",
                                         "initial": "InitialCategoryOfAbuse", "category": "LatestCategoryOfAbuse"}),
}
# Mandatory items of each record (DfE's schema: minOccurs 1), by our column.
MANDATORY = {"referral": ("start", "source", "flag"), "assessment": ("start",), "cin_plan": ("start",),
             "section47": ("start", "flag"), "cp_plan": ("start", "initial", "category")}
COLUMNS = ["__line__", "child_no", "episode", "record", "child_id", "upn", "dob", "expected_dob", "gender",
           "disabilities", "postcode", "child_missing", "start", "end", "source", "need", "closure", "flag",
           "initial", "category", "factors"]
RECORD = ["record", "episode", "start", "end", "source", "need", "closure", "flag", "initial", "category", "factors"]
CHECKED = ["child_key", "record", "census_year", "age_at_start", "age_at_census", "sex", "lsoa_code"]


class _Header:
    """What the return's header says: its collection, census year and reference date."""

    def __init__(self) -> None:
        self.collection: str | None = None
        self.year: str | None = None
        self.reference: str | None = None


def _local(tag: object) -> str:
    """An element's name without its namespace ('' for processing instructions)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


PERSON = COLUMNS[4:12]
ITEM = COLUMNS[12:]


def _first(el: Any) -> dict[Any, Any]:
    """The first child element of each name (tag with namespace)."""
    out: dict[Any, Any] = {}
    for c in el:
        out.setdefault(c.tag, c)
    return out


def _codes(kids: dict[Any, Any], ns: str, name: str, item: str) -> str:
    """The codes of a list element (Disabilities, FactorsIdentifiedAtAssessment), comma-joined, upper case."""
    found = kids.get(ns + name)
    if found is None:
        return ""
    return ",".join((c.text or "").strip().upper() for c in found.iterchildren(ns + item))


def _child_rows(child: Any, ns: str, child_no: int, rows: list[tuple[Any, ...]]) -> None:
    """Append one row per item of a `Child` element (a row of its own if it has no episode). `ns` is the
    document's namespace as lxml writes it ('{uri}', or '' for DfE's returns, which have none)."""
    kids = _first(child)
    missing = [name for name in ("ChildIdentifiers", "ChildCharacteristics") if ns + name not in kids]
    ids = _first(kids[ns + "ChildIdentifiers"]) if ns + "ChildIdentifiers" in kids else {}
    chars = _first(kids[ns + "ChildCharacteristics"]) if ns + "ChildCharacteristics" in kids else {}

    def text(found: dict[Any, Any], name: str) -> str:
        el = found.get(ns + name)
        return (el.text or "").strip() if el is not None else ""

    person = {"child_id": text(ids, "LAchildID"), "upn": text(ids, "UPN"), "dob": text(ids, "PersonBirthDate"),
              "expected_dob": text(ids, "ExpectedPersonBirthDate"), "gender": text(ids, "GenderCurrent"),
              "disabilities": _codes(chars, ns, "Disabilities", "Disability"),
              "postcode": text(ids, "PostCode") or text(chars, "PostCode")}
    missing += [name for name, col in (("LAchildID", "child_id"), ("GenderCurrent", "gender")) if not person[col]]
    episodes = list(child.iterchildren(ns + "CINdetails"))
    if not episodes:
        missing.append("CINdetails")
    person["child_missing"] = ", ".join(missing)
    who = tuple(person[c] for c in PERSON)
    if not episodes:
        rows.append((child.sourceline or 0, child_no, 0, "referral", *who, *[""] * len(ITEM)))
        return
    for n, episode in enumerate(episodes, start=1):
        for record, path, names in _ITEM_NAMES:
            for item in (episode,) if path is None else episode.iterchildren(ns + path):
                found = _first(item)
                values = [text(found, name) if name else "" for name in names]
                if record == "assessment":
                    values[-1] = _codes(found, ns, "FactorsIdentifiedAtAssessment", "AssessmentFactors")
                rows.append((item.sourceline or 0, child_no, n, record, *who, *values))


# (record, element of each item under CINdetails (None: CINdetails itself), element name per ITEM column)
_ITEM_NAMES = [(record, None if path == "." else path, [fields.get(col, "") for col in ITEM])
               for record, (path, fields) in ITEMS.items()]


def _root(path: Path) -> str:
    """The tag of the file's root element, with its namespace (the parse stops there)."""
    for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False):
        return el.tag if isinstance(el.tag, str) else ""
    return ""


def stream(path: Path) -> tuple[_Header, pd.DataFrame]:
    """The header and one row of text per item, streamed; stops the file with one sentence when it is not
    well-formed XML or not a CIN census return."""
    header = _Header()
    rows: list[tuple[Any, ...]] = []
    child_no = 0
    if path.stat().st_size == 0:
        raise SourceError(path, "the file is empty.")
    try:
        root = _root(path)
        if _local(root) != "Message":
            raise SourceError(path, f"is not a CIN census return: its root element is <{_local(root)[:40]}>, "
                                    "where DfE's returns have <Message> (line 1).")
        ns = root[: len(root) - len("Message")]
        for _, el in etree.iterparse(str(path), events=("end",), tag=(ns + "CollectionDetails", ns + "Child"),
                                     resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False):
            if el.tag == ns + "CollectionDetails":
                details = {name: el.find(ns + name) for name in ("Collection", "Year", "ReferenceDate")}
                header.collection, header.year, header.reference = (
                    (e.text or "").strip() if e is not None else "" for e in details.values())
                _check_collection(path, header, details, el.sourceline)
                continue
            child_no += 1
            _child_rows(el, ns, child_no, rows)
            el.clear(keep_tail=False)
            parent = el.getparent()
            while el.getprevious() is not None and parent is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:  # the message may quote bytes of the file: give its position only
        line, column = exc.position if exc.position else (exc.lineno, 0)
        line = max(line or 1, 1)
        raise SourceError(path, f"is not well-formed XML: the parser stopped at line {line}, column {column} "
                                "(is the file complete, and is it the XML return itself?).") from exc
    if header.year is None:
        raise SourceError(path, "has no <Header><CollectionDetails> with the census <Year>, so its schema "
                                "cannot be known; is it a complete CIN census return?")
    return header, pd.DataFrame.from_records(rows, columns=COLUMNS)


def _check_collection(path: Path, header: _Header, details: dict[str, Any], line: int | None) -> None:
    """Stop a return of another collection, or of a census year whose schema jsna does not know."""
    if header.collection and header.collection.upper() != "CIN":
        raise SourceError(path, f"is a {header.collection[:20]} return, not a CIN census: "
                                f"<Collection> at line {details['Collection'].sourceline} must be CIN.")
    year = header.year or ""
    if not year:
        raise SourceError(path, f"its <CollectionDetails> (line {line}) has no census <Year>, so its schema "
                                "cannot be known.")
    if not year.isdigit() or int(year) not in YEARS:
        at = details["Year"].sourceline
        raise SourceError(path, f"is a CIN census for year {year[:10]!r} (<Year> at line {at}), which jsna does "
                                f"not know: it reads the schemas of {YEARS[0]} to {YEARS[-1]}.")


def _census_date(path: Path, header: _Header) -> pd.Timestamp:
    """The reference date of the return: its header's, else 31 March of its year."""
    year = int(header.year or 0)
    if header.reference:
        try:
            return pd.Timestamp(date.fromisoformat(header.reference[:10]))
        except ValueError as exc:
            raise SourceError(path, "its <ReferenceDate> is not a date (YYYY-MM-DD).") from exc
    return pd.Timestamp(year, 3, 31)


def _codes_outside(joined: pd.Series, allowed: frozenset[str]) -> pd.Series:
    """Rows whose comma-joined codes hold one outside `allowed` (blank holds none); each distinct list is
    checked once."""
    outside = {s: bool(s) and any(c not in allowed for c in s.split(",")) for s in joined.unique()}
    return joined.map(outside).astype(bool)


def _item_rules(screen: Screen, frame: pd.DataFrame, dates: dict[str, pd.Series]) -> None:
    """Rules on each item: mandatory items present, dates that are dates and in order, codes in DfE's lists."""
    record = frame["record"]
    for rec, columns in MANDATORY.items():
        names = ITEMS[rec][1]
        for col in columns:
            screen.rule((record == rec) & (frame[col] == ""), col, f"{rec}: mandatory item {names[col]} missing")
    for col in ("start", "end"):
        screen.rule(dates[col].isna() & (frame[col] != ""), col, "not a date (YYYY-MM-DD)")
    for rec, (_, names) in ITEMS.items():
        screen.rule((record == rec) & (dates["end"] < dates["start"]), "end",
                    f"{rec}: {names['end']} before {names['start']}")
    for col, allowed, name in (("source", REFERRAL_SOURCES, "ReferralSource"),
                               ("need", PRIMARY_NEEDS, "PrimaryNeedCode"),
                               ("closure", CLOSURE_REASONS, "ReasonForClosure"),
                               ("initial", ABUSE_CATEGORIES, "InitialCategoryOfAbuse"),
                               ("category", ABUSE_CATEGORIES, "LatestCategoryOfAbuse")):
        screen.rule((frame[col] != "") & ~frame[col].str.upper().isin(allowed), col,
                    f"{name} code outside DfE's list")
    screen.rule(_codes_outside(frame["factors"], FACTORS), "factors", "AssessmentFactors code outside DfE's list")
    screen.rule((frame["flag"] != "") & ~frame["flag"].str.lower().isin(list(FLAGS)), "flag",
                "flag not true/false (ReferralNFA or ICPCnotRequired)")


def _child_rules(screen: Screen, frame: pd.DataFrame) -> None:
    """Rules on the child, applied to every item of the child (the first broken, per item)."""
    screen.rule(frame["child_missing"] != "", "child_id", "child: mandatory item missing",
                frame["child_missing"].map(lambda s: f"missing: {s}"))
    screen.rule((frame["upn"] != "") & ~frame["upn"].str.fullmatch(UPN), "upn", "child: UPN not in DfE's format")
    born = frame["dob"].where(frame["dob"] != "", frame["expected_dob"])
    screen.rule(born == "", "dob", "child: PersonBirthDate missing (and no ExpectedPersonBirthDate)",
                pd.Series(REDACTED, index=frame.index))
    screen.rule(frame["born_parsed"].isna() & (born != ""), "dob", "child: date of birth not a date (YYYY-MM-DD)",
                pd.Series(REDACTED, index=frame.index))
    screen.rule(~frame["gender"].isin(list(GENDER)), "gender", "child: GenderCurrent code outside DfE's list")
    screen.rule(_codes_outside(frame["disabilities"], DISABILITIES), "disabilities",
                "child: Disability code outside DfE's list")
    # a child twice: a later Child element with the LAchildID or the key of an earlier one
    first_by_id = frame.groupby("child_id")["child_no"].transform("min").where(frame["child_id"] != "")
    first_by_key = frame.groupby("child_key")["child_no"].transform("min")
    twice = (first_by_id < frame["child_no"]) | (first_by_key < frame["child_no"])
    screen.rule(twice, "child_id", "child appears twice in the return (the same LAchildID or UPN in two "
                                   "<Child> elements): the first is kept")


def read(path: Path, options: dict[str, Any], context: ReadContext | None = None) -> Parsed:
    header, frame = stream(path)
    census = _census_date(path, header)
    if frame.empty:
        raise SourceError(path, "has no <Child> elements: a CIN census return holds at least one child.")
    key_children(frame, context, path)
    assert context is not None  # key_children stops the file otherwise
    born = frame["dob"].where(frame["dob"] != "", frame["expected_dob"])
    frame["born_parsed"] = _parse_dates(born)
    frame = frame.drop(columns=["dob_parsed"], errors="ignore")
    screen = Screen(frame, record_columns=RECORD)
    _child_rules(screen, frame)
    dates = {col: _parse_dates(frame[col]) for col in ("start", "end")}
    _item_rules(screen, frame, dates)
    referral = frame["record"] == "referral"
    twice = referral & dates["start"].notna() & frame.assign(s=dates["start"]).duplicated(["child_no", "record", "s"])
    screen.rule(twice, "start", "referral: a second CINdetails of the child with the same CINreferralDate")
    # the items of a referral that went to quarantine follow it
    lost = frame.loc[referral & screen.failed, ["child_no", "episode"]].drop_duplicates()
    follows = pd.MultiIndex.from_frame(frame[["child_no", "episode"]]).isin(pd.MultiIndex.from_frame(lost))
    screen.rule(pd.Series(follows, index=frame.index) & ~referral, None, "its referral (CINdetails) was quarantined")

    def age(when: pd.Series) -> pd.Series:
        a = age_on(frame["born_parsed"], when)
        return a.where(a >= 0)  # before birth (a referral of an unborn child): no age

    flag = frame["flag"].str.lower().map(FLAGS)
    disab = frame["disabilities"].str.replace(r"(^|,)NONE(?=,|$)", "", regex=True).str.strip(",")
    out = pd.DataFrame({
        "line": frame["__line__"].astype("int64"), "census_year": int(header.year or 0), "reference_date": census,
        "child_key": frame["child_key"], "record": frame["record"], "episode": frame["episode"].astype("int64"),
        "start_date": dates["start"], "end_date": dates["end"],
        "age_at_start": age(dates["start"]), "age_at_census": age(pd.Series(census, index=frame.index)),
        "sex": frame["gender"].map(GENDER).astype(object),
        "disabilities": disab.where(disab != "", None),
        "referral_source": _blank(frame["source"]), "primary_need": _blank(frame["need"].str.upper()),
        "closure_reason": _blank(frame["closure"].str.upper()), "no_further_action": flag.astype(object),
        "abuse_category": _blank(frame["category"].str.upper()), "factors": _blank(frame["factors"]),
        "lsoa_code": frame["lsoa_code"], "vintage": context.placement.vintage,
    })
    out["sex"] = out["sex"].where(out["sex"].notna(), None)
    out["no_further_action"] = out["no_further_action"].where(flag.notna(), None)
    return finish(screen, out, CIN_CENSUS_RETURN, CHECKED, RAW_TABLE,
                  unique=(["child_key", "record", "episode", "start_date"], "start",
                          "the same item twice (same child, episode, kind and start date)"),
                  integers=["census_year", "episode"])


def _parse_dates(s: pd.Series) -> pd.Series:
    """`parse_date` of each distinct text once (a return repeats its dates), spread back over the rows."""
    codes, distinct = pd.factorize(s, use_na_sentinel=False)
    parsed = parse_date(pd.Series(distinct, dtype=object)).to_numpy()
    return pd.Series(parsed[codes], index=s.index, name=s.name)


def _blank(s: pd.Series) -> pd.Series:
    t = s.fillna("").astype(str).str.strip()
    return t.astype(object).where(t != "", None)

