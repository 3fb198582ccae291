"""Metric data CSV files: every error with its file, line and column, exact messages, through `journeys check`."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CATALOGUE, JOURNEY, run_cli

from generator.load.check import check
from generator.model.metric_data import SeriesKey

METRICS = CATALOGUE.replace(
    """metrics:
  nps:
    name: NPS
    kind: nps
    target: 30
    warning: 10
""",
    """metrics:
  nps:
    name: NPS
    kind: nps
    target: 30
    warning: 10
  csat:
    name: CSAT
    kind: csat
    unit: '%'
    target: 80
    warning: 70
  effort:
    name: Effort
    kind: ces
    direction: lower-is-better
    target: 2.5
    warning: 3.5
  wait:
    name: Wait
    kind: duration
    unit: min
    direction: lower-is-better
    target: 5
    warning: 10
""",
)
assert METRICS != CATALOGUE
JOURNEY_M = JOURNEY.replace("metrics: [nps]", "metrics: [nps, csat, effort, wait]").replace(
    "        owner: support\n", "        owner: support\n        metrics: [csat, wait]\n"
)
assert JOURNEY_M.count("metrics:") == 2


def files(extra: dict[str, str]) -> dict[str, str]:
    return {"catalogue.yaml": METRICS, "maps/buy.yaml": JOURNEY_M, **extra}


def lines(portfolio, tmp_path, extra: dict[str, str]) -> list[str]:
    portfolio(files(extra))
    _, report = check(tmp_path / "journeys", base=tmp_path)
    return [d.text() for d in report.sorted()]


AGG = "date,metric,journey,step,value,segment\n"
RAW = "date,metric,journey,step,score\n"


def test_valid_files_check_clean_and_load(portfolio, tmp_path):
    portfolio(
        files(
            {
                "data/values.csv": AGG + "2025-01-15,wait,buy,,7.5,\n2025-01-15,wait,buy,ask,4,\n"
                "2025-01-15,wait,buy,,6,online\n",
                "data/survey.csv": RAW + "2025-01-02,nps,buy,,10\n2025-01-31,nps,buy,,0\n2025-02-01,nps,buy,,9\n",
            }
        )
    )
    p, report = check(tmp_path / "journeys", base=tmp_path)
    assert report.sorted() == []
    data = p.metric_data
    assert data.rows == 6
    assert data.values[SeriesKey("wait", "buy")] == {dt.date(2025, 1, 15): 7.5}
    assert data.values[SeriesKey("wait", "buy", "", "online")] == {dt.date(2025, 1, 15): 6.0}
    assert data.responses[SeriesKey("nps", "buy")] == {
        dt.date(2025, 1, 1): [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        dt.date(2025, 2, 1): [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    }


def test_columns_in_any_order_and_optional_step_and_segment(portfolio, tmp_path):
    portfolio(
        files(
            {
                "data/a.csv": "value,journey,metric,date\n3,buy,wait,2025-01-01\n",
                "data/b.csv": "score,date,journey,metric\n5,2025-01-01,buy,csat\n",
            }
        )
    )
    p, report = check(tmp_path / "journeys", base=tmp_path)
    assert report.sorted() == []
    assert p.metric_data.values[SeriesKey("wait", "buy")] == {dt.date(2025, 1, 1): 3.0}
    assert p.metric_data.responses[SeriesKey("csat", "buy")][dt.date(2025, 1, 1)] == [0, 0, 0, 0, 0, 1]


def test_bom_crlf_quoted_fields_and_blank_lines_are_accepted(portfolio, tmp_path):
    # Excel's "CSV UTF-8" writes a byte-order mark and CRLF, and quotes fields at will.
    root = portfolio(files({}))
    (root / "data").mkdir()
    (root / "data" / "x.csv").write_bytes(
        '\ufeffdate,metric,journey,step,value\r\n\r\n"2025-01-01","wait",buy,"","4.5"\r\n'.encode()
    )
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    assert p.metric_data.values[SeriesKey("wait", "buy")] == {dt.date(2025, 1, 1): 4.5}


def test_a_quoted_field_over_two_lines_keeps_later_line_numbers_right(portfolio, tmp_path):
    csv_text = AGG + '2025-01-01,wait,buy,"a\nb",1,\n2025-13-01,wait,buy,,1,\n'
    assert lines(portfolio, tmp_path, {"data/x.csv": csv_text}) == [
        "journeys/data/x.csv:2:21: error: unknown step 'a\\nb' in journey 'buy' [known: 'ask', 'browse', 'pay'; leave "
        "the step empty for the whole journey]",
        "journeys/data/x.csv:4:1: error: '2025-13-01' is not a real date [check the month (01-12) and the day of the "
        "month]",
    ]


CASES = [
    (
        "empty",
        {"data/x.csv": ""},
        [
            "journeys/data/x.csv:1:1: error: the file is empty [add a header row (`date,metric,journey,step,value` or "
            "`date,metric,journey,step,score`) and data, or delete the file]"
        ],
    ),
    (
        "only-blank-lines",
        {"data/x.csv": "\n\n  \n"},
        [
            "journeys/data/x.csv:1:1: error: the file is empty [add a header row (`date,metric,journey,step,value` or "
            "`date,metric,journey,step,score`) and data, or delete the file]"
        ],
    ),
    (
        "header-only",
        {"data/x.csv": AGG},
        ["journeys/data/x.csv:1:1: error: the file has a header but no rows [add data rows, or delete the file]"],
    ),
    (
        "bad-date-format",
        {"data/x.csv": AGG + "01/02/2025,wait,buy,,3,\n"},
        [
            "journeys/data/x.csv:2:1: error: expected a date as YYYY-MM-DD, got '01/02/2025' [write dates as YYYY-MM-DD, "
            "e.g. 2025-03-01]"
        ],
    ),
    (
        "not-a-real-date",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,3,\n2025-02-30,wait,buy,,3,\n"},
        [
            "journeys/data/x.csv:3:1: error: '2025-02-30' is not a real date [check the month (01-12) and the day of the "
            "month]"
        ],
    ),
    (
        "date-far-past",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,3,\n0205-01-01,wait,buy,,3,\n"},
        [
            "journeys/data/x.csv:3:1: error: the date 0205-01-01 is out of range [metric data dates run from 1900-01-01 "
            "to 2100-12-31; check the year]"
        ],
    ),
    (
        "date-far-future",
        {"data/x.csv": AGG + "9999-12-31,wait,buy,,3,\n"},
        [
            "journeys/data/x.csv:2:1: error: the date 9999-12-31 is out of range [metric data dates run from 1900-01-01 "
            "to 2100-12-31; check the year]"
        ],
    ),
    (
        "empty-date",
        {"data/x.csv": AGG + ",wait,buy,,3,\n"},
        [
            "journeys/data/x.csv:2:1: error: expected a date as YYYY-MM-DD, got nothing [write dates as YYYY-MM-DD, e.g. "
            "2025-03-01]"
        ],
    ),
    (
        "non-number",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,12 min,\n"},
        [
            "journeys/data/x.csv:2:22: error: expected a number, got '12 min' [write numbers with a point and no unit or "
            "thousands separator, e.g. 1234.5]"
        ],
    ),
    (
        "empty-value",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,,\n"},
        [
            "journeys/data/x.csv:2:22: error: expected a number, got nothing [write numbers with a point and no unit or "
            "thousands separator, e.g. 1234.5]"
        ],
    ),
    (
        "nan",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,NaN,\n"},
        [
            "journeys/data/x.csv:2:22: error: expected a finite number, got 'NaN' [leave out rows without a value; NaN "
            "and infinity are not data]"
        ],
    ),
    (
        "inf",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,-inf,\n"},
        [
            "journeys/data/x.csv:2:22: error: expected a finite number, got '-inf' [leave out rows without a value; NaN "
            "and infinity are not data]"
        ],
    ),
    (
        "overflow",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,1e999,\n"},
        ["journeys/data/x.csv:2:22: error: expected a finite number, got '1e999' [leave out rows without a value]"],
    ),
    (
        "nps-score-out-of-range",
        {"data/x.csv": RAW + "2025-01-01,nps,buy,,11\n"},
        [
            "journeys/data/x.csv:2:21: error: a nps score must be from 0 to 10, got 11 [NPS asks 'how likely are you to "
            "recommend us', 0 (not at all) to 10 (extremely)]"
        ],
    ),
    (
        "csat-score-out-of-range",
        {"data/x.csv": RAW + "2025-01-01,csat,buy,,0\n"},
        [
            "journeys/data/x.csv:2:22: error: a csat score must be from 1 to 5, got 0 [CSAT answers run from 1 (very "
            "unsatisfied) to 5 (very satisfied)]"
        ],
    ),
    (
        "ces-score-out-of-range",
        {"data/x.csv": RAW + "2025-01-01,effort,buy,,8\n"},
        [
            "journeys/data/x.csv:2:24: error: a ces score must be from 1 to 7, got 8 [CES answers run from 1 (very easy) "
            "to 7 (very difficult)]"
        ],
    ),
    (
        "fractional-score",
        {"data/x.csv": RAW + "2025-01-01,nps,buy,,9.5\n"},
        [
            "journeys/data/x.csv:2:21: error: expected a whole-number score, got '9.5' [survey scores are whole numbers, "
            "e.g. 9]"
        ],
    ),
    (
        "nan-score",
        {"data/x.csv": RAW + "2025-01-01,nps,buy,,nan\n"},
        [
            "journeys/data/x.csv:2:21: error: expected a whole-number score, got 'nan' [leave out responses without a "
            "score; NaN and infinity are not scores]"
        ],
    ),
    (
        "aggregated-out-of-range",
        {"data/x.csv": AGG + "2025-01-01,nps,buy,,120,\n"},
        [
            "journeys/data/x.csv:2:21: error: a nps value must be from -100 to 100, got 120 [NPS is % promoters minus % "
            "detractors, from -100 to 100]"
        ],
    ),
    (
        "negative-duration",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,-1,\n"},
        ["journeys/data/x.csv:2:22: error: a duration cannot be negative, got -1"],
    ),
    (
        "unknown-metric",
        {"data/x.csv": AGG + "2025-01-01,wiat,buy,,3,\n"},
        [
            "journeys/data/x.csv:2:12: error: unknown metric 'wiat' [did you mean 'wait'?; or define it in a catalogue "
            "file under `metrics:`]"
        ],
    ),
    (
        "unknown-journey",
        {"data/x.csv": AGG + "2025-01-01,wait,by,,3,\n"},
        [
            "journeys/data/x.csv:2:17: error: unknown journey 'by' [did you mean 'buy'?; journey ids are the file names in "
            "maps/]"
        ],
    ),
    (
        "unknown-step",
        {"data/x.csv": AGG + "2025-01-01,csat,buy,asks,3,\n"},
        [
            "journeys/data/x.csv:2:21: error: unknown step 'asks' in journey 'buy' [did you mean 'ask'?; leave the step "
            "empty for the whole journey]"
        ],
    ),
    (
        "duplicate-row",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,3,\n2025-01-02,wait,buy,,3,\n2025-01-01,wait,buy,,4,\n"},
        [
            "journeys/data/x.csv:4:1: error: duplicate row: 2025-01-01, wait, buy (first written at line 2) [keep one row "
            "per date, metric, journey, step and segment]"
        ],
    ),
    (
        "duplicate-row-across-files",
        {"data/a.csv": AGG + "2025-01-01,wait,buy,ask,3,\n", "data/b.csv": AGG + "2025-01-01,wait,buy,ask,3,\n"},
        [
            "journeys/data/b.csv:2:1: error: duplicate row: 2025-01-01, wait, buy, ask (first written at "
            "journeys/data/a.csv:2) [keep one row per date, metric, journey, step and segment]"
        ],
    ),
    (
        "ragged-short",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,3,\n2025-01-02,wait,buy\n"},
        [
            "journeys/data/x.csv:3:1: error: expected 6 fields as in the header, got 3 [every row needs a field for each "
            "column of the header; leave a field empty with ,,]"
        ],
    ),
    (
        "ragged-long",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,,3,5,\n"},
        [
            "journeys/data/x.csv:2:26: error: expected 6 fields as in the header, got 7 [a decimal comma? write numbers "
            "with a point (12.5), or quote fields that hold commas]"
        ],
    ),
    (
        "unclosed-quote",
        {"data/x.csv": AGG + '2025-01-01,wait,buy,,3,\n2025-01-02,"wait,buy,,3,\n'},
        [
            "journeys/data/x.csv:3:1: error: a quoted field is not closed before the end of the file [close the quote; a "
            'quote inside a quoted field is written twice: ""]'
        ],
    ),
    (
        "neither-shape",
        {"data/x.csv": "date,metric,journey,vaule\n2025-01-01,wait,buy,3\n"},
        [
            "journeys/data/x.csv:1:1: error: the header has neither a `value` nor a `score` column [start the file with "
            "`date,metric,journey,step,value` (aggregated values) or `date,metric,journey,step,score` (survey responses)]",
            "journeys/data/x.csv:1:21: error: unknown column 'vaule' [did you mean 'value'?]",
        ],
    ),
    (
        "both-shapes",
        {"data/x.csv": "date,metric,journey,value,score\n"},
        [
            "journeys/data/x.csv:1:27: error: the header has both `value` and `score` columns [aggregated values and "
            "survey responses go in separate files]"
        ],
    ),
    (
        "unknown-column",
        {"data/x.csv": "date,metric,journey,stpe,value\n2025-01-01,wait,buy,,3\n"},
        ["journeys/data/x.csv:1:21: error: unknown column 'stpe' [did you mean 'step'?]"],
    ),
    (
        "segment-in-raw",
        {"data/x.csv": "date,metric,journey,score,segment\n"},
        [
            "journeys/data/x.csv:1:27: error: unknown column 'segment' [the columns are date, metric, journey, step, "
            "score]"
        ],
    ),
    (
        "missing-column",
        {"data/x.csv": "date,journey,value\n2025-01-01,buy,3\n"},
        [
            "journeys/data/x.csv:1:1: error: the header lacks the column 'metric' [the columns are date, metric, journey, "
            "step, value, segment]"
        ],
    ),
    (
        "duplicate-column",
        {"data/x.csv": "date,metric,journey,value,date\n"},
        ["journeys/data/x.csv:1:27: error: the column 'date' appears twice in the header [keep one of them]"],
    ),
    (
        "raw-for-a-duration",
        {"data/x.csv": RAW + "2025-01-01,wait,buy,,3\n"},
        [
            "journeys/data/x.csv:2:12: error: survey responses need an nps, csat or ces metric; 'wait' is a duration "
            "metric [put its values in an aggregated file (a `value` column)]"
        ],
    ),
    (
        "mixed",
        {
            "data/a.csv": AGG + "2025-01-01,csat,buy,,80,\n",
            "data/b.csv": RAW + "2025-01-01,csat,buy,,5\n2025-01-02,csat,buy,,5\n",
        },
        [
            "journeys/data/b.csv:2:1: error: survey responses for metric 'csat', journey 'buy', which already has "
            "aggregated values (first at journeys/data/a.csv:2) [give a series either survey responses or aggregated "
            "values, not both]"
        ],
    ),
    (
        "unlisted",
        {"data/x.csv": AGG + "2025-01-01,wait,buy,browse,3,\n2025-02-01,wait,buy,browse,3,\n"},
        [
            "journeys/data/x.csv:2:12: warning: metric 'wait' is not listed for step 'browse' of journey 'buy', so its "
            "data is not shown [add 'wait' to the `metrics:` of step 'browse' in journeys/maps/buy.yaml]"
        ],
    ),
    (
        "not-utf8",
        {"data/x.csv": None},
        ["journeys/data/x.csv:2:20: error: the byte 0xe9 is not valid UTF-8 [save the file as UTF-8]"],
    ),
]


@pytest.mark.parametrize("name,extra,expected", CASES, ids=[c[0] for c in CASES])
def test_every_csv_error_has_file_line_column_and_exact_message(portfolio, tmp_path, name, extra, expected):
    if name == "not-utf8":
        root = portfolio(files({}))
        (root / "data").mkdir()
        (root / "data" / "x.csv").write_bytes(AGG.encode() + b"2025-01-01,wait,caf\xe9,,3,\n")
        _, report = check(root, base=tmp_path)
        assert [d.text() for d in report.sorted()] == expected
        return
    assert lines(portfolio, tmp_path, extra) == expected


def test_several_errors_in_one_row_are_all_reported(portfolio, tmp_path):
    assert lines(portfolio, tmp_path, {"data/x.csv": RAW + "2025-02-31,nsp,buy,,x\n"}) == [
        "journeys/data/x.csv:2:1: error: '2025-02-31' is not a real date [check the month (01-12) and the day of the "
        "month]",
        "journeys/data/x.csv:2:12: error: unknown metric 'nsp' [did you mean 'nps'?; or define it in a catalogue file "
        "under `metrics:`]",
        "journeys/data/x.csv:2:21: error: expected a whole-number score, got 'x' [survey scores are whole numbers, "
        "e.g. 9; leave out unanswered responses]",
    ]


def test_journeys_check_reports_csv_and_yaml_errors_together(portfolio, tmp_path):
    portfolio(
        files(
            {
                "maps/buy.yaml": JOURNEY_M.replace("emotion: 4", "emotoin: 4"),
                "data/x.csv": AGG + "2025-01-01,wait,buy,,abc,\n",
            }
        )
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "journeys/data/x.csv:2:22: error: expected a number, got 'abc' [write numbers with a point and no unit or "
        "thousands separator, e.g. 1234.5]",
        "journeys/maps/buy.yaml:16:9: error: phases[0].steps[0]: unknown key 'emotoin' [did you mean 'emotion'?]",
        "✗ 1 journey (1 invalid), 0 steps: 2 errors, 0 warnings",
    ]


def test_data_for_a_journey_whose_file_is_broken_is_not_reported_again(portfolio, tmp_path):
    # the journey file has an error, so its id is known but not valid: no second error for each data row
    assert lines(
        portfolio,
        tmp_path,
        {
            "maps/buy.yaml": JOURNEY_M.replace("emotion: 4", "emotion: 9"),
            "data/x.csv": AGG + "2025-01-01,wait,buy,,3,\n",
        },
    ) == ["journeys/maps/buy.yaml:16:18: error: phases[0].steps[0].emotion: expected less than or equal to 5, got 9"]


def test_data_of_a_salvaged_journey_is_still_checked_against_its_steps(portfolio, tmp_path):
    assert lines(
        portfolio,
        tmp_path,
        {
            "maps/buy.yaml": JOURNEY_M.replace("emotion: 4", "emotion: 9"),
            "data/x.csv": AGG + "2025-01-01,wait,buy,akс,3,\n",
        },
    ) == [
        "journeys/data/x.csv:2:21: error: unknown step 'akс' in journey 'buy' [did you mean 'ask'?; leave the step "
        "empty for the whole journey]",
        "journeys/maps/buy.yaml:16:18: error: phases[0].steps[0].emotion: expected less than or equal to 5, got 9",
    ]


def test_linear_parse_of_a_large_file(portfolio, tmp_path):
    rows = "".join(f"2025-{m:02d}-{d:02d},nps,buy,,{(m * d) % 11}\n" for m in range(1, 13) for d in range(1, 29)) * 60
    root = portfolio(files({"data/big.csv": RAW + rows}))
    p, report = check(root, base=tmp_path)
    assert report.sorted() == []
    assert p.metric_data.rows == 12 * 28 * 60
    assert sum(map(sum, p.metric_data.responses[SeriesKey("nps", "buy")].values())) == 12 * 28 * 60
