"""Journeys as spreadsheets: the export layout, the round trip for every example journey in CSV and XLSX,
the looser layout, and each bad cell reported at file:row:column with its Excel reference and a hint."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from conftest import CATALOGUE, EXAMPLE, JOURNEY, run_cli

from generator.authoring.spreadsheet import cell_ref, read_rows, to_journey
from generator.load.check import check
from generator.site import sheets

PORTFOLIO, _ = check(EXAMPLE)


def _roundtrip(jid: str, kind: str, tmp_path) -> None:
    journey = PORTFOLIO.journeys[jid]
    path = tmp_path / f"{jid}.{kind}"
    tables = [sheets.journey_sheet(journey, PORTFOLIO), sheets.journey_facts(jid, journey)]
    path.write_bytes(sheets.to_csv(tables[0]) if kind == "csv" else sheets.to_xlsx(tables))
    rows, facts = read_rows(path)
    result = to_journey(jid, rows, facts, file=path.name, portfolio=PORTFOLIO)
    assert not isinstance(result, list), [d.text() for d in result]
    # the steps and lanes (and phases) come back exactly; the workbook also keeps the journey's own fields
    assert [p.model_dump() for p in result.journey.phases] == [p.model_dump() for p in journey.phases]
    if kind == "xlsx":
        assert result.journey == journey


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("jid", sorted(PORTFOLIO.journeys))
def test_every_example_journey_round_trips(jid, kind, tmp_path):
    _roundtrip(jid, kind, tmp_path)


def test_the_layout_one_row_per_step_one_column_per_lane():
    journey = PORTFOLIO.journeys["make-a-claim"]
    rows = list(csv.reader(io.StringIO(sheets.to_csv(sheets.journey_sheet(journey, PORTFOLIO)).decode("utf-8-sig"))))
    assert rows[0] == [h for _, h in sheets.COLUMNS] + ["Regulation"]
    assert len(rows) == 1 + len(journey.steps())
    chase = next(r for r in rows if r[3] == "chase-the-claim-for-an-update")
    column = dict(zip(rows[0], chase, strict=False))
    assert column["Pain points"].startswith("Contact centre advisers can see that a claim exists but not its stage")
    assert column["Pain points"].endswith(
        "| severity: 5 | evidence: 38% of calls to the claims line are status "
        "enquiries; 62% end as a message for the handler. | insight: "
        "silence-after-assessment"
    )
    assert column["Verbatims"].splitlines()[1] == (
        "I don't mind waiting. I mind not knowing. | persona: "
        "retired-homeowner | source: Claims interview 3 | date: 2026-03-05"
    )
    assert column["Regulation"] == "Consumer Duty: keep the customer informed at every stage of the claim"
    assert column["Emotion"] == "1" and column["Owner"] == "customer-contact"


def test_xlsx_bytes_are_deterministic_and_cells_are_never_formulas(tmp_path):
    sheet = sheets.Sheet("Map", [["Step", "Does"], ['=HYPERLINK("http://x")', "+1"]])
    first = sheets.to_xlsx([sheet])
    assert sheets.to_xlsx([sheet]) == first
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile(io.BytesIO(first)).infolist())
    (tmp_path / "x.xlsx").write_bytes(first)
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["Map"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == '=HYPERLINK("http://x")'
    assert sheets.to_csv(sheet).decode("utf-8-sig").splitlines()[1] == '"\'=HYPERLINK(""http://x"")",\'+1'


def test_backlog_export_ranks_opportunities_with_their_links():
    rows = sheets.backlog_sheet(PORTFOLIO).rows
    assert rows[0][:4] == ["Rank", "Id", "Opportunity", "Priority"]
    scores = [float(r[3]) for r in rows[1:]]
    assert scores == sorted(scores, reverse=True) and len(rows) == 1 + len(PORTFOLIO.opportunities)
    tracker = next(r for r in rows if r[1] == "claim-progress-tracker")
    assert tracker[-1] == (
        "https://harbour.atlassian.net/browse/CLM-142 | title: CLM-142 Claim progress tracker (epic) | kind: jira"
    )


def test_cell_references():
    assert [cell_ref(7, 2), cell_ref(1, 26), cell_ref(12, 27), cell_ref(3, 53)] == ["B7", "Z1", "AA12", "BA3"]


LOOSE = """\
Pain points,Step,Phase,emotion,does,regulation
Slow page | severity: 4,Browse the shop,Look,4,Scrolls,
,Ask a question,,3,,Must answer in 2 days
,Pay,Buy,,,
"""


def _portfolio(tmp_path):
    root = tmp_path / "journeys"
    (root / "maps").mkdir(parents=True)
    (root / "catalogue.yaml").write_text(
        CATALOGUE + "lanes:\n  regulation: {name: Regulation, kind: list}\n", encoding="utf-8"
    )
    (root / "maps/buy.yaml").write_text(JOURNEY, encoding="utf-8")
    return root


def test_a_looser_sheet_imports_into_a_journey_that_passes_check(tmp_path):
    root = _portfolio(tmp_path)
    (tmp_path / "workshop.csv").write_text(LOOSE, encoding="utf-8")
    result = run_cli("import", "csv", "workshop.csv", "--id", "shop", "--title", "I shop", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "wrote journeys/maps/shop.yaml: 2 phases, 3 steps\n"
    portfolio, report = check(root)
    assert report.errors == []
    shop = portfolio.journeys["shop"]
    assert shop.title == "I shop" and [p.id for p in shop.phases] == ["look", "buy"]
    assert [s.id for s in shop.steps()] == ["browse-the-shop", "ask-a-question", "pay"]
    assert shop.steps()[0].pain_points[0].severity == 4 and shop.steps()[0].emotion == 4
    assert shop.steps()[1].lanes == {"regulation": ["Must answer in 2 days"]}
    assert shop.owner.department == "sales"  # the portfolio's first: no step names an owner


def test_bad_headers_and_cells_are_reported_at_row_and_column_with_the_excel_cell(tmp_path):
    _portfolio(tmp_path)
    (tmp_path / "bad.csv").write_text("Step,Emotoin\nA,3\n", encoding="utf-8")
    result = run_cli("import", "csv", "bad.csv", "--id", "bad", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "bad.csv:1:2: error: B1 (Emotoin): unknown column 'Emotoin' [did you mean 'Emotion'?; or declare a "
        "custom lane with this name under `lanes:`]\n✗ not imported: 1 error\n"
    )
    (tmp_path / "bad.csv").write_text(
        "Phase,Step,Emotion,Owner,Pain points,Touchpoints,Moment of truth\n"
        "Look,Browse,high,sales,Slow | severty: 4,Home page | channel: webb,\n"
        ",,,,,,yes\n"
        ",Ask,6,sale,Slow | severity: 9,Home page,maybe\n",
        encoding="utf-8",
    )
    result = run_cli("import", "csv", "bad.csv", "--id", "bad", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "bad.csv:2:3: error: C2 (Emotion): emotion 'high' is not a whole number from 1 to 5 "
        "[write 1 (very negative) to 5 (very positive), 3 for neutral, or leave it empty]",
        "bad.csv:2:5: error: E2 (Pain points): unknown attribute 'severty' in “Slow | severty: 4” "
        "[did you mean 'severity'?]",
        "bad.csv:2:6: error: F2 (Touchpoints): unknown channel 'webb' [did you mean 'web'?]",
        "bad.csv:3:2: error: B3 (Step): this row has content but no step name "
        "[write the step's name, in the person's words, or empty the row]",
        "bad.csv:4:3: error: C4 (Emotion): emotion '6' is not a whole number from 1 to 5 "
        "[write 1 (very negative) to 5 (very positive), 3 for neutral, or leave it empty]",
        "bad.csv:4:4: error: D4 (Owner): unknown department 'sale' [did you mean 'sales'?]",
        "bad.csv:4:5: error: E4 (Pain points): severity '9' is not a whole number from 1 to 5 "
        "[write e.g. `severity: 3`]",
        "bad.csv:4:6: error: F4 (Touchpoints): touchpoint “Home page” has no channel "
        "[add ` | channel: <channel id>` after its name]",
        "bad.csv:4:7: error: G4 (Moment of truth): 'maybe' is not yes or no [write yes, or leave it empty]",
        "✗ not imported: 9 errors",
    ]
    assert not (tmp_path / "journeys/maps/bad.yaml").exists()


def test_export_commands_write_csv_xlsx_and_the_backlog(tmp_path):
    root = _portfolio(tmp_path)
    out = run_cli("export", "csv", "buy", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout.splitlines()[0].startswith("Phase id,Phase,Phase description,Step id")
    out = run_cli("export", "xlsx", "buy", "--out", "buy.xlsx", cwd=tmp_path)
    assert out.stdout == "wrote buy.xlsx: 3 steps\n"
    assert openpyxl.load_workbook(tmp_path / "buy.xlsx").sheetnames == ["Map", "Journey"]
    out = run_cli("export", "xlsx", "backlog", "--out", "b.xlsx", cwd=tmp_path)
    assert out.stdout == "wrote b.xlsx: 1 opportunity\n"
    out = run_cli("export", "csv", "bye", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr == "journeys export: error: unknown journey 'bye' [did you mean 'buy'?; or `backlog`]\n"
    assert root.is_dir()
