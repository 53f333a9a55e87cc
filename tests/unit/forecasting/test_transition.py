"""The transition model: the child-year panel from case records, and children conserved at every step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.forecasting import transition as T
from jsna.sources import ehcp_cases
from tests.unit.sources.test_case_adapters import demo_context


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


def test_panel_from_case_records() -> None:
    """A plan issued in March 2022 to a child aged 6 on 31 August 2021 (request October 2021, NC year 2) is held
    in January 2023 (NC year 3) and 2024 (NC year 4), not 2022 (not yet issued) nor 2025 (ceased Dec 2024).
    A statement ceased on the day its replacement plan was issued counts once, on the plan."""
    cases = pd.DataFrame({
        "child_key": ["a", "b", "b"],
        "request_date": [ts("2021-10-01"), ts("2015-03-01"), ts("2019-02-01")],
        "issue_date": [ts("2022-03-01"), ts("2015-06-01"), ts("2019-05-01")],
        "ceased_date": [ts("2024-12-01"), ts("2019-05-01"), pd.NaT],
        "age_at_31aug": [6, 10, 14],
        "primary_need": ["ASD", "MLD", "MLD"], "placement": ["mainstream", "special", None],
    })
    p = T.panel_from_cases(cases, range(2022, 2026))
    a = p[p["child_key"] == "a"].set_index("year")
    assert a.index.tolist() == [2023, 2024]
    assert a["nc_year"].tolist() == [3, 4]
    b = p[p["child_key"] == "b"].set_index("year")
    assert b.index.tolist() == [2022, 2023, 2024, 2025]
    # aged 14 on 31 August 2018 (request February 2019): 17 on 31 August 2021, NC year 13 in January 2022
    assert b.loc[2022, "setting"] == "unknown" and b.loc[2022, "nc_year"] == 13
    assert not p.duplicated(["child_key", "year"]).any()


def small_panel() -> pd.DataFrame:
    """Ten children over three years: two leave, one moves mainstream -> special, three join."""
    rows = []
    for i in range(10):
        rows.append((f"c{i}", 2023, "ASD" if i < 6 else "SEMH", "mainstream" if i < 5 else "special", i))
    for i in range(10):
        if i in (0, 1):
            continue
        setting = "special" if i == 2 else ("mainstream" if i < 5 else "special")
        rows.append((f"c{i}", 2024, "ASD" if i < 6 else "SEMH", setting, i + 1))
    for i, nc in ((10, 0), (11, 3), (12, 5)):
        rows.append((f"c{i}", 2024, "ASD", "mainstream", nc))
    return pd.DataFrame(rows, columns=T.PANEL_COLUMNS)


def test_flows_estimated_from_the_records() -> None:
    r = T.estimate(small_panel(), window=1, prior=0.0)
    ni, si = r.needs.index("ASD"), r.settings.index("mainstream")
    assert r.start.sum() == 11 and r.joiners.sum() == pytest.approx(3)
    # with no shrinkage, the leaving rate of ASD/mainstream at NC year 0 is 1 (child c0 left)
    assert r.leave[ni, si, 0 - T.NC_MIN] == 1.0
    # mainstream at NC year 2 moved to special (c2)
    assert (r.setting_move[:, si, 2 - T.NC_MIN, r.settings.index("special")] == 1.0).all()
    assert np.allclose(r.setting_move.sum(axis=-1), 1.0) and np.allclose(r.need_move.sum(axis=-1), 1.0)
    assert (r.leave[..., -1] == 1.0).all()


def test_children_are_conserved_at_every_step() -> None:
    r = T.estimate(small_panel(), window=1)
    sim = T.simulate(r, years=8, sims=300, seed=1)
    assert sim.conserved()
    tot = sim.counts.sum(axis=(2, 3, 4))
    assert np.array_equal(tot[:, 1:] - tot[:, :-1], sim.joiners - sim.leavers)
    # no joining and no leaving before 25: the caseload only ages, and no child is lost or made
    r.joiners[:] = 0
    r.leave[:] = 0
    r.leave[..., -1] = 1.0
    still = T.simulate(r, years=5, sims=50, seed=2, year_to_year=False)
    assert (still.counts.sum(axis=(2, 3, 4)) == r.start.sum()).all()
    assert still.leavers.sum() == 0
    # everyone one NC year older each year
    ages = still.counts.sum(axis=(2, 3))[:, -1]  # (sims, A) in the last year
    start_ages = r.start.sum(axis=(0, 1))
    assert np.array_equal(ages[0, 5:], start_ages[:-5])


def test_a_move_splits_every_cell_as_one_multinomial_would() -> None:
    """`_move` splits each occupied cell's children between staying put and the other destinations: every cell's
    children are all somewhere (kept exactly, every draw), and over many draws each destination gets count x
    probability."""
    rng = np.random.default_rng(3)
    k = np.array([40, 7, 3, 25])                                       # occupied cells (origin states 0, 2, 0, 1)
    own = np.array([0, 2, 0, 1])
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.0, 0.0, 1.0]])  # origin state -> destination state
    stay, to = T._movers(p, np.arange(3))
    draws = np.zeros((4000, 4, 3))
    for i in range(len(draws)):
        kept, cells, dest, went = T._move(rng, k, stay[own], to[own])
        draws[i, np.arange(4), own] += kept
        np.add.at(draws[i], (cells, dest), went)
    assert (draws.sum(axis=2) == k).all()                              # nobody lost or made, in every draw
    assert np.allclose(draws.mean(axis=0), k[:, None] * p[own], atol=0.15)
    assert (draws[:, 3, 2] >= 0).all() and draws[:, 0, 1].std() > 0   # movers drawn, not averaged


@pytest.fixture(scope="module")
def demo_panel(demo_dir: Path) -> pd.DataFrame:
    cases = ehcp_cases.read(demo_dir / "education" / "ehcp_cases.csv", {}, demo_context(demo_dir)).frame
    lookup = pd.read_csv(demo_dir / "lookups" / "lsoa21_msoa21_lad23.csv", dtype=str, encoding="utf-8-sig")
    cases = cases.assign(district=cases["lsoa_code"].map(lookup.set_index("LSOA21CD")["LAD23NM"]))
    return T.panel_from_cases(cases, range(2016, 2026), group="district")


def test_demo_county_simulated_with_intervals(demo_panel: pd.DataFrame) -> None:
    """County scale: 17,806 children in January 2025; 200 paths five years on, conserved; caseload by setting
    with intervals that contain the mean and sum to the total."""
    panel = demo_panel.drop(columns="district")
    r = T.estimate(panel)
    assert r.start.sum() == (panel["year"] == 2025).sum()
    sim = T.simulate(r, years=5, sims=200)
    assert sim.conserved()
    by = sim.summary(("setting",))
    total = sim.summary(())
    assert (by["lower80"] <= by["mean"]).all() and (by["mean"] <= by["upper80"]).all()
    assert (by["lower95"] <= by["lower80"]).all() and (by["upper80"] <= by["upper95"]).all()
    sums = by.groupby("year")["mean"].sum()
    assert np.allclose(sums.to_numpy(), total.set_index("year")["mean"].reindex(sums.index).to_numpy())
    assert set(by["setting"]) >= {"special", "mainstream", "resourced"}
    # districts simulated separately, children kept in their district
    g = T.simulate_groups(demo_panel, "district", years=2, sims=50, by=("setting",))
    assert g["district"].nunique() == demo_panel["district"].nunique()
    # and in parts (as on workers apart): each district keeps its seed, so the parts are the whole's rows
    names = sorted(demo_panel["district"].unique())
    parts = [T.simulate_groups(demo_panel[demo_panel["district"].isin(names[i:i + 2])], "district", years=2, sims=50,
                               by=("setting",), offset=i) for i in range(0, len(names), 2)]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), g)


def true_and_extract_panels(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A made-up county whose children really change setting as they age, followed 2005-2025 (the truth), and
    the one-row-per-plan extract taken in January 2022: every year of a child's history shows the setting
    recorded in 2022 (or when the child left), as a case-management system's current placement does."""
    rng = np.random.default_rng(seed)
    rows, alive, key = [], {}, 0
    for year in range(2005, 2026):
        for k, (nc, setting) in list(alive.items()):  # a year on: leave, move, age
            if (nc >= 14 and rng.random() < 0.3) or nc == T.NC_MAX:
                del alive[k]
                continue
            nc += 1
            if setting == "mainstream" and rng.random() < 0.04:
                setting = "special"
            if nc == 12:  # post-16: most move on
                setting = {"mainstream": "fe_college", "special": "post16_special"}[setting] \
                    if rng.random() < 0.8 else setting
            alive[k] = (nc, setting)
        for _ in range(rng.poisson(120)):
            alive[f"k{key}"] = (int(rng.integers(0, 9)), "special" if rng.random() < 0.3 else "mainstream")
            key += 1
        rows += [(k, year, "ASD", s, nc) for k, (nc, s) in alive.items()]
    truth = pd.DataFrame(rows, columns=T.PANEL_COLUMNS)
    truth = truth[truth["year"] >= 2015]
    seen = truth[truth["year"] <= 2022]
    recorded = seen.sort_values("year").groupby("child_key")["setting"].last()
    return truth, seen.assign(setting=seen["child_key"].map(recorded))


def test_settings_inferred_from_the_census_when_the_extract_has_one_row_per_plan() -> None:
    """From the 2022 extract, three years on: carrying each child's recorded setting (`observed`: no move is
    ever seen) keeps the 16-year-olds in school settings; moves inferred from the 2022 census
    (`cross_section`) follow them into further education, as the truth does."""
    truth, extract = true_and_extract_panels()
    actual = truth[truth["year"] == 2025].groupby("setting").size()
    err = {}
    for mode in ("observed", "cross_section"):
        sim = T.simulate(T.estimate(extract, setting_moves=mode), years=3, sims=200, seed=3)
        s = sim.summary(("setting",))
        got = s[s["year"] == 2025].set_index("setting")["mean"].reindex(actual.index).fillna(0)
        err[mode] = (got / got.sum() - actual / actual.sum()).abs()
        assert sim.conserved()
    assert err["cross_section"].max() < 0.03, err
    assert err["observed"].max() > 2 * err["cross_section"].max(), err
    with pytest.raises(ValueError, match="setting_moves"):
        T.estimate(extract, setting_moves="guess")


def test_survivors_is_the_mean_of_a_step_and_totals_can_be_matched() -> None:
    """With no year-to-year variation, the simulated mean of one step without joiners is `survivors`; and
    joiners scaled by `joiner_scales` bring the simulated mean caseload to the totals asked for, children still
    conserved (the reconciliation with the pooled model's district forecasts)."""
    _, extract = true_and_extract_panels()
    r = T.estimate(extract, setting_moves="cross_section")
    quiet = T.Rates(**{**r.__dict__, "joiners": np.zeros_like(r.joiners)})
    one = T.simulate(quiet, years=1, sims=4000, seed=5, year_to_year=False)
    expected = T.survivors(r, r.start)
    assert one.counts[:, 1].sum(axis=(1, 2, 3)).mean() == pytest.approx(expected.sum(), rel=0.002)
    by_setting = one.counts[:, 1].sum(axis=(1, 3)).mean(axis=0)
    assert np.allclose(by_setting, expected.sum(axis=(0, 2)), rtol=0.02, atol=1.0)
    wanted = [1600.0, 1700.0, 1650.0]
    scale = T.joiner_scales(r, wanted)
    sim = T.simulate(r, years=3, sims=2000, seed=6, year_to_year=False, joiner_scale=scale)
    assert sim.conserved()
    assert sim.counts.sum(axis=(2, 3, 4))[:, 1:].mean(axis=0) == pytest.approx(wanted, rel=0.005)
    assert (T.joiner_scales(r, [0.0]) == 0).all()  # never negative joiners


def test_a_year_with_no_leavers_or_no_joiners_is_estimated() -> None:
    """Given a small district's panel where nobody leaves between 2023 and 2024 and nobody joins between 2024
    and 2025 (a case-level extract of a thousand or two rows split by district), when rates are estimated,
    then the empty years count as zeros (they used to raise IndexError) and the flows are those of the records."""
    rows = [(f"c{i}", y, "ASD", "mainstream", i + y - 2023) for i in range(4) for y in (2023, 2024, 2025)]
    rows += [("c9", 2024, "SEMH", "special", 5), ("c9", 2025, "SEMH", "special", 6)]  # joins in 2024
    rows = [r for r in rows if not (r[0] == "c0" and r[1] == 2025)]  # c0 leaves in 2025
    panel = pd.DataFrame(rows, columns=T.PANEL_COLUMNS)
    r = T.estimate(panel, window=2, prior=0.0, joiner_growth=1.0)
    assert r.start.sum() == 4 and r.joiners.sum() == pytest.approx(0.5)  # one joiner over two transitions
    ni, si = r.needs.index("ASD"), r.settings.index("mainstream")
    assert r.leave[ni, si, 1 - T.NC_MIN] == 0.5  # c0 at NC year 1 in 2024 left; c1 at NC year 1 in 2023 stayed
    assert T.simulate(r, years=3, sims=20, seed=1).conserved()


def _dense_simulate(rates: T.Rates, years: int, sims: int, seed: int,
                    joiner_scale: np.ndarray | None = None) -> np.ndarray:
    """The simulation as first written: every step on dense (path, need, setting, age) arrays, every cell drawn
    (an empty one draws nothing). `T.simulate` draws only the occupied cells: it must give the same paths."""
    def binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        out = np.zeros(n.shape, dtype=np.int64)
        some = n > 0
        out[some] = rng.binomial(n[some], np.broadcast_to(p, n.shape)[some])
        return out

    def move(counts: np.ndarray, pvals: np.ndarray, own_axis: int, rng: np.random.Generator) -> np.ndarray:
        k = pvals.shape[-1]
        pv = np.moveaxis(pvals, own_axis, 0)
        p_own = np.moveaxis(np.stack([pv[i, ..., i] for i in range(k)]), 0, own_axis)
        out = binomial(rng, counts, np.clip(p_own, 0.0, 1.0))
        nz = np.nonzero(counts - out)
        if nz[0].size:
            p = pvals[nz].copy()
            p[np.arange(len(p)), nz[own_axis]] = 0.0
            total = p.sum(axis=-1, keepdims=True)
            p = np.divide(p, total, out=np.full_like(p, 1.0 / k), where=total > 0)
            drawn = rng.multinomial((counts - out)[nz], p)
            cell, dest = np.nonzero(drawn)
            to = [i[cell] for i in nz]
            to[own_axis] = dest
            np.add.at(out, tuple(to), drawn[cell, dest])
        return out

    rng = np.random.default_rng(seed)
    js, ls = rates.joiner_sigma, rates.leave_sigma
    join_level = np.exp(np.cumsum(rng.normal(0.0, js, size=(sims, years)), axis=1) - 0.5 * js**2
                        * np.arange(1, years + 1))
    if joiner_scale is not None:
        join_level = join_level * joiner_scale[None, :years]
    leave_scale = np.exp(rng.normal(0.0, ls, size=(sims, years)) - 0.5 * ls**2)
    N, S, A = rates.start.shape
    counts = np.zeros((sims, years + 1, N, S, A), dtype=np.int64)
    counts[:, 0] = rates.start.astype(np.int64)
    smove = np.broadcast_to(rates.setting_move[None], (sims, N, S, A, S))
    need_p = np.broadcast_to(rates.need_move[None, :, None, None, :], (sims, N, A, S, N))
    for t in range(years):
        n = counts[:, t]
        p_leave = np.clip(rates.leave[None] * leave_scale[:, t, None, None, None], 0.0, 1.0)
        p_leave[..., -1] = 1.0
        stay = n - binomial(rng, n, p_leave)
        moved = move(stay, smove, 2, rng).transpose(0, 1, 3, 2)
        after = move(moved, need_p, 1, rng).transpose(0, 1, 3, 2)
        aged = np.zeros_like(after)
        aged[..., 1:] = after[..., :-1]
        new = rng.poisson(rates.joiners[None] * rates.joiner_growth**t * join_level[:, t, None, None, None])
        counts[:, t + 1] = aged + new
    return counts


@pytest.mark.parametrize("mode", ["observed", "cross_section"])
def test_drawing_only_the_occupied_cells_gives_the_paths_of_drawing_every_cell(mode: str) -> None:
    """Given 600 children over six years in four needs, three settings and every age, with moves between them,
    when simulated with and without a reconciliation to totals, then the paths are those of the dense
    simulation, draw for draw (the published sufficiency keeps its seeds and figures)."""
    rng = np.random.default_rng(11)
    rows = []
    for child in range(600):
        first, last = sorted(rng.integers(2018, 2024, size=2))
        need, setting = rng.choice(["ASD", "MLD", "SEMH", "SLCN"]), rng.choice(["a", "b", "c"])
        nc = rng.integers(-4, 16)  # at most 21 (age 25) by the last year
        for y in range(first, last + 1):
            if rng.random() < 0.1:
                setting = rng.choice(["a", "b", "c"])
            rows.append((f"k{child}", y, need, setting, nc + y - first))
    panel = pd.DataFrame(rows, columns=T.PANEL_COLUMNS)
    r = T.estimate(panel, setting_moves=mode)
    for scale in (None, np.array([0.5, 1.5, 0.0, 1.0])):
        sim = T.simulate(r, years=4, sims=40, seed=5, joiner_scale=scale)
        assert np.array_equal(sim.counts, _dense_simulate(r, 4, 40, 5, scale))
        assert sim.conserved()
