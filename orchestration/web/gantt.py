"""A block Gantt as SVG coordinates (drawn by the template, no script): per block the plan bar and the forecast
bar (each its commissioning window, ending on the go-live date), the forecast's P10-P90 go-live band from the
program risk Monte Carlo (a box behind the forecast bar), the site model's P10-P90 band where known (a thin line
under the row: the band the block was dated with, a different question), and a line for today. Plain Python:
dates in, numbers out."""

from __future__ import annotations

from datetime import date, timedelta

ROW, TOP, LEFT, RIGHT_PAD = 18, 24, 70, 70


def _span(rows: list[dict], today: date) -> tuple[date, date]:
    dates = [today]
    for r in rows:
        start = r["plan_start"]
        dates += [d for d in (start, r["plan"], r["forecast_start"], r["forecast"], r["p10"], r["p90"],
                              r.get("risk_p10"), r.get("risk_p90")) if d]  # fmt: skip
    return min(dates) - timedelta(days=30), max(dates) + timedelta(days=30)


def gantt(rows: list[dict], today: date, width: int = 1100) -> dict:
    """rows: {index, plan, plan_start, forecast, forecast_start, p10, p90, risk_p10, risk_p90, days_late};
    returns SVG geometry."""
    if not rows:
        return {}
    first, last = _span(rows, today)
    scale = (width - LEFT - RIGHT_PAD) / max((last - first).days, 1)

    def x(day: date | None) -> float | None:
        return None if day is None else round(LEFT + (day - first).days * scale, 1)

    bars = []
    for i, r in enumerate(rows):
        y = TOP + i * ROW
        plan_x, forecast_x = x(r["plan_start"]), x(r["forecast_start"])
        bars.append(
            {
                "index": r["index"],
                "y": y,
                "label_y": y + 11,
                "plan_x": plan_x,
                "plan_w": max(round(x(r["plan"]) - plan_x, 1), 2),
                "forecast_x": forecast_x,
                "forecast_w": max(round(x(r["forecast"]) - forecast_x, 1), 2) if forecast_x is not None else None,
                "band_x": x(r["p10"]),
                "band_w": round(x(r["p90"]) - x(r["p10"]), 1) if r["p10"] and r["p90"] else None,
                "band_y": y + 15,
                "risk_x": x(r.get("risk_p10")),
                "risk_w": max(round(x(r["risk_p90"]) - x(r["risk_p10"]), 1), 2)
                if r.get("risk_p10") and r.get("risk_p90")
                else None,
                "risk_y": y + 6,
                "risk_p10": r.get("risk_p10"),
                "risk_p90": r.get("risk_p90"),
                "late": (r["days_late"] or 0) > 0,
                "days_late": r["days_late"],
                "end_x": (x(r["forecast"]) if r["forecast"] else x(r["plan"])) + 4,
            }
        )
    height = TOP + len(rows) * ROW + 10
    years = [date(y, 1, 1) for y in range(first.year + 1, last.year + 1)]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "today_x": x(today),
        "today": today,
        "bottom": height - 6,
        "years": [{"x": x(d), "label": d.year} for d in years],
    }
