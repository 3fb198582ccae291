"""`journeys rename` and `journeys remove`: on the example portfolio in scripted git repositories.

Every kind is renamed and removed with --cascade; each time `journeys check` stays clean, every comment of
the touched files is kept (comments are added all over the copy first), and the lines that do not name the
id are byte-identical. `--dry-run` writes nothing and prints a patch that `git apply` turns into the same
result. Refusals (unknown id, clash, a portfolio that would be invalid, a required reference) change nothing.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_cli

from generator.load.check import check
from generator.model.refs import iter_references

ENV = {
    "GIT_AUTHOR_NAME": "Ann",
    "GIT_AUTHOR_EMAIL": "ann@example.org",
    "GIT_AUTHOR_DATE": "2026-01-01T10:00:00Z",
    "GIT_COMMITTER_NAME": "Ann",
    "GIT_COMMITTER_EMAIL": "ann@example.org",
    "GIT_COMMITTER_DATE": "2026-01-01T10:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo, *args: str, data: str | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **ENV}, capture_output=True, text=True, input=data, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _commented(text: str, name: str) -> str:
    """The file with a comment line before every entry and list item of a mapping, and inline comments."""
    out = []
    for n, line in enumerate(text.splitlines(keepends=True)):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if stripped.startswith("- id:") or (re.match(r"[a-z_-]+:", stripped) and indent <= 2):
            out.append(" " * indent + f"# keep {name} {n}\n")
        if re.match(r"(personas|metrics|insights|opportunities|solutions): \[", stripped):
            line = line.rstrip("\n") + f"  # keep inline {name} {n}\n"
        out.append(line)
    return "".join(out)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The example with comments everywhere, committed in a git repository."""
    repo = tmp_path_factory.mktemp("template")
    shutil.copytree(EXAMPLE, repo / "journeys")
    for path in (repo / "journeys").rglob("*.yaml"):
        path.write_text(_commented(path.read_text(encoding="utf-8"), path.stem), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The example, commented")
    result = run_cli("check", cwd=repo)
    assert result.returncode == 0, result.stdout
    return repo


@pytest.fixture
def repo(template, tmp_path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(template, target, symlinks=True)
    return target


def snapshot(repo: Path) -> dict[str, str]:
    return {
        p.relative_to(repo).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((repo / "journeys").rglob("*"))
        if p.is_file()
    }


def comments(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"# keep[^\n]*", text)]


def changed_files(repo: Path) -> list[tuple[str, str, str]]:
    """(status, old path, new path) of every change against HEAD, renames found as git finds them."""
    git(repo, "add", "-A")
    out = []
    for line in git(repo, "diff", "--cached", "--name-status", "-M", "HEAD").splitlines():
        status, *paths = line.split("\t")
        out.append((status[0], paths[0], paths[-1]))
    return out


def assert_clean(repo: Path, warnings: bool = False) -> None:
    result = run_cli("check", cwd=repo)
    assert result.returncode == 0, result.stdout
    last = result.stdout.splitlines()[-1]
    assert last.startswith("✓ ") and (warnings or last.endswith("0 errors, 0 warnings")), last


RENAMES = [
    ("journey", "make-a-claim", "claim-for-damage"),
    ("step", "make-a-claim/upload-photos-of-the-damage", "send-photos"),
    ("persona", "busy-family", "family"),
    ("department", "digital", "digital-team"),
    ("channel", "web", "website"),
    ("metric", "claims-csat", "claim-satisfaction"),
    ("insight", "jargon-at-cover-step", "jargon"),
    ("opportunity", "plain-english-cover", "plain-cover"),
    ("solution", "claim-tracker", "tracker"),
    ("lane", "regulation", "rules"),
]


@pytest.mark.parametrize("kind,old,new", RENAMES, ids=[r[0] for r in RENAMES])
def test_rename_each_kind_everywhere_keeping_every_other_byte(repo, kind, old, new):
    before = {p: (repo / p).read_text(encoding="utf-8") for p in snapshot(repo)}
    result = run_cli("rename", kind, old, new, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"renamed {kind} '{old}' → '{new}':\n  ")
    assert_clean(repo)
    old_id = old.split("/")[-1]
    changes = changed_files(repo)
    assert changes
    for status, a, b in changes:
        assert status in "MR", (status, a, b)
        old_lines = before[a].splitlines(keepends=True)
        new_lines = (repo / b).read_text(encoding="utf-8").splitlines(keepends=True)
        assert len(old_lines) == len(new_lines), a
        for x, y in zip(old_lines, new_lines, strict=True):
            if x != y:
                # only lines naming the id change, and only that id in them
                token = re.compile(rf"(?<![a-z0-9-]){re.escape(old_id)}(?![a-z0-9-])")
                assert token.search(x) and token.sub(new, x) == y, (a, x, y)
        if a.endswith(".yaml"):
            assert comments(before[a]) == comments("".join(new_lines)), a
    # nothing refers to the old id any more; the new one is referenced or defined
    portfolio, report = check(repo / "journeys", base=repo)
    assert not report.errors
    kind_key = {"journey": "journeys", "step": "steps"}.get(
        kind, kind + "s" if kind != "opportunity" else "opportunities"
    )
    assert not [r for r in iter_references(portfolio) if r.kind == kind_key and r.target == old_id]
    if kind == "journey":
        assert ("R", f"journeys/maps/{old}.yaml", f"journeys/maps/{new}.yaml") in changes
        assert new in portfolio.journeys and old not in portfolio.journeys
        assert "journeys/maps/make-a-claim.yaml → journeys/maps/claim-for-damage.yaml" in result.stdout
        assert "journeys/data/survey-responses.csv: 5,826 metric data rows" in result.stdout


def test_a_journey_rename_is_a_git_mv(repo):
    result = run_cli("rename", "journey", "let-my-old-flat", "let-my-flat", cwd=repo)
    assert result.returncode == 0, result.stderr
    # staged as a rename without `git add`: history follows the file
    assert git(repo, "status", "--porcelain", "--", "journeys/maps") == (
        "R  journeys/maps/let-my-old-flat.yaml -> journeys/maps/let-my-flat.yaml"
    )


REMOVALS = [
    ("journey", "make-a-claim"),
    ("step", "make-a-claim/upload-photos-of-the-damage"),
    ("persona", "busy-family"),
    ("department", "underwriting"),  # a department used where it may go: step owners, touchpoints
    ("channel", "web"),
    ("metric", "claims-csat"),
    ("insight", "jargon-at-cover-step"),
    ("opportunity", "plain-english-cover"),
    ("solution", "claim-tracker"),
    ("lane", "regulation"),
]


@pytest.mark.parametrize("kind,ident", REMOVALS, ids=[r[0] for r in REMOVALS])
def test_remove_cascade_each_kind_leaves_check_clean_and_keeps_comments(repo, kind, ident):
    before = {p: (repo / p).read_text(encoding="utf-8") for p in snapshot(repo)}
    files = snapshot(repo)
    refused = run_cli("remove", kind, ident, cwd=repo)
    if refused.returncode == 1:
        # used somewhere: listed, nothing changed
        assert refused.stderr.startswith(
            f"journeys remove: error: {kind} '{ident}' is still used; removing it would break:\n  journeys/"
        ), refused.stderr
        assert refused.stderr.endswith("nothing changed [with --cascade these go too; or change them first]\n")
        assert snapshot(repo) == files
    result = run_cli("remove", kind, ident, "--cascade", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"removed {kind} '{ident}':\n  ")
    assert_clean(repo, warnings=kind == "department")  # steps without an owner are a governance warning
    for status, a, b in changed_files(repo):
        if status == "D":
            assert kind == "journey" and a == f"journeys/maps/{ident}.yaml"
            continue
        assert status == "M"
        if a.endswith(".yaml"):
            old_lines = before[a].splitlines(keepends=True)
            new_lines = (repo / b).read_text(encoding="utf-8").splitlines(keepends=True)
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
                if op == "replace" and i2 - i1 == j2 - j1:
                    # an edited line keeps its comment
                    for x, y in zip(old_lines[i1:i2], new_lines[j1:j2], strict=True):
                        assert comments(x) == comments(y), (a, x, y)
                elif op in ("delete", "replace"):
                    # only whole entries go: never a comment line of their own, at most an inline comment
                    assert not [c for c in comments("".join(old_lines[i1:i2])) if "inline" not in c], (
                        a,
                        old_lines[i1:i2],
                    )
                    assert j2 - j1 <= 1, (a, new_lines[j1:j2])
        elif a.endswith(".csv"):
            old_lines, new_lines = before[a].splitlines(), (repo / b).read_text(encoding="utf-8").splitlines()
            column = {"journey": 2, "metric": 1, "step": 3}[kind]
            assert new_lines == [ln for ln in old_lines if ln.split(",")[column] != ident.split("/")[-1]]
    portfolio, _ = check(repo / "journeys", base=repo)
    target = ident.split("/")[-1]
    kind_key = {"journey": "journeys", "step": "steps", "opportunity": "opportunities"}.get(kind, kind + "s")
    assert not [r for r in iter_references(portfolio) if r.kind == kind_key and r.target == target]


def test_dry_run_writes_nothing_and_its_patch_gives_the_same_result(repo, tmp_path):
    files = snapshot(repo)
    for args in (
        ("rename", "journey", "make-a-claim", "claim-for-damage"),
        ("remove", "persona", "busy-family", "--cascade"),
    ):
        dry = run_cli(*args, "--dry-run", cwd=repo)
        assert dry.returncode == 0, dry.stderr
        assert snapshot(repo) == files
        assert dry.stdout.startswith("diff --git a/journeys/")
        assert dry.stderr.startswith(f"would have {args[0]}d {args[1]} '{args[2]}'")
        git(repo, "apply", data=dry.stdout)
        applied = snapshot(repo)
        git(repo, "reset", "-q", "--hard")
        git(repo, "clean", "-qfd")
        real = run_cli(*args, cwd=repo)
        assert real.returncode == 0
        assert snapshot(repo) == applied
        git(repo, "reset", "-q", "--hard")
        git(repo, "clean", "-qfd")


def test_refusals_change_nothing(repo):
    files = snapshot(repo)
    cases = [
        (
            ("rename", "persona", "busy-famly", "family"),
            "journeys rename: error: unknown persona 'busy-famly' [did you mean 'busy-family'?]\n",
        ),
        (
            ("rename", "step", "make-a-claim/upload-photos", "x"),
            (
                "journeys rename: error: unknown step 'upload-photos' in journey 'make-a-claim' "
                "[did you mean 'upload-photos-of-the-damage'?]\n"
            ),
        ),
        (
            ("rename", "persona", "busy-family", "first-time-buyer"),
            (
                "journeys rename: error: persona 'first-time-buyer' already exists (journeys/personas.yaml): choose "
                "another id, or remove one of them first\n"
            ),
        ),
        (
            ("rename", "journey", "make-a-claim", "get-a-quote"),
            (
                "journeys rename: error: journey 'get-a-quote' already exists (journeys/maps/get-a-quote.yaml): choose "
                "another id\n"
            ),
        ),
        (
            ("rename", "channel", "web", "Web Site"),
            (
                "journeys rename: error: 'Web Site' is not a valid id [lowercase letters, digits and dashes, e.g. "
                "'web-site']\n"
            ),
        ),
        (
            ("remove", "solution", "claim-trackr"),
            "journeys remove: error: unknown solution 'claim-trackr' [did you mean 'claim-tracker'?]\n",
        ),
    ]
    for args, message in cases:
        result = run_cli(*args, cwd=repo)
        assert (result.returncode, result.stderr, result.stdout) == (1, message, ""), args
    result = run_cli("remove", "department", "digital", "--cascade", cwd=repo)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "journeys remove: error: department 'digital' is required where it is used, "
        "so --cascade cannot remove it there:\n  journeys/backlog.yaml:"
    )
    assert (
        "journeys/maps/buy-a-policy.yaml:" in result.stderr
        and "journey 'buy-a-policy', owner.department" in result.stderr
    )
    assert result.stderr.endswith("nothing changed [give them another department first]\n")
    assert snapshot(repo) == files


def test_a_portfolio_it_cannot_make_valid_is_refused(repo):
    # an error the rename does not touch: the result would still be invalid, so nothing is written
    path = repo / "journeys/maps/get-a-quote.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    files = snapshot(repo)
    result = run_cli("rename", "persona", "busy-family", "family", cwd=repo)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        "journeys rename: error: refused, nothing written: the portfolio would have 2 errors "
        "(2 errors already there before: fix them first, journeys check)"
    )
    assert any(line.startswith("journeys/maps/get-a-quote.yaml:") and "unknown key 'titel'" in line for line in lines)
    assert snapshot(repo) == files


def test_a_step_renamed_inside_a_parent_link_of_another_journey(portfolio, tmp_path):
    portfolio(
        {
            "maps/detail.yaml": """\
title: Pay in detail
description: The payment, step by step.
owner: {person: Ann, department: sales}
parent: {journey: buy, step: browse}  # where it fits
phases:
  - id: card
    name: Card
    steps:
      - id: type-card
        name: Type the card number
"""
        }
    )
    result = run_cli("rename", "step", "buy/browse", "buy/look-around", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "renamed step 'buy/browse' → 'buy/look-around':\n"
        "  journeys/maps/buy.yaml:13: the step's id\n"
        "  journeys/maps/detail.yaml:4: 1 reference\n"
    )
    assert "parent: {journey: buy, step: look-around}  # where it fits\n" in (
        tmp_path / "journeys/maps/detail.yaml"
    ).read_text(encoding="utf-8")
    buy = (tmp_path / "journeys/maps/buy.yaml").read_text(encoding="utf-8")
    assert "      - id: look-around\n        name: Browse the shop\n" in buy
    result = run_cli("remove", "step", "buy/pay", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        (
            "journeys remove: error: step 'buy/pay' is the only step of "
            "its phase: remove the phase in journeys/maps/buy.yaml instead "
            "(a phase needs a step)\n"
        ),
    )
    result = run_cli("remove", "step", "buy/look-around", "--cascade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "journeys/maps/detail.yaml").read_text(encoding="utf-8")
    assert "parent" not in text and text.startswith(
        "title: Pay in detail\ndescription: The payment, step by step.\n"
        "owner: {person: Ann, department: sales}\nphases:\n"
    )
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_rename_reaches_verbatims_and_pain_points(repo):
    """A verbatim's persona and a pain point's insight are references like any other: renamed with their target."""
    assert run_cli("rename", "persona", "retired-homeowner", "retiree", cwd=repo).returncode == 0
    assert run_cli("rename", "insight", "phone-first-written-follow-up", "written-follow-up", cwd=repo).returncode == 0
    assert_clean(repo)
    portfolio, report = check(repo / "journeys", base=repo)
    assert not report.errors
    # the explore page's named view of that persona follows it too
    assert [v.query for v in portfolio.organisation.views if "persona=" in v.query] == [
        "kind=pain-point&persona=retiree"
    ]
    steps = portfolio.journeys["make-a-claim"].steps()
    said = {v.persona for s in steps for v in s.verbatims}
    assert "retiree" in said and "retired-homeowner" not in said
    insights = {p.insight for s in steps for p in s.pain_points}
    assert "written-follow-up" in insights and "phone-first-written-follow-up" not in insights


def test_a_custom_lane_renamed_and_removed_in_the_steps_that_fill_it(repo):
    """A lane is named by a key under a step's `lanes:`: renaming renames those keys, removing with --cascade
    removes the entries, and `lanes:` itself from a step that fills no other lane."""
    claim = repo / "journeys/maps/make-a-claim.yaml"
    before = claim.read_text(encoding="utf-8")
    result = run_cli("rename", "lane", "regulation", "rules", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "renamed lane 'regulation' → 'rules':\n"
        "  journeys/organisation.yaml:185: the definition\n"
        "  journeys/maps/make-a-claim.yaml:140,266: 2 references\n"
    )
    assert_clean(repo)
    after = claim.read_text(encoding="utf-8")
    assert after == before.replace("          regulation:\n", "          rules:\n")
    portfolio, _ = check(repo / "journeys", base=repo)
    assert list(portfolio.lanes) == ["rules"]
    filled = [s.id for s in portfolio.journeys["make-a-claim"].steps() if "rules" in s.lanes]
    assert filled == ["report-on-the-claims-helpline", "chase-the-claim-for-an-update"]
    # a step filling two lanes keeps the other when one is removed
    organisation = repo / "journeys/organisation.yaml"
    organisation.write_text(
        organisation.read_text(encoding="utf-8") + "  promise:\n    name: Our promise\n", encoding="utf-8"
    )
    claim.write_text(
        after.replace("          rules:\n", "          promise: We call back within the hour.\n          rules:\n", 1),
        encoding="utf-8",
    )
    refused = run_cli("remove", "lane", "rules", cwd=repo)
    assert refused.returncode == 1
    assert refused.stderr == (
        "journeys remove: error: lane 'rules' is still used; removing it would break:\n"
        "  journeys/maps/make-a-claim.yaml:141: journey 'make-a-claim', step 'report-on-the-claims-helpline', "
        "lanes.rules\n"
        "  journeys/maps/make-a-claim.yaml:267: journey 'make-a-claim', step 'chase-the-claim-for-an-update', "
        "lanes.rules\n"
        "nothing changed [with --cascade these go too; or change them first]\n"
    )
    result = run_cli("remove", "lane", "rules", "--cascade", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert_clean(repo)
    portfolio, _ = check(repo / "journeys", base=repo)
    assert list(portfolio.lanes) == ["promise"]
    lanes = {s.id: s.lanes for s in portfolio.journeys["make-a-claim"].steps() if s.lanes}
    assert lanes == {"report-on-the-claims-helpline": {"promise": "We call back within the hour."}}
    text = claim.read_text(encoding="utf-8")
    assert "rules" not in text and text.count("        lanes:\n") == 1
