"""The disclosure audit (`jsna.publish.audit`) beside the algorithm it replaced, on the demo county's
indicator values, in one run: `secure()` (the protection rule, then audits until nothing is narrow) and one
audit of its result, each with both algorithms. The previous one (kept here only, as it was) built and
solved one HiGHS model per component, every cell of it alone.

The inputs of `secure()` are those of a demo refresh (generated, loaded into a scratch database, indicators
computed; nothing published), or a file saved by an earlier run (--inputs; --save writes one).

Usage: python -m bench.disclosure_audit [--inputs FILE] [--save FILE] [--repeat 1]
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize._highspy import _core as highs  # the previous algorithm's solver, as it used it
from scipy.sparse.csgraph import connected_components

from jsna.publish import audit as current
from jsna.publish.disclosure import primary, secure, sum_groups

Inputs = tuple[pd.DataFrame, pd.Series, pd.DataFrame, int, pd.Series]


def demo_inputs(url: str) -> Inputs:
    """`secure()`'s arguments for the demo county's indicator values, as `suppress` passes them."""
    from jsna import pipeline
    from jsna.config import Settings, get_settings
    from jsna.demo import generate
    from jsna.indicators.catalogue import load_catalogue
    from jsna.warehouse.sqlfiles import query_frame

    with tempfile.TemporaryDirectory() as tmp:
        config = generate(Path(tmp), scale="county")
        run, cfg = pipeline.start(config, Settings(database_url=url))
        try:
            plan = pipeline.plan_sources(cfg)
            for entry in plan.reference:
                pipeline.land(run, cfg, entry)
            fresh = pipeline.needs_reading(run, cfg, plan.placed)
            context = pipeline.read_context(run, cfg, get_settings(), fresh) if fresh else None
            for entry in plan.placed:
                pipeline.land(run, cfg, entry, context)
            pipeline.build_core(run)
            pipeline.compute_indicators(run, cfg)
            values = pipeline.computed_rows(run.engine, run, "values")
            nesting = query_frame(run.engine, "queries/area_nesting", run.schema)
        finally:
            pipeline.abort(run, RuntimeError("benchmark: nothing is published"))
    catalogue = load_catalogue().values()
    methods = {i.id: i.method for i in catalogue}
    derived = [i.id for i in catalogue if i.derived_from]
    out = values.reset_index(drop=True)
    cc = out["indicator_id"].map(methods).eq("proportion_wilson")
    hide = primary(out, cfg.disclosure, cc)
    additive = ~out["indicator_id"].isin(derived)
    return out, hide, sum_groups(out[additive], nesting), cfg.disclosure.min_count, cc


def clock(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def run(inputs: Inputs, repeat: int = 1) -> dict[str, Any]:
    values, hide, groups, min_count, cc = inputs
    if "measure" in groups:  # links naming a member's measure: the previous audit knew none, so both go without
        groups = groups[groups["measure"].isna()].drop(columns="measure").reset_index(drop=True)
    out: dict[str, Any] = {"rows": len(values), "hidden by the rule's first step": int(hide.sum())}
    print("timing secure() ...", flush=True)
    new_s, new_hidden = clock(lambda: secure(values, hide, groups, min_count, cc), repeat)
    with mock.patch.object(current, "audit", previous_audit):
        old_s, old_hidden = clock(lambda: secure(values, hide, groups, min_count, cc), repeat)
    out["secure(), previous (s)"], out["secure(), now (s)"] = old_s, new_s
    out["secure() ratio previous/now"] = old_s / new_s
    out["same cells hidden (1 = yes)"] = float((old_hidden == new_hidden).all())
    out["cells hidden"] = int(new_hidden.sum())
    # one audit of the rule's own result (before secure widens anything): where narrow cells are found
    from jsna.publish.disclosure import secondary

    ruled = secondary(values, hide, groups, min_count, cc)
    new_a, found = clock(lambda: current.audit(values, ruled, groups, cc, min_count, truth=values), repeat)
    old_a, before = clock(lambda: previous_audit(values, ruled, groups, cc, min_count, truth=values), repeat)
    out["audit, previous (s)"], out["audit, now (s)"] = old_a, new_a
    out["audit ratio previous/now"] = old_a / new_a
    out["hidden counts audited"] = len(found.cells)
    out["narrow, previous / now"] = f"{len(before.narrow)} / {len(found.narrow)}"
    same = (found.cells["width"] < min_count).to_numpy() == (before.cells["width"] < min_count).to_numpy()
    out["same verdicts (1 = yes)"] = float(same.all())
    return out


# -- the previous algorithm, as it was (one model per component) ------------------------------------
BIG = 1e9


@dataclass
class PreviousAudit:
    cells: pd.DataFrame
    min_count: int

    @property
    def narrow(self) -> pd.DataFrame:
        return self.cells[self.cells["width"] < self.min_count]


def previous_audit(values: pd.DataFrame, hidden: pd.Series, groups: pd.DataFrame, counts_children: pd.Series,
                   min_count: int, slack: float = 0.0, truth: pd.DataFrame | None = None,
                   focus: np.ndarray | None = None, settled: pd.DataFrame | None = None) -> PreviousAudit:
    del settled  # the previous audit solved every quantity of the components it was given
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
    res = np.concatenate(residual)[used]
    tol = 1e-6 + slack * size
    loose = np.flatnonzero(np.abs(res) > tol)
    direction = np.sign(res[loose])
    a_ineq = sparse.csr_array(a_eq[loose] * -direction[:, None]) if len(loose) else None
    b_ineq = b_eq[loose] * -direction
    exact_rows = np.setdiff1d(np.arange(len(used)), loose)
    a_eq, b_eq = a_eq[exact_rows], b_eq[exact_rows]
    bounds = np.r_[np.tile([0.0, BIG], (n_cells, 1)), np.c_[-slack * size, slack * size]]
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
        return PreviousAudit(quantities.assign(low=np.nan, high=np.nan, width=np.inf, exact=False, component=-1),
                             min_count)
    plus, minus = quantities["plus"].to_numpy(), quantities["minus"].to_numpy()
    links = sparse.vstack([a_eq != 0, a_ub != 0]).astype(float)
    _, comp = connected_components(links.T @ links + sparse.eye_array(n_vars), directed=False)
    low, high = np.full(len(quantities), np.inf), np.full(len(quantities), -np.inf)
    exact = np.zeros(len(quantities), bool)
    a_all = sparse.csc_array(sparse.vstack([a_eq, a_ub]))
    row_lo = np.r_[b_eq, np.full(len(b_ub), -highs.kHighsInf)]
    row_hi = np.r_[b_eq, b_ub]
    order = np.argsort(comp, kind="stable")
    by_comp = pd.Series(np.arange(len(quantities))).groupby(comp[plus]).indices
    if focus is not None:
        wanted = set(comp[quantities.loc[quantities["row"].isin(focus), "plus"].to_numpy()])
        by_comp = {key: val for key, val in by_comp.items() if key in wanted}
    for cols in np.split(order, np.flatnonzero(np.diff(comp[order])) + 1):
        qs = by_comp.get(comp[cols[0]])
        if qs is None:
            continue
        model, local = _component_lp(a_all, cols, bounds, row_lo, row_hi)
        qp = local[plus[qs]].to_numpy()
        qm = np.where(minus[qs] >= 0, local.reindex(minus[qs]).fillna(-1).to_numpy(int), -1)

        def seen(x: np.ndarray, qs: np.ndarray = qs, qp: np.ndarray = qp, qm: np.ndarray = qm) -> None:
            val = x[qp] - np.where(qm >= 0, x[np.clip(qm, 0, None)], 0.0)
            low[qs], high[qs] = np.minimum(low[qs], val), np.maximum(high[qs], val)

        for way in (1.0, -1.0):
            seen(_solve(model, way * np.ones(len(cols))))
        for n, q in enumerate(qs):
            if high[q] - low[q] >= min_count:
                continue
            c = np.zeros(len(cols))
            c[qp[n]] = 1.0
            if qm[n] >= 0:
                c[qm[n]] = -1.0
            x_hi = _solve(model, -c)
            seen(x_hi)
            if high[q] - low[q] >= min_count:
                continue
            x_lo = _solve(model, c)
            seen(x_lo)
            low[q], high[q], exact[q] = c @ x_lo, c @ x_hi, True
    unsolved = np.isinf(low)
    low[unsolved], high[unsolved] = np.nan, np.nan
    return PreviousAudit(quantities.assign(low=low, high=high, width=high - low, exact=exact, component=comp[plus]),
                         min_count)


def _component_lp(a_all: sparse.csc_array, cols: np.ndarray, bounds: np.ndarray, row_lo: np.ndarray,
                  row_hi: np.ndarray) -> tuple[Any, pd.Series]:
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
    model = highs._Highs()
    model.setOptionValue("output_flag", False)
    model.passModel(lp)
    return model, pd.Series(np.arange(len(cols)), index=cols)


def _solve(model: Any, cost: np.ndarray) -> np.ndarray:
    model.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
    model.run()
    status = model.getModelStatus()
    if status != highs.HighsModelStatus.kOptimal:
        raise AssertionError(f"the published relations do not solve: {model.modelStatusToString(status)}")
    return np.asarray(model.getSolution().col_value)


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from bench.common import save, scratch_database

    parser = argparse.ArgumentParser(prog="python -m bench.disclosure_audit")
    parser.add_argument("--inputs", type=Path, help="secure()'s inputs saved by --save (else a demo refresh)")
    parser.add_argument("--save", type=Path, help="save secure()'s inputs here")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.inputs:
        inputs = pickle.loads(args.inputs.read_bytes())
    else:
        with scratch_database() as url:
            inputs = demo_inputs(url)
    if args.save:
        args.save.write_bytes(pickle.dumps(inputs))
    result = run(inputs, args.repeat)
    table = Table("measure", "value", title="disclosure audit: previous algorithm beside the current one")
    for key, value in result.items():
        table.add_row(key, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int)
                      else str(value))
    Console().print(table)
    Console().print(f"results saved to {save('disclosure_audit', result)}")


if __name__ == "__main__":
    main()
