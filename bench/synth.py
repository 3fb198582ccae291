"""Synthetic portfolios of any size, for benchmarks and scale tests.

`python bench/synth.py --journeys N --out DIR [--seed S]` writes a whole project folder: DIR/journeys/
(catalogue files, one file per journey under maps/, metric data CSV under data/) and, when the repository
has one, DIR/mkdocs.yml. The portfolio is valid (`journeys check` finds no error and no warning) and shaped
like a real one:

- a macro/micro hierarchy: about one macro journey in twelve; every other journey details a step of a
  macro journey (`parent:`), a few service blueprints detail a step of a micro journey; micro journeys of
  the same macro journey are partly chained with `next:` (always forwards, so never a cycle);
- ~10 steps a journey in 3-4 phases, with owners, touchpoints, pain points, insights, opportunities,
  solutions and metrics; every opportunity is referenced by at least one step;
- metric data: weekly aggregated values over 5 years for every journey-level metric and a few step
  metrics, a few segmented series, and raw survey responses for one journey in ten (8-12 answers a week, so
  a month has more than the default minimum of 30), which keeps N=1,000 near 100 MB.

Everything comes from one `random.Random(seed)` and fixed dates, so the same seed gives byte-identical
files. Only the standard library and PyYAML are used; text is drawn from small word lists.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import random
import shutil
import sys
from pathlib import Path

import yaml

try:
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper

REPO = Path(__file__).resolve().parent.parent
END = _dt.date(2025, 12, 29)  # a Monday; fixed so that output never depends on the day it is made
WEEKS = 261  # five years of weeks
CHUNK = 1000  # entries per catalogue file, so no file nears the loader's size limit

PRODUCTS = [
    "home insurance",
    "car insurance",
    "travel insurance",
    "pension",
    "savings account",
    "mortgage",
    "current account",
    "credit card",
    "broadband",
    "energy supply",
    "mobile contract",
    "pet insurance",
    "life cover",
    "business loan",
    "student account",
    "gym membership",
    "rail pass",
    "parking permit",
]
VERBS = [
    "get",
    "buy",
    "renew",
    "change",
    "cancel",
    "claim on",
    "pay for",
    "compare",
    "switch",
    "move",
    "update",
    "close",
    "upgrade",
    "pause",
    "transfer",
    "complain about",
    "set up",
    "check",
    "top up",
    "review",
]
OBJECTS = [
    "policy",
    "quote",
    "payment",
    "address",
    "account",
    "contract",
    "plan",
    "direct debit",
    "bill",
    "documents",
    "card",
    "claim",
    "refund",
    "booking",
    "profile",
    "cover",
    "statement",
    "tariff",
]
STEP_VERBS = [
    "Find",
    "Read",
    "Fill in",
    "Upload",
    "Confirm",
    "Compare",
    "Call about",
    "Wait for",
    "Check",
    "Sign",
    "Pay",
    "Choose",
    "Download",
    "Ask about",
    "Receive",
    "Review",
    "Correct",
    "Share",
    "Book",
    "Chase",
]
STEP_OBJECTS = [
    "the form",
    "the price",
    "my details",
    "the documents",
    "the options",
    "a reply",
    "the letter",
    "the contract",
    "the terms",
    "the app",
    "the appointment",
    "my identity",
    "the invoice",
    "the confirmation",
    "the renewal notice",
    "the helpline",
    "the photos",
    "the summary",
    "the welcome pack",
    "the delivery slot",
]
PHASE_NAMES = [
    "Discover",
    "Consider",
    "Decide",
    "Apply",
    "Onboard",
    "Use",
    "Get help",
    "Pay",
    "Change",
    "Renew",
    "Leave",
    "Resolve",
]
FEELINGS = [
    "Confused",
    "Hopeful",
    "Anxious",
    "Relieved",
    "Frustrated",
    "Calm",
    "Impatient",
    "Reassured",
    "Annoyed",
    "Pleased",
    "Overwhelmed",
    "Confident",
]
WORDS = (
    "the customer wants to know what happens next and how long it takes before anything changes "
    "they look for the answer online first then call when the page does not say it clearly "
    "most people expect a reply within a day and a simple way to see progress without asking again "
    "staff need the full history of the case on one screen instead of four systems and a spreadsheet "
    "the letter uses words nobody outside the company understands so people phone to ask what it means "
    "a short message at the right moment saves a call and makes the wait feel shorter"
).split()
FIRST = [
    "Alex",
    "Sam",
    "Priya",
    "Jon",
    "Maria",
    "Chen",
    "Fatima",
    "Ola",
    "Luca",
    "Hannah",
    "Omar",
    "Ines",
    "Tom",
    "Aisha",
    "Ben",
    "Mei",
    "Kofi",
    "Sara",
    "Ivan",
    "Noor",
]
LAST = ["Shah", "Smith", "Okafor", "Novak", "Garcia", "Lee", "Brown", "Khan", "Rossi", "Jensen", "Ito", "Silva"]
CHANNELS = [
    ("website", "Website", True),
    ("mobile-app", "Mobile app", True),
    ("email", "Email", True),
    ("sms", "Text message", True),
    ("chat", "Web chat", True),
    ("phone", "Phone", False),
    ("letter", "Letter", False),
    ("branch", "Branch", False),
    ("broker", "Broker", False),
    ("field-visit", "Field visit", False),
]
DEPARTMENT_NAMES = [
    "Sales",
    "Digital",
    "Customer Service",
    "Claims",
    "Billing",
    "Operations",
    "Marketing",
    "Compliance",
    "IT",
    "Retention",
    "Partnerships",
    "Field Services",
    "Complaints",
    "Legal",
    "Pricing",
    "Onboarding",
]
SYSTEMS = [
    "CRM",
    "Policy admin",
    "Billing engine",
    "Document store",
    "Telephony",
    "Web CMS",
    "Data lake",
    "Case manager",
    "Payments gateway",
    "Identity service",
]
TAGS = [
    "quick-win",
    "regulatory",
    "digital-first",
    "cost-to-serve",
    "vulnerable-customers",
    "self-service",
    "retention",
    "complaints",
    "accessibility",
    "growth",
]
SEGMENTS = ["new", "existing"]
# (kind, unit, direction, target, warning, low, high, name): survey kinds come first, they may get raw data
METRIC_KINDS = [
    ("nps", "pts", "higher-is-better", 30, 10, -100, 100, "NPS"),
    ("csat", "%", "higher-is-better", 80, 70, 0, 100, "CSAT"),
    ("ces", "", "lower-is-better", 2.5, 3.5, 1, 7, "effort score"),
    ("rate", "%", "higher-is-better", 75, 60, 0, 100, "completion rate"),
    ("rate", "%", "lower-is-better", 10, 20, 0, 100, "drop-out rate"),
    ("count", "", "lower-is-better", 50, 120, 0, 10_000, "complaints"),
    ("duration", "min", "lower-is-better", 15, 30, 0, 1_000, "time to complete"),
]
SURVEY = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:70].strip("-")


class Synth:
    """Draws one portfolio from a seed; `write(out)` puts it on disk."""

    def __init__(self, journeys: int, seed: int = 1):
        if journeys < 1:
            raise ValueError("at least one journey")
        self.n = journeys
        self.rng = random.Random(seed)
        self.used_ids: set[str] = set()

    # ------------------------------------------------------------------ helpers
    def unique(self, base: str) -> str:
        ident, k = base, 2
        while ident in self.used_ids:
            ident = f"{base}-{k}"
            k += 1
        self.used_ids.add(ident)
        return ident

    def sentence(self, lo: int = 8, hi: int = 16) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(lo, hi))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def pick(self, pool: list[str], k: int) -> list[str]:
        return sorted(self.rng.sample(pool, min(k, len(pool))))

    # ------------------------------------------------------------------ catalogue
    def catalogue(self) -> None:
        r, n = self.rng, self.n
        self.departments = {}
        for i in range(8 + n // 50):
            name = DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)] + (
                "" if i < len(DEPARTMENT_NAMES) else f" {i // len(DEPARTMENT_NAMES) + 1}"
            )
            self.departments[slug(name)] = {"name": name, "description": self.sentence(), "lead": self.person()}
        self.dept_ids = list(self.departments)
        self.channels = {
            cid: {"name": name, "digital": digital, "description": self.sentence(6, 10)}
            for cid, name, digital in CHANNELS
        }
        self.channel_ids = list(self.channels)
        self.personas = {}
        for i in range(6 + n // 25):
            name = (
                f"{r.choice(['Busy', 'Careful', 'First-time', 'Loyal', 'Retired', 'Young', 'Small-business', 'Digital-first'])} "
                f"{r.choice(['parent', 'saver', 'buyer', 'renter', 'homeowner', 'driver', 'student', 'owner', 'traveller'])}"
            )
            pid = slug(name)
            pid = pid if pid not in self.personas else f"{pid}-{i}"
            self.personas[pid] = {
                "name": name,
                "description": self.sentence(),
                "segment": r.choice(["retail", "premium", "business", "staff"]),
                "goals": [self.sentence(5, 9) for _ in range(2)],
                "frustrations": [self.sentence(5, 9) for _ in range(2)],
                "quote": self.sentence(6, 12),
            }
        self.persona_ids = list(self.personas)
        self.metrics = {}
        self.metric_kind: dict[str, tuple] = {}
        for i in range(8 + n // 4):
            spec = METRIC_KINDS[i % len(METRIC_KINDS)]
            kind, unit, direction, target, warning, _, _, label = spec
            product = PRODUCTS[(i // len(METRIC_KINDS)) % len(PRODUCTS)]
            mid = self.unique(slug(f"{product} {label}"))
            self.metrics[mid] = {
                "name": f"{product.capitalize()} {label}",
                "kind": kind,
                "unit": unit,
                "direction": direction,
                "target": target,
                "warning": warning,
                "description": self.sentence(),
            }
            self.metric_kind[mid] = spec
        self.metric_ids = list(self.metrics)
        self.survey_ids = [m for m in self.metric_ids if self.metric_kind[m][0] in SURVEY]
        self.insights = {}
        for i in range(2 * n + 5):
            iid = f"insight-{i + 1:05d}"
            day = END - _dt.timedelta(days=r.randrange(5 * 365))
            self.insights[iid] = {
                "statement": self.sentence(),
                "evidence": self.sentence(10, 24),
                "source": r.choice(
                    [
                        "Diary study",
                        "NPS verbatims",
                        "Call listening",
                        "Usability test",
                        "Complaints analysis",
                        "Staff interviews",
                    ]
                ),
                "date": day,
            }
        self.insight_ids = list(self.insights)
        self.opportunities = {}
        for i in range(n + n // 2 + 3):
            oid = f"opportunity-{i + 1:05d}"
            self.opportunities[oid] = {
                "title": "How might we " + self.sentence(5, 9)[:-1].lower() + "?",
                "description": self.sentence(10, 20),
                "impact": r.randint(1, 5),
                "effort": r.randint(1, 5),
                "reach": r.randint(1, 5),
                "status": r.choice(["new", "exploring", "committed", "done", "parked"]),
                "insights": self.pick(self.insight_ids, r.randint(1, 3)),
            }
        self.opportunity_ids = list(self.opportunities)
        self.solutions = {}
        for i in range(n // 2 + 2):
            sid = f"solution-{i + 1:05d}"
            self.solutions[sid] = {
                "title": self.sentence(3, 6)[:-1],
                "description": self.sentence(10, 20),
                "owner": r.choice(self.dept_ids),
                "status": r.choice(["idea", "planned", "in-progress", "shipped"]),
                "opportunities": self.pick(self.opportunity_ids, r.randint(1, 2)),
            }
        self.solution_ids = list(self.solutions)
        self.glossary = {
            slug(w): {"term": w, "definition": self.sentence()}
            for w in [
                "Escape of water",
                "Excess",
                "Cooling-off period",
                "Direct debit",
                "Renewal",
                "Moment of truth",
                "Touchpoint",
                "Service blueprint",
                "Backstage",
                "Persona",
            ]
        }

    # ------------------------------------------------------------------ journeys
    def hierarchy(self) -> None:
        """Decide every journey's id, level, parent step and next journey (forward links only: no cycle)."""
        r, n = self.rng, self.n
        n_macro = max(1, round(n / 12))
        n_blue = n // 20 if n >= 20 else 0
        n_micro = n - n_macro - n_blue
        self.plan: list[dict] = []
        for i in range(n_macro):
            product = PRODUCTS[i % len(PRODUCTS)]
            title = f"My {product} from start to finish"
            self.plan.append(
                {"id": self.unique(slug(f"{product} lifecycle")), "title": title, "level": "macro", "children": []}
            )
        macros = list(self.plan)
        micros: list[dict] = []
        for i in range(n_micro):
            macro = macros[i % n_macro]
            verb, obj = r.choice(VERBS), r.choice(OBJECTS)
            product = PRODUCTS[macros.index(macro) % len(PRODUCTS)]
            title = f"I {verb} my {product} {obj}"
            entry = {
                "id": self.unique(slug(f"{verb} {product} {obj}")),
                "title": title,
                "level": "micro",
                "macro": macro,
                "children": [],
            }
            macro["children"].append(entry)
            micros.append(entry)
            self.plan.append(entry)
        for i in range(n_blue):
            micro = micros[(i * 7) % len(micros)]
            title = f"Behind the scenes: {micro['title'][2:]}"
            entry = {
                "id": self.unique(slug(f"{micro['id']} blueprint")),
                "title": title,
                "level": "service-blueprint",
                "micro": micro,
                "children": [],
            }
            micro["children"].append(entry)
            self.plan.append(entry)
        # next: chains among the micros of one macro, and among macros, always to a later sibling
        for group in [macros] + [m["children"] for m in macros]:
            for a, b in zip(group, group[1:]):
                if r.random() < 0.6:
                    a["next"] = b["id"]

    def journey(self, entry: dict) -> dict:
        r = self.rng
        phases = []
        n_phases = r.randint(3, 4)
        n_steps = r.randint(8, 12)
        counts = [1] * n_phases
        for _ in range(n_steps - n_phases):
            counts[r.randrange(n_phases)] += 1
        names = r.sample(PHASE_NAMES, n_phases)
        used_steps: set[str] = set()
        all_steps = []
        for pname, count in zip(names, counts):
            steps = []
            for _ in range(count):
                name = f"{r.choice(STEP_VERBS)} {r.choice(STEP_OBJECTS)}"
                sid, k = slug(name), 2
                while sid in used_steps:
                    sid, k = f"{slug(name)}-{k}", k + 1
                used_steps.add(sid)
                owner = r.choice(self.dept_ids)
                step = {
                    "id": sid,
                    "name": name,
                    "description": self.sentence(),
                    "owner": owner,
                    "does": self.sentence(6, 12),
                    "thinks": self.sentence(6, 12)[:-1] + "?",
                    "feels": r.choice(FEELINGS),
                    "emotion": r.randint(1, 5),
                }
                if r.random() < 0.15:
                    step["moment_of_truth"] = True
                step["touchpoints"] = [
                    {
                        "name": f"{r.choice(['Online', 'Printed', 'Spoken', 'Automated'])} {r.choice(STEP_OBJECTS)[4:]}",
                        "channel": r.choice(self.channel_ids),
                        "department": r.choice([owner, r.choice(self.dept_ids)]),
                        "assumed_importance": r.randint(1, 5),
                        "validated_importance": r.randint(1, 5),
                    }
                    for _ in range(r.randint(1, 2))
                ]
                step["pain_points"] = [self.sentence(8, 18) for _ in range(r.randint(0, 2))]
                if r.random() < 0.4:
                    step["highlights"] = [self.sentence(6, 12)]
                if entry["level"] == "service-blueprint" or r.random() < 0.2:
                    step["backstage"] = [self.sentence(6, 12)]
                    step["systems"] = self.pick(SYSTEMS, r.randint(1, 3))
                if r.random() < 0.5:
                    step["insights"] = self.pick(self.insight_ids, r.randint(1, 2))
                if r.random() < 0.3:
                    step["solutions"] = self.pick(self.solution_ids, 1)
                if not step["pain_points"]:
                    del step["pain_points"]
                steps.append(step)
                all_steps.append(step)
            phases.append({"id": slug(pname), "name": pname, "description": self.sentence(6, 12), "steps": steps})
        entry["steps"] = [s["id"] for s in all_steps]
        entry["step_dicts"] = all_steps
        metrics = self.pick(self.metric_ids, r.randint(2, 3))
        if entry["raw"]:
            survey = r.choice(self.survey_ids)
            if survey not in metrics:
                metrics = sorted(metrics[:-1] + [survey])
            entry["raw_metric"] = survey
        entry["metrics"] = metrics
        for step in r.sample(all_steps, 1):
            step["metrics"] = self.pick(self.metric_ids, 1)
        data: dict = {
            "title": entry["title"],
            "description": self.sentence(12, 24),
            "goal": self.sentence(6, 12),
            "type": r.choices(["customer", "employee", "partner"], [75, 15, 10])[0],
            "level": entry["level"],
            "status": r.choices(["as-is", "to-be", "research"], [70, 20, 10])[0],
            "lifecycle": r.choices(["live", "draft", "retired"], [70, 20, 10])[0],
            "owner": {"person": self.person(), "department": r.choice(self.dept_ids)},
            "personas": self.pick(self.persona_ids, r.randint(1, 2)),
            "tags": self.pick(TAGS, r.randint(0, 2)),
        }
        if not data["tags"]:
            del data["tags"]
        if "macro" in entry:
            data["parent"] = {"journey": entry["macro"]["id"], "step": None}
        elif "micro" in entry:
            data["parent"] = {"journey": entry["micro"]["id"], "step": None}
        if "next" in entry:
            data["next"] = entry["next"]
        data["metrics"] = metrics
        data["phases"] = phases
        return data

    def journeys(self) -> None:
        r = self.rng
        self.data: dict[str, dict] = {}
        for i, entry in enumerate(self.plan):
            entry["raw"] = i % 10 == 2 and bool(self.survey_ids)
            entry["segmented"] = i % 10 == 3
            self.data[entry["id"]] = self.journey(entry)
        # parent steps: children spread over their parent's steps, now that every journey has its steps
        for entry in self.plan:
            for k, child in enumerate(entry["children"]):
                self.data[child["id"]]["parent"]["step"] = entry["steps"][k % len(entry["steps"])]
        # every opportunity is referenced by some step; a few steps reference two
        all_steps = [s for e in self.plan for s in e["step_dicts"]]
        for oid in self.opportunity_ids:
            step = r.choice(all_steps)
            step.setdefault("opportunities", [])
            if oid not in step["opportunities"]:
                step["opportunities"].append(oid)
        for step in all_steps:
            if "opportunities" in step:
                step["opportunities"].sort()
        # keys in a readable order: the lists added late go before `metrics:`
        order = [
            "id",
            "name",
            "description",
            "owner",
            "does",
            "thinks",
            "feels",
            "emotion",
            "moment_of_truth",
            "touchpoints",
            "pain_points",
            "highlights",
            "backstage",
            "systems",
            "insights",
            "opportunities",
            "solutions",
            "metrics",
        ]
        for step in all_steps:
            items = {k: step[k] for k in order if k in step}
            step.clear()
            step.update(items)

    # ------------------------------------------------------------------ metric data
    def walk(self, spec: tuple, n: int) -> list[float]:
        kind, _, direction, target, warning, low, high, _ = spec
        r = self.rng
        spread = abs(target - warning) or 1.0
        value = target + (r.random() - 0.6) * 2 * spread
        out = []
        for _ in range(n):
            value += (r.random() - 0.5) * spread * 0.3 + (target - value) * 0.05
            out.append(min(high, max(low, value)))
        return out

    def csv_files(self) -> dict[str, str]:
        r = self.rng
        days = [(END - _dt.timedelta(weeks=WEEKS - 1 - w)).isoformat() for w in range(WEEKS)]
        files: dict[str, str] = {}
        for entry in self.plan:
            jid = entry["id"]
            rows = ["date,metric,journey,step,value,segment"]
            series: list[tuple[str, str, str]] = []
            for metric in entry["metrics"]:
                if metric != entry.get("raw_metric"):
                    series.append((metric, "", ""))
            if entry["segmented"] and series:
                series += [(series[0][0], "", seg) for seg in SEGMENTS]
            for step in entry["step_dicts"]:
                for metric in step.get("metrics", []):
                    series.append((metric, step["id"], ""))
            for metric, step, segment in series:
                spec = self.metric_kind[metric]
                whole = spec[0] == "count"
                for day, value in zip(days, self.walk(spec, WEEKS)):
                    text = str(round(value)) if whole else f"{value:.1f}"
                    rows.append(f"{day},{metric},{jid},{step},{text},{segment}")
            files[f"{jid}.csv"] = "\n".join(rows) + "\n"
            if entry.get("raw_metric"):
                metric = entry["raw_metric"]
                low, high = SURVEY[self.metric_kind[metric][0]]
                rows = ["date,metric,journey,step,score"]
                day0 = END - _dt.timedelta(weeks=WEEKS - 1)
                bias = r.random()
                for w in range(WEEKS):
                    for _ in range(r.randint(8, 12)):
                        day = (day0 + _dt.timedelta(days=7 * w + r.randrange(7))).isoformat()
                        x = max(r.random(), r.random()) if r.random() < bias else r.random()
                        rows.append(f"{day},{metric},{jid},,{low + int(x * (high - low + 1))}")
                files[f"{jid}-responses.csv"] = "\n".join(rows) + "\n"
        return files

    # ------------------------------------------------------------------ output
    def build(self) -> dict[str, str]:
        """Every file of the portfolio folder, by path relative to it."""
        self.catalogue()
        self.hierarchy()
        self.journeys()
        files: dict[str, str] = {}
        head_c = "# yaml-language-server: $schema=../schemas/catalogue.schema.json\n"
        head_j = "# yaml-language-server: $schema=../../schemas/journey.schema.json\n"
        files["organisation.yaml"] = head_c + dump(
            {
                "organisation": {
                    "name": "Synthetic Mutual",
                    "description": f"A synthetic portfolio of {self.n} journeys.",
                },
                "departments": self.departments,
                "channels": self.channels,
                "glossary": self.glossary,
            }
        )
        files["personas.yaml"] = head_c + dump({"personas": self.personas})
        for name in ("metrics", "insights", "opportunities", "solutions"):
            entries = list(getattr(self, name).items())
            for k in range(0, len(entries), CHUNK):
                file = f"{name}.yaml" if k == 0 else f"{name}-{k // CHUNK + 1}.yaml"
                files[file] = head_c + dump({name: dict(entries[k : k + CHUNK])})
        for entry in self.plan:
            files[f"maps/{entry['id']}.yaml"] = head_j + dump(self.data[entry["id"]])
        for name, text in self.csv_files().items():
            files[f"data/{name}"] = text
        return files


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def write(journeys: int, out: Path, seed: int = 1) -> dict[str, int]:
    """Write the project folder `out` (its journeys/ folder is replaced); returns counts."""
    synth = Synth(journeys, seed)
    files = synth.build()
    root = out / "journeys"
    if root.exists():
        shutil.rmtree(root)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    write_mkdocs(out, synth)
    return {
        "journeys": len(synth.plan),
        "steps": sum(len(e["steps"]) for e in synth.plan),
        "files": len(files),
        "bytes": sum(len(t.encode()) for t in files.values()),
    }


def write_mkdocs(out: Path, synth: Synth) -> None:
    """The repository's mkdocs.yml (renamed), user guide (docs/) and theme overrides (theme/), when they exist,
    so the synthetic site builds exactly as the real one."""
    source = REPO / "mkdocs.yml"
    if not source.is_file():
        return
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("site_name:"):
            line = f"site_name: Synthetic Mutual ({synth.n} journeys)"
        lines.append(line)
    (out / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for folder in ("docs", "theme"):
        if (REPO / folder).is_dir():
            shutil.rmtree(out / folder, ignore_errors=True)
            shutil.copytree(REPO / folder, out / folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, required=True, help="how many journeys")
    parser.add_argument("--out", type=Path, required=True, help="the project folder to write")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    args = parser.parse_args(argv)
    if args.journeys < 1:
        parser.error("--journeys must be at least 1")
    counts = write(args.journeys, args.out, args.seed)
    print(
        f"wrote {counts['journeys']} journeys, {counts['steps']} steps, {counts['files']} files, "
        f"{counts['bytes'] / 1e6:.1f} MB into {args.out / 'journeys'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
