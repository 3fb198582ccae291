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


def explore_data(p: Portfolio, extras: Extras, ix: Index) -> dict:
    """The explore page's records, every facet value numbered once (`d`), records as arrays (docs/site.md)."""
    from generator.site.render import backlog_pages, journey_path, score, url_of

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
    steps: list[list[object]]
    journeys, steps, touchpoints, pains = [], [], [], []
    step_index: dict[tuple[str, str], int] = {}
    order = sorted(p.journeys, key=lambda jid: (p.journeys[jid].title.lower(), jid))
    for jn, jid in enumerate(order):
        j = p.journeys[jid]
        health, trend = _state(extras.standings.journey(jid))
        journeys.append(
            [
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
        )
        for phase in j.phases:
            for step in phase.steps:
                sn = len(steps)
                step_index[(jid, step.id)] = sn
                personas = step.personas if step.personas is not None else j.personas
                departments = dict.fromkeys(
                    ([step.owner] if step.owner else []) + [t.department for t in step.touchpoints if t.department]
                )
                channels = dict.fromkeys(t.channel for t in step.touchpoints)
                health, trend = _state(extras.standings.step(jid, step.id))
                steps.append(
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
                for tp in step.touchpoints:
                    touchpoints.append(
                        [
                            sn,
                            _one_line(tp.name),
                            d["channel"](tp.channel),
                            d["department"](tp.department),
                            tp.assumed_importance,
                            tp.validated_importance,
                        ]
                    )
                for pain in step.pain_points:
                    pains.append([sn, _one_line(pain.text)])
    opportunities = []
    on_page = backlog_pages(p)  # the backlog in pages: each opportunity's row is on one of them
    for oid, opp in p.opportunities.items():
        at = [step_index[(s.journey, s.step.id)] for s in ix.steps_using.get(("opportunities", oid), ())]
        solutions = [
            [_one_line(p.solutions[s].title), d["department"](p.solutions[s].owner), p.solutions[s].status.value]
            for s in ix.solutions_by_opportunity.get(oid, ())
        ]
        opportunities.append(
            [oid, _one_line(opp.title), round(score(opp), 2), opp.status.value, at, solutions, url_of(on_page[oid])]
        )
    return {
        "format": EXPLORE_FORMAT,
        "d": {name: dictionary.values for name, dictionary in d.items()},
        "j": journeys,
        "s": steps,
        "t": touchpoints,
        "p": pains,
        "o": opportunities,
    }


def explore_json(p: Portfolio, extras: Extras, ix: Index) -> str:
    # one record a line: small (no indent) yet diffable
    data = explore_data(p, extras, ix)
    parts = [
        f'"format":{json.dumps(data["format"])}',
        f'"d":{json.dumps(data["d"], ensure_ascii=False, separators=(",", ":"))}',
    ]
    for key in ("j", "s", "t", "p", "o"):
        rows = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in data[key])
        parts.append(f'"{key}":[\n{rows}\n]')
    return "{" + ",\n".join(parts) + "}\n"


def explore_script() -> bytes:
    return resources.files("generator.site").joinpath("assets/explore.js").read_bytes()


def explore_assets(p: Portfolio, extras: Extras, ix: Index) -> dict[str, bytes]:
    """`api/explore.json` and the explore page's script."""
    return {EXPLORE_JSON: explore_json(p, extras, ix).encode("utf-8"), EXPLORE_JS: explore_script()}
