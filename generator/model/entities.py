"""The journey portfolio model: the single source of truth.

Validation, the JSON Schema for editors (`journeys schema`), the field reference in the docs and the
JSON export (`api/portfolio.json`) all come from these pydantic models, so they cannot drift.

Two kinds of YAML file make up a portfolio (see docs/portfolio-layout.md):

- a *journey file*, `journeys/maps/<journey-id>.yaml`, holds one `Journey`;
- a *catalogue file*, any other `journeys/*.yaml`, holds collections shared by all journeys
  (`Catalogue`): personas, departments, channels, metrics, insights, opportunities, solutions, glossary.

Every model forbids unknown keys, so a typo is an error with a "did you mean" hint, never silently ignored.
A field holding the id of another entity is marked `Annotated[Id, Ref("<kind>")]` (`refs.py`): the checks,
the site's back-links and `journeys diff` derive what refers to what from those marks.
"""

from __future__ import annotations

import datetime as _dt
import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from generator.model.own_page import OWN_PAGE
from generator.model.refs import Ref

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    Field(description="An identifier: lowercase letters, digits and dashes, e.g. `sign-up`."),
]
Text = Annotated[str, Field(description="Free text; Markdown is allowed.")]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        use_attribute_docstrings=False,
        populate_by_name=True,
        allow_inf_nan=False,
    )


class JourneyType(str, Enum):
    customer = "customer"
    employee = "employee"
    partner = "partner"


class JourneyLevel(str, Enum):
    macro = "macro"
    micro = "micro"
    blueprint = "service-blueprint"


class JourneyStatus(str, Enum):
    as_is = "as-is"
    to_be = "to-be"
    research = "research"


class Lifecycle(str, Enum):
    draft = "draft"
    live = "live"
    retired = "retired"


class MetricKind(str, Enum):
    nps = "nps"
    csat = "csat"
    ces = "ces"
    rate = "rate"
    count = "count"  # type: ignore[assignment]  # shadows str.count: each name is its YAML value
    duration = "duration"
    custom = "custom"


class Direction(str, Enum):
    higher = "higher-is-better"
    lower = "lower-is-better"  # type: ignore[assignment]  # shadows str.lower, kept: pairs with `higher`


class OpportunityStatus(str, Enum):
    new = "new"
    exploring = "exploring"
    committed = "committed"
    done = "done"
    parked = "parked"


class SolutionStatus(str, Enum):
    idea = "idea"
    planned = "planned"
    in_progress = "in-progress"
    shipped = "shipped"


class LinkKind(str, Enum):
    jira = "jira"
    azure_devops = "azure-devops"
    github = "github"
    linear = "linear"
    other = "other"


class LaneKind(str, Enum):
    text = "text"
    list = "list"


class BuiltinLane(str, Enum):
    """The lanes of the journey map, top to bottom; a custom lane is placed after one of them."""

    description = "description"
    does = "does"
    thinks = "thinks"
    feels = "feels"
    emotion = "emotion"
    touchpoints = "touchpoints"
    owner = "owner"
    pain_points = "pain_points"
    highlights = "highlights"
    moment_of_truth = "moment_of_truth"
    backstage = "backstage"
    systems = "systems"
    insights = "insights"
    opportunities = "opportunities"
    solutions = "solutions"
    metrics = "metrics"
    health = "health"


# --------------------------------------------------------------------------- catalogue entries


class Persona(_Model):
    """Someone whose experience the portfolio maps: a customer segment, an employee role, a partner."""

    name: str = Field(description="The persona's name as the organisation uses it, e.g. `Busy parent`.")
    description: Text = Field("", description="Who this person is, in a sentence or two.")
    segment: str = Field("", description="The customer segment or employee group the persona stands for.")
    goals: list[Text] = Field(default_factory=list, description="What the person wants to achieve.")
    frustrations: list[Text] = Field(default_factory=list, description="What gets in their way today.")
    quote: Text = Field("", description="A representative quote, in the person's own words.")


class Department(_Model):
    """A department or team that owns steps and touchpoints: the silos the site breaks open."""

    name: str = Field(description="The department's name, e.g. `Customer Service`.")
    description: Text = Field("", description="What the department does.")
    lead: str = Field("", description="The person accountable for the department's part of the experience.")


class Channel(_Model):
    """A channel through which a touchpoint happens: web, app, email, phone, store..."""

    name: str = Field(description="The channel's name, e.g. `Mobile app`.")
    digital: bool = Field(description="`true` for digital channels (web, app, email), `false` for others.")
    description: Text = Field("", description="What the channel is.")


class MetricDefinition(_Model):
    """A metric and what good looks like: kind, unit, direction, target and warning threshold.

    For `higher-is-better` metrics a value at or above `target` is on target, at or above `warning` is at
    risk, below `warning` is off target. For `lower-is-better` metrics the comparisons are reversed.
    """

    name: str = Field(description="The metric's name, e.g. `Onboarding NPS`.")
    kind: MetricKind = Field(
        description="What is measured: `nps`, `csat`, `ces`, `rate`, `count`, `duration` or `custom`."
    )
    unit: str = Field("", description="The unit shown after values, e.g. `%`, `min`, `pts`.")
    direction: Direction = Field(
        Direction.higher,
        description="Whether higher values are better (`higher-is-better`) or worse (`lower-is-better`).",
    )
    target: float = Field(description="The value the metric should reach.")
    warning: float = Field(description="The threshold between at risk and off target; on the bad side of `target`.")
    description: Text = Field("", description="What the metric measures and how it is collected.")

    @field_validator("warning")
    @classmethod
    def _warning_on_bad_side(cls, warning: float, info: ValidationInfo) -> float:
        target, direction = info.data.get("target"), info.data.get("direction")
        if target is None or direction is None:
            return warning
        if direction is Direction.higher and warning > target:
            raise ValueError(f"expected at most the target ({target:g}) for a higher-is-better metric, got {warning:g}")
        if direction is Direction.lower and warning < target:
            raise ValueError(f"expected at least the target ({target:g}) for a lower-is-better metric, got {warning:g}")
        return warning


class Insight(_Model):
    """Something learned about the people on a journey, with its evidence."""

    statement: Text = Field(description="The insight in one sentence.")
    evidence: Text = Field("", description="What supports it: numbers, quotes, observations.")
    source: str = Field("", description="Where it comes from: a study, a survey, an interview series.")
    date: _dt.date | None = Field(None, description="When it was learned, as `YYYY-MM-DD`.")


class Link(_Model):
    """A link to where the work happens: a ticket, an epic, an issue, a board."""

    url: str = Field(description="The address, starting with `https://` or `http://`.")
    title: str = Field("", description="What the link shows, e.g. `CLAIMS-142`; the address when empty.")
    kind: LinkKind = Field(
        LinkKind.other, description="The tool: `jira`, `azure-devops`, `github`, `linear` or `other`."
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: str) -> str:
        # Anything but a web address (javascript:, data:, file:, a relative path) must never become a link.
        if not re.fullmatch(r"https?://[^\s/?#]+[^\s]*", url, flags=re.IGNORECASE):
            raise ValueError(f"expected a web address starting with https:// or http://, got {url[:60]!r}")
        return url


class Opportunity(_Model):
    """A chance to improve the experience, scored for the backlog."""

    title: str = Field(description="The opportunity, phrased as a question or a goal.")
    description: Text = Field("", description="Details and context.")
    impact: int = Field(ge=1, le=5, description="Expected impact on the experience, 1 (low) to 5 (high).")
    effort: int = Field(ge=1, le=5, description="Expected effort to realise it, 1 (small) to 5 (large).")
    reach: int = Field(ge=1, le=5, description="How many people it affects, 1 (few) to 5 (nearly everyone).")
    status: OpportunityStatus = Field(
        OpportunityStatus.new, description="`new`, `exploring`, `committed`, `done` or `parked`."
    )
    insights: list[Annotated[Id, Ref("insights")]] = Field(
        default_factory=list, description="Ids of the insights behind it."
    )
    links: list[Link] = Field(default_factory=list, description="Tickets, epics or issues where the work is tracked.")


class Solution(_Model):
    """A concrete change that addresses opportunities, with the team that owns it."""

    title: str = Field(description="The solution's name.")
    description: Text = Field("", description="What will change.")
    owner: Annotated[Id, Ref("departments")] = Field(description="Id of the department or team that delivers it.")
    status: SolutionStatus = Field(SolutionStatus.idea, description="`idea`, `planned`, `in-progress` or `shipped`.")
    opportunities: list[Annotated[Id, Ref("opportunities")]] = Field(
        default_factory=list, description="Ids of the opportunities it addresses."
    )
    links: list[Link] = Field(default_factory=list, description="Tickets, epics or issues where the work is tracked.")


class GlossaryEntry(_Model):
    """A term of the organisation, so everyone reads the portfolio the same way."""

    term: str = Field(description="The term as written.")
    definition: Text = Field(description="What it means here.")
    synonyms: list[str] = Field(
        default_factory=list,
        description="Other words people use for it (abbreviations, older or everyday names): the site's search "
        "finds the pages that use the term by any of them.",
    )


class View(_Model):
    """A named view of the explore page: a filtered slice of the portfolio, linked from the explore page.

    `query` is the explore page's URL query (docs/explore.md), e.g.
    `kind=step&department=claims&health=off-target`; its parameter names and values are checked.
    """

    name: str = Field(description="The view's name as a link, e.g. `Claims: off target`.")
    description: Text = Field("", description="What the view shows, in a sentence.")
    query: str = Field(description="The explore page's query, e.g. `kind=step&department=claims&health=off-target`.")


class LaneDefinition(_Model):
    """A lane of the organisation's own, shown in every journey map; steps fill it under `lanes:`."""

    name: str = Field(description="The lane's label in the map and the spreadsheet column, e.g. `Regulation`.")
    kind: LaneKind = Field(LaneKind.text, description="`text` (one paragraph per step) or `list` (bullet points).")
    after: BuiltinLane | None = Field(
        None, description="The built-in lane it follows in the map, e.g. `pain_points`; at the end when empty."
    )
    description: Text = Field("", description="What the lane records.")


class Organisation(_Model):
    """The organisation the portfolio belongs to."""

    name: str = Field(description="The organisation's name, shown in the site's title.")
    description: Text = Field("", description="A sentence about the organisation, shown on the home page.")
    period: Literal["month", "quarter"] = Field(
        "month", description="The period survey responses are grouped by: `month` or `quarter`."
    )
    min_responses: int = Field(
        30, ge=1, description="Periods with fewer survey responses are shown as too few, not as data."
    )
    views: list[View] = Field(
        default_factory=list, description="Named views of the explore page, listed there as links."
    )


class Catalogue(_Model):
    """A catalogue file: the collections shared by all journeys, each a mapping from id to entry.

    A portfolio may spread its catalogue over several files; ids must be unique across all of them.
    """

    organisation: Organisation | None = Field(None, description="The organisation (in one file only).")
    personas: dict[Id, Persona] = Field(default_factory=dict, description="Personas by id.")
    departments: dict[Id, Department] = Field(default_factory=dict, description="Departments and teams by id.")
    channels: dict[Id, Channel] = Field(default_factory=dict, description="Channels by id.")
    metrics: dict[Id, MetricDefinition] = Field(default_factory=dict, description="Metric definitions by id.")
    insights: dict[Id, Insight] = Field(default_factory=dict, description="Insights by id.")
    opportunities: dict[Id, Opportunity] = Field(default_factory=dict, description="Opportunities by id.")
    solutions: dict[Id, Solution] = Field(default_factory=dict, description="Solutions by id.")
    glossary: dict[Id, GlossaryEntry] = Field(default_factory=dict, description="Glossary entries by id.")
    lanes: dict[Id, LaneDefinition] = Field(
        default_factory=dict, description="Custom lanes of the journey map by id, filled by steps under `lanes:`."
    )


# --------------------------------------------------------------------------- journeys


class Owner(_Model):
    """Who is accountable for a journey."""

    person: str = Field(description="The journey owner's name.")
    department: Annotated[Id, Ref("departments")] = Field(description="Id of the owner's department.")


class StepRef(_Model):
    """A step of another journey: the vertical link from a detailed journey to the step it details."""

    journey: Annotated[Id, Ref("journeys")] = Field(description="Id of the higher-level journey.")
    step: Annotated[Id, Ref("steps", within="journey")] = Field(description="Id of the step in that journey.")


class Touchpoint(_Model):
    """A point of contact between the person and the organisation within a step."""

    name: str = Field(description="What the touchpoint is, e.g. `Order confirmation email`.")
    channel: Annotated[Id, Ref("channels")] = Field(description="Id of the channel it happens in.")
    department: Annotated[Id, Ref("departments")] | None = Field(None, description="Id of the department that owns it.")
    assumed_importance: int | None = Field(
        None, ge=1, le=5, description="How important the company assumes it is, 1 to 5 (inside-out view)."
    )
    validated_importance: int | None = Field(
        None, ge=1, le=5, description="How important customers say it is, 1 to 5, from research (outside-in view)."
    )


def _pain_point_schema(schema: dict) -> None:
    """A pain point is written as plain text or as a mapping: the schema says both."""
    obj = dict(schema)
    schema.clear()
    schema.update(
        title=obj.pop("title", "PainPoint"), description=obj.pop("description", ""), anyOf=[{"type": "string"}, obj]
    )


class PainPoint(_Model):
    """What hurts in a step: plain text, or a mapping with its severity, evidence and the insight behind it."""

    model_config = ConfigDict(json_schema_extra=_pain_point_schema)

    text: Text = Field(description="What hurts, in a sentence.")
    severity: int | None = Field(None, ge=1, le=5, description="How badly it hurts, 1 (annoying) to 5 (blocking).")
    evidence: Text = Field("", description="What shows it: numbers, observations, a study.")
    insight: Annotated[Id, Ref("insights")] | None = Field(None, description="Id of the insight it comes from.")

    @model_serializer(mode="wrap")
    def _as_written(self, handler):  # noqa: ANN001 - pydantic's serializer protocol
        # a pain point with nothing but its text is written (and exported to api/portfolio.json) as text
        data = handler(self)
        if self.severity is None and not self.evidence and self.insight is None:
            return data["text"] if isinstance(data, dict) else data
        return data

    @property
    def weight(self) -> int:
        """The severity for ordering, an unrated pain point last."""
        return self.severity or 0

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: object) -> object:
        # `- The form times out` stays valid: plain text is a pain point without severity.
        if isinstance(data, (str, int, float)) and not isinstance(data, bool):
            return {"text": data}
        if not isinstance(data, (dict, PainPoint)):
            raise ValueError(f"expected text, or a mapping with `text:` and `severity:`, got {type(data).__name__}")
        return data


class Verbatim(_Model):
    """A customer's own words at a step: the voice that convinces a department."""

    quote: Text = Field(description="The words as said or written, without quotation marks.")
    persona: Annotated[Id, Ref("personas")] | None = Field(None, description="Id of the persona who said it.")
    source: str = Field("", description="Where it was heard: an interview, a survey, a complaint, a review.")
    date: _dt.date | None = Field(None, description="When it was said, as `YYYY-MM-DD`.")


LaneValue = Annotated[
    Text | list[Text], Field(description="Text for a `text` lane, a list of texts for a `list` lane.")
]


class Step(_Model):
    """One step of a journey, with what the person does, thinks and feels, and what the organisation does."""

    id: Id = Field(description="The step's id, unique within the journey.")
    name: str = Field(description="The step, in the person's words, e.g. `Compare plans`.")
    description: Text = Field("", description="What happens in this step.")
    owner: Annotated[Id, Ref("departments")] | None = Field(
        None, description="Id of the department that owns the step."
    )
    does: Annotated[Text, OWN_PAGE] = Field("", description="What the person does.")
    thinks: Annotated[Text, OWN_PAGE] = Field("", description="What the person thinks.")
    feels: Annotated[Text, OWN_PAGE] = Field("", description="What the person feels.")
    emotion: int | None = Field(
        None, ge=1, le=5, description="How the person feels, 1 (very negative) to 5 (very positive); 3 is neutral."
    )
    personas: list[Annotated[Id, Ref("personas")]] | None = Field(
        None,
        description="Ids of the personas who take this step, when not all of the journey's personas do; "
        "`[]` for a step no persona takes part in.",
    )
    touchpoints: list[Touchpoint] = Field(default_factory=list, description="The touchpoints of the step.")
    pain_points: list[PainPoint] = Field(
        default_factory=list,
        description="What hurts in this step: text, or `{text, severity, evidence, insight}` (severity 1-5).",
    )
    verbatims: list[Verbatim] = Field(default_factory=list, description="Quotes heard at this step.")
    highlights: Annotated[list[Text], OWN_PAGE] = Field(default_factory=list, description="What delights in this step.")
    moment_of_truth: bool = Field(False, description="`true` when this step makes or breaks the relationship.")
    backstage: Annotated[list[Text], OWN_PAGE] = Field(
        default_factory=list, description="Backstage processes that support the step, unseen by the person."
    )
    systems: list[str] = Field(default_factory=list, description="IT systems involved in the step.")
    insights: list[Annotated[Id, Ref("insights")]] = Field(
        default_factory=list, description="Ids of insights about this step."
    )
    opportunities: list[Annotated[Id, Ref("opportunities")]] = Field(
        default_factory=list, description="Ids of opportunities for this step."
    )
    solutions: list[Annotated[Id, Ref("solutions")]] = Field(
        default_factory=list, description="Ids of solutions that change this step."
    )
    metrics: list[Annotated[Id, Ref("metrics")]] = Field(
        default_factory=list, description="Ids of metrics measured at this step."
    )
    lanes: dict[Id, LaneValue] = Field(
        default_factory=dict, description="The step's content in the portfolio's custom lanes, by lane id."
    )


class Phase(_Model):
    """A stage of the journey holding its steps in order, e.g. `Discover`, `Buy`, `Use`."""

    id: Id = Field(description="The phase's id, unique within the journey.")
    name: str = Field(description="The phase's name.")
    description: Text = Field("", description="What the phase covers.")
    steps: list[Step] = Field(min_length=1, description="The steps of the phase, in order.")


class Journey(_Model):
    """A journey file: one journey, its phases and steps. Its id is the file name without `.yaml`."""

    title: str = Field(description="The journey's title, in the customer's words, e.g. `I move house`.")
    description: Text = Field(description="What the journey covers, in a sentence or two.")
    goal: Annotated[Text, OWN_PAGE] = Field("", description="What the person wants to achieve on this journey.")
    type: JourneyType = Field(JourneyType.customer, description="`customer`, `employee` or `partner`.")
    level: JourneyLevel = Field(JourneyLevel.micro, description="`macro`, `micro` or `service-blueprint`.")
    status: JourneyStatus = Field(JourneyStatus.as_is, description="`as-is`, `to-be` or `research`.")
    lifecycle: Lifecycle = Field(Lifecycle.draft, description="`draft`, `live` or `retired`.")
    owner: Owner = Field(description="Who owns the journey.")
    personas: list[Annotated[Id, Ref("personas")]] = Field(
        default_factory=list, description="Ids of the personas who take this journey."
    )
    tags: list[str] = Field(default_factory=list, description="Free tags, listed on the site's tags page.")
    parent: StepRef | None = Field(None, description="The step of a higher-level journey that this journey details.")
    replaces: Annotated[Id, Ref("journeys")] | None = Field(
        None, description="Id of the as-is journey this to-be journey replaces; the site compares the two."
    )
    next: Annotated[Id, Ref("journeys")] | None = Field(
        None, description="Id of the journey that usually follows this one."
    )
    metrics: list[Annotated[Id, Ref("metrics")]] = Field(
        default_factory=list, description="Ids of metrics measured for the whole journey."
    )
    phases: list[Phase] = Field(min_length=1, description="The phases of the journey, in order.")

    def steps(self) -> list[Step]:
        return [step for phase in self.phases for step in phase.steps]


COLLECTIONS: tuple[str, ...] = (
    "personas",
    "departments",
    "channels",
    "metrics",
    "insights",
    "opportunities",
    "solutions",
    "glossary",
)
