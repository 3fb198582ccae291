"""Cross-references and governance: the checks that need the whole portfolio.

Every reference must resolve (with "did you mean"), phase and step ids must be unique within their journey,
parent and next links must not form cycles. Governance gaps (a step nobody owns, a live journey nothing
measures, an opportunity no step references) are warnings, errors under `--strict`.
"""

from __future__ import annotations

from generator.common.diagnostics import Diagnostic
from generator.model.entities import Journey, JourneyLevel, JourneyStatus, JourneyType, Lifecycle
from generator.model.explore_query import check_query
from generator.model.portfolio import Portfolio
from generator.load.schema_errors import format_path
from generator.common.suggest import did_you_mean, known
from generator.load.yaml_source import Loc

SINGULAR = {
    "personas": "persona",
    "departments": "department",
    "channels": "channel",
    "metrics": "metric",
    "insights": "insight",
    "opportunities": "opportunity",
    "solutions": "solution",
    "journeys": "journey",
}


class _Checker:
    def __init__(self, portfolio: Portfolio):
        self.p = portfolio
        self.out: list[Diagnostic] = []

    def at(self, file: str, loc: Loc, message: str, code: str, hint: str = "", severity: str = "error",
           key: bool = False) -> None:
        line, col = self.p.sources[file].position(loc, key=key)
        self.out.append(Diagnostic(file, line, col, severity, message, code, format_path(loc), hint))  # type: ignore[arg-type]

    def ref(self, file: str, loc: Loc, kind: str, ident: str | None) -> bool:
        if ident is None:
            return True
        if ident in self.p.collection(kind) or (kind, ident) in self.p.broken:
            return True
        if ("journeys" if kind == "journeys" else "catalogue") in self.p.unreadable:
            return False  # the definition may be in the file that could not be read: fix that first
        pool = self.p.collection(kind)
        hint = did_you_mean(ident, pool) or known(pool)
        where = "a journey file in maps/" if kind == "journeys" else f"a catalogue file under `{kind}:`"
        self.at(file, loc, f"unknown {SINGULAR[kind]} '{ident}'", "unknown-reference",
                f"{hint}; or define it in {where}")
        return False

    def refs(self, file: str, loc: Loc, kind: str, idents: list[str]) -> None:
        for i, ident in enumerate(idents):
            self.ref(file, loc + (i,), kind, ident)

    # ------------------------------------------------------------------ named views
    def views(self) -> None:
        """Each named view's query uses the explore page's parameters with values the portfolio has."""
        origin = self.p.origins.get(("organisation", ""))
        if origin is None or not self.p.organisation.views:
            return
        if self.p.unreadable:
            return  # an id the query names may be in the file that could not be read
        file, loc = origin
        ids = {kind: set(self.p.collection(kind)) for kind in ("personas", "departments", "channels")}
        ids["tags"] = {t for j in self.p.journeys.values() for t in j.tags}
        fixed = {"type": tuple(v.value for v in JourneyType), "level": tuple(v.value for v in JourneyLevel),
                 "status": tuple(v.value for v in JourneyStatus), "lifecycle": tuple(v.value for v in Lifecycle)}
        for n, view in enumerate(self.p.organisation.views):
            for message, hint in check_query(view.query, ids, fixed):
                self.at(file, loc + ("views", n, "query"), f"view '{view.name}': {message}", "invalid-view", hint)

    # ------------------------------------------------------------------ catalogue
    def catalogue(self) -> None:
        for ident, opp in self.p.opportunities.items():
            file, loc = self.p.origins[("opportunities", ident)]
            self.refs(file, loc + ("insights",), "insights", opp.insights)
        for ident, sol in self.p.solutions.items():
            file, loc = self.p.origins[("solutions", ident)]
            self.ref(file, loc + ("owner",), "departments", sol.owner)
            self.refs(file, loc + ("opportunities",), "opportunities", sol.opportunities)

    # ------------------------------------------------------------------ journeys
    def journey(self, jid: str, j: Journey) -> None:
        file, _ = self.p.origins[("journeys", jid)]
        self.refs(file, ("personas",), "personas", j.personas)
        self.ref(file, ("owner", "department"), "departments", j.owner.department)
        self.refs(file, ("metrics",), "metrics", j.metrics)
        if j.next is not None:
            if j.next == jid:
                self.at(file, ("next",), f"journey '{jid}' names itself as its next journey", "cycle",
                        "point `next:` at the journey that follows this one, or remove it")
            else:
                self.ref(file, ("next",), "journeys", j.next)
        if j.parent is not None:
            if j.parent.journey == jid:
                self.at(file, ("parent", "journey"), f"journey '{jid}' names itself as its parent", "cycle",
                        "point `parent:` at a step of a higher-level journey")
            elif self.ref(file, ("parent", "journey"), "journeys", j.parent.journey):
                parent = self.p.journeys.get(j.parent.journey)
                if parent is not None:
                    steps = [s.id for s in parent.steps()]
                    if j.parent.step not in steps:
                        hint = did_you_mean(j.parent.step, steps) or known(steps)
                        self.at(file, ("parent", "step"),
                                f"journey '{j.parent.journey}' has no step '{j.parent.step}'", "unknown-reference", hint)
        phase_ids: dict[str, int] = {}
        step_ids: dict[str, tuple[int, int]] = {}
        measured = bool(j.metrics)
        for pi, phase in enumerate(j.phases):
            ploc: Loc = ("phases", pi)
            if phase.id in phase_ids:
                self.at(file, ploc + ("id",), f"duplicate phase id '{phase.id}' (also phases[{phase_ids[phase.id]}])",
                        "duplicate-id", "phase ids must be unique within the journey: rename one")
            phase_ids.setdefault(phase.id, pi)
            for si, step in enumerate(phase.steps):
                sloc: Loc = ploc + ("steps", si)
                if step.id in step_ids:
                    a, b = step_ids[step.id]
                    self.at(file, sloc + ("id",),
                            f"duplicate step id '{step.id}' (also phases[{a}].steps[{b}])", "duplicate-id",
                            "step ids must be unique within the journey: rename one")
                step_ids.setdefault(step.id, (pi, si))
                self.ref(file, sloc + ("owner",), "departments", step.owner)
                self.refs(file, sloc + ("personas",), "personas", step.personas or [])
                for ti, tp in enumerate(step.touchpoints):
                    tloc = sloc + ("touchpoints", ti)
                    self.ref(file, tloc + ("channel",), "channels", tp.channel)
                    self.ref(file, tloc + ("department",), "departments", tp.department)
                self.refs(file, sloc + ("insights",), "insights", step.insights)
                self.refs(file, sloc + ("opportunities",), "opportunities", step.opportunities)
                self.refs(file, sloc + ("solutions",), "solutions", step.solutions)
                self.refs(file, sloc + ("metrics",), "metrics", step.metrics)
                measured = measured or bool(step.metrics)
                if step.owner is None and not any(tp.department for tp in step.touchpoints):
                    self.at(file, sloc, f"step '{step.id}' has no owning department", "no-owner",
                            "add `owner: <department-id>` to the step, or a department to one of its touchpoints",
                            severity="warning")
        if j.lifecycle is Lifecycle.live and not measured:
            self.at(file, ("lifecycle",), f"live journey '{jid}' has no metric", "no-metric",
                    "add `metrics:` to the journey or to one of its steps; what is live should be measured",
                    severity="warning")

    def cycles(self) -> None:
        self._cycle("next", lambda j: j.next, ("next",))
        self._cycle("parent", lambda j: j.parent.journey if j.parent else None, ("parent", "journey"))

    def _cycle(self, what: str, link, loc: Loc) -> None:
        reported: set[frozenset[str]] = set()
        for start in sorted(self.p.journeys):
            path: list[str] = []
            current: str | None = start
            while current is not None and current in self.p.journeys and current not in path:
                path.append(current)
                current = link(self.p.journeys[current])
            if current is None or current not in path:
                continue
            cycle = path[path.index(current):]
            members = frozenset(cycle)
            if len(cycle) < 2 or members in reported:
                continue  # a self-link is reported by the journey check
            reported.add(members)
            first = min(cycle)
            i = cycle.index(first)
            ordered = cycle[i:] + cycle[:i] + [first]
            file, _ = self.p.origins[("journeys", first)]
            self.at(file, loc, f"{what} links form a cycle: {' -> '.join(ordered)}", "cycle",
                    f"remove or change one `{what}:` so the chain ends")

    def unused_opportunities(self) -> None:
        if "journeys" in self.p.unreadable:
            return
        used = {o for j in self.p.journeys.values() for s in j.steps() for o in s.opportunities}
        for kind, ident in self.p.broken:  # an invalid journey still says what it references
            if kind == "journeys":
                used.update(_raw_opportunities(self.p.sources[self.p.journey_files[ident]].data))
        for ident in self.p.opportunities:
            if ident not in used:
                file, loc = self.p.origins[("opportunities", ident)]
                self.at(file, loc, f"opportunity '{ident}' is not referenced by any step", "unused-opportunity",
                        "list it under `opportunities:` of the step it improves", severity="warning", key=True)


def _raw_opportunities(data) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "opportunities" and isinstance(value, list):
                found.update(str(v) for v in value if isinstance(v, (str, int)))
            else:
                found |= _raw_opportunities(value)
    elif isinstance(data, list):
        for item in data:
            found |= _raw_opportunities(item)
    return found


def check_references(portfolio: Portfolio) -> list[Diagnostic]:
    checker = _Checker(portfolio)
    checker.catalogue()
    for jid, journey in portfolio.journeys.items():
        checker.journey(jid, journey)
    for jid, journey in sorted(portfolio.salvaged.items()):
        # only errors: a dropped key would otherwise show up again as a governance gap
        before = len(checker.out)
        checker.journey(jid, journey)
        checker.out[before:] = [d for d in checker.out[before:] if d.severity == "error"]
    checker.cycles()
    checker.unused_opportunities()
    checker.views()
    return checker.out
