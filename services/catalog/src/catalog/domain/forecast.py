"""Demand forecasting for one stock-keeping unit from its daily sales.

The model (small, explainable, robust on a few weeks of data — a merchant's shop, not a warehouse):

1. Weekly pattern: with at least two weeks of history, one multiplicative index per weekday — the mean of
   actual / centred 7-day moving average for that weekday, normalised to average 1 (classical decomposition).
   Kept only when an analysis of variance by weekday says the pattern is real (F > 4), not noise.
2. Trend: ordinary least squares on the de-seasonalised series (at most `MAX_HISTORY_DAYS`), kept only when
   significant (|slope| ≥ 2 standard errors) — otherwise the level is the mean.
3. The forecast for a future day is
   `max(0, level + slope · Σ φ^i) · index[weekday]`, with a damped slope (φ = 0.98 per day) so that a trend seen
   over four weeks is not extrapolated unchanged for months.
4. Noise: sigma is the standard deviation of the residuals, floored at the Poisson noise √mean of count data.

From it:
- velocity = mean forecast demand over the next 7 days (units/day);
- days of cover = stock / consumption, walking the daily forecast and interpolating inside the last day;
- predicted stock-out date = the day on which the stock runs out (None beyond the horizon or with no demand);
- reorder point = lead-time demand (sum of the forecast over the lead time) + safety stock (z · sigma · √lead time);
- suggested order quantity = demand over lead time + one review week + safety stock - stock, at least the
  product's reorder quantity.

Pure Python (floats are fine here: these are quantities of goods, not money; results are rounded before storage).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MAX_HISTORY_DAYS = 56
DAMPING = 0.98
REVIEW_DAYS = 7
DEFAULT_Z = 1.65  # ~95% cycle service level
HORIZON_DAYS = 365


@dataclass(frozen=True, slots=True)
class Forecast:
    velocity: float  # units/day over the next week
    days_of_cover: float | None  # None: no demand (the stock lasts indefinitely)
    stockout_date: date | None
    lead_time_demand: float
    safety_stock: float
    reorder_point: int
    suggested_order_qty: int
    low_stock: bool
    seasonal: bool
    trend_per_day: float


def _ols(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line; a flat line through the mean for fewer than 2 points."""
    n = len(xs)
    if n < 2:
        return (ys[0] if ys else 0.0), 0.0
    mx = sum(xs) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return my, 0.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - slope * mx, slope


def _damped(h: int) -> float:
    """Σ_{i=1..h} φ^i: how much of the slope accrues h days ahead."""
    if h <= 0:
        return 0.0
    return DAMPING * (1 - DAMPING**h) / (1 - DAMPING)


def _weekly_pattern_is_real(ratios: list[list[float]], means: list[float]) -> bool:
    """A one-way analysis of variance by weekday: the spread of the weekday means must clearly exceed what the
    day-to-day noise within a weekday would produce by chance (F > 4), and be more than ±5%."""
    if max(means) - min(means) <= 0.1:
        return False
    groups = [(r, m) for r, m in zip(ratios, means, strict=True) if len(r) >= 2]
    if len(groups) < 7:
        return False
    within_dof = sum(len(r) - 1 for r, _ in groups)
    within = sum((x - m) ** 2 for r, m in groups for x in r) / within_dof
    per_group = sum(len(r) for r, _ in groups) / len(groups)
    grand = sum(m for _, m in groups) / len(groups)
    between = per_group * sum((m - grand) ** 2 for _, m in groups) / (len(groups) - 1)
    return within == 0 or between / within > 4.0


@dataclass(frozen=True, slots=True)
class DemandModel:
    level: float  # de-seasonalised demand on the last day of history
    slope: float
    index: tuple[float, ...]  # 7 weekday multipliers, Monday first
    sigma: float
    first_day: date  # the day after the history (day offset 0 of the forecast)
    seasonal: bool

    def demand(self, offset: int) -> float:
        """Forecast demand `offset` days after the history ends (0 = the first forecast day)."""
        day = self.first_day + timedelta(days=offset)
        base = self.level + self.slope * _damped(offset + 1)
        return max(0.0, base) * self.index[day.weekday()]


def fit(history: Sequence[int], first_day: date) -> DemandModel:
    """`history`: units sold per day, oldest first; its last element is the day before `first_day`."""
    ys = [float(max(0, v)) for v in history[-MAX_HISTORY_DAYS:]]
    n = len(ys)
    flat = (1.0,) * 7
    if n == 0 or sum(ys) == 0:
        return DemandModel(0.0, 0.0, flat, 0.0, first_day, False)
    xs = [float(i) for i in range(n)]
    start = first_day - timedelta(days=n)
    weekdays = [(start + timedelta(days=i)).weekday() for i in range(n)]

    index = flat
    seasonal = False
    if n >= 14:
        # Classical decomposition: each day against the centred 7-day moving average around it (which a weekly
        # pattern cancels out of and a linear trend passes through unchanged).
        ratios: list[list[float]] = [[] for _ in range(7)]
        for t in range(3, n - 3):
            centred = sum(ys[t - 3 : t + 4]) / 7
            if centred > 0:
                ratios[weekdays[t]].append(ys[t] / centred)
        raw = [sum(r) / len(r) if r else 1.0 for r in ratios]
        mean = sum(raw) / 7
        if mean > 0 and _weekly_pattern_is_real(ratios, raw):
            index = tuple(r / mean for r in raw)
            seasonal = True

    deseasonalised = [y / index[wd] if index[wd] > 0 else 0.0 for y, wd in zip(ys, weekdays, strict=True)]
    a, b = _ols(xs, deseasonalised)
    if n > 3:
        # Keep the trend only when it is real: |slope| ≥ 2 standard errors; noise around a flat line is not one.
        fitted_resid = [y - (a + b * x) for x, y in zip(xs, deseasonalised, strict=True)]
        mx = sum(xs) / n
        sxx = sum((x - mx) ** 2 for x in xs)
        se = math.sqrt(sum(r * r for r in fitted_resid) / (n - 2) / sxx) if sxx else 0.0
        if abs(b) < 2 * se:
            a, b = sum(deseasonalised) / n, 0.0
    level = a + b * (n - 1)
    residuals = [y - max(0.0, a + b * x) * index[wd] for x, y, wd in zip(xs, ys, weekdays, strict=True)]
    dof = max(1, n - 2)
    resid_sd = math.sqrt(sum(r * r for r in residuals) / dof) if n > 2 else 0.0
    mean_daily = sum(ys) / n
    sigma = max(resid_sd, math.sqrt(mean_daily))
    return DemandModel(level, b, index, sigma, first_day, seasonal)


def forecast(
    history: Sequence[int],
    *,
    stock: int,
    first_day: date,
    lead_time_days: int = 2,
    z: float = DEFAULT_Z,
    low_stock_threshold: int = 0,
    reorder_qty: int = 0,
    horizon_days: int = HORIZON_DAYS,
) -> Forecast:
    """The forecast for one SKU with `stock` units on hand at the start of `first_day`."""
    model = fit(history, first_day)
    velocity = sum(model.demand(h) for h in range(7)) / 7

    lead = max(0, lead_time_days)
    lead_demand = sum(model.demand(h) for h in range(lead))
    safety = z * model.sigma * math.sqrt(lead) if velocity > 0 else 0.0
    reorder_point = math.ceil(lead_demand + safety - 1e-9) if velocity > 0 else 0

    days_of_cover: float | None = None
    stockout: date | None = None
    if stock <= 0:
        days_of_cover, stockout = 0.0, first_day
    elif velocity > 0:
        remaining = float(stock)
        for h in range(horizon_days):
            d = model.demand(h)
            if d >= remaining and d > 0:
                days_of_cover = h + remaining / d
                stockout = first_day + timedelta(days=h)
                break
            remaining -= d

    cover_demand = sum(model.demand(h) for h in range(lead + REVIEW_DAYS))
    needed = math.ceil(cover_demand + safety - stock - 1e-9) if velocity > 0 else 0
    suggested = max(reorder_qty, needed, 0)
    low = stock <= max(reorder_point, low_stock_threshold)
    return Forecast(
        velocity=velocity,
        days_of_cover=days_of_cover,
        stockout_date=stockout,
        lead_time_demand=lead_demand,
        safety_stock=safety,
        reorder_point=reorder_point,
        suggested_order_qty=suggested,
        low_stock=low,
        seasonal=model.seasonal,
        trend_per_day=model.slope,
    )
