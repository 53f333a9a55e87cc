"""Overdispersed funnel limits (Spiegelhalter 2005) against values worked out here, step by step in plain
Python (sorted lists, statistics.NormalDist), not with the library's numpy code."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from jsna.indicators import funnels
from jsna.indicators import overdispersion as od

# Twelve areas: a proportion that varies far more than binomial sampling would allow.
X = [30, 52, 95, 41, 160, 77, 20, 210, 64, 120, 45, 88]
N = [100, 150, 200, 130, 400, 180, 90, 450, 210, 260, 100, 300]
Z2, Z3 = NormalDist().inv_cdf(0.975), NormalDist().inv_cdf(0.999)


def _quantile7(values: list[float], q: float) -> float:
    """R's type 7 quantile: interpolate between the order statistics at h = (k - 1) q."""
    s = sorted(values)
    h = (len(s) - 1) * q
    lo = math.floor(h)
    return s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo])


def _by_hand(x: list[float], n: list[float]) -> tuple[float, float, float]:
    """(target, phi, tau^2) for proportions, written out as in Spiegelhalter (2005), section 6."""
    t = sum(x) / sum(n)
    z = [(xi / ni - t) / math.sqrt(t * (1 - t) / ni) for xi, ni in zip(x, n, strict=True)]
    lo, hi = _quantile7(z, 0.1), _quantile7(z, 0.9)
    phi = sum(min(max(zi, lo), hi) ** 2 for zi in z) / len(z)
    w = [ni / (t * (1 - t)) for ni in n]
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    return t, phi, tau2


def test_dispersion_matches_the_worked_formulae() -> None:
    """Given twelve areas' proportions,
    When phi and tau^2 are estimated from winsorised z-scores,
    Then they equal the step-by-step values (and show overdispersion: phi well above 1)."""
    t, phi, tau2 = _by_hand(X, N)
    y = np.array(X) / np.array(N)
    found = od.dispersion(y, t, od.standard_error("proportion", t, N))
    assert found.areas == 12
    assert found.phi == pytest.approx(phi, rel=1e-12)
    assert found.tau2 == pytest.approx(tau2, rel=1e-12)
    assert phi > 3 and tau2 > 0


@pytest.mark.parametrize("adjustment", ["multiplicative", "additive"])
def test_proportion_limits_at_each_size(adjustment: str) -> None:
    """Given the twelve areas,
    When the overdispersed percentage funnel is drawn,
    Then every limit is t +/- z sqrt(phi t(1-t)/n) (multiplicative) or t +/- z sqrt(t(1-t)/n + tau^2)
    (additive) x 100, on the plain funnel's own populations, with the baseline 100 t."""
    t, phi, tau2 = _by_hand(X, N)
    limits, found = od.overdispersed_limits(X, N, "proportion", adjustment, 100)  # type: ignore[arg-type]
    plain = funnels.funnel_limits_proportion(X, N, 100)
    np.testing.assert_array_equal(limits["size"], plain["population"])
    for row in limits.itertuples():
        var = t * (1 - t) / row.size
        spread = math.sqrt(phi * var) if adjustment == "multiplicative" else math.sqrt(var + tau2)
        assert row.lower_2s_limit == pytest.approx(max(0, t - Z2 * spread) * 100, rel=1e-10, abs=1e-12)
        assert row.upper_2s_limit == pytest.approx(min(1, t + Z2 * spread) * 100, rel=1e-10)
        assert row.lower_3s_limit == pytest.approx(max(0, t - Z3 * spread) * 100, rel=1e-10, abs=1e-12)
        assert row.upper_3s_limit == pytest.approx(min(1, t + Z3 * spread) * 100, rel=1e-10)
        assert row.baseline == pytest.approx(t * 100, rel=1e-12)
    assert found.phi == pytest.approx(phi, rel=1e-12)


def test_overdispersed_labels_flag_fewer_areas_than_plain_ones() -> None:
    """Given the twelve areas,
    When each is labelled against the plain and the overdispersed limits,
    Then the overdispersed labels are those of the z-scores scaled by sqrt(phi) (worked here), and flag
    fewer areas than the plain funnel (none of the twelve, against six outside the plain 95% limits)."""
    t, phi, _ = _by_hand(X, N)
    got = od.overdispersed_significance(X, N, "proportion", "multiplicative")
    for xi, ni, label in zip(X, N, got, strict=True):
        z = (xi / ni - t) / math.sqrt(phi * t * (1 - t) / ni)
        want = ("High (0.001)" if z > Z3 else "High (0.025)" if z > Z2 else "Low (0.001)" if z < -Z3
                else "Low (0.025)" if z < -Z2 else "Not significant")
        assert label == want
    plain = funnels.funnel_significance(X, N, "proportion")
    flagged = lambda labels: sum(not str(s).startswith("Not") for s in labels)  # noqa: E731
    assert (flagged(plain), flagged(got)) == (6, 0)


def test_no_overdispersion_leaves_the_normal_limits_unchanged() -> None:
    """Given areas whose proportions are all exactly the average,
    When overdispersion is estimated,
    Then phi is 0, tau^2 is 0, and both adjusted funnels are the unadjusted normal limits."""
    x, n = [10, 20, 40, 80], [100, 200, 400, 800]
    mult, found = od.overdispersed_limits(x, n, "proportion", "multiplicative")
    add, _ = od.overdispersed_limits(x, n, "proportion", "additive")
    assert found.phi == 0 and found.tau2 == 0
    size = mult["size"].to_numpy()
    np.testing.assert_allclose(mult["upper_2s_limit"], (0.1 + Z2 * np.sqrt(0.09 / size)) * 100, rtol=1e-12)
    np.testing.assert_allclose(add[["lower_2s_limit", "upper_3s_limit"]], mult[["lower_2s_limit", "upper_3s_limit"]])


def test_rate_and_ratio_funnels_use_poisson_errors() -> None:
    """Given crude rates per 1,000 over two years and observed/expected counts,
    When their additive funnels are drawn,
    Then the rate limits are t +/- z sqrt(t/n + tau^2) per 1,000 at yearly populations n/2, and the
    ratio limits 100 (1 +/- z sqrt(1/E + tau^2)), with tau^2 worked out here."""
    events = [12.0, 30, 55, 9, 80, 41]
    pops = [4000.0, 6000, 9000, 3000, 10000, 7000]
    rates = [1000 * e / p for e, p in zip(events, pops, strict=True)]
    t = sum(events) / sum(pops)
    z = [(e / p - t) / math.sqrt(t / p) for e, p in zip(events, pops, strict=True)]
    lo, hi = _quantile7(z, 0.1), _quantile7(z, 0.9)
    phi = sum(min(max(v, lo), hi) ** 2 for v in z) / len(z)
    w = [p / t for p in pops]
    tau2 = max(0.0, (6 * phi - 5) / (sum(w) - sum(v * v for v in w) / sum(w)))
    limits, found = od.overdispersed_limits(events, None, "rate", "additive", 1000, rate=rates,
                                            rate_type="crude", years_of_data=2)
    assert found.tau2 == pytest.approx(tau2, rel=1e-9)
    person_years = limits["size"].to_numpy() * 2
    np.testing.assert_allclose(limits["upper_3s_limit"], (t + Z3 * np.sqrt(t / person_years + tau2)) * 1000,
                               rtol=1e-10)

    observed, expected = [8.0, 151, 159, 191, 40], [6.2, 106.4, 232.9, 184.1, 41.0]
    zr = [(o / e - 1) * math.sqrt(e) for o, e in zip(observed, expected, strict=True)]
    lo, hi = _quantile7(zr, 0.1), _quantile7(zr, 0.9)
    phi_r = sum(min(max(v, lo), hi) ** 2 for v in zr) / 5
    wr = expected
    tau2_r = max(0.0, (5 * phi_r - 4) / (sum(wr) - sum(v * v for v in wr) / sum(wr)))
    ratio, found_r = od.overdispersed_limits(observed, expected, "ratio", "additive")
    assert found_r.tau2 == pytest.approx(tau2_r, rel=1e-9)
    np.testing.assert_allclose(ratio["lower_2s_limit"],
                               np.maximum(0, 1 - Z2 * np.sqrt(1 / ratio["size"] + tau2_r)) * 100, rtol=1e-10)


def test_dsr_labels_need_ten_events_and_inputs_are_checked() -> None:
    """Given DSRs, one from fewer than 10 events, and bad inputs,
    When labelled against overdispersed limits,
    Then the small one is not applicable, and negative counts or numerators above denominators raise."""
    events, dsrs = [9.0, 40, 120, 300, 75], [50.0, 80, 110, 140, 95]
    labels = od.overdispersed_significance(events, None, "rate", "additive", 1e5, rate=dsrs, rate_type="dsr")
    assert labels[0] == funnels.NOT_APPLICABLE_DSR
    assert all(label != funnels.NOT_APPLICABLE_DSR for label in labels[1:])
    with pytest.raises(ValueError):
        od.overdispersed_significance([-1, 2, 3], [10, 10, 10])
    with pytest.raises(ValueError):
        od.overdispersed_significance([11, 2, 3], [10, 10, 10])
    with pytest.raises(ValueError):
        od.dispersion([0.5], 0.5, [0.1])
