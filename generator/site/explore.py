"""The data behind the explore page: computed values in `api/portfolio.json`, and its compact form `api/explore.json`.

`with_computed` adds each journey's and step's health, trend and latest values (what the site shows) to the
portfolio export, so any tool reads the same numbers. `explore_data` derives from the portfolio and those
values the compact, dictionary-encoded records the explore page filters in the browser (format in
docs/site.md, the URL contract in docs/explore.md); `explore_assets` returns that file and the page's script.
Pure: a function of the validated portfolio and the metrics stage's `Extras`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING

from generator.metrics.health import Trend
from generator.model.entities import JourneyLevel, JourneyStatus, JourneyType, Lifecycle
from generator.model.explore_query import HEALTH
from generator.model.ids import JourneyId, StepId
from generator.model.portfolio import Portfolio
from generator.site.row_cache import NO_ROWS, RowCache
from generator.site.standing import Badge

if TYPE_CHECKING:  # render imports this module lazily; these are only for type hints
    from generator.site.render import Extras, Index

PORTFOLIO_FORMAT = "journeys-portfolio/2"
EXPLORE_FORMAT = "journeys-explore/1"
EXPLORE_JSON = "api/explore.json"
EXPLORE_JS = "assets/explore.js"
TRENDS = tuple(t.value for t in Trend)


def _state(badge: Badge) -> tuple[str, str]:
    """A standing's health and trend as their JSON values."""
    return badge.health.value, badge.trend.value


def _computed(extras: Extras, badge: Badge, where: JourneyId | StepId) -> dict:
    health, trend = _state(badge)
    return {"health": health, "trend": trend, "latest": [dict(m) for m in extras.measures.get(where, ())]}


def computed_of(extras: Extras, jid: str, journey) -> tuple:
    """What `with_computed` adds to a journey's export, as a value to compare: the journey's and each step's."""
    at = JourneyId(jid)
    return (
        _computed(extras, extras.standings.journey(at), at),
        tuple(_computed(extras, extras.standings.step(at, step.id), StepId(at, step.id)) for step in journey.steps()),
    )


def with_computed(entry: dict, extras: Extras) -> dict:
    """A journey's export (`model_dump` plus id) with `computed` on the journey and on each of its steps."""
    jid = JourneyId(entry["id"])
    entry["computed"] = _computed(extras, extras.standings.journey(jid), jid)
    for phase in entry.get("phases", ()):
        for step in phase.get("steps", ()):
            entry_step = StepId(jid, step["id"])
            step["computed"] = _computed(extras, extras.standings.step(jid, step["id"]), entry_step)
    return entry


class _Dictionary:
    """Values numbered in order of first appearance (after any given up front): facet values as small ints."""

    def __init__(self, values=()):
        self.index: dict[str, int] = {}
        self.values: list[list[str]] = []
        for value, label in values:
            self.add(value, label)

    def add(self, value: str, label: str | None = None) -> int:
        if value not in self.index:
            self.index[value] = len(self.values)
            self.values.append([value, label if label is not None else value])
        return self.index[value]

    def __call__(self, value: str | None) -> int:
        return -1 if value is None else self.add(value)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _line(record: list) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def explore_lines(p: Portfolio, extras: Extras, ix: Index, rows: RowCache = NO_ROWS) -> dict:
    """The explore page's records, every facet value numbered once (`d`), each record as a line of JSON
    (docs/site.md). A journey's lines (its record, its steps', touchpoints' and pain points') are kept in
    `rows` (the live preview) while the journey, its place, its steps' first number, its health and the
    tags' numbering are the same: at 1,000 journeys making them again was 0.25 s of a save."""
    from generator.site.render import backlog_pages, score, url_of

    d = {
        "persona": _Dictionary((k, _one_line(v.name)) for k, v in sorted(p.personas.items())),
        "department": _Dictionary((k, _one_line(v.name)) for k, v in sorted(p.departments.items())),
        "channel": _Dictionary((k, _one_line(v.name)) for k, v in sorted(p.channels.items())),
        "type": _Dictionary((v.value, v.value) for v in JourneyType),
        "level": _Dictionary((v.value, v.value) for v in JourneyLevel),
        "status": _Dictionary((v.value, v.value) for v in JourneyStatus),
        "lifecycle": _Dictionary((v.value, v.value) for v in Lifecycle),
        "tag": _Dictionary((t, t) for t in sorted({t for j in p.journeys.values() for t in j.tags})),
        "health": _Dictionary((h, h) for h in HEALTH),
        "trend": _Dictionary((t, t) for t in TRENDS),
    }
    # every value a journey's records name is numbered up front (a valid portfolio names no other), so a
    # journey's lines depend on the numbering only through the tags, which any journey may change
    tags = tuple(value for value, _ in d["tag"].values)
    lines: dict[str, list[str]] = {"j": [], "s": [], "t": [], "p": []}
    step_index: dict[tuple[str, str], int] = {}
    order = sorted(p.journeys, key=lambda jid: (p.journeys[jid].title.lower(), jid))
    for jn, jid in enumerate(order):
        j = p.journeys[jid]
        first = len(lines["s"])
        states = (
            _state(extras.standings.journey(jid)),
            tuple(_state(extras.standings.step(jid, step.id)) for step in j.steps()),
        )
        for n, step in enumerate(j.steps()):
            step_index[(jid, step.id)] = first + n
        deps = (j, jn, first, states, tags)
        kept = rows.get((EXPLORE_JSON, jid), deps)
        if kept is None:
            kept = rows.put((EXPLORE_JSON, jid), deps, _journey_lines(d, jid, j, jn, first, states))
        for key, records in zip(("j", "s", "t", "p"), kept, strict=True):
            lines[key].extend(records)
    opportunities = []
    on_page = backlog_pages(p)  # the backlog in pages: each opportunity's row is on one of them
    for oid, opp in p.opportunities.items():
        at = [step_index[(s.journey, s.step.id)] for s in ix.steps_using.get(("opportunities", oid), ())]
        solutions = [
            [_one_line(p.solutions[s].title), d["department"](p.solutions[s].owner), p.solutions[s].status.value]
            for s in ix.solutions_by_opportunity.get(oid, ())
        ]
        opportunities.append(
            _line(
                [oid, _one_line(opp.title), round(score(opp), 2), opp.status.value, at, solutions, url_of(on_page[oid])]
            )
        )
    lines["o"] = opportunities
    return {"format": EXPLORE_FORMAT, "d": {name: dictionary.values for name, dictionary in d.items()}, **lines}


def _journey_lines(d: dict, jid: str, j, jn: int, first: int, states: tuple) -> tuple[list[str], ...]:
    """A journey's record and those of its steps (numbered from `first`), touchpoints and pain points."""
    from generator.site.render import journey_path, url_of

    (health, trend), step_states = states
    record = [
        jid,
        _one_line(j.title),
        url_of(journey_path(jid)),
        d["type"](j.type.value),
        d["level"](j.level.value),
        d["status"](j.status.value),
        d["lifecycle"](j.lifecycle.value),
        [d["persona"](x) for x in j.personas],
        [d["tag"](t) for t in j.tags],
        d["department"](j.owner.department),
        _one_line(j.owner.person),
        d["health"](health),
        d["trend"](trend),
    ]
    steps, touchpoints, pains = [], [], []
    sn = first
    for phase in j.phases:
        for step in phase.steps:
            personas = step.personas if step.personas is not None else j.personas
            departments = dict.fromkeys(
                ([step.owner] if step.owner else []) + [t.department for t in step.touchpoints if t.department]
            )
            channels = dict.fromkeys(t.channel for t in step.touchpoints)
            health, trend = step_states[sn - first]
            steps.append(
                _line(
                    [
                        jn,
                        step.id,
                        _one_line(step.name),
                        _one_line(phase.name),
                        [d["persona"](x) for x in personas],
                        [d["department"](x) for x in departments],
                        [d["channel"](x) for x in channels],
                        step.emotion,
                        1 if step.moment_of_truth else 0,
                        d["health"](health),
                        d["trend"](trend),
                        d["department"](step.owner),
                    ]
                )
            )
            for tp in step.touchpoints:
                touchpoints.append(
                    _line(
                        [
                            sn,
                            _one_line(tp.name),
                            d["channel"](tp.channel),
                            d["department"](tp.department),
                            tp.assumed_importance,
                            tp.validated_importance,
                        ]
                    )
                )
            for pain in step.pain_points:
                pains.append(_line([sn, _one_line(pain.text)]))
            sn += 1
    return [_line(record)], steps, touchpoints, pains


def explore_data(p: Portfolio, extras: Extras, ix: Index) -> dict:
    """The explore page's records as values (`explore_lines`, parsed): what `api/explore.json` holds."""
    return json.loads(explore_json(p, extras, ix))


def explore_json(p: Portfolio, extras: Extras, ix: Index, rows: RowCache = NO_ROWS) -> str:
    # one record a line: small (no indent) yet diffable
    data = explore_lines(p, extras, ix, rows)
    parts = [
        f'"format":{json.dumps(data["format"])}',
        f'"d":{json.dumps(data["d"], ensure_ascii=False, separators=(",", ":"))}',
    ]
    for key in ("j", "s", "t", "p", "o"):
        rows_text = ",\n".join(data[key])
        parts.append(f'"{key}":[\n{rows_text}\n]')
    return "{" + ",\n".join(parts) + "}\n"


def explore_script() -> bytes:
    return resources.files("generator.site").joinpath("assets/explore.js").read_bytes()


def explore_assets(p: Portfolio, extras: Extras, ix: Index, rows: RowCache = NO_ROWS) -> dict[str, bytes]:
    """`api/explore.json` and the explore page's script; `rows`: see `explore_lines`."""
    return {EXPLORE_JSON: explore_json(p, extras, ix, rows).encode("utf-8"), EXPLORE_JS: explore_script()}
