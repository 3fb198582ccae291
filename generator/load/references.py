"""Cross-references and governance: the checks that need the whole portfolio.

Every reference must resolve (with "did you mean"), phase and step ids must be unique within their journey,
parent and next links must not form cycles. What is a reference comes from the model's `Ref` marks
(`model/refs.py`), not from a list here. Governance gaps (a step nobody owns, a live journey nothing
measures, an opportunity no step references) are warnings, errors under `--strict`.
"""

from __future__ import annotations

from generator.common.codes import Code
from generator.common.diagnostics import Diagnostic
from generator.common.suggest import did_you_mean, known
from generator.load.schema_errors import format_path
from generator.load.yaml_source import Loc
from generator.model.entities import (
    COLLECTIONS,
    BuiltinLane,
    Journey,
    JourneyLevel,
    JourneyStatus,
    JourneyType,
    LaneKind,
    Lifecycle,
    Step,
)
from generator.model.explore_query import check_query
from generator.model.portfolio import Portfolio
from generator.model.refs import SINGULAR, reference_fields, references_of

# A journey linking to itself: (message, hint) by field; a longer loop is found by `cycles`.
SELF_LINKS = {
    "next": (
        "journey '{ident}' names itself as its next journey",
        "point `next:` at the journey that follows this one, or remove it",
    ),
    "parent.journey": (
        "journey '{ident}' names itself as its parent",
        "point `parent:` at a step of a higher-level journey",
    ),
    "replaces": (
        "journey '{ident}' names itself as the journey it replaces",
        "point `replaces:` at the as-is journey this to-be journey replaces, or remove it",
    ),
}


class _Checker:
    def __init__(self, portfolio: Portfolio):
        self.p = portfolio
        self.out: list[Diagnostic] = []
        self.used: set[tuple[str, str]] = set()  # (kind, id) referenced from a journey

    def at(
        self, file: str, loc: Loc, message: str, code: Code, hint: str = "", severity: str = "error", key: bool = False
    ) -> None:
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
        self.at(
            file, loc, f"unknown {SINGULAR[kind]} '{ident}'", Code.UNKNOWN_REFERENCE, f"{hint}; or define it in {where}"
        )
        return False

    def references(self, kind: str, ident: str, entity) -> None:
        """Every reference the entity writes (found from the model's `Ref` marks) must resolve."""
        file, base = self.p.origins[(kind, ident)]
        for r in references_of(kind, ident, entity):
            if kind == "journeys":
                self.used.add((r.kind, r.target))
            loc = base + r.path
            if r.kind == "journeys" and kind == "journeys" and r.target == ident:
                message, hint = SELF_LINKS[r.field.field]
                self.at(file, loc, message.format(ident=ident), Code.CYCLE, hint)
            elif r.kind == "steps":
                journey = self.p.journeys.get(r.journey or "") if r.journey != ident else None
                steps = [s.id for s in journey.steps()] if journey is not None else []
                if journey is not None and r.target not in steps:  # an unknown journey is reported already
                    hint = did_you_mean(r.target, steps) or known(steps)
                    self.at(file, loc, f"journey '{r.journey}' has no step '{r.target}'", Code.UNKNOWN_REFERENCE, hint)
            else:
                self.ref(file, loc, r.kind, r.target)

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
        fixed = {
            "type": tuple(v.value for v in JourneyType),
            "level": tuple(v.value for v in JourneyLevel),
            "status": tuple(v.value for v in JourneyStatus),
            "lifecycle": tuple(v.value for v in Lifecycle),
        }
        for n, view in enumerate(self.p.organisation.views):
            for message, hint in check_query(view.query, ids, fixed):
                self.at(file, loc + ("views", n, "query"), f"view '{view.name}': {message}", Code.INVALID_VIEW, hint)

    # ------------------------------------------------------------------ catalogue
    def catalogue(self) -> None:
        for collection in COLLECTIONS:
            for ident, entry in self.p.collection(collection).items():
                self.references(collection, ident, entry)

    # ------------------------------------------------------------------ journeys
    def journey(self, jid: str, j: Journey) -> None:
        file, _ = self.p.origins[("journeys", jid)]
        self.references("journeys", jid, j)
        phase_ids: dict[str, int] = {}
        step_ids: dict[str, tuple[int, int]] = {}
        measured = bool(j.metrics)
        for pi, phase in enumerate(j.phases):
            ploc: Loc = ("phases", pi)
            if phase.id in phase_ids:
                self.at(
                    file,
                    ploc + ("id",),
                    f"duplicate phase id '{phase.id}' (also phases[{phase_ids[phase.id]}])",
                    Code.DUPLICATE_ID,
                    "phase ids must be unique within the journey: rename one",
                )
            phase_ids.setdefault(phase.id, pi)
            for si, step in enumerate(phase.steps):
                sloc: Loc = ploc + ("steps", si)
                if step.id in step_ids:
                    a, b = step_ids[step.id]
                    self.at(
                        file,
                        sloc + ("id",),
                        f"duplicate step id '{step.id}' (also phases[{a}].steps[{b}])",
                        Code.DUPLICATE_ID,
                        "step ids must be unique within the journey: rename one",
                    )
                step_ids.setdefault(step.id, (pi, si))
                measured = measured or bool(step.metrics)
                if step.owner is None and not any(tp.department for tp in step.touchpoints):
                    self.at(
                        file,
                        sloc,
                        f"step '{step.id}' has no owning department",
                        Code.NO_OWNER,
                        "add `owner: <department-id>` to the step, or a department to one of its touchpoints",
                        severity="warning",
                    )
                self.lanes(file, sloc, step)
        self.pairing(file, jid, j)
        if j.lifecycle is Lifecycle.live and not measured:
            self.at(
                file,
                ("lifecycle",),
                f"live journey '{jid}' has no metric",
                Code.NO_METRIC,
                "add `metrics:` to the journey or to one of its steps; what is live should be measured",
                severity="warning",
            )

    def lanes(self, file: str, sloc: Loc, step: Step) -> None:
        """A step fills only lanes the portfolio declares, each with the kind of value it declares."""
        for lane, value in step.lanes.items():
            loc = sloc + ("lanes", lane)
            declared = self.p.lanes.get(lane)
            if declared is None:
                if "catalogue" in self.p.unreadable or ("lanes", lane) in self.p.broken:
                    continue
                hint = did_you_mean(lane, self.p.lanes) or (
                    known(self.p.lanes) if self.p.lanes else "no custom lanes are declared"
                )
                self.at(
                    file,
                    loc,
                    f"unknown lane '{lane}'",
                    Code.UNKNOWN_REFERENCE,
                    f"{hint}; or declare it in a catalogue file under `lanes:`",
                    key=True,
                )
            elif declared.kind is LaneKind.list and not isinstance(value, list):
                self.at(
                    file,
                    loc,
                    f"lane '{lane}' is a list lane, got text",
                    Code.INVALID_VALUE,
                    "write a list, one `- item` per line",
                )
            elif declared.kind is LaneKind.text and isinstance(value, list):
                self.at(
                    file,
                    loc,
                    f"lane '{lane}' is a text lane, got a list",
                    Code.INVALID_VALUE,
                    "write one paragraph of text, or declare the lane with `kind: list`",
                )

    def pairing(self, file: str, jid: str, j: Journey) -> None:
        """`replaces:` pairs a to-be journey with the as-is journey it replaces."""
        target = self.p.journeys.get(j.replaces or "")
        if target is None or j.replaces == jid:
            return  # an unknown journey or a self-link is reported by the reference check
        if j.status is not JourneyStatus.to_be:
            self.at(
                file,
                ("replaces",),
                f"journey '{jid}' replaces '{j.replaces}' but its status is '{j.status.value}'",
                Code.INVALID_VALUE,
                "only a to-be journey replaces another: set `status: to-be`, or remove `replaces:`",
            )
        elif target.status is not JourneyStatus.as_is:
            self.at(
                file,
                ("replaces",),
                f"journey '{j.replaces}' is '{target.status.value}', not as-is",
                Code.INVALID_VALUE,
                "a to-be journey replaces an as-is journey: point `replaces:` at one",
            )
        else:
            other = next(
                (
                    i
                    for i, o in sorted(self.p.journeys.items())
                    if i != jid and o.replaces == j.replaces and o.status is JourneyStatus.to_be
                ),
                None,
            )
            if other is not None and other < jid:
                self.at(
                    file,
                    ("replaces",),
                    f"journey '{j.replaces}' is already replaced by '{other}'",
                    Code.DUPLICATE_ID,
                    "an as-is journey has one to-be journey: remove one `replaces:`",
                )

    def lane_definitions(self) -> None:
        """A custom lane must not take the id of a step field, or its spreadsheet column would be ambiguous."""
        for lane in self.p.lanes:
            if lane.replace("-", "_") in Step.model_fields or lane in {b.value for b in BuiltinLane}:
                file, loc = self.p.origins[("lanes", lane)]
                self.at(
                    file,
                    loc,
                    f"lane id '{lane}' is the name of a built-in field",
                    Code.DUPLICATE_ID,
                    "choose another id, e.g. `" + lane + "-notes`",
                    key=True,
                )

    def cycles(self) -> None:
        """Each field linking a journey to another (`next`, `parent.journey`) must not loop."""
        for f in reference_fields(Journey):
            if f.kind == "journeys" and not f.many:
                self._cycle(f.path[0], lambda j, f=f: _follow(j, f.path), f.path)

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
            cycle = path[path.index(current) :]
            members = frozenset(cycle)
            if len(cycle) < 2 or members in reported:
                continue  # a self-link is reported by the journey check
            reported.add(members)
            first = min(cycle)
            i = cycle.index(first)
            ordered = cycle[i:] + cycle[:i] + [first]
            file, _ = self.p.origins[("journeys", first)]
            self.at(
                file,
                loc,
                f"{what} links form a cycle: {' -> '.join(ordered)}",
                Code.CYCLE,
                f"remove or change one `{what}:` so the chain ends",
            )

    def unused_opportunities(self) -> None:
        if "journeys" in self.p.unreadable:
            return
        # the journeys checked (salvaged ones too: what they keep is in their raw data below anyway)
        used = {ident for kind, ident in self.used if kind == "opportunities"}
        keys = {f.name for f in reference_fields(Journey) if f.kind == "opportunities"}
        for kind, ident in self.p.broken:  # an invalid journey still says what it references
            if kind == "journeys":
                used.update(_raw_ids(self.p.sources[self.p.journey_files[ident]].data, keys))
        for ident in self.p.opportunities:
            if ident not in used:
                file, loc = self.p.origins[("opportunities", ident)]
                self.at(
                    file,
                    loc,
                    f"opportunity '{ident}' is not referenced by any step",
                    Code.UNUSED_OPPORTUNITY,
                    "list it under `opportunities:` of the step it improves",
                    severity="warning",
                    key=True,
                )


def _follow(journey: Journey, path: tuple[str, ...]) -> str | None:
    value: object = journey
    for name in path:
        value = getattr(value, name, None)
    return value if isinstance(value, str) else None


def _raw_ids(data: object, keys: set[str]) -> set[str]:
    """The ids listed under any of `keys` anywhere in a file's raw data (its model did not validate)."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, list):
                found.update(str(v) for v in value if isinstance(v, (str, int)))
            else:
                found |= _raw_ids(value, keys)
    elif isinstance(data, list):
        for item in data:
            found |= _raw_ids(item, keys)
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
    checker.lane_definitions()
    checker.cycles()
    checker.unused_opportunities()
    checker.views()
    return checker.out
