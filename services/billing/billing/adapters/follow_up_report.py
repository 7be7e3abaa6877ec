"""Follow-up as JSON and as a PNG chart (matplotlib, headless)."""

import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billing.domain.follow_up import MonthFigures

MAX_LINES = 8  # the chart shows the municipalities with most stays; the JSON has them all


def follow_up_dict(agreement: str, figures: list[MonthFigures]) -> dict[str, Any]:
    return {
        "agreement": agreement,
        "months": [
            {
                "period": str(f.period),
                "municipality": f.municipality,
                "stays": f.stays,
                "ready_days": f.ready_days,
                "average_days": str(f.average_days.quantize(Decimal("0.001"), ROUND_HALF_UP)),
                "threshold_days": str(f.threshold_days),
                "over_threshold": f.over_threshold,
                "long_stays": list(f.long_stays),
            }
            for f in figures
        ],
    }


def follow_up_png(agreement: str, figures: list[MonthFigures]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, dict[str, float]] = defaultdict(dict)
    volume: dict[str, int] = defaultdict(int)
    for f in figures:
        series[f.municipality][str(f.period)] = float(f.average_days)
        volume[f.municipality] += f.stays
    months = sorted({str(f.period) for f in figures})
    shown = sorted(volume, key=lambda m: (-volume[m], m))[:MAX_LINES]
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    for municipality in shown:
        ax.plot(months, [series[municipality].get(m, float("nan")) for m in months], marker="o", label=municipality)
    if figures:
        ax.axhline(
            float(figures[0].threshold_days),
            color="black",
            linestyle="--",
            label=f"threshold {figures[0].threshold_days}",
        )
    ax.set_title(f"Average ready days per stay ({agreement})")
    ax.set_xlabel("month (Europe/Stockholm)")
    ax.set_ylabel("ready days / stay")
    ax.legend(title="kommun", fontsize=8)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    plt.close(fig)
    return out.getvalue()
