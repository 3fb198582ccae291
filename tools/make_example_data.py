"""Write the example portfolio's metric data: `journeys/data/aggregated.csv` and `survey-responses.csv`.

Run once, commit the CSVs: `python3 tools/make_example_data.py [journeys]`. The output is deterministic
(a seeded generator per series, seeded from the series' ids, not from Python's randomised `hash`), so
running it again writes the same bytes unless the portfolio's metrics change.

The data covers September 2024 to October 2026. Every metric a journey or step lists gets a series:
survey metrics (nps, csat, ces) as raw responses, one row per answer, except the twice-yearly
relationship NPS, which arrives from the survey agency as aggregated values with segments; rates, counts
and durations as monthly aggregated values. Each series drifts from a starting level to an end level
(in warning bands from target, so the example shows every health state), with seasonal and random noise.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.load.check import check  # noqa: E402
from generator.model.entities import Direction, MetricKind  # noqa: E402

FIRST = dt.date(2024, 9, 1)
LAST = dt.date(2026, 10, 31)
SURVEY = (MetricKind.nps, MetricKind.csat, MetricKind.ces)
AGENCY = {"relationship-nps"}  # survey metrics delivered as aggregated values
SEGMENTS = {"relationship-nps": ("homeowner", "landlord"), "online-conversion-rate": ("web", "app")}
# Where each series starts and ends, in warning bands short of target (<= 0 on target, 1 at warning).
# Unlisted series get levels from their own seeded generator.
STORY = {
    ("storm-surge-claims-blueprint", "", "surge-answer-time"): (2.5, 1.6),
    ("storm-surge-claims-blueprint", "call-the-storm-claims-line", "surge-answer-time"): (2.8, 1.9),
    ("renew-my-policy", "", "renewal-retention-rate"): (0.6, 1.4),
    ("renew-my-policy", "cancel-and-switch-insurer", "renewal-retention-rate"): (1.0, 1.8),
    ("get-a-quote", "", "quote-ces"): (1.6, -0.3),
    ("get-a-quote", "compare-cover-levels", "quote-ces"): (2.0, 0.4),
    ("report-a-claim-in-the-app", "", "claim-report-ces"): (0.8, -0.6),
    ("claim-settlement", "", "claim-settlement-days"): (1.5, 0.7),
    ("make-a-claim", "", "claims-csat"): (0.9, 0.3),
    ("home-insurance-lifecycle", "", "relationship-nps"): (0.4, -0.2),
    ("claims-handler-onboarding", "", "time-to-competence"): (1.2, 0.2),
}


def months() -> list[dt.date]:
    out, day = [], FIRST
    while day <= LAST:
        out.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def rng_for(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("/".join(parts).encode()))


def level(definition, bands: float) -> float:
    """The metric value `bands` warning bands short of target."""
    band = abs(definition.target - definition.warning) or 1.0
    if definition.direction is Direction.higher:
        return definition.target - bands * band
    return definition.target + bands * band


def path(rng: random.Random, key: tuple[str, str, str], definition, n: int) -> list[float]:
    start, end = STORY.get(key) or (rng.uniform(-0.8, 1.4), rng.uniform(-1.5, 0.8))
    season = rng.uniform(0.0, 0.35)
    out = []
    for i in range(n):
        bands = start + (end - start) * i / max(n - 1, 1)
        bands += season * math.cos(2 * math.pi * (i + 4) / 12) + rng.gauss(0, 0.15)  # worse in winter
        out.append(level(definition, bands))
    return out


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def answers(rng: random.Random, kind: MetricKind, target_value: float, count: int) -> list[int]:
    """`count` answers whose metric comes out near `target_value` (plus sampling noise)."""
    if kind is MetricKind.nps:
        v = clamp(target_value, -90, 90) / 100
        passive = 0.3
        promoter = clamp((1 - passive + v) / 2, 0, 1)
        detractor = clamp(1 - passive - promoter, 0, 1)
        out = []
        for _ in range(count):
            r = rng.random()
            out.append(
                rng.choice((9, 10, 10))
                if r < promoter
                else rng.choice((0, 2, 4, 5, 5, 6, 6, 6))
                if r < promoter + detractor
                else rng.choice((7, 8, 8))
            )
        return out
    if kind is MetricKind.csat:
        p = clamp(target_value, 5, 99) / 100
        return [rng.choice((4, 5, 5)) if rng.random() < p else rng.choice((1, 2, 3, 3)) for _ in range(count)]
    return [int(clamp(round(rng.gauss(target_value, 1.1)), 1, 7)) for _ in range(count)]


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT / "journeys"
    portfolio, report = check(folder)
    if report.errors:
        print("fix the portfolio first:", *[d.text() for d in report.errors], sep="\n", file=sys.stderr)
        return 1
    series: list[tuple[str, str, str]] = []
    for jid, journey in sorted(portfolio.journeys.items()):
        series += [(jid, "", m) for m in journey.metrics]
        series += [(jid, step.id, m) for step in journey.steps() for m in step.metrics]
    periods = months()
    aggregated: list[tuple[str, str, str, str, str, str]] = []
    raw: list[tuple[str, str, str, str, int]] = []
    for key in series:
        jid, step, mid = key
        definition = portfolio.metrics[mid]
        rng = rng_for(*key)
        values = path(rng, key, definition, len(periods))
        if definition.kind in SURVEY and mid not in AGENCY:
            small = mid == "onboarding-enps" or rng.random() < 0.2  # some series often have too few answers
            for month, value in zip(periods, values, strict=True):
                count = rng.randint(18, 42) if small else rng.randint(32, 60)
                days = (dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1) - month).days
                for answer in answers(rng, definition.kind, value, count):
                    day = month + dt.timedelta(days=rng.randrange(days))
                    raw.append((day.isoformat(), mid, jid, step, answer))
            continue
        low, high = {
            MetricKind.nps: (-100, 100),
            MetricKind.csat: (0, 100),
            MetricKind.rate: (0, 100),
            MetricKind.ces: (1, 7),
        }.get(definition.kind, (0, math.inf))
        waves = [m for m in periods if m.month in (3, 9)] if mid in AGENCY else periods
        for month, value in zip(periods, values, strict=True):
            if month not in waves:
                continue
            spread = abs(definition.target - definition.warning) / 10
            rows = [("", value)] + [(seg, value + rng.uniform(-6, 6) * spread) for seg in SEGMENTS.get(mid, ())]
            for segment, v in rows:
                v = clamp(v, low, high)
                text = str(int(round(v))) if definition.kind is MetricKind.count else f"{v:.1f}"
                aggregated.append((month.isoformat(), mid, jid, step, text, segment))
    aggregated.sort()
    raw.sort()
    out = folder / "data"
    out.mkdir(exist_ok=True)
    with open(out / "aggregated.csv", "w", encoding="utf-8", newline="") as f:
        f.write("date,metric,journey,step,value,segment\n")
        f.writelines(",".join(row) + "\n" for row in aggregated)
    with open(out / "survey-responses.csv", "w", encoding="utf-8", newline="") as f:
        f.write("date,metric,journey,step,score\n")
        f.writelines(f"{d},{m},{j},{s},{a}\n" for d, m, j, s, a in raw)
    print(f"{len(aggregated)} aggregated rows, {len(raw)} survey responses, {len(series)} series")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
