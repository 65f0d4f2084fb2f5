"""Fitting the within-supplier share and the prior strength: recovered from histories drawn with known values."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from orchestration.domain.risk_fit import K_MAX, fit_prior_strength, fit_supplier_share

START = date(2024, 1, 1).toordinal()


def correlated_history(share: float, seed: int, *, suppliers: int = 20, quarters: int = 8, per: int = 5):
    """Slips drawn as the Monte Carlo draws them: per supplier and quarter one shared level, each delivery
    taking it with probability `share`; each supplier has its own slip scale (the ranks must not care)."""
    rng = np.random.default_rng(seed)
    sup, committed, slip = [], [], []
    for s in range(suppliers):
        scale = rng.uniform(5, 60)
        for q in range(quarters):
            shared = rng.random()
            for _ in range(per):
                u = shared if rng.random() < share else rng.random()
                sup.append(s)
                committed.append(START + 91 * q + int(rng.integers(0, 85)))
                slip.append(int(scale * -np.log1p(-u * 0.999)))  # exponential slips: many ties near 0
    return np.array(sup), np.array(committed), np.array(slip)


@pytest.mark.parametrize(("share", "low", "high"), [(0.0, 0.0, 0.3), (0.5, 0.35, 0.65), (0.8, 0.7, 0.9)])
def test_the_share_is_recovered_from_slip_ranks(share, low, high):
    fit = fit_supplier_share(*correlated_history(share, seed=4), default=0.7)
    assert fit.fitted and fit.n == 800
    assert low <= fit.value <= high


def test_thin_history_keeps_the_default_and_says_why():
    sup, committed, slip = correlated_history(0.9, seed=1, suppliers=2, quarters=2, per=3)
    fit = fit_supplier_share(sup, committed, slip, default=0.7)
    assert (fit.value, fit.fitted, fit.n) == (0.7, False, 12) and "too few" in fit.reason
    empty = fit_supplier_share(np.zeros(0), np.zeros(0), np.zeros(0), default=0.7)
    assert (empty.value, empty.fitted, empty.n) == (0.7, False, 0)


def beta_binomial(k: float, seed: int, *, per_category: int = 25, n: int = 40):
    """Late flags of suppliers whose late rates vary around their category's mean with prior strength k."""
    rng = np.random.default_rng(seed)
    sup, cat, late = [], [], []
    for c, mu in enumerate((0.2, 0.35, 0.5)):
        for s in range(per_category):
            p = rng.beta(mu * k, (1 - mu) * k)
            sup.extend([c * 1000 + s] * n)
            cat.extend([c] * n)
            late.extend(rng.random(n) < p)
    return np.array(sup), np.array(cat), np.array(late)


def test_the_prior_strength_is_recovered_by_the_method_of_moments():
    fits = {k: [fit_prior_strength(*beta_binomial(k, seed), default=5.0) for seed in range(5)] for k in (2.0, 8.0)}
    for k, runs in fits.items():
        assert all(f.fitted and f.n == 75 for f in runs)
        median = float(np.median([f.value for f in runs]))
        assert k / 2 <= median <= k * 2, (k, median)
    assert np.median([f.value for f in fits[2.0]]) < np.median([f.value for f in fits[8.0]])


def test_identical_suppliers_hit_the_cap_and_thin_or_uninformative_data_keep_the_default():
    rng = np.random.default_rng(0)
    same = (np.repeat(np.arange(30), 40), np.zeros(1200, int), rng.random(1200) < 0.3)
    capped = fit_prior_strength(*same, default=5.0)
    assert capped.fitted and capped.value == K_MAX
    thin = fit_prior_strength(np.repeat(np.arange(3), 10), np.zeros(30, int), rng.random(30) < 0.3, default=5.0)
    assert (thin.value, thin.fitted, thin.n) == (5.0, False, 3) and "too few" in thin.reason
    never_late = fit_prior_strength(np.repeat(np.arange(8), 10), np.zeros(80, int), np.zeros(80, bool), default=5.0)
    assert (never_late.value, never_late.fitted) == (5.0, False)
    assert fit_prior_strength(np.zeros(0), np.zeros(0), np.zeros(0), default=5.0).n == 0


def test_slips_without_spread_keep_the_default():
    sup, committed = np.repeat(np.arange(10), 6), START + np.tile(np.arange(6), 10)
    fit = fit_supplier_share(sup, committed, np.full(60, 30), default=0.7)
    assert (fit.value, fit.fitted, fit.n) == (0.7, False, 60) and "do not vary" in fit.reason
