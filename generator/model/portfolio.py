"""The validated portfolio: every model by id, and where each was written (for errors and edit links)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.model.entities import (
    Channel,
    Department,
    GlossaryEntry,
    Insight,
    Journey,
    LaneDefinition,
    MetricDefinition,
    Opportunity,
    Organisation,
    Persona,
    Solution,
)
from generator.model.metric_data import MetricData
from generator.model.source import Loc, Source


@dataclass
class Portfolio:
    root: Path
    organisation: Organisation = field(default_factory=lambda: Organisation(name="Journeys"))
    personas: dict[str, Persona] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    metrics: dict[str, MetricDefinition] = field(default_factory=dict)
    insights: dict[str, Insight] = field(default_factory=dict)
    opportunities: dict[str, Opportunity] = field(default_factory=dict)
    solutions: dict[str, Solution] = field(default_factory=dict)
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    lanes: dict[str, LaneDefinition] = field(default_factory=dict)  # custom lanes of the journey map
    journeys: dict[str, Journey] = field(default_factory=dict)
    # (collection, id) -> (source file as displayed, path of the entry in that file)
    origins: dict[tuple[str, str], tuple[str, Loc]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    # ids written but invalid: references to them are not reported again as unknown
    broken: set[tuple[str, str]] = field(default_factory=set)
    journey_files: dict[str, str] = field(default_factory=dict)
    # every journey file found under maps/, valid or not: the check summary counts them all
    journeys_read: int = 0
    # files found but not read as a mapping (YAML errors, unreadable, a list...): displayed paths
    unloaded: set[str] = field(default_factory=set)
    # invalid journeys with their invalid keys dropped: cross-checked so all errors show at once, never published
    salvaged: dict[str, Journey] = field(default_factory=dict)
    # a file that could not be parsed at all: what it defines or references is unknown
    unreadable: set[str] = field(default_factory=set)  # 'catalogue' and/or 'journeys'
    # the valid rows of the CSV files in data/, set by `check` (metric_data.load_metric_data)
    metric_data: MetricData | None = None

    def collection(self, name: str) -> dict:
        return getattr(self, name)

    def source_file(self, kind: str, ident: str) -> str | None:
        origin = self.origins.get((kind, ident))
        return origin[0] if origin else None

    def position(self, kind: str, ident: str) -> tuple[str, int, int]:
        file, loc = self.origins[(kind, ident)]
        line, col = self.sources[file].position(loc, key=bool(loc))
        return file, line, col

    @property
    def step_count(self) -> int:
        return sum(len(j.steps()) for j in self.journeys.values())

    @property
    def touchpoint_count(self) -> int:
        return sum(len(s.touchpoints) for j in self.journeys.values() for s in j.steps())
