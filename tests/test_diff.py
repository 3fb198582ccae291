"""`journeys diff`: run on real temporary git repositories with scripted commits; exact Markdown."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import CATALOGUE, EXAMPLE, JOURNEY, run_cli, write_portfolio

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


def git(repo, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **ENV}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path):
    """A git repository with the tiny portfolio committed once."""
    git(tmp_path, "init", "-q", "-b", "main")
    write_portfolio(tmp_path / "journeys")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Tiny portfolio")
    return tmp_path


def short(repo, rev: str) -> str:
    return git(repo, "rev-parse", "--short", rev)


def edit(path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


CHANGED_JOURNEY = (
    JOURNEY.replace("title: I buy a thing", "title: I purchase a thing")
    .replace("lifecycle: live\n", "status: to-be\nlifecycle: live\n")
    .replace(
        """\
    steps:
      - id: browse
        name: Browse the shop
        owner: sales
        emotion: 4
""",
        """\
    steps:
      - id: compare
        name: Compare <offers>
        owner: sales
      - id: browse
        name: Browse the shop
        owner: sales
        emotion: 2
        pain_points: [The search finds *nothing*]
""",
    )
    .replace(
        """\
      - id: ask
        name: Ask a question
        owner: support
        opportunities: [faster]
""",
        "",
    )
    .replace(
        """\
      - id: pay
        name: Pay
        owner: sales
""",
        """\
      - id: pay
        name: Pay
        owner: support
        touchpoints:
          - name: Checkout
            channel: web
      - id: ask
        name: Ask a question
        owner: support
        opportunities: [faster, self-serve]
""",
    )
)


def change_everything(repo) -> None:
    git(repo, "mv", "journeys/maps/buy.yaml", "journeys/maps/purchase.yaml")
    (repo / "journeys/maps/purchase.yaml").write_text(CHANGED_JOURNEY, encoding="utf-8")
    edit(
        repo / "journeys/catalogue.yaml",
        ("    target: 30\n", "    target: 35\n"),
        (
            "solutions:\n",
            "  self-serve:\n    title: Let people help themselves\n    impact: 3\n    effort: 3\n"
            "    reach: 4\nsolutions:\n",
        ),
        (
            "    owner: support\n    opportunities: [faster]\n",
            "    owner: support\n    status: planned\n    opportunities: [faster]\n",
        ),
    )


def test_diff_between_two_commits_is_the_exact_markdown_summary(repo):
    change_everything(repo)
    git(repo, "commit", "-q", "-am", "Rework the buying journey")
    result = run_cli("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"""\
## Portfolio changes

From `HEAD~1` ({short(repo, "HEAD~1")}) to `HEAD` ({short(repo, "HEAD")}).

1 journey renamed, 1 journey changed, 3 catalogue changes.

### Journeys renamed

- `buy` → `purchase`: I purchase a thing (75% of the steps the same)

### Journey changes

#### I purchase a thing (`buy` → `purchase`)

- Retitled: “I buy a thing” → “I purchase a thing”
- Status as-is → to-be
- Step added: **Compare \\<offers\\>** (`compare`) in *Look*
- Step **Browse the shop** (`browse`): emotion 4 → 2; pain point added: “The search finds \\*nothing\\*”
- Step **Pay** (`pay`): owner `sales` → `support`; touchpoint added: “Checkout” (web)
- Step moved: **Ask a question** (`ask`) from *Look* to *Buy*
- Step **Ask a question** (`ask`): opportunity added: `self-serve`

### Metric definitions

- Metric **NPS** (`nps`): target 30 → 35

### Opportunities and solutions

- Opportunity added: **Let people help themselves** (`self-serve`): impact 3, effort 3, reach 4, new
- Solution **A chat bot** (`bot`): status idea → planned
"""
    )


def test_unchanged_portfolio_says_so(repo):
    (repo / "README.md").write_text("not the portfolio\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Readme")
    result = run_cli("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0
    assert result.stdout.endswith("\n\nNo changes to the portfolio.\n")
    assert run_cli("diff", "HEAD", cwd=repo).stdout.endswith("\n\nNo changes to the portfolio.\n")


def test_head_defaults_to_the_working_tree_with_uncommitted_and_untracked_files(repo):
    edit(repo / "journeys/maps/buy.yaml", ("        emotion: 4\n", "        emotion: 5\n"))
    (repo / "journeys/maps/sell.yaml").write_text(
        JOURNEY.replace("I buy a thing", "I sell a thing")
        .replace("id: browse", "id: list")
        .replace("id: ask", "id: price")
        .replace("id: pay", "id: ship"),
        encoding="utf-8",
    )
    result = run_cli("diff", "main", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == f"""\
## Portfolio changes

From `main` ({short(repo, "main")}) to the working tree.

1 journey added, 1 journey changed.

### Journeys added

- **I sell a thing** (`sell`): 2 phases, 3 steps

### Journey changes

#### I buy a thing (`buy`)

- Step **Browse the shop** (`browse`): emotion 4 → 5
"""
    )


def test_reorder_within_a_phase_names_the_fewest_steps(repo):
    edit(
        repo / "journeys/maps/buy.yaml",
        (
            """\
      - id: browse
        name: Browse the shop
        owner: sales
        emotion: 4
        touchpoints:
          - name: Home page
            channel: web
            department: sales
""",
            "",
        ),
        (
            """\
        opportunities: [faster]
""",
            """\
        opportunities: [faster]
      - id: browse
        name: Browse the shop
        owner: sales
        emotion: 4
        touchpoints:
          - name: Home page
            channel: web
            department: sales
""",
        ),
    )
    result = run_cli("diff", "HEAD", cwd=repo)
    assert result.stdout.endswith("- Step reordered: **Browse the shop** (`browse`) in *Look*, now step 2 of 2\n")


def test_removed_journey_and_catalogue_entry(repo):
    (repo / "journeys/maps/buy.yaml").unlink()
    edit(repo / "journeys/catalogue.yaml", ("  phone:\n    name: Phone\n    digital: false\n", ""))
    result = run_cli("diff", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    body = result.stdout.split("\n\n", 2)[2]
    assert (
        body
        == """\
1 journey removed, 1 catalogue change.

### Journeys removed

- **I buy a thing** (`buy`): 2 phases, 3 steps

### Catalogue

- Channel removed: **Phone** (`phone`)
"""
    )


def test_invalid_new_side_is_still_summarised_then_its_errors_counted_exit_3(repo):
    edit(repo / "journeys/maps/buy.yaml", ("        emotion: 4\n", "        emotoin: 4\n"))
    edit(repo / "journeys/catalogue.yaml", ("  phone:\n    name: Phone\n    digital: false\n", ""))
    git(repo, "commit", "-q", "-am", "Typo, and the phone channel removed")
    result = run_cli("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 3
    # the broken journey is not reported as removed: it is left out, and said so
    assert (
        result.stdout
        == f"""\
## Portfolio changes

From `HEAD~1` ({short(repo, "HEAD~1")}) to `HEAD` ({short(repo, "HEAD")}).

1 catalogue change.

### Catalogue

- Channel removed: **Phone** (`phone`)

### Errors

The portfolio at `HEAD` ({short(repo, "HEAD")}) has **1 error** (1 distinct problem); check it out and run \
`journeys check` to see them:

- journeys/maps/buy.yaml: 1 error

Left out of this summary:

- Journey `buy`: not compared, it has errors on the new side
""".replace("\\\n", "")
    )
    assert result.stderr == (
        f"journeys diff: error: the portfolio at `HEAD` ({short(repo, 'HEAD')}) is invalid "
        "(1 error): the summary leaves out what did not load\n"
    )


def test_invalid_old_side_alone_exits_1_with_the_summary(repo):
    edit(repo / "journeys/catalogue.yaml", ("personas:\n", "personas: [\n"))
    git(repo, "commit", "-q", "-am", "Broken YAML")
    edit(repo / "journeys/catalogue.yaml", ("personas: [\n", "personas:\n"))
    edit(repo / "journeys/maps/buy.yaml", ("title: I buy a thing", "title: I purchase a thing"))
    result = run_cli("diff", "HEAD", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "Retitled: “I buy a thing” → “I purchase a thing”" in result.stdout
    # the catalogue could not be read at HEAD: its entries are not reported as added
    assert "added" not in result.stdout
    assert "- File journeys/catalogue.yaml: not compared, it cannot be read on the old side" in result.stdout
    assert "The portfolio at `HEAD`" in result.stdout


def test_bad_revision_and_not_a_repository_are_usage_errors(repo, tmp_path_factory):
    result = run_cli("diff", "no-such-branch", cwd=repo)
    assert result.returncode == 2
    assert result.stderr == (
        "journeys diff: error: unknown revision 'no-such-branch' (a branch, tag or commit of "
        "this repository; on CI fetch the history: actions/checkout with fetch-depth: 0)\n"
    )
    assert run_cli("diff", "--", "-x", cwd=repo).returncode == 2
    elsewhere = tmp_path_factory.mktemp("plain")
    write_portfolio(elsewhere / "journeys")
    result = run_cli("diff", "HEAD", cwd=elsewhere)
    assert result.returncode == 2
    assert result.stderr.startswith("journeys diff: error: ") and "is not inside a git repository" in result.stderr


def test_portfolio_absent_at_base_means_everything_is_added_and_dir_option(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "README.md").write_text("x\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Start")
    write_portfolio(tmp_path / "docs/portfolio")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Portfolio")
    result = run_cli("diff", "HEAD~1", "HEAD", "--dir", "docs/portfolio", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 journey added, 10 catalogue changes.\n" in result.stdout
    assert "- **I buy a thing** (`buy`): 2 phases, 3 steps\n" in result.stdout


def test_example_portfolio_diff_of_a_realistic_edit(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    shutil.copytree(EXAMPLE, tmp_path / "journeys")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Example")
    claim = tmp_path / "journeys/maps/make-a-claim.yaml"
    text = claim.read_text(encoding="utf-8")
    assert "emotion: 2" in text
    claim.write_text(text.replace("emotion: 2", "emotion: 3", 1), encoding="utf-8")
    result = run_cli("diff", "main", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[4] == "1 journey changed."
    assert lines[-1].endswith(": emotion 2 → 3")


# ----------------------------------------------------------------------------- the pure comparison

from generator.authoring import diff as diffmod  # noqa: E402
from generator.load.check import check  # noqa: E402


def load(root):
    portfolio, report = check(root)
    assert not report.errors, report.errors
    return portfolio


def test_a_different_journey_under_a_new_id_is_not_a_rename(tmp_path):
    old = load(write_portfolio(tmp_path / "a"))
    other = JOURNEY.replace("id: browse", "id: b1").replace("id: ask", "id: b2")
    new = load(write_portfolio(tmp_path / "b", {"catalogue.yaml": CATALOGUE, "maps/sell.yaml": other}, base=False))
    assert diffmod.renames(old, new) == []
    assert diffmod.summary(old, new)[0] == "1 journey added, 1 journey removed."


def test_phase_renamed_and_touchpoint_changed(tmp_path):
    old = load(write_portfolio(tmp_path / "a"))
    changed = JOURNEY.replace("    name: Look\n", "    name: Look around\n").replace(
        "            channel: web\n            department: sales\n", "            channel: phone\n"
    )
    new = load(write_portfolio(tmp_path / "b", {"maps/buy.yaml": changed}))
    assert diffmod.journey_changes(old.journeys["buy"], new.journeys["buy"]) == [
        "Phase renamed: “Look” → “Look around” (`look`)",
        "Step **Browse the shop** (`browse`): touchpoint “Home page”: channel `web` → `phone`, "
        "department `sales` → none",
    ]


def test_health_that_changes_with_new_data(repo):
    data = repo / "journeys" / "data" / "nps.csv"
    data.parent.mkdir()
    data.write_text("date,metric,journey,step,value\n2026-01-15,nps,buy,,35\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "January NPS")
    with data.open("a", encoding="utf-8") as f:
        f.write("2026-02-15,nps,buy,,5\n")
    result = run_cli("diff", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    body = result.stdout.split("### Health\n\n", 1)[1]
    assert body.splitlines() == [
        "- Journey **I buy a thing** (`buy`): On target → Off target",
        "- `nps` at buy: On target → Off target (latest 35 → 5)",
    ]


def test_pain_points_verbatims_lanes_and_links_are_summarised_item_by_item(repo):
    """Pain points matched by text (severity changes named), verbatims by quote, lanes by id, links by url."""
    edit(
        repo / "journeys/catalogue.yaml",
        ("    insights: [slow]\n", "    insights: [slow]\n    links:\n      - {url: 'https://x.example/1'}\n"),
    )
    edit(repo / "journeys/catalogue.yaml", ("    name: Pat\n", "    name: Pat\nlanes:\n  rules: {name: Rules}\n"))
    edit(
        repo / "journeys/maps/buy.yaml",
        (
            "        emotion: 4\n",
            "        emotion: 4\n        pain_points:\n          - Slow\n          - {text: No price, severity: 2}\n",
        ),
    )
    git(repo, "commit", "-qam", "Pain points")
    edit(repo / "journeys/catalogue.yaml", ("'https://x.example/1'}", "'https://x.example/2', title: New}"))
    edit(
        repo / "journeys/maps/buy.yaml",
        ("          - Slow\n", "          - Slow <b>page</b>\n"),
        ("severity: 2}", "severity: 4}\n        verbatims: [{quote: I gave up}]\n        lanes: {rules: Law 7}"),
    )
    result = run_cli("diff", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (
        "- Step **Browse the shop** (`browse`): pain point added: “Slow \\<b\\>page\\</b\\>”; "
        "pain point removed: “Slow”; pain point “No price”: severity 2 → 4; verbatim added: “I gave up”; "
        "lane `rules` filled\n" in result.stdout
    )
    assert "link added: “https://x.example/2”; link removed: “https://x.example/1”" in result.stdout
