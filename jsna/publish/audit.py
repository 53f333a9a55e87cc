"""Audit of published tables as statistical offices audit them (tau-Argus's, sdcTable's audit): every
suppressed count is an unknown x >= 0 bound by the table's additive relations (each total the sum of its
parts, over every additive dimension) with the published values in, and linear programming bounds it.

An attacker does not know which `c` hides a small count and which a secondary suppression, so no upper
bound of min_count - 1 is assumed: x >= 0 only (and a proportion's numerator within its denominator). A
count published rounded to a base r is known only to lie within r/2 of its shown value.

Hidden cells fall into connected components (cells linked by a relation), independent of each other:
- a component of one relation is bounded exactly without a solver: against one linear relation and the
  others' bounds, each cell's interval is what the others leave it (interval arithmetic is exact there);
- in the others, the relations' bounds are propagated (as LP presolvers tighten bounds): a cell they
  already hold within less than min_count is narrow, and its interval lies within them;
- what is left is solved in batches of components, each batch one HiGHS model whose objective is a sum
  over its components (a separable objective: its optimum is each component's optimum at once). Every
  solution is a feasible point, so it witnesses every cell's interval: first every cell at its least, then
  at its most; then in rounds, per component, its cells not yet shown min_count wide pushed together (with
  random weights, up then down) while that widens something, else one of them maximised (and, if still
  narrow, minimised) alone: its exact interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

BIG = 1e9  # an upper bound on every unknown, standing in for none: an interval reaching it is open
BATCH = 2000  # unknowns per HiGHS model: small components are solved many to a model
TRIES = 2  # pushes in a row that widen nothing before cells are solved alone
KINDS = ["numerator", "denominator", "complement"]  # what an audited quantity is (a categorical column)


@dataclass
class Audit:
    """One row per audited quantity (a hidden numerator, denominator or complement): its row, kind and
    feasible interval [low, high] (exact where `exact`; else, if at least min_count wide, feasible solutions
    show it at least that wide, and if narrower, the propagated bounds hold it within), and `component`,
    the cells it was solved with."""

    cells: pd.DataFrame
    min_count: int

    @property
    def narrow(self) -> pd.DataFrame:
        """Quantities held within less than min_count, other than those that can only be 0 (the policy
        shows a zero in clear: it is not a small count)."""
        c = self.cells
        return c[(c["width"] < self.min_count) & ~(c["high"] < 1)]


@dataclass
class Relations:
    """The attacker's linear system: row_lo <= a @ x <= row_hi, lower <= x <= upper; and the audited
    quantities, each x[plus] - x[minus] (minus -1: none) of one hidden `row` of the table."""

    a: sparse.csc_array
    row_lo: np.ndarray
    row_hi: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    quantities: pd.DataFrame


def relations(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, counts_children: pd.Series,
              slack: float = 0.0, truth: pd.DataFrame | None = None, round_to: float = 0) -> Relations:
    """The linear system an attacker can write from the published table (see `audit`)."""
    hid = hidden.to_numpy(bool)
    cc = counts_children.to_numpy(bool)
    shown = {"numerator": np.nan_to_num(values["numerator"].to_numpy(float)),
             "denominator": np.nan_to_num(values["denominator"].to_numpy(float))}
    # each relation's members: (relation, row, measure 0 numerator / 1 denominator, sign). A group sums its
    # rows' numerators, and its rows' denominators of children too, unless it names each member's measure
    member = pd.factorize(groups["group"])[0]
    with_total = np.bincount(member, weights=groups["is_total"].to_numpy(bool), minlength=len(member)) > 0
    g = groups[with_total[member]]
    rows = g["row"].to_numpy()
    gid = pd.factorize(g["group"])[0]
    n_groups = int(gid.max()) + 1 if len(gid) else 0
    sign = np.where(g["is_total"].to_numpy(bool), -1.0, 1.0)
    named = g["measure"] if "measure" in g else pd.Series(None, index=g.index, dtype=object)
    plain = named.isna().to_numpy(bool)
    meas = np.where(named.eq("denominator").fillna(False).to_numpy(bool), 1, 0)
    den = plain & cc[rows]
    rel = np.r_[gid, gid[den] + n_groups]
    rows, meas, sign = np.r_[rows, rows[den]], np.r_[meas, np.ones(den.sum(), int)], np.r_[sign, sign[den]]
    values_of = [shown["numerator"], shown["denominator"]]
    hidden_of = [hid, hid & cc]
    h = np.where(meas == 0, hidden_of[0][rows], hidden_of[1][rows])
    holding = np.zeros(2 * n_groups, bool)
    holding[rel[h]] = True
    live = holding[rel]
    rel, rows, meas, sign, h = pd.factorize(rel[live])[0], rows[live], meas[live], sign[live], h[live]
    # unknowns: hidden numerators, hidden denominators of children; where counts are rounded, the shown
    # counts of the relations holding a hidden one too (each within r/2 of its shown value)
    unknown = [hidden_of[0].copy(), hidden_of[1].copy()]
    if round_to:
        for k in (0, 1):
            unknown[k][rows[meas == k]] = True
    var = []
    lower, upper = [], []
    start = 0
    for k in (0, 1):
        idx = np.flatnonzero(unknown[k])
        var.append(np.full(len(values), -1))
        var[k][idx] = start + np.arange(len(idx))
        start += len(idx)
        rounded = ~hidden_of[k][idx]
        shown_k = values_of[k][idx]
        lower.append(np.where(rounded, np.maximum(shown_k - round_to / 2, 0.0), 0.0))
        upper.append(np.where(rounded, shown_k + round_to / 2, BIG))
    n_cells = start
    un = np.where(meas == 0, unknown[0][rows], unknown[1][rows])
    j = np.where(meas == 0, var[0][rows], var[1][rows])[un]
    i, v = rel[un], sign[un]
    n_rel = int(rel.max()) + 1 if len(rel) else 0
    known = np.where(meas == 0, values_of[0][rows], values_of[1][rows])
    b_all = -np.bincount(rel[~un], weights=sign[~un] * known[~un], minlength=n_rel)
    true_of = [np.nan_to_num(truth[c].to_numpy(float)) if truth is not None else np.zeros(len(values))
               for c in ("numerator", "denominator")]
    true = np.where(meas == 0, true_of[0][rows], true_of[1][rows])
    res_all = np.bincount(rel, weights=sign * true, minlength=n_rel)
    used = np.flatnonzero(np.bincount(i, minlength=n_rel))
    at = np.searchsorted(used, i)
    size = np.bincount(rel, minlength=n_rel)[used]
    n_vars = n_cells + len(used)
    # each relation holds to within `slack` per member (figures rounded on their own): a slack unknown each
    a_eq = sparse.csr_array((np.r_[v, np.ones(len(used))], (np.r_[at, np.arange(len(used))],
                             np.r_[j, n_cells + np.arange(len(used))])), shape=(len(used), n_vars))
    b_eq = b_all[used]
    # a sum that does not hold exactly: parts <= total (residual < 0) or parts >= total (residual > 0)
    res = res_all[used]
    loose = np.abs(res) > 1e-6 + slack * size
    direction = np.sign(res)
    row_lo = np.where(loose & (direction < 0), -np.inf, b_eq)
    row_hi = np.where(loose & (direction > 0), np.inf, b_eq)
    # a numerator within its denominator
    both = np.flatnonzero((var[0] >= 0) & (var[1] >= 0))
    pair = np.arange(len(both))
    a_ub = sparse.csr_array((np.r_[np.ones(len(both)), -np.ones(len(both))],
                             (np.r_[pair, pair], np.r_[var[0][both], var[1][both]])),
                            shape=(len(both), n_vars))
    a = sparse.csc_array(sparse.vstack([a_eq, a_ub]))
    h_rows, d_rows = np.flatnonzero(hid), np.flatnonzero(hid & cc)
    kind = np.repeat(np.arange(3, dtype=np.int8), [len(h_rows), len(d_rows), len(d_rows)])
    quantities = pd.DataFrame({"row": np.r_[h_rows, d_rows, d_rows],
                               "kind": pd.Categorical.from_codes(kind, categories=KINDS),
                               "plus": np.r_[var[0][h_rows], var[1][d_rows], var[1][d_rows]],
                               "minus": np.r_[np.full(len(h_rows) + len(d_rows), -1), var[0][d_rows]]})
    return Relations(a, np.r_[row_lo, np.full(len(both), -np.inf)], np.r_[row_hi, np.zeros(len(both))],
                     np.r_[*lower, -slack * size], np.r_[*upper, slack * size], quantities)


def audit(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, counts_children: pd.Series,
          min_count: int, slack: float = 0.0, truth: pd.DataFrame | None = None,
          focus: np.ndarray | None = None, round_to: float = 0, batch_size: int = BATCH,
          settled: pd.DataFrame | None = None) -> Audit:
    """`values`: numerator and denominator per row (published figures where shown; ignored where hidden).
    `groups`: (row, group, is_total) relations total = sum of parts (a group without a total row is left out:
    its total is not in the table). `counts_children`: rows whose denominator is a count of children (hidden
    with the row); elsewhere it is a published population. `slack`: each relation holds to within this
    much per member (figures rounded on their own). `truth`: the unsuppressed numerators and denominators;
    where a declared sum does not hold exactly in them (a total from another source, parts that do not cover
    it), the attacker is given the inequality that does hold (parts at most, or at least, the total).
    `focus`: rows; only the components holding one are solved (the others' rows come back unsolved).
    `round_to`: shown counts are rounded to this base (each then within half of it of the truth).
    `batch_size`: unknowns per model solved together (components are never split).
    `settled`: (row, kind) of quantities already shown at least min_count wide with fewer cells hidden; they are
    not solved again (come back unsolved). Hiding more only frees what was fixed, so every solution found then
    is still feasible and an interval never narrows."""
    rel = relations(values, hidden, groups, counts_children, slack, truth, round_to)
    q = rel.quantities
    if len(q) == 0:
        return Audit(q.assign(low=np.nan, high=np.nan, width=np.inf, exact=False, component=-1), min_count)
    plus, minus = q["plus"].to_numpy(), q["minus"].to_numpy()
    a = rel.a
    n_vars = a.shape[1]
    coo = a.tocoo()
    comp = _components(coo, n_vars)
    wanted = np.ones(len(q), bool)
    if focus is not None:
        wanted = np.isin(comp[plus], comp[plus[np.isin(q["row"].to_numpy(), focus)]])
    if settled is not None and len(settled):
        wanted &= ~np.isin(_keys(q), _keys(settled))
    low, high = np.full(len(q), np.inf), np.full(len(q), -np.inf)
    exact = np.zeros(len(q), bool)
    # components of at most one relation, with no complement to bound: exact by interval arithmetic
    n_comp = comp.max() + 1
    row_of = np.full(n_vars, -1)
    row_of[coo.col] = coo.row
    first_row = np.full(n_comp, -1)
    first_row[comp[coo.col]] = coo.row
    single = np.ones(n_comp, bool)
    single[comp[coo.col[coo.row != first_row[comp[coo.col]]]]] = False
    single[comp[plus[minus >= 0]]] = False
    one = wanted & single[comp[plus]]
    if one.any():
        low[one], high[one] = _one_relation(a, rel, plus[one], row_of)
        exact[one] = True
    # the others: what the relations' bounds, propagated, already hold narrower than min_count is narrow
    # (its interval lies within those bounds); the rest in batches of components, each batch one model
    rest = wanted & ~one
    lo, hi = _propagate(rel, np.isin(comp, comp[plus[rest]]))
    has_minus = minus >= 0
    m = np.clip(minus, 0, None)
    outer_lo = np.where(has_minus, lo[plus] - hi[m], lo[plus])
    outer_hi = np.where(has_minus, hi[plus] - lo[m], hi[plus])
    bound = rest & (outer_hi - outer_lo < min_count)
    low[bound], high[bound] = outer_lo[bound], outer_hi[bound]
    rest = np.flatnonzero(rest & ~bound)
    at_truth = None  # the truth is a feasible point too: a witness
    if truth is not None:
        t_num = np.nan_to_num(truth["numerator"].to_numpy(float))[q["row"].to_numpy()]
        t_den = np.nan_to_num(truth["denominator"].to_numpy(float))[q["row"].to_numpy()]
        kind = _kind_codes(q)
        at_truth = np.where(kind == 0, t_num, np.where(kind == 1, t_den, t_den - t_num))
    for batch in _batches(comp, np.unique(comp[plus[rest]]), batch_size):
        mine = rest[np.isin(comp[plus[rest]], batch)]
        cols = np.flatnonzero(np.isin(comp, batch))
        low[mine], high[mine], exact[mine] = _solve_together(rel, cols, comp, plus[mine], minus[mine], min_count,
                                                             None if at_truth is None else at_truth[mine])
    unsolved = np.isinf(low)  # outside `focus`
    low[unsolved], high[unsolved] = np.nan, np.nan
    out = q.assign(low=low, high=high, width=high - low, exact=exact, component=comp[plus])
    return Audit(out, min_count)


def _components(coo: sparse.coo_array, n_vars: int) -> np.ndarray:
    """Each unknown's component (unknowns linked by a relation), numbered in order of their first unknown: the
    graph of unknowns and relations (each relation a node linked to its members)."""
    n = n_vars + int(coo.shape[0])
    graph = sparse.coo_array((np.ones(len(coo.row)), (coo.col, n_vars + coo.row)), shape=(n, n))
    return connected_components(graph, directed=False)[1][:n_vars]


def _keys(frame: pd.DataFrame) -> np.ndarray:
    """One integer per quantity (row, kind)."""
    return frame["row"].to_numpy(np.int64) * 3 + _kind_codes(frame)


def _kind_codes(frame: pd.DataFrame) -> np.ndarray:
    """Each quantity's kind as its place in KINDS (0 numerator, 1 denominator, 2 complement)."""
    return pd.Categorical(frame["kind"], categories=KINDS).codes.astype(np.int64)


def _propagate(rel: Relations, cols: np.ndarray, rounds: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Bounds every unknown within, by propagating each relation's bounds to its members in turn (as LP
    presolvers tighten bounds): each step is sound, so the result holds every feasible solution. Only the
    unknowns `cols` (a mask, whole components: a relation's members are in one) are propagated."""
    coo = rel.a.tocoo()
    keep = cols[coo.col]
    a, r, j, n_rows = coo.data[keep], coo.row[keep], coo.col[keep], rel.a.shape[0]
    lo, hi = rel.lower.copy(), rel.upper.copy()
    for _ in range(rounds):
        t_lo, t_hi = np.minimum(a * lo[j], a * hi[j]), np.maximum(a * lo[j], a * hi[j])
        s_lo = np.bincount(r, weights=t_lo, minlength=n_rows)
        s_hi = np.bincount(r, weights=t_hi, minlength=n_rows)
        with np.errstate(invalid="ignore"):
            b_lo = rel.row_lo[r] - (s_hi[r] - t_hi)
            b_hi = rel.row_hi[r] - (s_lo[r] - t_lo)
        new_lo, new_hi = lo.copy(), hi.copy()
        np.maximum.at(new_lo, j, np.where(a > 0, b_lo, b_hi) / a)
        np.minimum.at(new_hi, j, np.where(a > 0, b_hi, b_lo) / a)
        if np.allclose(new_lo, lo, rtol=0, atol=1e-9) and np.allclose(new_hi, hi, rtol=0, atol=1e-9):
            break
        lo, hi = new_lo, new_hi
    return lo, hi


def _batches(comp: np.ndarray, comps: np.ndarray, size: int) -> list[np.ndarray]:
    """`comps` cut into runs of at most `size` unknowns (a larger component alone), smallest first."""
    n = np.bincount(comp)[comps]
    order = np.argsort(n, kind="stable")
    comps, n = comps[order], n[order]
    out, start, total = [], 0, 0
    for k, count in enumerate(n):
        if total and total + count > size:
            out.append(comps[start:k])
            start, total = k, 0
        total += count
    if start < len(comps):
        out.append(comps[start:])
    return out


def _one_relation(a: sparse.csc_array, rel: Relations, cells: np.ndarray,
                  row_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact intervals of `cells`, each the only relation of its component holding it: a_i x_i lies within
    the relation's bounds less what the others' bounds allow."""
    coo = a.tocoo()
    lo_term = np.minimum(coo.data * rel.lower[coo.col], coo.data * rel.upper[coo.col])
    hi_term = np.maximum(coo.data * rel.lower[coo.col], coo.data * rel.upper[coo.col])
    n_rows = a.shape[0]  # and one more, empty, for a cell in no relation
    sum_lo = np.bincount(coo.row, weights=lo_term, minlength=n_rows + 1)
    sum_hi = np.bincount(coo.row, weights=hi_term, minlength=n_rows + 1)
    row_lo, row_hi = np.r_[rel.row_lo, 0.0], np.r_[rel.row_hi, 0.0]
    coef = np.zeros(a.shape[1])
    coef[coo.col] = coo.data
    mine_lo = np.zeros(a.shape[1])
    mine_hi = np.zeros(a.shape[1])
    mine_lo[coo.col], mine_hi[coo.col] = lo_term, hi_term
    free = row_of[cells] < 0  # in no relation: its bounds
    r = np.where(free, n_rows, row_of[cells])
    term_lo = np.maximum(row_lo[r] - (sum_hi[r] - mine_hi[cells]), mine_lo[cells])
    term_hi = np.minimum(row_hi[r] - (sum_lo[r] - mine_lo[cells]), mine_hi[cells])
    if (~free & (term_lo > term_hi + 1e-6 * np.maximum(1.0, np.abs(term_hi)))).any():
        raise AssertionError("the published relations do not solve: Infeasible")
    c = np.where(free, 1.0, coef[cells])
    term_lo = np.where(free, rel.lower[cells], term_lo)
    term_hi = np.where(free, rel.upper[cells], term_hi)
    lo, hi = np.where(c > 0, term_lo / c, term_hi / c), np.where(c > 0, term_hi / c, term_lo / c)
    return lo, np.maximum(hi, lo)


def _solve_together(rel: Relations, cols: np.ndarray, comp: np.ndarray, plus: np.ndarray, minus: np.ndarray,
                    min_count: int, seen_at: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intervals of the quantities x[plus] - x[minus] (all within the unknowns `cols`), every component
    solved in one model (see the module's docstring); the model shrinks to the components still unsettled
    once they hold less than half of it. `seen_at`: the quantities at a feasible point already known."""
    which = comp[plus]
    low, high = np.full(len(plus), np.inf), np.full(len(plus), -np.inf)
    if seen_at is not None:  # the quantities at a known feasible point
        low, high = seen_at.astype(float), seen_at.astype(float)
    exact = np.zeros(len(plus), bool)
    done = np.zeros(len(plus), bool)
    misses = np.zeros(comp.max() + 1, int)  # pushes in a row that widened nothing
    rng = np.random.default_rng(0)
    pos = np.full(len(comp), -1)

    def load(model_cols: np.ndarray) -> tuple[highspy.Highs, np.ndarray, np.ndarray, np.ndarray]:
        pos[:] = -1
        pos[model_cols] = np.arange(len(model_cols))
        act = np.flatnonzero(pos[plus] >= 0)
        return _model(rel, model_cols), act, pos[plus], np.where(minus >= 0, pos[np.clip(minus, 0, None)], -1)

    h, act, p, m = load(cols)
    model_cols = cols

    def seen(x: np.ndarray) -> np.ndarray:
        v = np.full(len(plus), np.nan)
        v[act] = x[p[act]] - np.where(m[act] >= 0, x[np.clip(m[act], 0, None)], 0.0)
        np.fmin(low, v, out=low)
        np.fmax(high, v, out=high)
        return v

    def cost(picked: np.ndarray, way: np.ndarray | float) -> np.ndarray:
        c = np.zeros(len(model_cols))
        w = np.broadcast_to(way, picked.shape)
        np.add.at(c, p[picked], w)
        has = m[picked] >= 0
        np.add.at(c, m[picked[has]], -w[has])
        return c

    for sense in (1.0, -1.0):
        seen(_solve(h, np.full(len(cols), sense)))
    # rounds: a component whose last push widened something pushes all its narrow cells together again
    # (up, then down, with random weights); else one narrow cell is maximised, then minimised, alone
    while True:
        pending = np.flatnonzero((high - low < min_count) & ~done)
        if len(pending) == 0:
            return low, high, exact
        unsettled = np.isin(comp[model_cols], which[pending])
        if unsettled.sum() < len(model_cols) / 2:
            model_cols = model_cols[unsettled]
            h, act, p, m = load(model_cols)
        pushing = misses[which[pending]] < TRIES
        push = pending[pushing]
        _, first = np.unique(which[pending[~pushing]], return_index=True)
        picked = pending[~pushing][first]  # one cell per component: the objective is separable
        up = misses[which[push]] % 2 == 0
        way = np.where(up, -1.0, 1.0) * rng.uniform(1.0, 2.0, len(push))
        top = seen(_solve(h, cost(picked, -1.0) + cost(push, way)))
        widened = pending[high[pending] - low[pending] >= min_count]
        misses[np.unique(which[push])] += 1
        misses[np.unique(which[np.setdiff1d(widened, picked)])] = 0  # a solve that widened others: push again
        still = picked[high[picked] - low[picked] < min_count]
        if len(still):
            bottom = seen(_solve(h, cost(still, 1.0)))
            low[still], high[still], exact[still] = bottom[still], top[still], True
        done[picked] = True


def _model(rel: Relations, cols: np.ndarray) -> highspy.Highs:
    """The unknowns `cols` and the relations they appear in, loaded in HiGHS."""
    part = rel.a[:, cols]
    rows_used = np.unique(part.indices)
    sub = sparse.csc_array(sparse.csr_array(part)[rows_used])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(rows_used)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(rows_used)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = sub.indptr, sub.indices, sub.data
    lp.col_cost_ = np.zeros(len(cols))
    lp.col_lower_, lp.col_upper_ = rel.lower[cols], rel.upper[cols]
    lp.row_lower_, lp.row_upper_ = rel.row_lo[rows_used], rel.row_hi[rows_used]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # the first solve, from no basis, by the dual simplex (about 4x faster there than the primal on the demo
    # county's largest components); see `_solve` for the later ones. Presolve would hide the basis.
    h.setOptionValue("simplex_strategy", 1)
    h.setOptionValue("presolve", "off")
    h.passModel(lp)
    return h


def _solve(h: highspy.Highs, cost: np.ndarray) -> np.ndarray:
    """Minimise cost.x (warm-started from the last solution): the solution."""
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    h.run()
    # only the objective changes between solves: the last basis stays primal feasible, so the primal simplex
    # goes on from it (the dual simplex starts over). About twice as fast on the demo county.
    h.setOptionValue("simplex_strategy", 4)
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise AssertionError(f"the published relations do not solve: {h.modelStatusToString(status)}")
    return np.asarray(h.getSolution().col_value)
