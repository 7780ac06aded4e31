"""The digest's chart: new flags per category per day, a stacked bar chart as PNG bytes.

The bars count flags ("số cờ"): an item flagged for two categories is in two bars. The number of
distinct items flagged each day is drawn over them as a line, so "mục" always means items.

Uses matplotlib's object API with the Agg canvas directly (no pyplot): no global state, no display,
safe inside the daemon's worker threads.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from classifier.categories import CATEGORIES, VI_LABELS
from review.digest import DigestData

ITEMS_LABEL = "Số mục bị gắn cờ (mỗi mục tính một lần)"
_WEEKDAYS_VI = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
# Colour-blind-safe palette (Okabe-Ito and Tol), one fixed colour per category, in CATEGORIES order,
# so a category keeps its colour from week to week.
_PALETTE = ("#E69F00", "#D55E00", "#CC79A7", "#0072B2", "#56B4E9", "#F0E442", "#000000", "#882255", "#009E73")


def flags_chart_png(data: DigestData) -> bytes:
    fig = flags_chart(data)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # keeps the legend beside the plot
    return buf.getvalue()


def flags_chart(data: DigestData) -> Figure:
    fig = Figure(figsize=(7.5, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    labels = [f"{_WEEKDAYS_VI[i]}\n{d.strftime('%d/%m')}" for i, d in enumerate(data.days)]
    bottom = [0] * len(data.days)
    for category, counts in data.flags_per_day.items():
        colour = _PALETTE[CATEGORIES.index(category) % len(_PALETTE)] if category in CATEGORIES else "#999999"
        ax.bar(labels, counts, bottom=bottom, label=VI_LABELS.get(category, category), color=colour)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    if not data.flags_per_day:
        ax.bar(labels, bottom)
        empty = "Chưa theo dõi nguồn nào trong tuần" if data.coverage.unwatched else "Không có cờ mới trong tuần"
        ax.text(0.5, 0.5, empty, transform=ax.transAxes, ha="center", va="center")
    ax.set_title(f"Cờ mới theo loại và theo ngày, tuần {data.iso_week}", fontsize=11)
    if data.flags_per_day:
        ax.plot(labels, data.items_per_day, color="#444444", marker="o", linewidth=1, label=ITEMS_LABEL)
        ax.set_ylabel("số cờ (cột), số mục (đường)")
    else:
        ax.set_ylabel("số cờ")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0, top=max(1, ax.get_ylim()[1]))  # counts: never below 0, whole numbers even when all are 0
    ax.spines[["top", "right"]].set_visible(False)
    if data.flags_per_day:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig
