"""The register of synthetic children: one identity per child, shared by every case-level file."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from jsna.demo import names
from jsna.demo.geography import Geography
from jsna.demo.population import Population
from jsna.demo.postcodes import Postcodes
from jsna.demo.sampling import grouped_choice, stochastic_round

NHS_TEST_PREFIX = 999_000_000  # the NHS test range: 999 000 000x .. 999 999 999x
UPN_MULTIPLIER = 738_291_446_273  # odd and not a multiple of 5: i -> (a i + b) mod 10^12 is one-to-one
PATIENTS_PER_PRACTICE = 8_000


def nhs_check_digit(base9: np.ndarray) -> np.ndarray:
    """Modulus 11 check digit of 9-digit numbers (10 means the number is not allowed)."""
    total = np.zeros(len(base9), dtype=np.int64)
    for k in range(9):
        digit = (base9 // 10 ** (8 - k)) % 10
        total += digit * (10 - k)
    check = 11 - total % 11
    return np.where(check == 11, 0, check)


def valid_testnhs_numbers() -> np.ndarray:
    """Every valid 10-digit NHS number in the 999 test range, ascending."""
    base = NHS_TEST_PREFIX + np.arange(1_000_000, dtype=np.int64)
    check = nhs_check_digit(base)
    ok = check != 10
    return base[ok] * 10 + check[ok]


def lsoa_weights(pop: Population, rank: np.ndarray) -> np.ndarray:
    """Relative chance that a child on a register lives in each LSOA: residents aged 0-25, about twice as
    high per child in the most deprived LSOAs as in the least."""
    deprived = 1.0 - rank / rank.max()
    return pop.lsoa_ages(0, 25) * np.exp(0.8 * (deprived - 0.5))


def draw_lsoas(geo: Geography, weights: np.ndarray, group: str, draw_group: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """An LSOA for each draw, inside the draw's authority (`group="utla"`) or district (`"lad"`)."""
    item_group = geo.lsoa_utla if group == "utla" else geo.lsoa["lad"].to_numpy()
    return grouped_choice(item_group, weights, np.asarray(draw_group), rng)


@dataclass
class People:
    """Finalised identities; arrays indexed by person id (0-based)."""

    lsoa: np.ndarray
    sex: np.ndarray  # "M" / "F"
    dob: np.ndarray
    forename: np.ndarray
    surname: np.ndarray
    upn: np.ndarray
    nhs: np.ndarray
    postcode: np.ndarray
    gp: np.ndarray

    def person_id(self, ids: np.ndarray) -> np.ndarray:
        return np.strings.add("P", np.strings.zfill((np.asarray(ids) + 1).astype("U"), 7)).astype(object)

    def upn_text(self, ids: np.ndarray) -> np.ndarray:
        return np.strings.add("X", np.strings.zfill(self.upn[ids].astype("U"), 12)).astype(object)


@dataclass
class Register:
    """Children are added by the generators (LSOA, sex, date of birth), then given identities once."""

    _lsoa: list[np.ndarray] = field(default_factory=list)
    _sex: list[np.ndarray] = field(default_factory=list)
    _dob: list[np.ndarray] = field(default_factory=list)
    size: int = 0

    def add(self, lsoa: np.ndarray, sex: np.ndarray, dob: np.ndarray) -> np.ndarray:
        """Register new children; returns their person ids."""
        n = len(lsoa)
        self._lsoa.append(np.asarray(lsoa, dtype=np.int64))
        self._sex.append(np.asarray(sex, dtype=object))
        self._dob.append(np.floor(np.asarray(dob, dtype=float)))
        ids = np.arange(self.size, self.size + n)
        self.size += n
        return ids

    def lsoa(self) -> np.ndarray:
        return np.concatenate(self._lsoa)

    def dob(self) -> np.ndarray:
        return np.concatenate(self._dob)

    def finalise(self, geo: Geography, pop: Population, pc: Postcodes, rng: np.random.Generator) -> People:
        lsoa = np.concatenate(self._lsoa)
        sex = np.concatenate(self._sex)
        dob = np.concatenate(self._dob)
        n = len(lsoa)
        boys, girls = np.array(names.BOYS, dtype=object), np.array(names.GIRLS, dtype=object)
        forename = np.where(sex == "M", boys[rng.integers(0, len(boys), n)], girls[rng.integers(0, len(girls), n)])
        surname = np.array(names.SURNAMES, dtype=object)[rng.integers(0, len(names.SURNAMES), n)]
        offset = int(rng.integers(0, 10**12))
        upn = (np.arange(n, dtype=np.int64) * UPN_MULTIPLIER + offset) % 10**12  # no overflow below 12M
        rows, starts, counts = pc.live_by_lsoa(len(geo.lsoa))
        pick = rows[starts[lsoa] + rng.integers(0, counts[lsoa])]
        return People(
            lsoa=lsoa, sex=sex, dob=dob, forename=forename, surname=surname,
            upn=upn, nhs=nhs_numbers(geo.lsoa_utla[lsoa], rng),
            postcode=pc.table["pcds"].to_numpy()[pick],
            gp=_registered_practice(geo, pop, pc, pc.x[pick], pc.y[pick], rng),
        )


def nhs_numbers(utla: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Distinct test-range NHS numbers; if the register outgrows the range (England scale), numbers are
    distinct within each authority only."""
    valid = valid_testnhs_numbers()
    out = np.zeros(len(utla), dtype=np.int64)
    if len(utla) <= len(valid):
        out[:] = valid[rng.permutation(len(valid))[: len(utla)]]
        return _no_placeholder(out, valid)
    for u in np.unique(utla):
        m = np.flatnonzero(utla == u)
        out[m] = _no_placeholder(valid[rng.permutation(len(valid))[: len(m)]], valid)
    return out


def _no_placeholder(drawn: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """9999999999 passes the modulus 11 check but reads as a placeholder, which loading never links by:
    it is swapped for the first valid number not drawn."""
    at = np.flatnonzero(drawn == 9_999_999_999)
    if len(at):
        drawn[at] = np.setdiff1d(valid, drawn)[: len(at)]
    return drawn


def gp_practices(geo: Geography, pop: Population, pc: Postcodes, rng: np.random.Generator) -> pd.DataFrame:
    """GP practices (code X81001...) at postcodes, about one per 8,000 residents of each authority."""
    residents = np.bincount(geo.lsoa_utla, weights=pop.lsoa_total, minlength=len(geo.utla))
    n = np.maximum(stochastic_round(residents / PATIENTS_PER_PRACTICE, rng), 1)
    utla = np.repeat(np.arange(len(n)), n)
    lsoa = grouped_choice(geo.lsoa_utla, pop.lsoa_total.astype(float), utla, rng)
    rows, starts, counts = pc.live_by_lsoa(len(geo.lsoa))
    pick = rows[starts[lsoa] + rng.integers(0, counts[lsoa])]
    codes = np.array([f"X{81001 + i:05d}" for i in range(len(utla))], dtype=object)
    return pd.DataFrame({"code": codes, "x": pc.x[pick], "y": pc.y[pick], "lsoa": lsoa})


def _registered_practice(geo: Geography, pop: Population, pc: Postcodes, x: np.ndarray, y: np.ndarray,
                         rng: np.random.Generator) -> np.ndarray:
    practices = gp_practices(geo, pop, pc, rng)
    k = min(3, len(practices))
    _, near = cKDTree(practices[["x", "y"]].to_numpy()).query(np.column_stack([x, y]), k=k)
    near = np.asarray(near).reshape(len(x), k)
    which = rng.choice(k, size=len(x), p=np.array([0.6, 0.25, 0.15][:k]) / sum([0.6, 0.25, 0.15][:k]))
    return practices["code"].to_numpy()[near[np.arange(len(x)), which]]
