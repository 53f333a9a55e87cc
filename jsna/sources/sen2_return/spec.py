"""The SEN2 person-level return as DfE's technical specifications lay it out (collections 2023 to 2026):
its modules, the items each holds (by their XML element names, which the COLLECT Blade Export CSVs
use as headers too) and the code lists the rows are mapped through."""

from __future__ import annotations

YEARS = (2023, 2024, 2025, 2026)
COLLECTION = "SEN2"

# Module -> its items, in the specification's order. Every module row also carries its parent's id.
MODULES: dict[str, tuple[str, ...]] = {
    "person": ("Surname", "Forename", "PersonBirthDate", "Sex", "Ethnicity", "PostCode", "UPN",
               "UniqueLearnerNumber", "UPNunknown"),
    "requests": ("ReceivedDate", "RYA", "RequestOutcomeDate", "RequestOutcome", "RequestMediation",
                 "RequestTribunal", "Exported"),
    "assessment": ("AssessmentOutcome", "AssessmentOutcomeDate", "AssessmentMediation", "AssessmentTribunal",
                   "OtherMediation", "OtherTribunal", "Week20"),
    "named_plan": ("StartDate", "PlanRes", "PlanWBP", "PB", "OA", "DP", "CeaseDate", "CeaseReason"),
    "plan_detail": ("URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank", "SENunitIndicator",
                    "ResourcedProvisionIndicator"),
    "active_plans": ("TransferLA", "ReviewMeeting", "ReviewOutcome", "LastReview"),
    "placement_detail": ("URN", "UKPRN", "SENSetting", "SENSettingOther", "PlacementRank", "EntryDate",
                         "LeavingDate", "SENunitIndicator", "ResourcedProvisionIndicator", "Res", "WBP"),
    "sen_need": ("SENtype", "SENtypeRank"),
}
# XML element of each module (the person's is inside Persons) and the module it sits in.
ELEMENTS = {"person": "Person", "requests": "Requests", "assessment": "Assessment", "named_plan": "NamedPlan",
            "plan_detail": "PlanDetail", "active_plans": "ActivePlans", "placement_detail": "PlacementDetail",
            "sen_need": "SENneed"}
PARENT = {"requests": "person", "assessment": "requests", "named_plan": "assessment", "plan_detail": "named_plan",
          "active_plans": "requests", "placement_detail": "active_plans", "sen_need": "active_plans"}
# Items every row of a module must have (the specification's mandatory items).
MANDATORY = {
    "person": ("PersonBirthDate", "Sex"),
    "requests": ("RequestOutcome",),
    "assessment": ("AssessmentOutcome",),
    "named_plan": ("StartDate",),
    "plan_detail": ("PlacementRank",),
    "placement_detail": ("PlacementRank",),
    "sen_need": ("SENtype", "SENtypeRank"),
}

# Code lists -> the codes of the bespoke extract (jsna.schemas.vocab), so that both land alike.
REQUEST_OUTCOMES = {"Y": "assess", "N": "not_assess", "W": "withdrawn", "A": None, "H": None}
ASSESSMENT_OUTCOMES = {"Y": "plan", "N": "no_plan", "W": None, "A": None, "H": "plan"}
SEX = {"M": "M", "F": "F", "U": None}
SEN_TYPES = ("SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH")
# SEN settings without a URN or UKPRN.
SETTINGS = {"EYP": "early_years", "EHE": "elsewhere", "OLA": "elsewhere", "OPA": "elsewhere", "OTH": "elsewhere",
            "NEET": "neet", "NIEC": "neet", "NIEO": "neet"}
CEASE_REASONS = {
    "1": "Reached maximum age",
    "2": "Ongoing educational or training needs being met without an EHC plan",
    "3": "Moved on to higher education",
    "4": "Moved on to paid employment, excluding apprenticeships",
    "5": "Transferred to another LA",
    "6": "Young person no longer wishes to engage in education or training",
    "7": "Child or young person has moved abroad",
    "8": "Child or young person deceased",
    "9": "Other",
}
TRUE = {"true", "1", "y"}
FALSE = {"false", "0", "n"}
