"""Children with plans moving between states of need x setting x national curriculum (NC) year, simulated.

From a child-year panel (one row per child holding a plan at each January census: need, setting, NC year) the
year-on-year flows are counted over the last `window` transitions:

* leavers: held a plan one January, not the next, by (need, setting, NC year);
* movers: held one both years, by setting change given (setting, NC year) and need change given need;
* joiners: held one this January, not the last, by (need, setting, NC year), per year.

Settings. An extract that keeps each child's setting year by year shows the moves between settings
(`setting_moves="observed"`). A case-management extract with one row per plan records one placement, the
current one (or the last, for a ceased plan): the settings it gives earlier years are a later year's, and no
move is ever seen. For such extracts (`setting_moves="cross_section"`, what the planner uses) the moves are
inferred from the base year's census, the one year whose settings are right: as children age from NC year a
to a+1, as few as possible change setting while the mix of settings at a becomes the mix at a+1, by need
(`minimal_moves`); leaving rates are then by need and NC year only.

Rates are shrunk towards coarser groups where the cells are thin (a leaving rate towards its (setting, NC year)
rate, then its NC year's, with `prior` pseudo-children each), and every child ages one NC year per year; at
the oldest NC year everyone leaves (age 25). Joiners are Poisson with the window's mean by cell, grown by
`joiner_growth` a year (default: the window's compound growth of joiner totals).

`simulate` runs `sims` Monte Carlo paths of the whole state vector at once: binomial leavers, multinomial
setting and need moves, Poisson joiners. Conservation is asserted at every step and kept in the result:
caseload(t+1) = caseload(t) - leavers(t) + joiners(t), per path, and the movers out of each cell equal the
stayers in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NC_MIN, NC_MAX = -4, 21  # NC year = age on 31 August - 4: age 0 (-4) .. age 25 (21); Reception = 0, Year 1 = 1
UNKNOWN = "unknown"
PANEL_COLUMNS = ["child_key", "year", "need", "setting", "nc_year"]


def census_date(year: int) -> pd.Timestamp:
    """The January census date used to place a plan in a year (mid-January: the census is the third Thursday)."""
    return pd.Timestamp(year=year, month=1, day=15)


def panel_from_cases(cases: pd.DataFrame, years: Sequence[int], group: str | None = None) -> pd.DataFrame:
    """Child-year panel from case-level plan records (`jsna.sources.ehcp_cases` rows): a plan is held at the
    January census of `year` if issued on or before it and not ceased by it. NC year from the age on 31 August
    at the request moved on a year per academic year. The need and setting are those recorded on the plan
    (an extract with one row per plan says nothing about moves between settings during the plan; extracts
    that keep yearly snapshots, given here as several rows, do). A child holding two plans at a census (a
    statement and the plan replacing it) counts once, on the latest issued. `group` (e.g. a district column)
    is carried through."""
    f = cases[cases["issue_date"].notna()]
    start = f["request_date"].dt.year - (f["request_date"].dt.month < 9).astype(int)  # academic year of request
    keep = [c for c in ("child_key", "issue_date", "ceased_date", "primary_need", "placement", group) if c]
    out = []
    for y in years:
        d = census_date(y)
        on = (f["issue_date"] <= d) & (f["ceased_date"].isna() | (f["ceased_date"] > d))
        g = f.loc[on, keep].assign(year=y, nc_year=(f.loc[on, "age_at_31aug"] + (y - 1 - start[on]) - 4))
        out.append(g)
    p = pd.concat(out, ignore_index=True).sort_values(["child_key", "year", "issue_date"])
    p = p.drop_duplicates(["child_key", "year"], keep="last")
    p = p.rename(columns={"primary_need": "need", "placement": "setting"})
    p["need"] = p["need"].fillna(UNKNOWN).astype("str")
    p["setting"] = p["setting"].fillna(UNKNOWN).astype("str")
    p = p[(p["nc_year"] >= NC_MIN) & (p["nc_year"] <= NC_MAX)]
    cols = [*PANEL_COLUMNS, *([group] if group else [])]
    return p[cols].reset_index(drop=True).astype({"year": "int64", "nc_year": "int64"})


# -- estimation ----------------------------------------------------------------------------------------------
@dataclass
class Rates:
    needs: list[str]
    settings: list[str]
    leave: np.ndarray        # (N, S, A) probability of leaving before the next census
    setting_move: np.ndarray  # (N, S, A, S) destination setting given need, setting and NC year (rows sum to 1)
    need_move: np.ndarray    # (N, N) destination need given need
    joiners: np.ndarray      # (N, S, A) expected joiners in the first simulated year
    joiner_growth: float
    base_year: int
    start: np.ndarray        # (N, S, A) caseload at the base year
    joiner_sigma: float = 0.0  # sd of the annual log change in joiners (history to the base year)
    leave_sigma: float = 0.0   # sd of the log leaving rate between years

    @property
    def ages(self) -> np.ndarray:
        return np.arange(NC_MIN, NC_MAX + 1)


def _shrink(events: np.ndarray, n: np.ndarray, parent: np.ndarray, prior: float) -> np.ndarray:
    """(events + prior x parent rate) / (n + prior); the parent's rate where there is nobody."""
    den = n + prior
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (events + prior * parent) / den
    return np.where(den > 0, out, np.broadcast_to(parent, out.shape))


def minimal_moves(mix: np.ndarray, prior: float = 10.0) -> np.ndarray:
    """(N, S, A) children by need, setting and NC year at one census -> (N, S, A, S): for each need and NC
    year a, the moves between settings that carry the mix at a to the mix at a+1 with as few children moving
    as possible (each setting keeps the smaller of its two shares; the rest of a shrinking setting goes to the
    growing ones in proportion to their gain). A need's mix is shrunk to all needs' with `prior` children."""
    N, S, A = mix.shape
    pooled = mix.sum(axis=0, keepdims=True)
    pooled_share = pooled / np.maximum(pooled.sum(axis=1, keepdims=True), 1e-12)
    share = (mix + prior * pooled_share) / np.maximum(mix.sum(axis=1, keepdims=True) + prior, 1e-12)
    out = np.broadcast_to(np.eye(S)[None, :, None, :], (N, S, A, S)).copy()
    for a in range(A - 1):
        p, q = share[:, :, a], share[:, :, a + 1]  # (N, S)
        ok = (p.sum(axis=1) > 0) & (q.sum(axis=1) > 0)
        stay = np.minimum(p, q)
        excess, gain = p - stay, q - stay
        to = gain / np.maximum(gain.sum(axis=1, keepdims=True), 1e-12)  # (N, S') destination of movers
        with np.errstate(invalid="ignore", divide="ignore"):
            m = (excess / p)[:, :, None] * to[:, None, :]
            m[:, np.arange(S), np.arange(S)] += stay / p
        rows = ok[:, None] & (p > 0)
        out[:, :, a, :] = np.where(rows[:, :, None], m, out[:, :, a, :])
    return out


def estimate(panel: pd.DataFrame, window: int = 3, prior: float = 10.0,
             joiner_growth: float | None = None, base_year: int | None = None,
             setting_moves: str = "observed") -> Rates:
    """Rates from the last `window` year-on-year transitions up to `base_year` (default: the panel's last);
    setting moves as seen in the panel (`observed`) or inferred from the base year (`cross_section`)."""
    if setting_moves not in ("observed", "cross_section"):
        raise ValueError(f"setting_moves must be 'observed' or 'cross_section', not {setting_moves!r}")
    base = int(panel["year"].max()) if base_year is None else base_year
    p = panel[panel["year"] <= base]
    needs = sorted(p["need"].unique())
    settings = sorted(p["setting"].unique())
    ages = np.arange(NC_MIN, NC_MAX + 1)
    N, S, A = len(needs), len(settings), len(ages)
    # each row's cell as integers, and its child as an integer (the transitions are counted by matching them)
    nd = pd.Index(needs).get_indexer(p["need"])
    st = pd.Index(settings).get_indexer(p["setting"])
    ag = (p["nc_year"] - NC_MIN).to_numpy(dtype=np.intp)
    child = pd.factorize(p["child_key"])[0]
    year = p["year"].to_numpy()

    joiner_sigma, leave_sigma = _year_to_year(child, year, base)
    n = np.zeros((N, S, A))
    left = np.zeros((N, S, A))
    smove = np.zeros((S, A, S))
    nmove = np.zeros((N, N))
    join = np.zeros((N, S, A))
    join_totals = []
    for y in range(base - window, base):
        ia, ib = np.flatnonzero(year == y), np.flatnonzero(year == y + 1)
        if not ia.size or not ib.size:
            continue
        both = pd.DataFrame({"c": child[ia], "i": ia}).merge(pd.DataFrame({"c": child[ib], "j": ib}), on="c")
        i0, i1 = both["i"].to_numpy(), both["j"].to_numpy()
        gone = ia[~np.isin(child[ia], child[ib])]
        new = ib[~np.isin(child[ib], child[ia])]
        np.add.at(n, (nd[ia], st[ia], ag[ia]), 1)
        np.add.at(left, (nd[gone], st[gone], ag[gone]), 1)
        np.add.at(smove, (st[i0], ag[i0], st[i1]), 1)
        np.add.at(nmove, (nd[i0], nd[i1]), 1)
        np.add.at(join, (nd[new], st[new], ag[new]), 1)
        join_totals.append(len(new))
    if not join_totals:
        raise ValueError("the panel needs at least two consecutive census years up to the base year")

    start = np.zeros((N, S, A))
    at = year == base
    np.add.at(start, (nd[at], st[at], ag[at]), 1)
    # leaving: (need, setting, age) -> (setting, age) -> age -> all; by (need, age) when settings are inferred
    overall = left.sum() / max(n.sum(), 1)
    by_age = _shrink(left.sum(axis=(0, 1)), n.sum(axis=(0, 1)), np.full(A, overall), prior)
    if setting_moves == "cross_section":
        by_na = _shrink(left.sum(axis=1), n.sum(axis=1), by_age[None, :], prior)
        leave = np.repeat(by_na[:, None, :], S, axis=1)
        setting_move = minimal_moves(start, prior)
    else:
        by_sa = _shrink(left.sum(axis=0), n.sum(axis=0), by_age[None, :], prior)
        leave = _shrink(left, n, by_sa[None, :, :], prior)
        # setting moves: (setting, age) -> setting -> staying put
        stay = np.eye(S)
        by_s = _shrink(smove.sum(axis=1), smove.sum(axis=(1, 2))[:, None], stay, prior)
        moves = _shrink(smove, smove.sum(axis=2, keepdims=True), by_s[:, None, :], prior)
        setting_move = np.repeat(moves[None], N, axis=0)
    leave[:, :, -1] = 1.0  # nobody holds a plan past 25
    need_move = _shrink(nmove, nmove.sum(axis=1, keepdims=True), np.eye(N), prior)

    k = len(join_totals)
    if joiner_growth is None:
        joiner_growth = (join_totals[-1] / join_totals[0]) ** (1 / (k - 1)) if k > 1 and join_totals[0] > 0 else 1.0
    return Rates(needs, settings, leave, setting_move, need_move, join / k * joiner_growth ** ((k + 1) / 2),
                 float(joiner_growth), base, start, joiner_sigma, leave_sigma)


def _year_to_year(child: np.ndarray, year: np.ndarray, base: int) -> tuple[float, float]:
    """How much joining and leaving moved from year to year over the whole panel to the base year (`child` and
    `year` of each row): the sd of the annual log change in joiners, and of the log leaving rate (years with
    leavers only)."""
    years = sorted(int(y) for y in np.unique(year) if y <= base)
    held = {y: np.unique(child[year == y]) for y in years}
    joins, rates = [], []
    for y in years[:-1]:
        if y + 1 not in held:
            continue
        a, b = held[y], held[y + 1]
        joins.append(int((~np.isin(b, a)).sum()))
        gone = int((~np.isin(a, b)).sum())
        if len(a) and gone:
            rates.append(gone / len(a))
    dj = np.diff(np.log(np.maximum(joins, 1)))
    return (float(np.std(dj, ddof=1)) if len(dj) > 2 else 0.0,
            float(np.std(np.log(rates), ddof=1)) if len(rates) > 2 else 0.0)


# -- simulation ------------------------------------------------------------------------------------------------
@dataclass
class Simulation:
    rates: Rates
    years: list[int]
    counts: np.ndarray   # (sims, T+1, N, S, A): the base year then each simulated January
    leavers: np.ndarray  # (sims, T)
    joiners: np.ndarray  # (sims, T)

    def conserved(self) -> bool:
        tot = self.counts.sum(axis=(2, 3, 4))
        return bool(np.array_equal(tot[:, 1:], tot[:, :-1] - self.leavers + self.joiners))

    def summary(self, by: Sequence[str] = ("setting",), levels: Sequence[float] = (0.8, 0.95)) -> pd.DataFrame:
        """Caseload by `by` (any of 'need', 'setting', 'nc_year'; () for the total) and year: mean, median and
        the central intervals across paths."""
        axes = {"need": 2, "setting": 3, "nc_year": 4}
        keep = [axes[b] for b in by]
        drop = tuple(a for a in (2, 3, 4) if a not in keep)
        c = self.counts.sum(axis=drop)  # (sims, T+1, *kept)
        labels = {"need": self.rates.needs, "setting": self.rates.settings, "nc_year": list(self.rates.ages)}
        grids = np.meshgrid(*[np.arange(len(labels[b])) for b in by], indexing="ij") if by else []
        rows = []
        for t, year in enumerate([self.rates.base_year, *self.years]):
            v = c[:, t].reshape(c.shape[0], -1)
            row = {"year": year, "mean": v.mean(axis=0), "median": np.median(v, axis=0)}
            for lv in levels:
                a = (1 - lv) / 2
                row[f"lower{round(lv * 100)}"] = np.quantile(v, a, axis=0)
                row[f"upper{round(lv * 100)}"] = np.quantile(v, 1 - a, axis=0)
            frame = pd.DataFrame({k: (np.full(v.shape[1], val) if k == "year" else val) for k, val in row.items()})
            for b, g in zip(by, grids, strict=True):
                frame.insert(0, b, np.asarray(labels[b], dtype=object)[g.ravel()])
            rows.append(frame)
        return pd.concat(rows, ignore_index=True)


def _movers(pvals: np.ndarray, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each origin state (a row of `pvals` over the K destinations, `own` its own one): the probability of
    staying put, and the destinations of those who move (the others renormalised; uniform where none has any
    chance). Computed once per state, as each occupied cell would compute it."""
    rows = np.arange(len(pvals))
    stay = np.clip(pvals[rows, own], 0.0, 1.0)
    p = np.array(pvals, dtype=float, order="C")
    p[rows, own] = 0.0
    total = p.sum(axis=-1, keepdims=True)
    return stay, np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[-1]), where=total > 0)


def _move(rng: np.random.Generator, k: np.ndarray, stay: np.ndarray, to: np.ndarray) -> tuple[np.ndarray, ...]:
    """Multinomial split of occupied cells (`k` children each, in the order the draws are made) over their K
    destinations: staying put with probability `stay` (binomial), the movers spread by `to` (cell x K,
    multinomial, only where there are movers): the same distribution as one multinomial, far fewer draws when most
    children stay. Returns (stayers per cell, the cells with movers, their destination, how many go there)."""
    kept = rng.binomial(k, stay)
    moving = k - kept
    some = np.flatnonzero(moving)
    if not some.size:
        return kept, some, some, some
    drawn = rng.multinomial(moving[some], to[some])
    row, dest = np.nonzero(drawn > 0)
    assert (drawn.sum(axis=1) == moving[some]).all(), "moves lost children"
    return kept, some[row], dest, drawn[row, dest]


def _gather(where: Sequence[np.ndarray], amount: Sequence[np.ndarray], size: int) -> np.ndarray:
    """Children summed by destination cell (flat index; whole numbers, as floats)."""
    return np.bincount(np.concatenate(where), weights=np.concatenate(amount), minlength=size)


def survivors(rates: Rates, counts: np.ndarray) -> np.ndarray:
    """The expected (N, S, A) caseload a year on from `counts` before anyone joins: leavers out, the rest moved
    between settings and needs and a year older (the mean of one `simulate` step without joiners)."""
    stay = counts * (1.0 - rates.leave)
    moved = np.einsum("nsa,nsat->nat", stay, rates.setting_move)   # (N, A, S')
    after = np.einsum("nat,nm->mta", moved, rates.need_move)        # (N', S', A)
    aged = np.zeros_like(after)
    aged[..., 1:] = after[..., :-1]
    return aged


def joiner_scales(rates: Rates, totals: Sequence[float]) -> np.ndarray:
    """For each simulated year, the factor on the joiners expected (as estimated, grown by `joiner_growth`)
    that brings the expected caseload to `totals[t]`: how the transition model is reconciled with a forecast of
    the total made elsewhere (the pooled model's), keeping its own leavers, moves and mix. Never below zero."""
    n, out = rates.start.astype(float), []
    for t, target in enumerate(totals):
        kept = survivors(rates, n)
        joining = rates.joiners * rates.joiner_growth**t
        scale = max(0.0, (float(target) - kept.sum()) / joining.sum()) if joining.sum() > 0 else 1.0
        n = kept + scale * joining
        out.append(scale)
    return np.array(out)


def simulate(rates: Rates, years: int = 5, sims: int = 1000, seed: int = 2017,
             year_to_year: bool = True, joiner_scale: Sequence[float] | np.ndarray | None = None) -> Simulation:
    """`sims` paths `years` years on from the base year's caseload. With `year_to_year`, each path also draws
    how the years differ, as they have in the history: joiners follow a random walk in logs around their trend
    (sd `joiner_sigma` a year) and the leaving rates are scaled each year by a log-normal factor (sd
    `leave_sigma`); without it only the binomial, multinomial and Poisson draws vary. `joiner_scale` multiplies
    the joiners expected in each year (`joiner_scales`).

    Each year, in this order: who leaves (binomial, every occupied cell of every path in (path, need, setting,
    age) order), who moves between settings (by (path, need, setting, age)), who moves between needs (by (path,
    need, age, setting)), then everyone a year older and the joiners (Poisson, in (path, need, setting, age)
    order, where any are expected). Only occupied cells are drawn: an empty cell draws nothing from the
    generator, so the numbers are those of drawing every cell."""
    rng = np.random.default_rng(seed)
    js = rates.joiner_sigma if year_to_year else 0.0
    ls = rates.leave_sigma if year_to_year else 0.0
    steps = np.arange(1, years + 1)
    join_level = np.exp(np.cumsum(rng.normal(0.0, js, size=(sims, years)), axis=1) - 0.5 * js**2 * steps)
    if joiner_scale is not None:
        join_level = join_level * np.asarray(joiner_scale, dtype=float)[None, :years]
    leave_scale = np.exp(rng.normal(0.0, ls, size=(sims, years)) - 0.5 * ls**2)
    N, S, A = rates.start.shape
    C = N * S * A
    counts = np.zeros((sims, years + 1, N, S, A), dtype=np.int64)
    counts[:, 0] = rates.start.astype(np.int64)
    leavers = np.zeros((sims, years), dtype=np.int64)
    joiners = np.zeros((sims, years), dtype=np.int64)
    need, setting, age = np.unravel_index(np.arange(C), (N, S, A))  # each cell's state, (need, setting, age) order
    leave, oldest = rates.leave.ravel(), age == A - 1
    s_stay, s_to = _movers(rates.setting_move.reshape(C, S), setting)
    n_stay, n_to = _movers(rates.need_move, np.arange(N))
    joining = np.flatnonzero(rates.joiners.ravel())
    expected = rates.joiners.ravel()[joining]
    state = counts[:, 0].reshape(-1)  # (path, need, setting, age), flat
    for t in range(years):
        at = np.flatnonzero(state > 0)  # the occupied cells, in the order the draws are made
        sim, cell, k = at // C, at % C, state[at]
        p_leave = np.clip(leave[cell] * leave_scale[sim, t], 0.0, 1.0)
        p_leave[oldest[cell]] = 1.0  # nobody holds a plan past 25
        gone = rng.binomial(k, p_leave)
        leavers[:, t] = np.bincount(sim, weights=gone, minlength=sims).astype(np.int64)
        k = k - gone
        live = k > 0
        sim, cell, k = sim[live], cell[live], k[live]
        # between settings; the result laid out by (path, need, age, setting): the need moves' order
        kept, mc, dest, went = _move(rng, k, s_stay[cell], s_to[cell])
        na = (sim * N + need[cell]) * A + age[cell]
        moved = _gather([na * S + setting[cell], na[mc] * S + dest], [kept, went], sims * C)
        assert moved.sum() == k.sum(), "setting moves lost children"
        at = np.flatnonzero(moved > 0)
        sim, cell, k = at // C, at % C, moved[at].astype(np.int64)
        nd, a, s = cell // (A * S), cell // S % A, cell % S
        assert not (a == A - 1).any(), "children past the oldest NC year"
        kept, mc, dest, went = _move(rng, k, n_stay[nd], n_to[nd])
        # everyone a year older, back in (path, need, setting, age) order, and the joiners (where any are expected)
        aged = _gather([sim * C + (nd * S + s) * A + a + 1, sim[mc] * C + (dest * S + s[mc]) * A + a[mc] + 1],
                       [kept, went], sims * C).astype(np.int64).reshape(sims, C)
        assert aged.sum() == k.sum(), "need moves lost children"
        new = rng.poisson((expected * rates.joiner_growth**t)[None, :] * join_level[:, t, None])
        aged[:, joining] += new
        counts[:, t + 1] = aged.reshape(sims, N, S, A)
        joiners[:, t] = new.sum(axis=1)
        assert np.array_equal(aged.sum(axis=1), state.reshape(sims, C).sum(axis=1) - leavers[:, t] + joiners[:, t]), \
            "children not conserved"
        state = aged.reshape(-1)
    return Simulation(rates, [rates.base_year + t + 1 for t in range(years)], counts, leavers, joiners)


def backtest(panel: pd.DataFrame, base_year: int, years: int = 3, sims: int = 500, **kw: object) -> pd.DataFrame:
    """Simulate from `base_year` with rates estimated up to it and set the result against the panel's later
    caseload by setting: year, setting, actual, mean, lower80, upper80 and whether it was covered."""
    rates = estimate(panel, base_year=base_year, **kw)  # type: ignore[arg-type]
    sim = simulate(rates, years=years, sims=sims)
    s = sim.summary(("setting",))
    actual = panel.groupby(["year", "setting"]).size().rename("actual").reset_index()
    out = s[s["year"] > base_year].merge(actual, on=["year", "setting"], how="left").fillna({"actual": 0})
    out["covered80"] = (out["actual"] >= out["lower80"]) & (out["actual"] <= out["upper80"])
    return out


def simulate_groups(panel: pd.DataFrame, group: str, years: int = 5, sims: int = 1000, seed: int = 2017,
                    by: Sequence[str] = ("need", "setting"), totals: pd.DataFrame | None = None,
                    offset: int = 0, **kw: object) -> pd.DataFrame:
    """`estimate` and `simulate` separately in each group (e.g. district: children are not moved between
    groups), summarised by `by`; the group's value in a column named `group`. `totals` (group x year, the
    years after the base) reconciles each group's expected caseload with a forecast of it (`joiner_scales`).
    `offset`: the place of the panel's first group among all groups, when the panel is a part of a larger one (its
    groups in a row, e.g. simulated on another worker): each group's seed is `seed` plus its place among all, so
    the parts' rows, in group order, are those of the whole."""
    out = []
    for i, (g, sub) in enumerate(panel.groupby(group, sort=True), start=offset):
        rates = estimate(sub.drop(columns=group), **kw)  # type: ignore[arg-type]
        scale = None
        if totals is not None and g in totals.index:
            wanted = totals.loc[g].reindex(range(rates.base_year + 1, rates.base_year + years + 1))
            scale = joiner_scales(rates, wanted.to_numpy()) if wanted.notna().all() else None
        sim = simulate(rates, years=years, sims=sims, seed=seed + i, joiner_scale=scale)
        out.append(sim.summary(by).assign(**{group: g}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
