"""The site's history from git: each journey's last change and the recent-changes page, for a commit."""

from __future__ import annotations

import os
import subprocess

from conftest import JOURNEY, run_cli, write_portfolio

from generator.load.check import check
from generator.load.history import history


def commit(repo, message: str, date: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ann & Co",
        "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann",
        "GIT_COMMITTER_EMAIL": "ann@example.org",
        "GIT_AUTHOR_DATE": f"{date}T10:00:00Z",
        "GIT_COMMITTER_DATE": f"{date}T10:00:00Z",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


# two rows of the expected changes table; {commit} is the short commit id
SELL_ROW = (
    "| 2026-03-04 | Add selling; raise the NPS target | [I sell a thing](journeys/sell/index.md) | "
    "`{commit}` Ann &amp; Co |"
)
BROWSE_ROW = (
    "| 2026-02-03 | Happier browsing &lt;script&gt;x&lt;/script&gt; &#124; really | "
    "[I buy a thing](journeys/buy/index.md) | `{commit}` Ann &amp; Co |"
)


def short(repo, rev="HEAD") -> str:
    return subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def scripted(repo):
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    write_portfolio(repo / "journeys")
    commit(repo, "Tiny portfolio", "2026-01-01")
    path = repo / "journeys/maps/buy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("emotion: 4", "emotion: 5"), encoding="utf-8")
    commit(repo, "Happier browsing <script>x</script> | really", "2026-02-03")
    (repo / "journeys/maps/sell.yaml").write_text(JOURNEY.replace("I buy a thing", "I sell a thing"), encoding="utf-8")
    cat = repo / "journeys/catalogue.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace("target: 30", "target: 35"), encoding="utf-8")
    commit(repo, "Add selling; raise the NPS target", "2026-03-04")
    cat.write_text(cat.read_text(encoding="utf-8").replace("target: 35", "target: 40"), encoding="utf-8")
    commit(repo, "Raise the NPS target again", "2026-04-05")


def test_generated_pages_show_the_last_change_and_the_recent_changes(tmp_path):
    scripted(tmp_path)
    result = run_cli("generate", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "out/journeys/buy/index.md").read_text(encoding="utf-8")
    assert (
        "<dt>Last changed</dt>\n<dd>2026-02-03: Happier browsing &lt;script&gt;x&lt;/script&gt; "
        f"&#124; really (<code>{short(tmp_path, 'HEAD~2')}</code>, Ann &amp; Co; "
        '<a href="../../changes/">recent changes</a>)</dd>'
    ) in page
    changes = (tmp_path / "out/changes.md").read_text(encoding="utf-8")
    assert (
        changes.split("| Date |", 1)[1]
        == f"""\
 Change | Journeys | Commit |
|---|---|---|---|
| 2026-04-05 | Raise the NPS target again | catalogue or data | `{short(tmp_path, "HEAD")}` Ann &amp; Co |
{SELL_ROW.format(commit=short(tmp_path, "HEAD~1"))}
{BROWSE_ROW.format(commit=short(tmp_path, "HEAD~2"))}
| 2026-01-01 | Tiny portfolio | [I buy a thing](journeys/buy/index.md) | `{short(tmp_path, "HEAD~3")}` Ann &amp; Co |
"""
    )


def test_history_is_that_of_the_commit_not_of_the_working_tree(tmp_path):
    scripted(tmp_path)
    run_cli("generate", "out", cwd=tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").rglob("*.md")}
    path = tmp_path / "journeys/maps/buy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Pay", "name: Pay now"), encoding="utf-8")
    run_cli("generate", "out", cwd=tmp_path)
    after = (tmp_path / "out/journeys/buy/index.md").read_text(encoding="utf-8")
    assert "2026-02-03: Happier browsing" in after
    assert (tmp_path / "out/changes.md").read_bytes() == before["changes.md"]


def test_recent_is_limited_and_each_journey_keeps_its_last_change(tmp_path, monkeypatch):
    scripted(tmp_path)
    monkeypatch.chdir(tmp_path)
    portfolio, _ = check("journeys")
    h = history(portfolio, recent=2)
    assert [c.subject for c in h.recent] == ["Raise the NPS target again", "Add selling; raise the NPS target"]
    assert {jid: c.date for jid, c in h.last.items()} == {"buy": "2026-02-03", "sell": "2026-03-04"}


def test_outside_git_there_is_no_history(tmp_path):
    write_portfolio(tmp_path / "journeys")
    result = run_cli("generate", "out", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert result.returncode == 0, result.stderr
    assert "Last changed" not in (tmp_path / "out/journeys/buy/index.md").read_text(encoding="utf-8")
    changes = (tmp_path / "out/changes.md").read_text(encoding="utf-8")
    assert "No history: the portfolio is not in a git repository" in changes
