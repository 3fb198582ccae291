"""The wording of metric data errors: field text made safe for a one-line message, the column a field
starts at, and the hints that explain each metric kind's range and scale."""

from __future__ import annotations

from generator.model.entities import MetricKind


def shown(text: str) -> str:
    """Field text for a one-line message: line breaks and tabs written as escapes."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def field_column(raw_line: str, index: int) -> int:
    """The 1-based column where field `index` starts on a physical line, honouring quotes."""
    col, field_no, quoted = 0, 0, False
    for col, char in enumerate(raw_line):
        if field_no == index:
            return col + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            field_no += 1
    return len(raw_line.rstrip("\r\n")) + 1 if field_no == index else 1


def range_hint(kind: MetricKind) -> str:
    return {
        MetricKind.nps: "NPS is % promoters minus % detractors, from -100 to 100",
        MetricKind.csat: "CSAT is the % of satisfied answers, from 0 to 100",
        MetricKind.ces: "CES is the mean effort score on the 1 to 7 scale",
        MetricKind.rate: "write rates as percentages, from 0 to 100",
    }.get(kind, "")


def scale_hint(kind: MetricKind) -> str:
    return {
        MetricKind.nps: "NPS asks 'how likely are you to recommend us', 0 (not at all) to 10 (extremely)",
        MetricKind.csat: "CSAT answers run from 1 (very unsatisfied) to 5 (very satisfied)",
        MetricKind.ces: "CES answers run from 1 (very easy) to 7 (very difficult)",
    }.get(kind, "")


def first_written(first: tuple[str, int], file: str) -> str:
    """Where a row was first written, said from `file`: its line there, or another file and line."""
    return f"line {first[1]}" if first[0] == file else f"{first[0]}:{first[1]}"


def csv_syntax(message: str) -> tuple[str, str]:
    """The message and hint for a CSV syntax error that the csv module reported as `message`."""
    if "unexpected end of data" in message or "EOF" in message:
        return (
            "a quoted field is not closed before the end of the file",
            'close the quote; a quote inside a quoted field is written twice: ""',
        )
    return f"the row cannot be read as CSV: {message}", 'quote fields that hold commas or quotes, e.g. "a, b"'
