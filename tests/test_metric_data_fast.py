"""The fast paths of the metric data reader (plain splitting, rows checked in bulk, the per-row short path)
give exactly what checking every row by the full path gives: same diagnostics in the same order, same data
in the same order. Property tests over CSV files made of runs of one series with anomalies here and there."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import write_portfolio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_metric_data import JOURNEY_M, METRICS

from generator.common import fork
from generator.load import metric_data
from generator.load.metric_csv import split_rows
from generator.load.metric_data import load_metric_data
from generator.load.read_portfolio import load_portfolio

SERIES = [
    ("wait", "buy", "", ""),
    ("wait", "buy", "ask", ""),
    ("wait", "buy", "", "online"),
    ("nps", "buy", "", ""),
    ("csat", "buy", "pay", ""),
    ("effort", "buy", "", ""),
    ("nope", "buy", "", ""),
    ("wait", "zzz", "", ""),
    ("csat", "buy", "ask", ""),
]
DATES = [f"2025-{m:02d}-{d:02d}" for m in (1, 2, 3) for d in range(1, 29)]
ODD_DATES = ["2025-02-30", "9999-12-31", " 2025-01-03", "", "2025/01/01", "1899-12-31"]
ODD_VALUES = ["", "nan", "1e3", " 4", "150", "-3", "٣", "+2", "4.", "x", "-0", "05", "11", "0"]

anomaly = st.tuples(st.integers(0, 30), st.sampled_from(["date", "value", "dup", "ids"]), st.integers(0, 13))
block = st.tuples(st.sampled_from(SERIES), st.integers(1, 30), st.integers(0, 80), st.lists(anomaly, max_size=3))
layout = st.sampled_from(["plain", "plain", "plain", "crlf", "quoted", "blank", "ragged", "bom"])


def _rows(blocks, raw: bool) -> list[list[str]]:
    rows = []
    for (metric, journey, step, segment), n, start, anomalies in blocks:
        made = []
        for k in range(n):
            value = str((k * 7) % 6 + 1) if raw else (str((k * 7) % 11) if k % 3 else f"{k % 5}.5")
            made.append([DATES[(start + k) % len(DATES)], metric, journey, step, value, segment])
        for at, what, pick in anomalies:
            row = made[at % n]
            if what == "date":
                row[0] = ODD_DATES[pick % len(ODD_DATES)]
            elif what == "value":
                row[4] = ODD_VALUES[pick]
            elif what == "dup":
                row[0] = made[pick % n][0]
            else:
                row[1:4] = SERIES[pick % len(SERIES)][:3]
        rows.extend(made)
    return [row[:5] for row in rows] if raw else rows


def _text(rows: list[list[str]], raw: bool, how: str, pick: int) -> str:
    header = "date,metric,journey,step," + ("score" if raw else "value,segment")
    lines = [header] + [",".join(row) for row in rows]
    if how == "quoted" and len(lines) > 1:
        at = 1 + pick % (len(lines) - 1)
        lines[at] = ",".join(f'"{field}"' for field in rows[at - 1])
    elif how == "blank":
        lines.insert(1 + pick % len(lines), "  ")
    elif how == "ragged" and len(lines) > 1:
        lines[1 + pick % (len(lines) - 1)] += ",9"
    text = "\n".join(lines) + "\n"
    if how == "crlf":
        text = text.replace("\n", "\r\n")
    if how == "bom":
        text = "\ufeff" + text
    return text


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = write_portfolio(
        tmp_path_factory.mktemp("fast") / "journeys", {"catalogue.yaml": METRICS, "maps/buy.yaml": JOURNEY_M}
    )
    portfolio, errors = load_portfolio(root)
    assert not errors
    return root, portfolio


def _outcome(portfolio, fast: bool, monkeypatch, parallel: bool = False):
    monkeypatch.setattr(metric_data, "PARALLEL_MIN_FILES", 2 if parallel else 10**9)
    if parallel:
        # other tests of the session may have left threads running, which makes the reader stay in one
        # process; this one only reads files in the worker, so forking here is safe
        monkeypatch.setattr(metric_data, "_two_processes", lambda files: files >= 2)
    data, errors = load_metric_data(portfolio, base=portfolio.root, fast=fast)
    return (
        [d.text() for d in errors],
        [(k, list(v.items())) for k, v in data.values.items()],
        [(k, list(v.items())) for k, v in data.responses.items()],
        data.rows,
        data.files,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(
        st.tuples(st.booleans(), st.lists(block, min_size=1, max_size=5), layout, st.integers(0, 99)),
        min_size=1,
        max_size=4,
    )
)
def test_fast_paths_give_what_the_full_checks_give(loaded, monkeypatch, files):
    root, portfolio = loaded
    folder = root / "data"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for number, (raw, blocks, how, pick) in enumerate(files):
        text = _text(_rows(blocks, raw), raw, how, pick)
        (folder / f"{number}.csv").write_bytes(text.encode("utf-8"))
    reference = _outcome(portfolio, False, monkeypatch)
    assert _outcome(portfolio, True, monkeypatch) == reference
    assert _outcome(portfolio, True, monkeypatch, parallel=True) == reference


AGG = "date,metric,journey,step,value,segment\n"
RAW = "date,metric,journey,step,score\n"


@pytest.mark.parametrize(
    "second",
    [
        AGG + "2025-02-01,nps,buy,,5,\n",  # nothing in common with the first half: the worker's result is kept
        AGG + "2025-01-02,wait,buy,,3,\n",  # a duplicate of a row of the first half
        RAW + "2025-01-02,nps,buy,,5\n",  # survey responses for a series with values in the first half
        AGG + "2025-01-05,wait,buy,,3,\n9999-01-01,wait,buy,,3,\n",  # more of a series of the first half
    ],
)
def test_files_read_by_two_processes_give_what_one_gives(loaded, monkeypatch, second):
    root, portfolio = loaded
    folder = root / "data"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / "a.csv").write_text(
        AGG + "2025-01-02,wait,buy,,3,\n2025-01-03,nps,buy,,7,\n2025-01-04,nps,buy,,8,\n2025-01-06,nps,buy,,8,\n",
        encoding="utf-8",
    )
    (folder / "b.csv").write_text(second, encoding="utf-8")
    forks = []
    start = fork.start
    monkeypatch.setattr(fork, "start", lambda work: forks.append(1) or start(work))
    parallel = _outcome(portfolio, True, monkeypatch, parallel=True)
    assert forks == [1]
    assert parallel == _outcome(portfolio, True, monkeypatch) == _outcome(portfolio, False, monkeypatch)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=',"ab \n\r\0\x0b\x1c\u2028\x85', max_size=40))
def test_plain_splitting_reads_rows_as_the_csv_module(text):
    rows, lines, failure = split_rows(text)
    expected, starts, previous_end = [], [], 0
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if row and (len(row) > 1 or row[0].strip()):
                expected.append(row)
                starts.append(start)
        error = None
    except csv.Error as exc:
        error = (previous_end + 1, str(exc))
    assert (rows, list(lines), failure) == (expected, starts, error)


def test_a_repeated_out_of_range_date_is_reported_every_time(loaded, monkeypatch):
    root, portfolio = loaded
    folder = root / "data"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    rows = "".join(f"2025-01-{d:02d},wait,buy,,3,\n" for d in range(1, 20)) + "9999-12-31,wait,buy,,3,\n" * 2
    (folder / "x.csv").write_text("date,metric,journey,step,value,segment\n" + rows, encoding="utf-8")
    errors = _outcome(portfolio, True, monkeypatch)[0]
    assert [e.split(": error: ")[1][:31] for e in errors] == ["the date 9999-12-31 is out of r"] * 2
