"""Vocabularies shared by sources and indicators: SEN2 primary needs, placements, age bands."""

from __future__ import annotations

# SEN2 / school census primary need codes.
PRIMARY_NEEDS = {
    "ASD": "Autistic spectrum disorder",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "MLD": "Moderate learning difficulty",
    "SPLD": "Specific learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "PD": "Physical disability",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "OTH": "Other difficulty or disability",
    "NSA": "SEN support but no specialist assessment of type of need",
}

# Placement labels as case-management systems export them -> our codes.
PLACEMENTS = {
    "mainstream school": "mainstream",
    "resourced provision or sen unit": "resourced",
    "special school (maintained or academy)": "special",
    "independent or non-maintained special school": "independent_special",
    "general fe or sixth form college": "fe_college",
    "specialist post-16 institution": "specialist_post16",
    "early years setting": "early_years",
    "alternative provision": "alternative_provision",
    "educated elsewhere": "elsewhere",
    "neet": "neet",
}
PLACEMENT_LABELS = {
    "mainstream": "Mainstream school", "resourced": "Resourced provision / SEN unit", "special": "Special school",
    "independent_special": "Independent / non-maintained special", "fe_college": "FE or sixth form college",
    "specialist_post16": "Specialist post-16", "early_years": "Early years",
    "alternative_provision": "Alternative provision",
    "elsewhere": "Educated elsewhere", "neet": "Not in education, employment or training", "other": "Other",
}
SPECIALIST_PLACEMENTS = ("special", "independent_special", "specialist_post16")

# The five age bands board papers use (age at 31 August).
AGE_BANDS = [("0-4", 0, 4), ("5-10", 5, 10), ("11-15", 11, 15), ("16-19", 16, 19), ("20-25", 20, 25)]

DECISIONS = {"assess": "assess", "not assess": "not_assess", "refuse": "not_assess", "refused": "not_assess",
             "withdrawn": "withdrawn", "agreed": "assess"}
OUTCOMES = {"plan": "plan", "no plan": "no_plan"}
TRANSFERS = {"statement": "statement", "lda": "lda"}
