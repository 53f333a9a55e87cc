"""Audit of published tables as statistical offices audit them (tau-Argus's, sdcTable's audit): every
suppressed count is an unknown x >= 0 bound by the table's additive relations (each total the sum of its
parts, over every additive dimension) with the published values in, and linear programming bounds it.

An attacker does not know which `c` hides a small count and which a secondary suppression, so no upper
bound of min_count - 1 is assumed: x >= 0 only (and a proportion's numerator within its denominator).
Hidden cells are audited in connected components (cells linked by a relation): each component's LP is
built once in HiGHS and re-solved warm for each objective. Every solution is a feasible point, so it
witnesses every cell's interval at once: a cell two solutions already show at least min_count apart needs
no LP of its own; the others are maximised and minimised alone (their exact interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize._highspy import _core as highs  # HiGHS as scipy ships it (highspy's API)
from scipy.sparse.csgraph import connected_components

INF = highs.kHighsInf
BIG = 1e9  # an upper bound on every unknown, standing in for none: an interval reaching it is open


@dataclass
class Audit:
    """One row per audited quantity (a hidden numerator, denominator or complement): its row, kind and
    feasible interval [low, high] (exact where `exact`; else two feasible solutions show it at least that
    wide), and `component`, the cells it was solved with."""

    cells: pd.DataFrame
    min_count: int

    @property
    def narrow(self) -> pd.DataFrame:
        return self.cells[self.cells["width"] < self.min_count]


def audit(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, counts_children: pd.Series,
          min_count: int, slack: float = 0.0, truth: pd.DataFrame | None = None,
          focus: np.ndarray | None = None) -> Audit:
    """`values`: numerator and denominator per row (published figures where shown; ignored where hidden).
    `groups`: (row, group, is_total) relations total = sum of parts (a group without a total row is left out:
    its total is not in the table). `counts_children`: rows whose denominator is a count of children (hidden
    with the row); elsewhere it is a published population. `slack`: each relation holds to within this
    much per member (figures rounded on their own). `truth`: the unsuppressed numerators and denominators;
    where a declared sum does not hold exactly in them (a total from another source, parts that do not cover
    it), the attacker is given the inequality that does hold (parts at most, or at least, the total).
    `focus`: rows; only the components holding one are solved (the others' rows come back unsolved)."""
    hid = hidden.to_numpy(bool)
    cc = counts_children.to_numpy(bool)
    num = np.nan_to_num(values["numerator"].to_numpy(float))
    den = np.nan_to_num(values["denominator"].to_numpy(float))
    g = groups[groups.groupby("group")["is_total"].transform("any")]
    rows = g["row"].to_numpy()
    gid = pd.factorize(g["group"])[0]
    sign = np.where(g["is_total"].to_numpy(bool), -1.0, 1.0)
    live = np.isin(gid, np.unique(gid[hid[rows]]))
    rows, gid, sign = rows[live], pd.factorize(gid[live])[0], sign[live]
    n_groups = int(gid.max()) + 1 if len(gid) else 0
    # unknowns: hidden numerators, then hidden denominators of children, then each relation's slack
    h_rows = np.flatnonzero(hid)
    d_rows = h_rows[cc[h_rows]]
    var_n = pd.Series(np.arange(len(h_rows)), index=h_rows)
    var_d = pd.Series(len(h_rows) + np.arange(len(d_rows)), index=d_rows)
    n_cells = len(h_rows) + len(d_rows)
    h = hid[rows]
    eq: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    rhs: list[np.ndarray] = []
    residual = []
    for col, known, var, members in (("numerator", num, var_n, np.ones(len(rows), bool)),
                                     ("denominator", den, var_d, cc[rows])):
        m = members & np.isin(gid, np.unique(gid[h & members]))
        offset = len(rhs[0]) if rhs else 0
        eq.append((gid[m & h] + offset, var.reindex(rows[m & h]).to_numpy(), sign[m & h]))
        rhs.append(-np.bincount(gid[m & ~h], weights=sign[m & ~h] * known[rows[m & ~h]], minlength=n_groups))
        true = np.nan_to_num(truth[col].to_numpy(float)) if truth is not None else np.zeros(len(values))
        residual.append(np.bincount(gid[m], weights=sign[m] * true[rows[m]], minlength=n_groups))
    b_all = np.concatenate(rhs)
    i, j, v = (np.concatenate([e[k] for e in eq]) for k in range(3))
    used = np.unique(i)
    remap = pd.Series(np.arange(len(used)), index=used)
    size = np.bincount(np.r_[gid, gid + n_groups], minlength=2 * n_groups)[used]
    n_vars = n_cells + len(used)
    a_eq = sparse.csr_array((np.r_[v, np.ones(len(used))],
                             (np.r_[remap.reindex(i).to_numpy(), np.arange(len(used))],
                              np.r_[j.astype(int), n_cells + np.arange(len(used))])), shape=(len(used), n_vars))
    b_eq = b_all[used]
    # a sum that does not hold exactly: parts <= total (residual < 0) or parts >= total (residual > 0)
    res = np.concatenate(residual)[used]
    tol = 1e-6 + slack * size
    loose = np.flatnonzero(np.abs(res) > tol)
    direction = np.sign(res[loose])  # -1: sum of parts - totals <= b; +1: >= b
    a_ineq = sparse.csr_array(a_eq[loose] * -direction[:, None]) if len(loose) else None
    b_ineq = b_eq[loose] * -direction
    exact_rows = np.setdiff1d(np.arange(len(used)), loose)
    a_eq, b_eq = a_eq[exact_rows], b_eq[exact_rows]
    bounds = np.r_[np.tile([0.0, BIG], (n_cells, 1)), np.c_[-slack * size, slack * size]]
    # a hidden numerator within its hidden denominator
    k = np.arange(len(d_rows))
    a_ub = sparse.csr_array((np.r_[np.ones(len(k)), -np.ones(len(k))],
                             (np.r_[k, k], np.r_[var_n.reindex(d_rows).to_numpy(), var_d.to_numpy()])),
                            shape=(len(k), n_vars))
    b_ub = np.zeros(len(k))
    if a_ineq is not None:
        a_ub, b_ub = sparse.csr_array(sparse.vstack([a_ub, a_ineq])), np.r_[b_ub, b_ineq]
    quantities = pd.concat([
        pd.DataFrame({"row": h_rows, "kind": "numerator", "plus": var_n.to_numpy(), "minus": -1}),
        pd.DataFrame({"row": d_rows, "kind": "denominator", "plus": var_d.to_numpy(), "minus": -1}),
        pd.DataFrame({"row": d_rows, "kind": "complement", "plus": var_d.to_numpy(),
                      "minus": var_n.reindex(d_rows).to_numpy()})], ignore_index=True)
    if n_cells == 0:
        return Audit(quantities.assign(low=np.nan, high=np.nan, width=np.inf, exact=False, component=-1), min_count)
    plus, minus = quantities["plus"].to_numpy(), quantities["minus"].to_numpy()
    links = sparse.vstack([a_eq != 0, a_ub != 0]).astype(float)
    _, comp = connected_components(links.T @ links + sparse.eye_array(n_vars), directed=False)
    low, high = np.full(len(quantities), np.inf), np.full(len(quantities), -np.inf)
    exact = np.zeros(len(quantities), bool)
    a_all = sparse.csc_array(sparse.vstack([a_eq, a_ub]))
    row_lo = np.r_[b_eq, np.full(len(b_ub), -INF)]
    row_hi = np.r_[b_eq, b_ub]
    order = np.argsort(comp, kind="stable")
    by_comp = pd.Series(np.arange(len(quantities))).groupby(comp[plus]).indices
    if focus is not None:
        wanted = set(comp[quantities.loc[quantities["row"].isin(focus), "plus"].to_numpy()])
        by_comp = {k: v for k, v in by_comp.items() if k in wanted}
    for cols in np.split(order, np.flatnonzero(np.diff(comp[order])) + 1):
        qs = by_comp.get(comp[cols[0]])
        if qs is None:
            continue
        h, local = _component_lp(a_all, cols, bounds, row_lo, row_hi)
        qp = local[plus[qs]].to_numpy()
        qm = np.where(minus[qs] >= 0, local.reindex(minus[qs]).fillna(-1).to_numpy(int), -1)

        def seen(x: np.ndarray, qs: np.ndarray = qs, qp: np.ndarray = qp, qm: np.ndarray = qm) -> None:
            v = x[qp] - np.where(qm >= 0, x[np.clip(qm, 0, None)], 0.0)
            low[qs], high[qs] = np.minimum(low[qs], v), np.maximum(high[qs], v)

        # witnesses: every cell at its least and at its most together; then each cell not yet shown wide
        # enough is pushed up, then down, alone (each solution a witness for the others too)
        for way in (1.0, -1.0):
            seen(_solve(h, way * np.ones(len(cols))))
        for n, q in enumerate(qs):
            if high[q] - low[q] >= min_count:
                continue
            c = np.zeros(len(cols))
            c[qp[n]] = 1.0
            if qm[n] >= 0:
                c[qm[n]] = -1.0
            x_hi = _solve(h, -c)
            seen(x_hi)
            if high[q] - low[q] >= min_count:
                continue
            x_lo = _solve(h, c)
            seen(x_lo)
            low[q], high[q], exact[q] = c @ x_lo, c @ x_hi, True
    unsolved = np.isinf(low)  # outside `focus`
    low[unsolved], high[unsolved] = np.nan, np.nan
    out = quantities.assign(low=low, high=high, width=high - low, exact=exact, component=comp[plus])
    return Audit(out, min_count)


def _component_lp(a_all: sparse.csc_array, cols: np.ndarray, bounds: np.ndarray, row_lo: np.ndarray,
                  row_hi: np.ndarray) -> tuple[highs._Highs, pd.Series]:
    """One component's LP, loaded in HiGHS (its unknowns `cols` and the relations they appear in)."""
    part = a_all[:, cols]
    rows_used = np.unique(part.indices)
    sub = sparse.csc_array(sparse.csr_array(part)[rows_used])
    lp = highs.HighsLp()
    lp.num_col_, lp.num_row_ = len(cols), len(rows_used)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(rows_used)
    lp.a_matrix_.format_ = highs.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = sub.indptr, sub.indices, sub.data
    lp.col_cost_ = np.zeros(len(cols))
    lp.col_lower_, lp.col_upper_ = bounds[cols, 0], bounds[cols, 1]
    lp.row_lower_, lp.row_upper_ = row_lo[rows_used], row_hi[rows_used]
    h = highs._Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    return h, pd.Series(np.arange(len(cols)), index=cols)


def _solve(h: highs._Highs, cost: np.ndarray) -> np.ndarray:
    """Minimise cost.x (warm-started from the last solution): the solution."""
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    h.run()
    status = h.getModelStatus()
    if status != highs.HighsModelStatus.kOptimal:
        raise AssertionError(f"the published relations do not solve: {h.modelStatusToString(status)}")
    return np.asarray(h.getSolution().col_value)
