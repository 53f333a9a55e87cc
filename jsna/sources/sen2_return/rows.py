"""A SEN2 return's modules as the rows the bespoke extract lands (raw.ehcp_cases): one row per request
(Requests module) with its decision, assessment outcome, plan, first-ranked placement and need, the child
keyed by UPN (else ULN, else a keyed hash of name and birth date), ages instead of the birth date, and the
home placed in its LSOA. Then every core table, indicator and forecast built from ehcp_cases works alike.

Mapping (DfE item -> column): ReceivedDate -> request_date; RequestOutcomeDate -> decision_date;
RequestOutcome Y/N/W -> decision assess/not_assess/withdrawn (A pending, H historical: none);
AssessmentOutcome Y/N -> plan/no_plan; Week20 (20-week exceptions apply) -> exception; NamedPlan StartDate
-> issue_date; CeaseDate/CeaseReason -> ceased_date/ceased_reason; SENneed of rank 1 -> primary_need;
PlacementDetail of rank 1 (else PlanDetail) -> setting_urn and placement (SEN unit or resourced provision
-> resourced; SENSetting codes -> early years, elsewhere, NEET; a UKPRN alone -> specialist post-16; a URN
-> resolved from the school's type when core is built). Outcome H (decided before the collection) lands
as transfer 'historical': a plan maintained, not a new request. AssessmentOutcomeDate -> assessment_date;
ActivePlans TransferLA -> transfer_la (a plan transferred in); the header's Year -> return_year.

A home whose postcode is missing or unknown lands without an LSOA (noted as unplaced) and counts in the
authority: the header's LA (a GSS code, or DfE's LA number mapped to one: jsna.sources.sen2_return.authority),
else the configured area (la_code; the header's LA number is kept as old_la_code). Without either the row is
quarantined."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.schemas.sen2_return import HISTORICAL, SEN2_ROWS
from jsna.sources.base import Parsed, Screen, empty_quarantine, parse_number
from jsna.sources.context import ReadContext
from jsna.sources.people import age_at_31_august, age_on, place_homes, unplaced
from jsna.sources.sen2_return.authority import authority as sen2_authority
from jsna.sources.sen2_return.authority import split_la
from jsna.sources.sen2_return.spec import (
    ASSESSMENT_OUTCOMES,
    CEASE_REASONS,
    FALSE,
    MANDATORY,
    MODULES,
    REQUEST_OUTCOMES,
    SEN_TYPES,
    SETTINGS,
    SEX,
    TRUE,
)
from jsna.sources.sen2_return.xml import Modules

RAW_TABLE = "ehcp_cases"
WITHHELD = "[withheld]"
UPN_FORMAT = r"^[A-Z]\d{12}$|^[A-Z]\d{11}[A-Z]$"
RECORD = ["request_outcome", "assessment_outcome_code", "sen_type", "setting", "year"]
_PREFIX = {"person": "p_", "assessment": "a_", "named_plan": "n_", "plan_detail": "pd_", "active_plans": "ap_",
           "placement_detail": "pl_", "sen_need": "sn_"}


def _first(frame: pd.DataFrame, rank: str) -> pd.DataFrame:
    """One row per parent: the first-ranked (rank 1, else the first given)."""
    if not len(frame):
        return frame
    r = frame[rank].fillna("")
    order = frame.assign(_r=r.where(r != "", "9")).sort_values(["parent", "_r", "id"])
    return order.drop_duplicates("parent").drop(columns="_r")


def _join(left: pd.DataFrame, right: pd.DataFrame, on: str, prefix: str, key: str = "parent") -> pd.DataFrame:
    """Left join of `right` (prefixed, keyed by its `key`) on `left[on]`; absent items become ""."""
    r = right.rename(columns={c: prefix + c for c in right.columns})
    out = left.merge(r, how="left", left_on=on, right_on=prefix + key)
    items = [c for c in r.columns if c not in (prefix + "id", prefix + "parent", prefix + "line")]
    out[items] = out[items].fillna("")
    return out


def request_frame(m: Modules) -> pd.DataFrame:
    """One row per Requests element with the items of every module it holds, and its person's."""
    t = m.tables
    frame = t["requests"].rename(columns={"id": "request_id", "parent": "person_id"})
    frame[list(MODULES["requests"])] = frame[list(MODULES["requests"])].fillna("")
    frame = _join(frame, t["person"], "person_id", "p_", key="id")
    frame = _join(frame, t["assessment"], "request_id", "a_")
    frame = _join(frame, t["named_plan"], "a_id", "n_")
    frame = _join(frame, _first(t["plan_detail"], "PlacementRank"), "n_id", "pd_")
    frame = _join(frame, t["active_plans"], "request_id", "ap_")
    frame = _join(frame, _first(t["placement_detail"], "PlacementRank"), "ap_id", "pl_")
    frame = _join(frame, _first(t["sen_need"], "SENtypeRank"), "ap_id", "sn_")
    return frame


def _iso_date(s: pd.Series) -> pd.Series:
    """A return's dates (xs:date; a time after the date ignored) in one pass: DfE's rules have already
    rejected every request with a date item in another form (jsna.sources.sen2_return.rules)."""
    v = s.fillna("").astype(str).str.strip()
    long = v.str.len() > 10
    if long.any():
        v = v.where(~long, v.str.replace(r"[ T].*", "", regex=True))
    return pd.to_datetime(v.str[:10], format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")


def _flag(s: pd.Series) -> pd.Series:
    low = s.str.lower()
    out = pd.Series(None, index=s.index, dtype=object)
    out[low.isin(TRUE)] = True
    out[low.isin(FALSE)] = False
    return out


def _placement(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(setting URN, placement code) of the first-ranked placement, else of the plan's first setting."""
    use_active = frame["pl_PlacementRank"] != ""
    pick = {c: frame["pl_" + c].where(use_active, frame["pd_" + c])
            for c in ("URN", "UKPRN", "SENSetting", "SENunitIndicator", "ResourcedProvisionIndicator")}
    unit = _flag(pick["SENunitIndicator"]).eq(True) | _flag(pick["ResourcedProvisionIndicator"]).eq(True)
    setting = pick["SENSetting"].str.upper().map(SETTINGS)
    placement = pd.Series(None, index=frame.index, dtype=object)
    placement[(pick["URN"] == "") & (pick["UKPRN"] != "")] = "specialist_post16"
    placement[setting.notna()] = setting[setting.notna()]
    placement[unit] = "resourced"
    return parse_number(pick["URN"]).astype("Int64"), placement


def _mandatory(screen: Screen, frame: pd.DataFrame) -> None:
    """A module present without one of its mandatory items."""
    for module, items in MANDATORY.items():
        prefix = _PREFIX.get(module, "")
        present = frame[prefix + "line"].notna() if prefix and module != "person" else pd.Series(True, frame.index)
        for item in items:
            screen.rule(present & (frame[prefix + item] == ""), f"{module}.{item}",
                        f"mandatory item {item} of the {module.replace('_', ' ')} module missing")


def _codes(screen: Screen, frame: pd.DataFrame) -> None:
    """Items outside their code lists (the value is shown: codes never identify a child)."""
    for col, codes, item in (("RequestOutcome", REQUEST_OUTCOMES, "RequestOutcome"),
                             ("a_AssessmentOutcome", ASSESSMENT_OUTCOMES, "AssessmentOutcome"),
                             ("p_Sex", SEX, "Sex"), ("sn_SENtype", SEN_TYPES, "SENtype"),
                             ("n_CeaseReason", CEASE_REASONS, "CeaseReason")):
        v = frame[col].str.upper()
        screen.rule((v != "") & ~v.isin(list(codes)), col, f"{item} not in the SEN2 code list",
                    frame[col].str[:12])
    for col in ("pl_SENSetting", "pd_SENSetting"):
        v = frame[col].str.upper()
        screen.rule((v != "") & ~v.isin(list(SETTINGS)), col, "SENSetting not in the SEN2 code list",
                    frame[col].str[:12])
    screen.rule((frame["a_Week20"] != "") & _flag(frame["a_Week20"]).isna(), "a_Week20",
                "Week20 not true or false", frame["a_Week20"].str[:12])


def rows(path: Path, m: Modules, context: ReadContext) -> Parsed:
    """The request rows of the return, screened; a person without requests is quarantined, never lost."""
    authority = sen2_authority(path, m.header.la, context)
    frame = request_frame(m)
    frame["__line__"] = frame["line"]
    ids = pd.DataFrame({
        "upn": frame["p_UPN"].str.strip().str.upper(), "uln": frame["p_UniqueLearnerNumber"].str.strip(),
        "forename": frame["p_Forename"], "surname": frame["p_Surname"], "dob": frame["p_PersonBirthDate"],
        "postcode": frame["p_PostCode"],
    })
    frame = pd.concat([frame, ids], axis=1)
    if context.pseudonymiser is None:
        from jsna.errors import SourceError
        raise SourceError(path, "child-level files need a pseudonymisation key (JSNA_PSEUDONYM_KEY).")
    fallback = ("uln:" + ids["uln"]).where(ids["uln"] != "",
                                           ("name:" + ids["surname"].str.upper() + "|" + ids["forename"].str.upper()
                                            + "|" + ids["dob"]).where(ids["surname"] != "", ""))
    frame["child_key"] = context.pseudonymiser.child_key(upn=ids["upn"].where(
        ids["upn"].str.fullmatch(UPN_FORMAT), ""), local_id=fallback, local_scope="sen2")
    frame["lsoa_code"] = place_homes(frame, context)
    frame["request_outcome"] = frame["RequestOutcome"]
    frame["assessment_outcome_code"] = frame["a_AssessmentOutcome"]
    frame["sen_type"] = frame["sn_SENtype"]
    frame["setting"] = frame["pl_SENSetting"].where(frame["pl_SENSetting"] != "", frame["pd_SENSetting"])
    frame["year"] = m.header.year
    screen = Screen(frame, record_columns=RECORD)
    withheld = pd.Series(WITHHELD, index=frame.index)

    _mandatory(screen, frame)
    _codes(screen, frame)
    dates = {}
    for name, col in (("request", "ReceivedDate"), ("decision", "RequestOutcomeDate"), ("issue", "n_StartDate"),
                      ("ceased", "n_CeaseDate"), ("assessed", "a_AssessmentOutcomeDate"), ("dob", "dob")):
        dates[name] = _iso_date(frame[col])
        bad = dates[name].isna() & (frame[col] != "")
        screen.rule(bad, "dob" if name == "dob" else col, "not a date (YYYY-MM-DD)",
                    withheld if name == "dob" else frame[col].str[:12])
    upn_bad = (ids["upn"] != "") & ~ids["upn"].str.fullmatch(UPN_FORMAT)
    screen.rule(upn_bad, "upn", "UPN not in the DfE format (a letter, 11 digits, then a digit or letter)", withheld)
    uln_bad = (ids["uln"] != "") & ~ids["uln"].str.fullmatch(r"\d{10}")
    screen.rule(uln_bad, "uln", "ULN not 10 digits", withheld)
    screen.rule(frame["child_key"].isna(), "upn", "no UPN, ULN or name and birth date to key the child")
    outcome = frame["RequestOutcome"].str.upper()
    historical = outcome.eq("H") | frame["a_AssessmentOutcome"].str.upper().eq("H")
    # a plan decided before the collection may come without its request date: its start stands for it
    request = dates["request"].where(dates["request"].notna() | ~historical, dates["issue"])
    screen.rule(request.isna(), "ReceivedDate", "request date (ReceivedDate) missing")
    screen.rule(dates["decision"] < request, "RequestOutcomeDate", "request outcome dated before the request")
    screen.rule(dates["issue"] < request, "n_StartDate", "plan issued before the request")
    screen.rule(dates["ceased"] < dates["issue"], "n_CeaseDate", "plan ceased before it was issued")
    age = age_on(dates["dob"], request)
    screen.rule(age < 0, "dob", "date of birth after the request", withheld)
    screen.rule(age > 25, "dob", "over 25 at the request", withheld)
    twice = _persons_twice(frame, ids)
    screen.rule(twice, "upn", "person appears twice in the return (same UPN or ULN in another Person)", withheld)
    # a home that cannot be placed lands without an LSOA and counts in the authority (none: quarantined)
    no_home = frame["lsoa_code"].isna() & (authority is None)
    screen.rule(no_home & (ids["postcode"] != ""), "postcode", "postcode not in the postcode directory", withheld)
    screen.rule(no_home, "postcode", "no postcode to place the home")

    urn, placement = _placement(frame)
    plan = frame["n_StartDate"] != ""
    ceased = dates["ceased"].notna()
    out = pd.DataFrame({
        "line": frame["__line__"], "child_key": frame["child_key"], "case_key": None,
        "request_date": request, "decision_date": dates["decision"],
        "decision": outcome.map(REQUEST_OUTCOMES).astype(object),
        "assessment_outcome": frame["a_AssessmentOutcome"].str.upper().map(ASSESSMENT_OUTCOMES).astype(object),
        "issue_date": dates["issue"], "ceased_date": dates["ceased"], "draft_date": pd.NaT,
        "exception": _flag(frame["a_Week20"]).eq(True).astype(bool),
        "age_at_request": age, "age_at_31aug": age_at_31_august(dates["dob"], request).clip(lower=0),
        "sex": frame["p_Sex"].str.upper().map(SEX).astype(object),
        "primary_need": frame["sn_SENtype"].str.upper().where(frame["sn_SENtype"] != "", None),
        "setting_urn": urn, "placement": placement,
        "plan_status": pd.Series(None, index=frame.index, dtype=object).mask(plan, "active").mask(plan & ceased,
                                                                                                 "ceased"),
        "transfer": pd.Series(None, index=frame.index, dtype=object).mask(historical, HISTORICAL),
        "ceased_reason": frame["n_CeaseReason"].map(CEASE_REASONS).astype(object),
        "lsoa_code": frame["lsoa_code"], "vintage": context.placement.vintage,
        "la_code": authority, "old_la_code": split_la(m.header.la)[0], "return_year": m.header.year,
        "assessment_date": dates["assessed"], "last_review": _iso_date(frame["ap_LastReview"]),
        "transfer_la": frame["ap_TransferLA"].str.strip().where(frame["ap_TransferLA"].str.strip() != "", None),
    }, index=frame.index)
    out = out.astype({c: object for c in ("decision", "assessment_outcome", "sex", "ceased_reason", "plan_status",
                                          "primary_need",
                                          "transfer", "transfer_la")})
    out = out.where(out.notna(), None).astype({"request_date": "datetime64[ns]", "decision_date": "datetime64[ns]",
                                               "issue_date": "datetime64[ns]", "ceased_date": "datetime64[ns]",
                                               "draft_date": "datetime64[ns]", "assessment_date": "datetime64[ns]",
                                               "last_review": "datetime64[ns]"})
    screen.frame = screen.frame.assign(**{c: out[c] for c in ("age_at_request", "age_at_31aug", "primary_need",
                                                              "placement", "decision", "assessment_outcome",
                                                              "transfer", "sex")})
    screen.validate(SEN2_ROWS)
    good, quarantine = screen.split()
    out = out.loc[good.index]
    out["age_at_request"] = out["age_at_request"].astype("int64")
    out["age_at_31aug"] = out["age_at_31aug"].astype("int64")
    lonely = _persons_without_requests(m)
    quarantine = pd.concat([q for q in (quarantine, lonely) if len(q)], ignore_index=True) \
        if len(quarantine) or len(lonely) else empty_quarantine()
    return Parsed(out.reset_index(drop=True), quarantine, len(frame) + len(lonely), RAW_TABLE,
                  extras=unplaced(out.loc[out["lsoa_code"].isna(), "line"]))


def _persons_twice(frame: pd.DataFrame, ids: pd.DataFrame) -> pd.Series:
    """Rows of a Person element whose UPN (or ULN) an earlier Person element of the return already holds."""
    twice = pd.Series(False, index=frame.index)
    for col in ("upn", "uln"):
        has = ids[col] != ""
        first = frame.loc[has].groupby(ids.loc[has, col])["person_id"].transform("min")
        twice.loc[first.index] |= frame.loc[has, "person_id"] != first
    return twice


def _persons_without_requests(m: Modules) -> pd.DataFrame:
    persons, requests = m.tables["person"], m.tables["requests"]
    alone = persons.loc[~persons["id"].isin(requests["parent"])]
    if not len(alone):
        return empty_quarantine()
    return pd.DataFrame({"line": alone["line"].to_numpy(), "column_name": "Requests",
                         "rule": "person without a Requests module (every person needs at least one)",
                         "value": None, "record": None})


__all__ = ["MODULES", "request_frame", "rows"]
