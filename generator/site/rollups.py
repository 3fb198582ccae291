"""Roll-ups across journeys: pages and helpers answering questions no single journey map answers.

The explore page (`explore.md`), touchpoint importance (the inside-out / outside-in gap across the portfolio)
and the index of systems are their own pages; the persona, department, needs-attention and backlog pages use
the helpers here through their templates. Pure functions of the validated portfolio.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.metrics.priority import Priority, by_priority, step_priority
from generator.model.entities import JourneyType, Lifecycle, Step, Touchpoint
from generator.model.portfolio import Portfolio

if TYPE_CHECKING:
    from generator.site.standing import Standings

TOP = 10  # the customers' top touchpoints the gap page compares with the company's guesses
GAP_ROWS = 100  # the largest gaps listed; the explore page lists every touchpoint


@dataclass(frozen=True)
class TouchpointAt:
    journey: str
    step: Step
    touchpoint: Touchpoint
    order: int

    @property
    def gap(self) -> int:
        """Validated minus assumed importance: > 0 customers care more than the company thinks."""
        return (self.touchpoint.validated_importance or 0) - (self.touchpoint.assumed_importance or 0)

    @property
    def validated(self) -> int:
        # importance_gap only collects touchpoints rated both ways, so neither importance is None there
        assert self.touchpoint.validated_importance is not None
        return self.touchpoint.validated_importance

    @property
    def assumed(self) -> int:
        assert self.touchpoint.assumed_importance is not None  # rated both ways: see `validated`
        return self.touchpoint.assumed_importance


@dataclass(frozen=True)
class ImportanceGap:
    rated: list[TouchpointAt]  # touchpoints of customer journeys with both importances
    largest: list[TouchpointAt]  # by the size of the gap, largest first
    customers_top: list[TouchpointAt]  # the customers' top ten (more on a tie at the tenth)
    guessed: list[TouchpointAt]  # those of them the company also ranks in its top ten (ties included)

    @property
    def share(self) -> float | None:
        return len(self.guessed) / len(self.customers_top) if self.customers_top else None


def _journey_order(p: Portfolio) -> list[str]:
    return sorted(p.journeys, key=lambda jid: (p.journeys[jid].title.lower(), jid))


def importance_gap(p: Portfolio) -> ImportanceGap:
    """Where the assumed (inside-out) and validated (outside-in) importance of touchpoints differ most.

    The customers' top ten: the touchpoints with the ten highest validated importances, every touchpoint tied
    with the tenth included. The company guessed one when its assumed importance is at least that of the
    company's own tenth-ranked touchpoint. Only customer journeys count: their validated importance comes
    from customers.
    """
    rated: list[TouchpointAt] = []
    for jid in _journey_order(p):
        j = p.journeys[jid]
        if j.type is not JourneyType.customer:
            continue
        for step in j.steps():
            for tp in step.touchpoints:
                if tp.assumed_importance is not None and tp.validated_importance is not None:
                    rated.append(TouchpointAt(jid, step, tp, len(rated)))
    largest = sorted((t for t in rated if t.gap), key=lambda t: (-abs(t.gap), -t.gap, t.order))[:GAP_ROWS]
    if not rated:
        return ImportanceGap(rated, largest, [], [])
    by_validated = sorted((t.validated for t in rated), reverse=True)
    by_assumed = sorted((t.assumed for t in rated), reverse=True)
    v_cut, a_cut = by_validated[min(TOP, len(rated)) - 1], by_assumed[min(TOP, len(rated)) - 1]
    top = sorted((t for t in rated if t.validated >= v_cut), key=lambda t: (-t.validated, t.order))
    guessed = [t for t in top if t.assumed >= a_cut]
    return ImportanceGap(rated, largest, top, guessed)


def systems_index(p: Portfolio) -> list[tuple[str, list[tuple[str, Step]]]]:
    """Every system named by a step, by name (case-insensitive), with the steps using it in portfolio order."""
    found: dict[str, tuple[str, list[tuple[str, Step]]]] = {}
    for jid in _journey_order(p):
        for step in p.journeys[jid].steps():
            for system in dict.fromkeys(" ".join(s.split()) for s in step.systems):
                if system:
                    found.setdefault(system.lower(), (system, []))[1].append((jid, step))
    return [found[k] for k in sorted(found)]


def persona_steps(p: Portfolio, persona: str) -> list[tuple[str, Step]]:
    """The steps this persona takes: those listing it, and those of its journeys that list no personas."""
    out = []
    for jid in _journey_order(p):
        j = p.journeys[jid]
        for step in j.steps():
            takers = step.personas if step.personas is not None else j.personas
            if persona in takers:
                out.append((jid, step))
    return out


def lowest_emotion(steps: list[tuple[str, Step]], n: int = 10) -> list[tuple[str, Step]]:
    """The n steps with the lowest emotion (moments of truth first on a tie), portfolio order after that."""
    scored = [(i, at) for i, at in enumerate(steps) if at[1].emotion is not None]
    scored.sort(key=lambda x: (x[1][1].emotion, not x[1][1].moment_of_truth, x[0]))
    return [at for _, at in scored[:n]]


def ranked_steps(status: Standings, steps: Iterable[object]) -> list[tuple[str, Step, Priority]]:
    """(journey, step, priority) of these steps, highest priority first (`metrics.priority`); equal scores
    keep the given order. A step is given as `(journey, step)` or as anything with `.journey` and `.step`."""
    pairs: list[tuple[str, Step]] = [
        (item.journey, item.step) if hasattr(item, "step") else item  # type: ignore[attr-defined,misc]
        for item in steps
    ]
    ranked = by_priority(pairs, lambda at: step_priority(at[1], status.step(at[0], at[1].id).health))
    return [(jid, step, priority) for (jid, step), priority in ranked]


def priority_steps(p: Portfolio, status: Standings, n: int = 20) -> list[tuple[str, Step, Priority]]:
    """The `n` steps of the portfolio to fix first: highest priority first, journeys by title on a tie, steps in
    journey order; steps scoring 0 (no pain point, no moment of truth, healthy or unmeasured) are left out."""
    steps = [(jid, step) for jid in _journey_order(p) for step in p.journeys[jid].steps()]
    return [r for r in ranked_steps(status, steps) if r[2].score][:n]


def rollup_jobs(p: Portfolio, renderer) -> list[tuple[str, str, str | None, dict]]:
    """The roll-up pages to render: (path, template, source, context), as `render._Renderer.jobs`; the index of
    systems in pages (`renderer.paged`) when it is long, one row a step using a system."""
    from generator.site.render import PATHS, PartKey

    rows = [(name, jid, step) for name, steps in systems_index(p) for jid, step in steps]
    counts = Counter(name for name, _, _ in rows)  # each system's steps, for its heading on every page

    def key(part) -> PartKey:  # each system's heading states its number of steps, on every page it spans
        names = dict.fromkeys(name for name, _, _ in part.items)
        steps = frozenset((jid, step.id) for _, jid, step in part.items)
        return PartKey(part, tuple(counts[n] for n in names), frozenset(jid for _, jid, _ in part.items), steps=steps)

    return [
        (PATHS["explore"], "explore.md.j2", None, {}),
        (PATHS["importance"], "importance.md.j2", None, {"gap": importance_gap(p), "top": TOP, "rows": GAP_ROWS}),
        *renderer.paged(PATHS["systems"], "systems.md.j2", None, "systems", rows, key=key, counts=counts),
    ]


def owners(p: Portfolio):
    """`owner_of(journey, step)` -> (departments, person): who answers for a step (or, with step "", a journey).

    The departments owning the step (its `owner`, else its touchpoints' departments), else the journey's
    department; the person is the first such department's lead, else the journey's owner.
    """
    from generator.metrics.health import step_owners

    def owner_of(jid: str, sid: str = "") -> tuple[list[str], str]:
        j = p.journeys[jid]
        depts: list[str] = []
        if sid:
            step = next((s for s in j.steps() if s.id == sid), None)
            depts = sorted(step_owners(step)) if step else []
        depts = depts or [j.owner.department]
        lead = p.departments[depts[0]].lead if depts[0] in p.departments else ""
        return depts, lead or j.owner.person

    return owner_of


def runs(rows) -> list[tuple[object, list]]:
    """Rows (key, *rest) grouped by key where consecutive: [(key, [(key, *rest)...])...], in order."""
    return [(key, list(group)) for key, group in itertools.groupby(rows, key=lambda row: row[0])]


def journeys_at_a_glance(p: Portfolio, status: Standings) -> dict[str, Counter[str]]:
    """The home page's table: each lifecycle's journeys counted by health (`Counter`: 0 for a health none has)."""
    glance: dict[str, Counter[str]] = {lc.value: Counter() for lc in Lifecycle}
    for jid, j in p.journeys.items():
        glance[j.lifecycle.value][status.journey(jid).health.value] += 1
    return glance


# what templates call: the home page, persona pages, department pages, needs attention, backlog, systems
HELPERS = {
    "journeys_at_a_glance": journeys_at_a_glance,
    "persona_steps": persona_steps,
    "lowest_emotion": lowest_emotion,
    "ranked_steps": ranked_steps,
    "priority_steps": priority_steps,
    "runs": runs,
}
