"""The baseline for `naive_chart_ms`: the same charts drawn the way most scripts draw them.

pyplot's state machine, default settings (figure size, fonts, DPI, layout), one new figure a chart and
`plt.savefig(..., format="svg")`, with the same elements as the project's charts (lines, bands, target and
warning lines, markers, labels, ticks), so the comparison is about how they are drawn, not what is drawn.
Each function takes the pyplot module and a chart's `data` (the dataclasses of generator/charts/specs.py).
"""

from __future__ import annotations

from generator.charts.specs import EmotionData, ImportanceData, MultiplesData, OpportunitiesData, TrendData


def trend(plt, d: TrendData) -> None:
    labels = [p.period for p in d.points]
    xs = [i for i, p in enumerate(d.points) if p.value is not None]
    ys = [p.value for p in d.points if p.value is not None]
    plt.axhspan(min(d.target, d.warning), max(d.target, d.warning), alpha=0.2)
    plt.axhline(d.target, linestyle="--", color="green")
    plt.axhline(d.warning, linestyle=":", color="red")
    plt.plot(xs, ys, marker="o")
    if xs:
        plt.annotate(f"{ys[-1]:g}", (xs[-1], ys[-1]))
    step = max(1, len(labels) // 6)
    plt.xticks(range(0, len(labels), step), labels[::step])
    plt.ylabel(d.unit)
    plt.title("Trend against target")


def emotion(plt, d: EmotionData) -> None:
    steps = d.steps
    for n, phase in enumerate(d.phases):
        if n % 2 == 0:
            plt.axvspan(phase.first - 0.5, phase.last + 0.5, alpha=0.1)
        plt.text((phase.first + phase.last) / 2, 5.5, phase.name, ha="center")
    plt.axhline(3, linestyle=":")
    xs = [i for i, s in enumerate(steps) if s.emotion is not None]
    plt.plot(xs, [s.emotion for s in steps if s.emotion is not None], marker="o")
    truth = [(i, s.emotion) for i, s in enumerate(steps) if s.moment_of_truth and s.emotion is not None]
    if truth:
        plt.plot([t[0] for t in truth], [t[1] for t in truth], "r*", markersize=12, label="moment of truth")
        plt.legend()
    plt.yticks([1, 2, 3, 4, 5], ["very negative", "negative", "neutral", "positive", "very positive"])
    plt.xticks(range(len(steps)), [s.name for s in steps], rotation=40, ha="right")
    plt.ylim(0.6, 5.8)
    plt.tight_layout()


def multiples(plt, d: MultiplesData) -> None:
    panels = d.panels
    rows = (len(panels) + 2) // 3
    for n, panel in enumerate(panels):
        plt.subplot(rows, 3, n + 1)
        pts = panel.points
        xs = [i for i, p in enumerate(pts) if p is not None]
        ys = [p for p in pts if p is not None]
        plt.axhspan(min(panel.target, panel.warning), max(panel.target, panel.warning), alpha=0.2)
        plt.axhline(panel.target, linestyle="--", color="green")
        plt.plot(xs, ys)
        if xs:
            plt.plot([xs[-1]], [ys[-1]], "o")
        plt.title(f"{panel.step}\n{panel.metric}", fontsize=8)
        plt.xticks([0, len(pts) - 1] if len(pts) > 1 else [0], [d.first, d.last] if len(pts) > 1 else [d.last])
    plt.tight_layout()


def importance(plt, d: ImportanceData) -> None:
    rows = d.rows
    for i, row in enumerate(rows):
        assumed, validated = row.assumed, row.validated
        if assumed is not None and validated is not None:
            plt.plot([assumed, validated], [i, i], color="grey")
        if assumed is not None:
            plt.plot([assumed], [i], "o", markerfacecolor="none", color="red")
        if validated is not None:
            plt.plot([validated], [i], "D", color="blue")
    plt.yticks(range(len(rows)), [r.touchpoint for r in rows])
    plt.gca().invert_yaxis()
    plt.xlabel("importance, 1 (low) to 5 (high)")
    plt.plot([], [], "o", markerfacecolor="none", color="red", label="assumed (inside-out)")
    plt.plot([], [], "D", color="blue", label="validated (outside-in)")
    plt.legend()
    plt.tight_layout()


def opportunities(plt, d: OpportunitiesData) -> None:
    plt.axvline(3, linestyle=":")
    plt.axhline(3, linestyle=":")
    plt.text(0.6, 5.4, "quick wins")
    plt.text(5.4, 5.4, "big bets", ha="right")
    for n, o in enumerate(d.points):
        plt.scatter([o.effort], [o.impact], s=30 + 40 * o.reach, alpha=0.35)
        plt.annotate(str(n + 1), (o.effort, o.impact))
    plt.xlim(0.5, 5.5)
    plt.ylim(0.5, 5.5)
    plt.xlabel("effort, 1 (small) to 5 (large)")
    plt.ylabel("impact, 1 (low) to 5 (high)")
    plt.grid(True)


DRAW = {
    "trend": trend,
    "emotion": emotion,
    "multiples": multiples,
    "importance": importance,
    "opportunities": opportunities,
}
