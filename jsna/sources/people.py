"""Steps every child-level adapter takes: key the child, turn the date of birth into ages, place the
home in its LSOA. Clear identifiers, names, dates of birth and postcodes stop here."""

from __future__ import annotations

import pandas as pd

from jsna.errors import SourceError
from jsna.geography.codes import is_gss
from jsna.sources.base import Screen, parse_date
from jsna.sources.context import ReadContext

ID_COLUMNS = {
    "child_id": ["Child ID", "Person ID", "LA Child ID", "Child Reference", "LA Case Reference", "child_id"],
    "upn": ["UPN", "Unique Pupil Number"],
    "nhs_number": ["NHS Number", "NHS No", "nhs_number"],
}
HOME_COLUMNS = {"postcode": ["Postcode", "Home Postcode"], "lsoa": ["LSOA", "LSOA code", "LSOA21CD", "lsoa_code"]}
IDENTIFYING = {"child_id", "upn", "nhs_number", "forename", "surname", "dob", "postcode"}
REDACTED = "[identifier withheld]"
UNPLACED = "unplaced"  # Parsed.extras: the lines of rows landed without a home LSOA (counted in their authority)


def child_keys(frame: pd.DataFrame, context: ReadContext, path: object) -> pd.Series:
    if context.pseudonymiser is None:
        raise SourceError(path, "child-level files need a pseudonymisation key (JSNA_PSEUDONYM_KEY).")
    return context.pseudonymiser.child_key(
        nhs_number=frame.get("nhs_number"), upn=frame.get("upn"), local_id=frame.get("child_id")
    )


def age_on(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Whole years of age on a date (birthday reached counts)."""
    years = when.dt.year - dob.dt.year
    before_birthday = (when.dt.month < dob.dt.month) | ((when.dt.month == dob.dt.month) & (when.dt.day < dob.dt.day))
    return (years - before_birthday.astype(int)).astype("Int64")


def age_at_31_august(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Age on the 31 August that began the academic year of `when` (DfE's age for year groups)."""
    start_year = when.dt.year - (when.dt.month < 9).astype(int)
    aug31 = pd.to_datetime(start_year.astype("Int64").astype(str) + "-08-31", errors="coerce")
    return age_on(dob, aug31)


def place_homes(frame: pd.DataFrame, context: ReadContext) -> pd.Series:
    """LSOA of each home: the file's LSOA where it is a known code, else through the postcode."""
    placement = context.placement
    given = frame["lsoa"].str.strip() if "lsoa" in frame else pd.Series("", index=frame.index)
    ok = is_gss(given) & (given.isin(placement.known) if placement.known else True)
    via_postcode = placement.postcode(frame["postcode"]) if "postcode" in frame else pd.Series(None, index=frame.index)
    return given.where(ok, via_postcode).astype(object).where(lambda s: s.notna() & (s != ""), None)


def screen_people(screen: Screen, frame: pd.DataFrame, unplaced_land: bool = False) -> None:
    """Rules on identity and home every child-level file shares. `unplaced_land`: a home that cannot be
    placed is not a fault (the row lands without an LSOA and counts in its authority only)."""
    has_id = pd.Series(False, index=frame.index)
    for col in ID_COLUMNS:
        if col in frame:
            has_id |= frame[col].str.strip() != ""
    withheld = pd.Series(REDACTED, index=frame.index)
    screen.rule(~has_id, "child_id", "no child identifier (child id, UPN or NHS number)")
    if "dob" in frame:
        screen.rule(frame["dob_parsed"].isna(), "dob", "date of birth missing or not a date", withheld)
    no_home = frame["lsoa_code"].isna() & (not unplaced_land)
    postcode_given = frame["postcode"].str.strip() != "" if "postcode" in frame else pd.Series(False, index=frame.index)
    screen.rule(no_home & postcode_given, "postcode", "postcode not in the postcode directory", withheld)
    screen.rule(no_home, "postcode", "no postcode or LSOA to place the home")


def unplaced(lines: pd.Series) -> dict[str, object]:
    """Parsed.extras noting the rows landed without a home LSOA (their line numbers), if any."""
    return {UNPLACED: sorted(int(n) for n in lines)} if len(lines) else {}


def unplaced_notes(extras: dict[str, object], first: int = 3) -> list[str]:
    """The data-quality note of rows landed unplaced: how many, and the first lines."""
    lines = extras.get(UNPLACED)
    if not isinstance(lines, list) or not lines:
        return []
    n, more = len(lines), ", ..." if len(lines) > first else ""
    return [f"{n:,} row{'s' if n > 1 else ''} unplaced (postcode missing or not in the postcode directory): "
            f"counted in the authority's figures only, in no LSOA, MSOA or district: line{'s' if n > 1 else ''} "
            f"{', '.join(f'{x:,}' for x in lines[:first])}{more}"]


def parse_dates(frame: pd.DataFrame, columns: list[str], screen: Screen) -> dict[str, pd.Series]:
    """Parse date columns, quarantining values that are present but not dates."""
    parsed = {}
    for col in columns:
        parsed[col] = parse_date(frame[col])
        screen.rule(parsed[col].isna() & (frame[col].str.strip() != ""), col, "not a date (dd/mm/yyyy)")
    return parsed
