"""Vocabularies of the health and social care case files: waiting-list pathways, diagnosis outcomes,
and the disabilities children's social care records (the Children in Need census codes)."""

from __future__ import annotations

# Waiting-list pathways as providers label them (lower case) -> our codes.
PATHWAYS = {
    "asc": "asc", "asd": "asc", "autism": "asc", "autism assessment": "asc", "autism spectrum": "asc",
    "autism spectrum condition": "asc", "autism spectrum disorder": "asc", "autistic spectrum disorder": "asc",
    "asd assessment": "asc", "asc assessment": "asc",
    "adhd": "adhd", "adhd assessment": "adhd", "attention deficit hyperactivity disorder": "adhd",
    "camhs": "camhs", "cyp mental health": "camhs", "children and young people's mental health": "camhs",
    "child and adolescent mental health services": "camhs", "child and adolescent mental health": "camhs",
}
PATHWAY_LABELS = {"asc": "Autism (ASC) assessment", "adhd": "ADHD assessment", "camhs": "CAMHS"}

# Outcome of a diagnostic assessment -> our codes (blank: not assessed yet, or not a diagnostic pathway).
DIAGNOSIS_OUTCOMES = {
    "diagnosed": "diagnosed", "diagnosis": "diagnosed", "diagnosis given": "diagnosed", "diagnosis made": "diagnosed",
    "yes": "diagnosed", "y": "diagnosed", "positive": "diagnosed",
    "not diagnosed": "not_diagnosed", "no diagnosis": "not_diagnosed", "diagnosis not given": "not_diagnosed",
    "not met": "not_diagnosed", "criteria not met": "not_diagnosed", "no": "not_diagnosed", "n": "not_diagnosed",
    "negative": "not_diagnosed",
}

# Children in Need census disability codes and the labels case systems export -> our codes.
DISABILITIES = {
    "aut": "autism", "autism": "autism", "autism/asperger syndrome": "autism", "autism or asperger syndrome": "autism",
    "asperger syndrome": "autism",
    "ld": "learning", "learning": "learning", "learning disability": "learning",
    "pc": "personal_care", "personal care": "personal_care",
    "comm": "communication", "communication": "communication",
    "mob": "mobility", "mobility": "mobility",
    "hand": "hand_function", "hand function": "hand_function",
    "hear": "hearing", "hearing": "hearing", "hearing impairment": "hearing",
    "vis": "vision", "vision": "vision", "visual impairment": "vision",
    "beh": "behaviour", "behaviour": "behaviour", "behavior": "behaviour",
    "con": "consciousness", "consciousness": "consciousness",
    "inc": "incontinence", "incontinence": "incontinence",
    "dda": "other", "other dda": "other", "other": "other",
}
DISABILITY_LABELS = {
    "autism": "Autism or Asperger syndrome", "learning": "Learning", "personal_care": "Personal care",
    "communication": "Communication", "mobility": "Mobility", "hand_function": "Hand function",
    "hearing": "Hearing", "vision": "Vision", "behaviour": "Behaviour", "consciousness": "Consciousness",
    "incontinence": "Incontinence", "other": "Other",
}
