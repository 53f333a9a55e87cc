"""Names of the published-statistics datasets (raw.statistics.dataset): "<kind>" for a kind's one
file, "<kind>:<file>" for one file of its release. Adapters name their rows with these; indicators,
forecasts and the pipeline ask for them by the same constants."""

from __future__ import annotations


def dataset(kind: str, file: str | None = None) -> str:
    """'ees_ehcp', 'caseload' -> 'ees_ehcp:caseload'; a kind alone when it has one file."""
    return f"{kind}:{file}" if file else kind


# DfE "Education, health and care plans" (2025 layout, kind ees_ehcp): one dataset per release file
CASELOAD = dataset("ees_ehcp", "caseload")
TIMELINESS = dataset("ees_ehcp", "timeliness_20_week")
REQUESTS = dataset("ees_ehcp", "requests")
ASSESSMENTS = dataset("ees_ehcp", "assessments")
NEWPLANS = dataset("ees_ehcp", "newplans")
ANNUAL_REVIEWS = dataset("ees_ehcp", "annual_reviews")
SEN_NEEDS_ALL_PLANS = dataset("ees_ehcp", "sen_needs_all_plans")
SEN_NEED_NEWPLANS = dataset("ees_ehcp", "sen_need_newplans")
# the same publication in its older SEN2 layout (kind sen2_mi, to 2022)
SEN2_MI = dataset("sen2_mi")
SEN2_AGE_CASELOAD = dataset("sen2_mi", "age_caseload")
SEN2_ESTAB_CASELOAD = dataset("sen2_mi", "estab_caseload")
SEN2_AGE_NEW_PLANS = dataset("sen2_mi", "age_new_plans")
SEN2_ESTAB_NEW_PLANS = dataset("sen2_mi", "estab_new_plans")
# others
SCHOOL_CENSUS_SEN = dataset("school_census_sen")
# the 0-25 pathway: DfE "Funded early education and childcare" (file 4, SEN provision) and "Key stage 4
# destination measures" (local authority and national files)
EARLY_YEARS_SEN = dataset("early_years_sen")
KS4_DESTINATIONS = dataset("ks4_destinations")
CIN_FACTORS = dataset("cin_census", "c3_factors_identified_at_end_of_assessment_2018_to_2025")
