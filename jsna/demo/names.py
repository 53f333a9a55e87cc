"""Fictional place and person names."""

from __future__ import annotations

import numpy as np

DEMOSHIRE = "Demoshire"
DEMOSHIRE_DISTRICTS = (
    "Northdown", "Eastleigh Vale", "Westmere", "Southcombe", "Kestrel Downs", "Harrowfield",
    "Brightwater", "Fennick", "Ravensholt", "Marlbury Forest", "Old Tamberley",
)
DEMOSHIRE_TOWNS = (
    "Northdown", "Kestbury", "Westmere", "Southcombe Regis", "Harrowfield", "Brightwater", "Fennick",
    "Ravensholt", "Marlbury", "Tamberley", "Wendham", "Larkstow", "Quenford Abbas", "Sorrelby",
)
REGIONS = (
    "Northmarch", "Fellside", "Eastwold", "Midshire Vales", "Westmarch", "Fenland Reach",
    "Capital Demo", "Southdowns Demo", "Wessex Demo",
)
COUNTRY = "England"

_PREFIX = (
    "Ald", "Brem", "Cald", "Dunmer", "Elver", "Fenwyn", "Garth", "Hollin", "Ivel", "Kest", "Lark",
    "Marl", "Norr", "Orle", "Pell", "Quen", "Rav", "Sorrel", "Tamber", "Ulm", "Vell", "Wend", "Yarn",
    "Zell", "Brack", "Crom", "Dray", "Ebber", "Frith", "Glend", "Hartle", "Ketter", "Lynd", "Mord",
    "Nettle", "Oaken", "Pens", "Rook", "Sedge", "Thorne", "Wyver", "Bramble", "Corv", "Dapple",
    "Eskel", "Foss", "Gorse", "Heron", "Juniper", "Mallow", "Plover", "Quarr", "Stave", "Tarn",
    "Umber", "Wimble", "Yew", "Cinder", "Fallow", "Hazel",
)
_SUFFIX = (
    "bury", "combe", "field", "ham", "hurst", "ley", "minster", "mouth", "stead", "stow", "thorpe",
    "ton", "wick", "worth", "by", "dale", "ford", "brook", "holt", "mere",
)
_DISTRICT_FORMS = ("{}", "{}", "{}", "{} Vale", "{} Downs", "North {}", "South {}", "{} Forest", "{} Heath")

BOYS = (
    "Alfie", "Arlo", "Bram", "Caspian", "Dex", "Ellis", "Finn", "Gideon", "Harvey", "Idris", "Jasper",
    "Kit", "Leon", "Milo", "Nico", "Orrin", "Pip", "Quill", "Rafe", "Sol", "Tobin", "Ulric", "Vaughn",
    "Wilf", "Xander", "Yusuf", "Zac", "Ari", "Bodhi", "Cormac", "Dario", "Emrys", "Fabian", "Jude",
)
GIRLS = (
    "Ada", "Bea", "Cleo", "Delphine", "Elodie", "Freya", "Greta", "Hattie", "Isla", "Juno", "Kaia",
    "Lyra", "Maisie", "Nell", "Orla", "Piper", "Quinn", "Rosa", "Saffi", "Tilly", "Una", "Verity",
    "Wren", "Xanthe", "Yara", "Zelda", "Amara", "Briony", "Celeste", "Dot", "Esme", "Fenna", "Ivy",
)
SURNAMES = (
    "Ashdown", "Blackthorn", "Brackenridge", "Coldwell", "Dunmore", "Elderfield", "Fairweather",
    "Greenhalgh", "Hollinsworth", "Ivesdale", "Kestrelman", "Larkspur", "Marchbank", "Nettleford",
    "Oakenshaw", "Pennywhistle", "Quenby", "Ravensworth", "Sedgewick", "Thistlewood", "Underhill",
    "Vellacott", "Wainscott", "Yarrowby", "Zellweger", "Ambleton", "Birchall", "Copperfield",
    "Drabwell", "Embleton", "Fernsby", "Goldsworthy", "Hazelgrove", "Inchbald", "Juniperwood",
    "Kettleby", "Lindqvist-Moor", "Mallowan", "Northcott", "Oldroyd", "Pemberthy", "Rookwood",
    "Stavesacre", "Tarnbrook", "Umberleigh", "Wimbleton", "Yewdale", "Cinderford", "Fallowfield",
    "Hartigan", "Brightmore", "Daventree", "Loxwood", "Merriweather", "Quarrington", "Thorneycroft",
)


def place_names(rng: np.random.Generator, n: int, exclude: set[str] | None = None) -> list[str]:
    """`n` distinct fictional one-word place names (prefix + suffix), in random order."""
    pool = [p + s for p in _PREFIX for s in _SUFFIX if p[-1] != s[0] and p + s not in (exclude or set())]
    if n > len(pool):
        raise ValueError(f"only {len(pool)} place names available, {n} asked")
    idx = rng.permutation(len(pool))[:n]
    return [pool[i] for i in idx]


def district_names(rng: np.random.Generator, bases: list[str]) -> list[str]:
    """District-style names built from base place names ("Kestbury Vale", "North Wendham"...)."""
    forms = rng.integers(0, len(_DISTRICT_FORMS), len(bases))
    return [_DISTRICT_FORMS[f].format(b) for f, b in zip(forms, bases, strict=True)]


def county_names(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct fictional county names ("Kestshire"...)."""
    pool = [p + "shire" for p in _PREFIX if not p.endswith("s")]
    idx = rng.permutation(len(pool))[:n]
    return [pool[i] for i in idx]
