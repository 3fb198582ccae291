"""Every code a diagnostic can carry: an enum, so a code is named once and a typo fails at import.

Each code is a `str` (`Code.YAML == "yaml"`), as printed by `journeys check` in `--format json` and as the
annotation title on GitHub. docs/errors.md explains each with an example and its fix; a test fails when a
code is missing there or a section names no code.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # reading a file
    YAML = "yaml"
    ENCODING = "encoding"
    EMPTY = "empty"
    IO = "io"
    OUTSIDE = "outside"
    TOO_LARGE = "too-large"
    TOO_DEEP = "too-deep"
    BAD_KEY = "bad-key"
    BAD_VALUE = "bad-value"
    DUPLICATE_KEY = "duplicate-key"
    # matching the model
    UNKNOWN_KEY = "unknown-key"
    MISSING_KEY = "missing-key"
    INVALID_VALUE = "invalid-value"
    BAD_ID = "bad-id"
    # links between files
    DUPLICATE_ID = "duplicate-id"
    UNKNOWN_REFERENCE = "unknown-reference"
    CYCLE = "cycle"
    INVALID_VIEW = "invalid-view"
    # governance warnings
    NO_OWNER = "no-owner"
    NO_METRIC = "no-metric"
    UNUSED_OPPORTUNITY = "unused-opportunity"
    # metric data files
    CSV_HEADER = "csv-header"
    CSV_SYNTAX = "csv-syntax"
    CSV_ROW = "csv-row"
    BAD_DATE = "bad-date"
    BAD_NUMBER = "bad-number"
    OUT_OF_RANGE = "out-of-range"
    DUPLICATE_ROW = "duplicate-row"
    MIXED_DATA = "mixed-data"
    WRONG_KIND = "wrong-kind"
    UNLISTED_METRIC = "unlisted-metric"
    # importing
    MERMAID = "mermaid"
    SPREADSHEET = "spreadsheet"

    @property
    def meaning(self) -> str:
        """What the code means, in one line."""
        return MEANINGS[self]


MEANINGS: dict[Code, str] = {
    Code.YAML: "the file is not valid YAML",
    Code.ENCODING: "the file is not UTF-8",
    Code.EMPTY: "the file holds nothing",
    Code.IO: "the file cannot be read",
    Code.OUTSIDE: "a link points outside the portfolio folder",
    Code.TOO_LARGE: "the file or document is larger than the limits",
    Code.TOO_DEEP: "the document nests too deeply",
    Code.BAD_KEY: "a key is not a plain name",
    Code.BAD_VALUE: "a value of an unsupported YAML type or tag",
    Code.DUPLICATE_KEY: "the same key twice in one mapping",
    Code.UNKNOWN_KEY: "a key the model does not know (a typo?)",
    Code.MISSING_KEY: "a required key is missing",
    Code.INVALID_VALUE: "a value of the wrong type or out of range",
    Code.BAD_ID: "an id or file name that is not a slug",
    Code.DUPLICATE_ID: "the same id defined twice",
    Code.UNKNOWN_REFERENCE: "a reference to an id that is not defined",
    Code.CYCLE: "parent or next links that loop",
    Code.INVALID_VIEW: "a named view whose explore query has an unknown parameter or value",
    Code.NO_OWNER: "governance: a step without an owning department",
    Code.NO_METRIC: "governance: a live journey without a metric",
    Code.UNUSED_OPPORTUNITY: "governance: an opportunity no step references",
    Code.CSV_HEADER: "a metric data file's header is not one of the two shapes",
    Code.CSV_SYNTAX: "a metric data file is not valid CSV (an unclosed quote)",
    Code.CSV_ROW: "a metric data row has more or fewer fields than the header",
    Code.BAD_DATE: "a metric data date that is not YYYY-MM-DD, not a real date, or outside 1900-2100",
    Code.BAD_NUMBER: "a metric value or score that is not a (finite, whole for scores) number",
    Code.OUT_OF_RANGE: "a survey score outside its scale, or a value outside its kind's range",
    Code.DUPLICATE_ROW: "two aggregated rows for the same date, metric, journey, step and segment",
    Code.MIXED_DATA: "one series given both survey responses and aggregated values",
    Code.WRONG_KIND: "survey responses for a metric that is not nps, csat or ces",
    Code.UNLISTED_METRIC: "governance: data for a metric the journey or step does not list",
    Code.MERMAID: "a Mermaid diagram that cannot be imported",
    Code.SPREADSHEET: "a spreadsheet cell or column that cannot be imported",
}
