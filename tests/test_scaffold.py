"""`journeys new KIND ID`: skeletons pass `journeys check` as written, and existing text is never disturbed."""

from __future__ import annotations

import shutil

import pytest
from conftest import EXAMPLE, run_cli

from generator.authoring.scaffold import KINDS

EXPECTED_FILE = {
    "journey": "journeys/maps/{id}.yaml",
    "persona": "journeys/personas.yaml",
    "department": "journeys/organisation.yaml",
    "channel": "journeys/organisation.yaml",
    "metric": "journeys/metrics.yaml",
    "insight": "journeys/backlog.yaml",
    "opportunity": "journeys/backlog.yaml",
    "solution": "journeys/backlog.yaml",
    "lane": "journeys/organisation.yaml",
}


@pytest.fixture
def example(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "journeys")
    return tmp_path


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml"))}


@pytest.mark.parametrize("kind", KINDS)
def test_each_skeleton_passes_check_in_the_example_portfolio(example, kind):
    before = _files(example)
    ident = f"new-{kind}"
    result = run_cli("new", kind, ident, cwd=example)
    assert result.returncode == 0, result.stderr
    target = EXPECTED_FILE[kind].format(id=ident)
    verb = "created" if kind == "journey" else "added to"
    assert result.stdout.startswith(f"{verb} {target}:")
    assert result.stdout.endswith(f": {kind} '{ident}'\n")
    after = _files(example)
    changed = [f for f in after if after[f] != before.get(f)]
    assert changed == [target]
    if kind != "journey":
        # the existing text is intact: removing the inserted lines gives the file back, byte for byte
        line = int(result.stdout.split(":")[1])
        new_lines = after[target].splitlines(keepends=True)
        added = len(new_lines) - len(before[target].splitlines(keepends=True))
        assert new_lines[line - 1] == f"  {ident}:\n"
        assert "".join(new_lines[: line - 1] + new_lines[line - 1 + added :]) == before[target]
    check = run_cli("check", cwd=example)
    assert check.returncode == 0, check.stdout
    # a new opportunity no step references yet is the only warning any skeleton gives
    warnings = 1 if kind == "opportunity" else 0
    assert check.stdout.splitlines()[-1].endswith(f": 0 errors, {warnings} warning{'s' if warnings != 1 else ''}")


def test_journey_skeleton_has_the_schema_line_and_the_first_department(example):
    run_cli("new", "journey", "move-abroad", cwd=example)
    text = (example / "journeys/maps/move-abroad.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/journey.schema.json\n")
    assert "title: Move abroad\n" in text
    assert "  department: sales-distribution # id of the owner's department\n" in text


def test_new_catalogue_file_is_created_when_no_file_holds_the_collection(portfolio, tmp_path):
    root = portfolio({"catalogue.yaml": "organisation:\n  name: Tiny Co\n"}, base=False)
    result = run_cli("new", "channel", "web", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "created journeys/channels.yaml:3: channel 'web'\n"
    assert (root / "channels.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/catalogue.schema.json\n"
        "channels:\n"
        "  web:\n"
        "    # The channel's name, e.g. `Mobile app`.\n"
        "    name: Web\n"
        "    # `true` for digital channels (web, app, email), `false` for others.\n"
        "    digital: true\n"
        "    # What the channel is.\n"
        '    description: ""\n'
    )
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_collection_added_at_the_end_of_its_file_when_that_file_holds_other_collections(tmp_path):
    root = tmp_path / "journeys"
    root.mkdir()
    original = "# Our people\ndepartments:\n  sales:\n    name: Sales  # the sellers\n\n\n"
    (root / "personas.yaml").write_text(original, encoding="utf-8")
    result = run_cli("new", "persona", "pat", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "added to journeys/personas.yaml:8: persona 'pat'\n"
    text = (root / "personas.yaml").read_text(encoding="utf-8")
    assert text.startswith(original + "personas:\n  pat:\n")
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_entry_goes_before_comments_that_introduce_the_next_collection_and_crlf_is_kept(tmp_path):
    root = tmp_path / "journeys"
    root.mkdir()
    text = (
        "departments:\r\n  sales:\r\n    name: Sales\r\n\r\n# Channels we sell through\r\n"
        "channels:\r\n  web: {name: Web, digital: true}\r\n"
    )
    (root / "catalogue.yaml").write_bytes(text.encode())
    result = run_cli("new", "department", "support", cwd=tmp_path)
    assert result.stdout == "added to journeys/catalogue.yaml:4: department 'support'\n"
    data = (root / "catalogue.yaml").read_bytes().decode()
    lines = data.split("\r\n")
    assert lines[:4] == ["departments:", "  sales:", "    name: Sales", "  support:"]
    assert data.endswith("\r\n\r\n# Channels we sell through\r\nchannels:\r\n  web: {name: Web, digital: true}\r\n")
    assert "\n" not in data.replace("\r\n", "")
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_existing_ids_are_refused(example):
    before = _files(example)
    result = run_cli("new", "persona", "first-time-buyer", cwd=example)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys new: error: persona 'first-time-buyer' already exists (journeys/personas.yaml:3)\n"
    )
    result = run_cli("new", "journey", "make-a-claim", cwd=example)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys new: error: journey 'make-a-claim' already exists (journeys/maps/make-a-claim.yaml)\n"
    )
    assert _files(example) == before


def test_bad_ids_are_refused_with_a_slug(example):
    result = run_cli("new", "journey", "I Move House!", cwd=example)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys new: error: 'I Move House!' is not a valid id [try 'i-move-house': "
        "lowercase letters, digits and dashes]\n"
    )


def test_flow_style_collection_is_refused(tmp_path):
    root = tmp_path / "journeys"
    root.mkdir()
    (root / "c.yaml").write_text("departments: {sales: {name: Sales}}\n", encoding="utf-8")
    result = run_cli("new", "department", "support", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "journeys new: error: journeys/c.yaml:1: `departments:` is written in flow style "
        "({...}) or is not a mapping: add the entry by hand\n"
    )


def test_missing_portfolio_folder_is_a_usage_error(tmp_path):
    result = run_cli("new", "journey", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert "journeys new: error: 'journeys' is not a folder" in result.stderr


@pytest.mark.parametrize("ident", ["no", "null", "2026"])
def test_ids_yaml_would_misread_are_quoted(example, ident):
    result = run_cli("new", "channel", ident, cwd=example)
    assert result.returncode == 0, result.stderr
    assert f"\n  '{ident}':\n" in (example / "journeys/organisation.yaml").read_text(encoding="utf-8")
    assert run_cli("check", cwd=example).returncode == 0
    again = run_cli("new", "channel", ident, cwd=example)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_new_journey_offers_the_custom_lanes_and_new_lane_declares_one(portfolio, tmp_path):
    root = portfolio()
    assert run_cli("new", "lane", "regulation", cwd=tmp_path).returncode == 0
    text = (root / "lanes.yaml").read_text(encoding="utf-8")  # the first lane: a new catalogue file
    assert "lanes:\n  regulation:\n" in text and "    name: Regulation\n" in text
    result = run_cli("new", "journey", "renew", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    journey = (root / "maps/renew.yaml").read_text(encoding="utf-8")
    assert (
        "        lanes:                  # the portfolio's custom lanes\n          regulation: ''    # Regulation\n"
        in journey
    )
    assert "        verbatims: []" in journey and "# replaces: the-as-is-journey" in journey
    check = run_cli("check", "journeys", cwd=tmp_path)
    assert check.returncode == 0 and " 0 errors, 0 warnings" in check.stdout, check.stdout
