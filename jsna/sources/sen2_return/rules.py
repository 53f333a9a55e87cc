"""The SEN2 return's validation rules that can be checked from the return alone, each declared once (its
reference, message, module and item, severity) with a vectorised check over the module tables the reader
produces (jsna.sources.sen2_return.xml, .blade).

Where they come from. DfE publishes its rule list as a spreadsheet beside the technical specification
("Special educational needs person level survey 20NN: validation rules", ODS, at gov.uk/government/
publications/special-educational-needs-person-level-survey-technical-specification). That file could not be
reached from here and no public repository keeps its numbers (searched again on 2026-12-07: documentation,
web pages, issue threads and code, for the workbook, the survey guide and the rules' wording; found only the
CIN census's and the SSDA903's numbered rules, in Data to Insight's validators, whose numbers are not
SEN2's), so no rule carries a DfE number (`dfe` stays empty: numbers are never guessed). Each rule cites
instead the specification's module (1 person, 2 requests,
3 assessment, 4a named plan, 4b plan detail, 5a active plans, 5b placement detail, 5c SEN need; "SEN2 person
level 2023 technical specification" sections 2.1 to 2.5 and 3.2.2, the person XML structure) and its item,
and checks what the specification's structure requires of it: mandatory items and modules, code lists,
formats (UPN, ULN, URN, UKPRN, LA numbers), dates in order and not after the reference date, ranks 1 or 2
and not repeated. DfE's UPN check letter (common basic data set) is a query. Once DfE's numbers are at hand
they go in `dfe`, and the reference becomes "SEN2 rule NNNN".

Left: rules that need more than the return (a URN or UKPRN that exists, an LA number that exists, last
year's return, the 20-week timeliness against Week20), the 2025 item RequestSource (not read yet), and
DfE's own rules beyond these until their list is at hand.

Errors reject the requests they touch (the reader sends them to quarantine with the rule's reference and
message); queries are reported, never quarantined. Messages name the module, item and rule, never a value:
the return is child level."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.sources.sen2_return.spec import (
    ASSESSMENT_OUTCOMES,
    CEASE_REASONS,
    ELEMENTS,
    FALSE,
    PARENT,
    REQUEST_OUTCOMES,
    SEN_TYPES,
    SETTINGS,
    SEX,
    TRUE,
)
from jsna.sources.sen2_return.xml import Modules

ERROR, QUERY = "error", "query"
EXTRA = "sen2_rules"  # the key of the rules broken in a parsed file's extras
FIRST_LINES = 5  # lines kept per rule broken
SECTIONS = {"person": "1", "requests": "2", "assessment": "3", "named_plan": "4a", "plan_detail": "4b",
            "active_plans": "5a", "placement_detail": "5b", "sen_need": "5c"}
ETHNICITIES = ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
               "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
RES, WBP, DIRECT_PAYMENTS, REVIEW_OUTCOMES = ("A", "B"), ("A", "T", "S"), ("E", "S", "H", "I"), ("A", "C", "M")
UPN_UNKNOWN = tuple(f"UN{n}" for n in range(1, 11))
UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"  # DfE's UPN check letters (no I, O or S), by remainder mod 23


@dataclass(frozen=True)
class Rule:
    """One rule: `key` (jsna's name for it), DfE's number when known, the module and item it reads, its
    severity and message (no value of the return in it), and the check: module tables and the return's
    reference date -> the rows (a boolean mask over the module's table) that break it."""

    key: str
    module: str
    item: str
    severity: str
    message: str
    check: Callable[[dict[str, pd.DataFrame], pd.Timestamp], pd.Series]
    dfe: str | None = None

    @property
    def reference(self) -> str:
        """How the rule is cited: DfE's number, else the specification's module and item."""
        if self.dfe:
            return f"SEN2 rule {self.dfe}"
        return f"SEN2 spec module {SECTIONS[self.module]} {ELEMENTS[self.module]}/{self.item}"

    @property
    def reason(self) -> str:
        return f"{self.reference}: {self.message}"


# -- helpers over module tables -------------------------------------------------------------------
def _text(t: pd.DataFrame, item: str) -> pd.Series:
    return t[item].fillna("").astype(str).str.strip()


def _given(t: pd.DataFrame, item: str) -> pd.Series:
    return _text(t, item) != ""


def _outside(t: pd.DataFrame, item: str, codes: object) -> pd.Series:
    v = _text(t, item)
    return (v != "") & ~v.str.upper().isin(list(codes))  # type: ignore[call-overload]


def _not_date(t: pd.DataFrame, item: str) -> pd.Series:
    return _given(t, item) & _date(t, item).isna()


_DATES: dict[tuple[int, str], pd.Series] = {}  # dates parsed during one `findings` (cleared after it)


def _date(t: pd.DataFrame, item: str) -> pd.Series:
    """An item as dates: DfE's XML dates (xs:date, YYYY-MM-DD; a time after it ignored); else NaT."""
    key = (id(t), item)
    if key not in _DATES:
        _DATES[key] = pd.to_datetime(_text(t, item).str[:10], format="%Y-%m-%d", errors="coerce")
    return _DATES[key]


def _not_pattern(t: pd.DataFrame, item: str, pattern: str) -> pd.Series:
    v = _text(t, item)
    return (v != "") & ~v.str.fullmatch(pattern)


def _has_child(tables: dict[str, pd.DataFrame], module: str, child: str) -> pd.Series:
    return tables[module]["id"].isin(tables[child]["parent"])


def _rank_twice(t: pd.DataFrame, item: str) -> pd.Series:
    v = _text(t, item)
    return (v != "") & pd.DataFrame({"p": t["parent"], "v": v}).duplicated(keep=False)


def _upn_check_wrong(t: pd.DataFrame) -> pd.Series:
    """A UPN in DfE's format whose first letter is not the check letter of the 12 characters after it
    (weights 2 to 13; a final letter counts as its place among the check letters)."""
    v = _text(t, "UPN").str.upper()
    ok = v.str.fullmatch(r"[A-Z]\d{11}[0-9A-Z]").to_numpy(dtype=bool)
    out = pd.Series(False, index=t.index)
    if not ok.any():
        return out
    chars = np.frombuffer("".join(v[ok]).encode("ascii"), np.uint8).reshape(-1, 13)
    digits = chars[:, 1:12].astype(np.int64) - ord("0")
    total = digits @ np.arange(2, 13)
    last = chars[:, 12]
    letters = np.frombuffer(UPN_CHECK.encode("ascii"), np.uint8)
    place = np.where((last[:, None] == letters).any(axis=1), (last[:, None] == letters).argmax(axis=1), -1)
    total = total + np.where(last <= ord("9"), last.astype(np.int64) - ord("0"), place) * 13
    out[ok] = chars[:, 0] != letters[total % 23]
    return out


def _age_at(tables: dict[str, pd.DataFrame], ref: pd.Timestamp) -> pd.Series:
    dob = _date(tables["person"], "PersonBirthDate")
    before = (dob.dt.month > ref.month) | ((dob.dt.month == ref.month) & (dob.dt.day > ref.day))
    return ref.year - dob.dt.year - before.astype(int)


def _received(tables: dict[str, pd.DataFrame], module: str) -> pd.Series:
    """For each row of `module`, the date its request was received."""
    received = _date(tables["requests"], "ReceivedDate")
    ids = tables[module]["parent"]
    m = PARENT[module]
    while m != "requests":
        ids = ids.map(pd.Series(tables[m]["parent"].to_numpy(), index=tables[m]["id"].to_numpy()))
        m = PARENT[m]
    return ids.map(pd.Series(received.to_numpy(), index=tables["requests"]["id"].to_numpy()))


def _after_ref(t: pd.DataFrame, item: str, ref: pd.Timestamp) -> pd.Series:
    return (_date(t, item) > ref) if not pd.isna(ref) else pd.Series(False, index=t.index)


def _flag_bad(t: pd.DataFrame, item: str) -> pd.Series:
    v = _text(t, item).str.lower()
    return (v != "") & ~v.isin(TRUE | FALSE)


def _setting_rules(m: str) -> tuple[Rule, ...]:
    """The rules a plan's setting (4b) and a placement (5b) share."""
    return (
        Rule(f"{m}_setting", m, "SENSetting", ERROR, "SEN setting not in the code list of settings without a URN",
             lambda t, r: _outside(t[m], "SENSetting", SETTINGS)),
        Rule(f"{m}_setting_other", m, "SENSettingOther", QUERY, "SEN setting OTH without its description",
             lambda t, r: _text(t[m], "SENSetting").str.upper().eq("OTH") & ~_given(t[m], "SENSettingOther")),
        Rule(f"{m}_urn", m, "URN", ERROR, "URN not 6 digits", lambda t, r: _not_pattern(t[m], "URN", r"\d{6}")),
        Rule(f"{m}_ukprn", m, "UKPRN", ERROR, "UKPRN not 8 digits", lambda t, r: _not_pattern(t[m], "UKPRN", r"\d{8}")),
        Rule(f"{m}_no_setting", m, "URN", ERROR, "none of URN, UKPRN or SEN setting given",
             lambda t, r: ~(_given(t[m], "URN") | _given(t[m], "UKPRN") | _given(t[m], "SENSetting"))),
        Rule(f"{m}_rank", m, "PlacementRank", ERROR, "placement rank missing or not 1 or 2",
             lambda t, r: ~_text(t[m], "PlacementRank").isin(["1", "2"])),
        Rule(f"{m}_rank_twice", m, "PlacementRank", ERROR, "the same placement rank given twice in one module",
             lambda t, r: _rank_twice(t[m], "PlacementRank")),
        Rule(f"{m}_indicators", m, "SENunitIndicator", ERROR,
             "SENunitIndicator or ResourcedProvisionIndicator not true or false",
             lambda t, r: _flag_bad(t[m], "SENunitIndicator") | _flag_bad(t[m], "ResourcedProvisionIndicator")),
    )


# -- the rules ----------------------------------------------------------------------------------------
T = dict[str, pd.DataFrame]
P, R, A, N = "person", "requests", "assessment", "named_plan"
PD, AP, PL, SN = "plan_detail", "active_plans", "placement_detail", "sen_need"
RULES: tuple[Rule, ...] = (
    # 1 person
    Rule("person_birth_date", P, "PersonBirthDate", ERROR, "date of birth missing or not a date (YYYY-MM-DD)",
         lambda t, r: ~_given(t[P], "PersonBirthDate") | _not_date(t[P], "PersonBirthDate")),
    Rule("person_born_after_reference", P, "PersonBirthDate", ERROR,
         "date of birth after the collection's reference date",
         lambda t, r: _after_ref(t[P], "PersonBirthDate", r)),
    Rule("person_over_25", P, "PersonBirthDate", QUERY, "aged over 25 on the collection's reference date",
         lambda t, r: (_age_at(t, r) > 25).fillna(False) if not pd.isna(r) else pd.Series(False, t[P].index)),
    Rule("person_sex", P, "Sex", ERROR, "sex missing or not in the code list (M, F, U)",
         lambda t, r: ~_given(t[P], "Sex") | _outside(t[P], "Sex", SEX)),
    Rule("person_ethnicity", P, "Ethnicity", QUERY, "ethnicity missing or not in the code list",
         lambda t, r: ~_given(t[P], "Ethnicity") | _outside(t[P], "Ethnicity", ETHNICITIES)),
    Rule("person_upn_format", P, "UPN", ERROR,
         "UPN not in DfE's format (a letter, 11 digits, then a digit or letter)",
         lambda t, r: _not_pattern(t[P], "UPN", r"[A-Za-z]\d{11}[0-9A-Za-z]")),
    Rule("person_upn_check_letter", P, "UPN", QUERY, "UPN's check letter does not match its digits",
         lambda t, r: _upn_check_wrong(t[P])),
    Rule("person_uln_format", P, "UniqueLearnerNumber", ERROR, "ULN not 10 digits",
         lambda t, r: _not_pattern(t[P], "UniqueLearnerNumber", r"\d{10}")),
    Rule("person_upn_unknown_code", P, "UPNunknown", ERROR, "UPN unknown reason not in the code list (UN1 to UN10)",
         lambda t, r: _outside(t[P], "UPNunknown", UPN_UNKNOWN)),
    Rule("person_no_identifier", P, "UPN", QUERY, "no UPN, no ULN and no reason the UPN is unknown (UPNunknown)",
         lambda t, r: ~(_given(t[P], "UPN") | _given(t[P], "UniqueLearnerNumber") | _given(t[P], "UPNunknown"))),
    Rule("person_no_postcode", P, "PostCode", QUERY, "postcode missing",
         lambda t, r: ~_given(t[P], "PostCode")),
    # 2 requests
    Rule("request_outcome", R, "RequestOutcome", ERROR, "request outcome missing or not in the code list",
         lambda t, r: ~_given(t[R], "RequestOutcome") | _outside(t[R], "RequestOutcome", REQUEST_OUTCOMES)),
    Rule("request_received_date", R, "ReceivedDate", ERROR, "date the request was received is not a date",
         lambda t, r: _not_date(t[R], "ReceivedDate")),
    Rule("request_received_after_reference", R, "ReceivedDate", QUERY,
         "request received after the collection's reference date",
         lambda t, r: _after_ref(t[R], "ReceivedDate", r)),
    Rule("request_outcome_date", R, "RequestOutcomeDate", ERROR, "request outcome date is not a date",
         lambda t, r: _not_date(t[R], "RequestOutcomeDate")),
    Rule("request_outcome_before_received", R, "RequestOutcomeDate", ERROR,
         "request outcome dated before the request was received (ReceivedDate)",
         lambda t, r: _date(t[R], "RequestOutcomeDate") < _date(t[R], "ReceivedDate")),
    Rule("request_decided_without_date", R, "RequestOutcomeDate", QUERY,
         "request decided (outcome Y, N or W) without a request outcome date",
         lambda t, r: _text(t[R], "RequestOutcome").str.upper().isin(["Y", "N", "W"])
         & ~_given(t[R], "RequestOutcomeDate")),
    Rule("request_not_assessed_with_assessment", R, "RequestOutcome", QUERY,
         "request not to be assessed (outcome N or W) yet an Assessment module is present",
         lambda t, r: _text(t[R], "RequestOutcome").str.upper().isin(["N", "W"]) & _has_child(t, R, A)),
    Rule("request_exported_la", R, "Exported", ERROR, "Exported is not a three-digit LA number",
         lambda t, r: _not_pattern(t[R], "Exported", r"\d{3}")),
    Rule("request_flags", R, "RequestMediation", ERROR, "RYA, RequestMediation or RequestTribunal not true or false",
         lambda t, r: _flag_bad(t[R], "RYA") | _flag_bad(t[R], "RequestMediation")
         | _flag_bad(t[R], "RequestTribunal")),
    # 3 assessment
    Rule("assessment_outcome", A, "AssessmentOutcome", ERROR, "assessment outcome missing or not in the code list",
         lambda t, r: ~_given(t[A], "AssessmentOutcome") | _outside(t[A], "AssessmentOutcome", ASSESSMENT_OUTCOMES)),
    Rule("assessment_outcome_date", A, "AssessmentOutcomeDate", ERROR, "assessment outcome date is not a date",
         lambda t, r: _not_date(t[A], "AssessmentOutcomeDate")),
    Rule("assessment_before_received", A, "AssessmentOutcomeDate", ERROR,
         "assessment outcome dated before the request was received (ReceivedDate)",
         lambda t, r: _date(t[A], "AssessmentOutcomeDate") < _received(t, A)),
    Rule("assessment_week20", A, "Week20", ERROR, "Week20 (20-week exceptions) not true or false",
         lambda t, r: _flag_bad(t[A], "Week20")),
    # 4a named plan
    Rule("plan_start_date", N, "StartDate", ERROR, "plan start date missing or not a date",
         lambda t, r: ~_given(t[N], "StartDate") | _not_date(t[N], "StartDate")),
    Rule("plan_before_received", N, "StartDate", ERROR,
         "plan issued (StartDate) before the request was received (ReceivedDate)",
         lambda t, r: _date(t[N], "StartDate") < _received(t, N)),
    Rule("plan_cease_date", N, "CeaseDate", ERROR, "cease date is not a date",
         lambda t, r: _not_date(t[N], "CeaseDate")),
    Rule("plan_ceased_before_start", N, "CeaseDate", ERROR, "plan ceased (CeaseDate) before it started (StartDate)",
         lambda t, r: _date(t[N], "CeaseDate") < _date(t[N], "StartDate")),
    Rule("plan_cease_reason", N, "CeaseReason", ERROR, "cease reason not in the code list (1 to 9)",
         lambda t, r: _outside(t[N], "CeaseReason", CEASE_REASONS)),
    Rule("plan_cease_date_without_reason", N, "CeaseReason", ERROR,
         "cease date and cease reason must be given together",
         lambda t, r: _given(t[N], "CeaseDate") != _given(t[N], "CeaseReason")),
    Rule("plan_without_detail", N, "PlanDetail", ERROR, "named plan without a PlanDetail module",
         lambda t, r: ~_has_child(t, N, PD)),
    Rule("plan_residential_or_work", N, "PlanRes", ERROR,
         "PlanRes not in its code list (A, B) or PlanWBP not in its code list (A, T, S)",
         lambda t, r: _outside(t[N], "PlanRes", RES) | _outside(t[N], "PlanWBP", WBP)),
    Rule("plan_direct_payments", N, "DP", ERROR, "DP (direct payments) not in its code list (E, S, H, I)",
         lambda t, r: _outside(t[N], "DP", DIRECT_PAYMENTS)),
    Rule("plan_flags", N, "PB", ERROR, "PB or OA not true or false",
         lambda t, r: _flag_bad(t[N], "PB") | _flag_bad(t[N], "OA")),
    # 4b plan detail; 5b placement detail
    *_setting_rules(PD), *_setting_rules(PL),
    # 5a active plans
    Rule("active_transfer_la", AP, "TransferLA", ERROR, "TransferLA is not a three-digit LA number",
         lambda t, r: _not_pattern(t[AP], "TransferLA", r"\d{3}")),
    Rule("active_review_outcome", AP, "ReviewOutcome", ERROR, "review outcome not in its code list (A, C, M)",
         lambda t, r: _outside(t[AP], "ReviewOutcome", REVIEW_OUTCOMES)),
    Rule("active_review_dates", AP, "ReviewMeeting", ERROR, "ReviewMeeting or LastReview is not a date",
         lambda t, r: _not_date(t[AP], "ReviewMeeting") | _not_date(t[AP], "LastReview")),
    Rule("active_without_placement", AP, "PlacementDetail", ERROR, "active plan without a PlacementDetail module",
         lambda t, r: ~_has_child(t, AP, PL)),
    Rule("active_without_need", AP, "SENneed", ERROR, "active plan without a SENneed module",
         lambda t, r: ~_has_child(t, AP, SN)),
    # 5b placement detail dates
    Rule("placement_entry_date", PL, "EntryDate", ERROR, "placement entry date missing or not a date",
         lambda t, r: ~_given(t[PL], "EntryDate") | _not_date(t[PL], "EntryDate")),
    Rule("placement_left_before_entry", PL, "LeavingDate", ERROR, "placement left (LeavingDate) before it began",
         lambda t, r: _date(t[PL], "LeavingDate") < _date(t[PL], "EntryDate")),
    Rule("placement_residential_or_work", PL, "Res", ERROR,
         "Res not in its code list (A, B) or WBP not in its code list (A, T, S)",
         lambda t, r: _outside(t[PL], "Res", RES) | _outside(t[PL], "WBP", WBP)),
    # 5c SEN need
    Rule("need_type", SN, "SENtype", ERROR, "SEN type missing or not in the code list",
         lambda t, r: ~_given(t[SN], "SENtype") | _outside(t[SN], "SENtype", SEN_TYPES)),
    Rule("need_rank", SN, "SENtypeRank", ERROR, "SEN type rank missing or not 1 or 2",
         lambda t, r: ~_text(t[SN], "SENtypeRank").isin(["1", "2"])),
    Rule("need_rank_twice", SN, "SENtypeRank", ERROR, "the same SEN type rank given twice in one active plan",
         lambda t, r: _rank_twice(t[SN], "SENtypeRank")),
)
BY_KEY = {rule.key: rule for rule in RULES}


# -- applying them --------------------------------------------------------------------------------
def _reference_date(m: Modules) -> pd.Timestamp:
    return pd.to_datetime(pd.Series([(m.header.reference_date or "")[:10]]), format="%Y-%m-%d",
                          errors="coerce").iloc[0]


def findings(m: Modules) -> pd.DataFrame:
    """Every rule broken: one row per (rule, module row) with the rule's key, severity, module, the row's
    id and line. No value of the return is carried."""
    ref = _reference_date(m)
    parts = []
    try:
        for rule in RULES:
            t = m.tables[rule.module]
            if not len(t):
                continue
            hit = rule.check(m.tables, ref).fillna(False).astype(bool)
            if hit.any():
                parts.append(pd.DataFrame({"rule": rule.key, "severity": rule.severity, "module": rule.module,
                                           "id": t.loc[hit, "id"].to_numpy(), "line": t.loc[hit, "line"].to_numpy()}))
    finally:
        _DATES.clear()
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("rule", "severity", "module", "id", "line")})
    return pd.concat(parts, ignore_index=True)


def request_ids(m: Modules, module: str, ids: pd.Series) -> pd.Series:
    """The Requests row each of `ids` (rows of `module`) belongs to; a person's rows give each of its requests
    (index: the position in `ids`, repeated for a person with several)."""
    t = m.tables
    if module == "person":
        req = t["requests"]
        pairs = pd.DataFrame({"pos": range(len(ids)), "pid": ids.to_numpy()}).merge(
            pd.DataFrame({"pid": req["parent"].to_numpy(), "rid": req["id"].to_numpy()}), on="pid")
        return pd.Series(pairs["rid"].to_numpy(), index=pairs["pos"].to_numpy())
    out = pd.Series(ids.to_numpy(), index=range(len(ids)))
    mod = module
    while mod != "requests":
        out = out.map(pd.Series(t[mod]["parent"].to_numpy(), index=t[mod]["id"].to_numpy()))
        mod = PARENT[mod]
    return out.dropna()


def summary(found: pd.DataFrame) -> list[dict[str, object]]:
    """Per rule broken, in the rules' order: its key, reference, severity, module, item, message, how many
    module rows break it and the first lines."""
    out: list[dict[str, object]] = []
    by_rule = dict(tuple(found.groupby("rule", sort=False)))
    for rule in RULES:
        f = by_rule.get(rule.key)
        if f is not None:
            out.append({"rule": rule.key, "reference": rule.reference, "dfe": rule.dfe, "severity": rule.severity,
                        "module": rule.module, "item": rule.item, "message": rule.message, "rows": len(f),
                        "lines": sorted(int(n) for n in f["line"])[:FIRST_LINES]})
    return out


def reject(m: Modules, found: pd.DataFrame) -> tuple[Modules, pd.DataFrame]:
    """The return without the requests an error rule rejects (and without persons left with no request), and
    one quarantine row per rejected request: its line, the module/item and the first error rule it breaks."""
    from jsna.sources.base import empty_quarantine

    errors = found[found["severity"] == ERROR]
    if not len(errors):
        return m, empty_quarantine()
    order = {rule.key: n for n, rule in enumerate(RULES)}
    hits = []
    for module, f in errors.groupby("module", sort=False):
        f = f.reset_index(drop=True)
        rid = request_ids(m, str(module), f["id"])
        hits.append(pd.DataFrame({"request": rid.to_numpy(), "rule": f["rule"].to_numpy()[rid.index.to_numpy()]}))
    hit = pd.concat(hits, ignore_index=True)
    hit["order"] = hit["rule"].map(order)
    first = hit.sort_values(["order"], kind="stable").drop_duplicates("request")
    req = m.tables["requests"]
    rejected = req[req["id"].isin(first["request"])]
    rule_of = first.set_index("request")["rule"]
    rules = rejected["id"].map(rule_of)
    quarantine = pd.DataFrame({
        "line": rejected["line"].to_numpy(),
        "column_name": [f"{ELEMENTS[BY_KEY[k].module]}/{BY_KEY[k].item}" for k in rules],
        "rule": [BY_KEY[k].reason for k in rules], "value": None, "record": None})
    tables = dict(m.tables)
    tables["requests"] = req[~req["id"].isin(first["request"])]
    persons = tables["person"]
    emptied = persons["id"].isin(rejected["parent"]) & ~persons["id"].isin(tables["requests"]["parent"])
    tables["person"] = persons[~emptied]
    return Modules(m.header, tables), quarantine


def validation_rules(extras: dict[str, object]) -> list[dict[str, object]]:
    """The rules broken that a parsed file reports in its extras (none for other kinds)."""
    found = extras.get(EXTRA)
    return list(found) if isinstance(found, list) else []
