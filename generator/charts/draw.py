"""Drawing a chart's data (`charts.specs`: `TrendData`, `EmotionData`...) to SVG bytes, and its data table.

A `Chart` (`charts.specs`) holds everything its picture depends on in its typed data, so its file name is a
hash of that data and of the style (`Chart.filename`): the cache (`charts/cache.py`) renders only charts
whose name it has not seen. `render(data)` is a pure, top-level function, safe to run in a spawned worker.

Drawing uses matplotlib's object API (`Figure` + `FigureCanvasSVG`, never pyplot: no global state, no
GUI backend), fixed margins (`subplots_adjust`, no tight or constrained layout, which cost time and move
things when a label changes), and the settings that make the bytes identical on every run: a fixed
`svg.hashsalt` and `svg.id`, no metadata, the SVG printed inside the `rc_context`, and the `<metadata>` element
removed. Text stays text (`svg.fonttype: none`) so it is sharp, selectable and light.

Speed (a cold build draws thousands of charts): the canvas' renderer keeps text metrics for the whole
process (`_canvas_class`), a figure is kept and reused per kind with what every chart has (below), and
artists are few: one line for all the marks of a kind, one for an axis' tick marks and one for its grid
lines (`_tick_lines`), one scatter for all the circles. matplotlib's cost is per artist, not per point.
Work matplotlib repeats within a save or across charts is done once: an axis' ticks for each chart
(`_draw_axis`), a text's layout and a kept legend's packing for the process (`_text_layout`,
`_fixed_layout`); the SVG writer (`_Writer`) and the settings (`_rc_settings`) are cheaper versions of
matplotlib's, the same bytes.

Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies), and shapes or dashes as
well as colour for every distinction. Charts are `<img>` files on a transparent background that the site
shows on a white card in both of Material's schemes (theme/stylesheets/journeys.css): text is a dark grey
(INK, 10:1 on white), axes and grid a mid grey, and every data colour at least 3:1 on white (WCAG 1.4.11).
Labels are wrapped, never shortened or tilted, and no text is smaller than 8.5 pt: charts are shown at
their own size (a chart wider than a phone scrolls in its figure), so 8.5 pt is 11.3 CSS px on every
screen. The same numbers are always in a table beside the chart.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import textwrap
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from generator.charts.specs import (
    ChartData,
    ComparisonData,
    EmotionData,
    ImportanceData,
    MultiplesData,
    OpportunitiesData,
    Panel,
    TrendData,
)

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
GREY = "#808080"  # axes, grid, markers of no data: 3.9:1 on the white card
INK = "#404040"  # every text: 10:1 on the white card
SMALL = 8.5  # the smallest text, in points: 11.3 CSS px at the size charts are shown
LINE = "#2F86C9"  # the data line: between Okabe-Ito blue and sky blue, 3.9:1 on white, 4.1:1 on slate
TARGET = OKABE_ITO["green"]  # 3.4:1 on white, 4.7:1 on slate
WARNING = OKABE_ITO["vermillion"]  # the warning line and its label: 3.9:1 / 4.2:1
BAND = OKABE_ITO["orange"]  # the at-risk band, a light fill behind the data
HEALTH_COLOURS = {
    "on-target": OKABE_ITO["green"],
    "at-risk": OKABE_ITO["orange"],
    "off-target": OKABE_ITO["vermillion"],
    "no-data": GREY,
}
# the same shapes as the health symbols on the pages (● ▲ ■ ○): health reads without colour
HEALTH_MARKERS = {"on-target": "o", "at-risk": "^", "off-target": "s", "no-data": "o"}

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "journeys",
    "svg.id": "chart",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],  # only metrics come from it: the browser draws the text
    "font.size": 9.0,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": GREY,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "grid.color": GREY,
    "grid.alpha": 0.35,
    "grid.linewidth": 0.6,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": True,
    "axes.unicode_minus": False,
}
METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
DPI = 72  # 1 inch = 72 SVG points: sizes below are in inches


# ------------------------------------------------------------------ formatting


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    if text == "-0":
        text = "0"
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "/7", "/5") else f"{text} {unit}"


def short(text: str, width: int = 28) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def wrap_all(text: str, width: int) -> list[str]:
    """Every word of `text`, in lines of at most `width` characters (a longer word gets a line of its own)."""
    return list(_wrapped(str(text), width))


@functools.lru_cache(maxsize=20_000)
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    # kept: a chart's names are wrapped three times (its size, its margins, its labels), and textwrap is slow
    return tuple(textwrap.wrap(" ".join(text.split()), width, break_long_words=False) or [""])


def wrap(text: str, width: int = 18, lines: int = 3) -> str:
    parts = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = short(parts[-1] + " …", width)
    return "\n".join(parts)


# ------------------------------------------------------------------ sizes and margins


def figure_size(data: ChartData) -> tuple[float, float]:
    if isinstance(data, TrendData):
        return 6.4, 2.6
    if isinstance(data, EmotionData):
        return max(6.4, EMOTION_STEP * len(data.steps) + 1.5), 2.9 + _emotion_label_lines(data) * LINE_IN
    if isinstance(data, MultiplesData):
        rows = (len(data.panels) + 2) // 3
        return 7.2, 0.3 + (1.45 + _title_lines(data) * LINE_IN) * rows
    if isinstance(data, ImportanceData):
        return 6.4, 0.95 + _importance_row(data) * len(data.rows)
    if isinstance(data, OpportunitiesData):
        return 6.4, 4.4
    if isinstance(data, ComparisonData):
        return max(6.4, EMOTION_STEP * len(data.steps) + 1.5), 3.1 + _emotion_label_lines(data) * LINE_IN
    raise ValueError(f"unknown chart data {type(data).__name__}")


LINE_IN = 0.165  # one line of 8.5 pt text, in inches
EMOTION_STEP = 0.85  # inches per step of the emotion curve: room for a wrapped step name
EMOTION_WRAP = 13  # characters a line of a step name under the emotion curve


def _emotion_label_lines(data: EmotionData | ComparisonData) -> int:
    return max([len(wrap_all(s.name, EMOTION_WRAP)) for s in data.steps] + [1])


def _title_lines(data: MultiplesData) -> int:
    return max([len(_panel_title(p)) for p in data.panels] + [2])


def _panel_title(panel: Panel) -> list[str]:
    return wrap_all(panel.step, 32) + wrap_all(panel.metric, 32)


IMPORTANCE_WRAP = 38


def _importance_row(data: ImportanceData) -> float:
    lines = max([len(wrap_all(r.touchpoint, IMPORTANCE_WRAP)) for r in data.rows] + [1])
    return max(0.34, 0.1 + lines * LINE_IN)


def _inches_margins(fig, w: float, h: float, left: float, right: float, top: float, bottom: float, **kw) -> None:
    """Fixed margins in inches, whatever the figure's size: the plot never jumps between charts.

    Margins the figure has already (the chart before was of the same size) are not set again: setting them
    moves every axes, and what is worked out from their place (transforms, boxes) is worked out again."""
    margins = dict(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h, **kw)
    if any(getattr(fig.subplotpars, name) != value for name, value in margins.items()):
        fig.subplots_adjust(**margins)


# ------------------------------------------------------------------ drawing
#
# A worker draws thousands of charts, and building a Figure, its Axes and their ticks is a third of each
# chart. So each process keeps one figure per kind (`_FIGURES`): its axes, styling and constant ticks are
# set up once (`SETUP`), each chart adds its data artists (`DRAW`), is saved, and those artists are removed
# again (`_strip`); what every chart of the kind has (target lines, legends) is made by SETUP too, kept
# (`_keep`) and moved or relabelled by DRAW. Everything a chart sets is set on every chart (limits, ticks,
# labels, size, kept artists), or left as the chart before set it to the same (`_set_ticks`): the bytes are
# those of a fresh figure whatever was drawn before
# (tests/test_charts.py checks A, B, A against fresh).


_FIGURES: dict[tuple, tuple[Any, list[Any]]] = {}  # (kind, layout) -> (figure, axes), for this process
KEPT_FIGURES = 12  # most kept at once (`multiples` has one layout per panel count): the oldest goes first


def render(data: ChartData) -> bytes:
    """The chart as SVG bytes: identical for identical input, in any process, whatever was drawn before."""

    kind = data.kind
    with _rc_settings():
        w, h = figure_size(data)
        key = (kind, _layout(data))
        fig, axes = _FIGURES.get(key) or _new_figure(data, w, h)
        _FIGURES.pop(key, None)  # taken out while in use: a failed chart never leaves a dirty figure behind
        if tuple(fig.get_size_inches()) != (w, h):  # a new size: the figure's transforms are worked out again
            fig.set_size_inches(w, h)
        DRAW[kind](fig, axes, data, w, h)
        try:
            for ax in axes:
                _tick_lines(ax)
            buffer = io.StringIO()  # text: the SVG writer's many small writes skip an encoder (bytes at the end)
            fig.canvas.print_svg(buffer, metadata=METADATA)
        finally:
            _TICKS.clear()
        _strip(fig, axes)
        if len(_FIGURES) >= KEPT_FIGURES:
            del _FIGURES[next(iter(_FIGURES))]
        _FIGURES[key] = fig, axes
    return clean_svg(buffer.getvalue().encode())


@functools.cache
def _validated_rc() -> dict[str, Any]:
    from matplotlib import RcParams

    # the values as `rcParams.update` checks them
    valid: Any = RcParams(RC)
    return {key: valid._get(key) for key in RC}


@contextlib.contextmanager
def _rc_settings() -> Iterator[None]:
    """`RC` for the time of a chart, then the settings of before.

    `matplotlib.rc_context` copies and checks all of the 300 settings twice for each chart (4% of it): the
    values of `RC` are checked once (`_validated_rc`), and only the settings `RC` changes are put back."""
    import matplotlib

    rcParams: Any = matplotlib.rcParams
    if not hasattr(rcParams, "_update_raw"):  # matplotlib before 3.10: no raw access, the plain context
        with matplotlib.rc_context(RC):  # type: ignore[arg-type]
            yield
        return
    before = {key: rcParams._get(key) for key in RC}
    rcParams._update_raw(_validated_rc())
    try:
        yield
    finally:
        rcParams._update_raw(before)


def _layout(data: ChartData) -> int:
    """What decides the axes of a kind's figure, besides its size: the number of panels of `multiples`."""
    return len(data.panels) if isinstance(data, MultiplesData) else 0


def _new_figure(data: ChartData, w: float, h: float) -> tuple[Any, list[Any]]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=DPI)
    _canvas_class()(fig)
    axes = SETUP[data.kind](fig, data, w, h)
    # transparent, as `savefig(transparent=True)` makes them for the time of a save: the canvas prints the
    # figure itself (`render`), without savefig's set-up and restore of every setting around each chart
    fig.patch.set(facecolor="none", edgecolor="none")
    for ax in axes:
        ax.patch.set(facecolor="none", edgecolor="none")
        for axis in (ax.xaxis, ax.yaxis):
            axis.draw = functools.partial(_draw_axis, axis)
            axis._update_ticks = functools.partial(_drawn_ticks, axis)
    return fig, axes


_TICKS: dict[Any, list[Any]] = {}  # axis -> the ticks it draws, worked out once for the chart being drawn


def _axis_ticks(axis) -> list[Any]:
    """The ticks `axis` draws (`Axis._update_ticks`: positions and labels), worked out once for each chart.

    matplotlib worked them out again for each use (the tick marks, the axis, its label's place): each time
    the locator, the formatter and the ticks' positions, a tenth of a trend chart."""
    ticks = _TICKS.get(axis)
    if ticks is None:
        ticks = _TICKS[axis] = type(axis)._update_ticks(axis)
    return ticks


def _drawn_ticks(axis) -> list[Any]:
    """`axis._update_ticks()` for matplotlib's own callers (a spine's box asks for them too): the chart's
    ticks once they are worked out (`_axis_ticks`, from the tick marks to the end of the save), before that
    (a chart asking for its tick labels) worked out each time, as the chart may change them still."""
    ticks = _TICKS.get(axis)
    return type(axis)._update_ticks(axis) if ticks is None else ticks


def _draw_axis(axis, renderer) -> None:
    """`Axis.draw`, the same SVG with less work: the ticks worked out once (`_axis_ticks`), the tick labels'
    boxes measured only for a label placed from them, the parts of a tick that are off never asked to draw.
    The offset text (none in these charts) is placed as matplotlib places it."""
    if not axis.get_visible():
        return
    renderer.open_group("matplotlib.axis", gid=axis.get_gid())
    ticks = _axis_ticks(axis)
    for tick in ticks:
        if tick.get_visible():
            renderer.open_group(tick.__name__, gid=tick.get_gid())
            for artist in (tick.gridline, tick.tick1line, tick.tick2line, tick.label1, tick.label2):
                if artist.get_visible():
                    artist.draw(renderer)
            renderer.close_group(tick.__name__)
        tick.stale = False
    label = axis.label
    if axis._autolabelpos and label.get_visible() and label.get_text():
        boxes = axis._get_ticklabel_bboxes(ticks, renderer)
        # matplotlib's own placing, from the boxes of the ticks drawn (these figures align no labels)
        axis._get_tick_boxes_siblings = lambda renderer: boxes
        try:
            axis._update_label_position(renderer)
        finally:
            del axis._get_tick_boxes_siblings
    label.draw(renderer)
    offset = axis.major.formatter.get_offset()
    if offset:
        axis._update_offset_text_position(*axis._get_ticklabel_bboxes(ticks, renderer))
    axis.offsetText.set_text(offset)
    axis.offsetText.draw(renderer)
    renderer.close_group("matplotlib.axis")
    axis.stale = False


_TEXT_METRICS: dict[tuple, tuple[float, float, float]] = {}  # (text, font, math) -> width, height, descent
_FONT_HEIGHTS: dict[int, tuple[float | None, float | None, float | None]] = {}  # font -> ascent, descent, line gap


@functools.cache
def _canvas_class() -> type:
    """`FigureCanvasSVG` whose renderer keeps text metrics for the whole process.

    matplotlib measures every text with FreeType again for each saved figure (its cache is per renderer),
    and each measure was a tenth of a chart: tick labels, period names and fonts repeat across thousands of
    charts. The numbers are the renderer's own, so the bytes are the same."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
    from matplotlib.font_manager import fontManager, get_font

    class Renderer(RendererSVG):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.writer = _Writer.taking_over(self.writer)

        def get_text_width_height_descent(self, s, prop, ismath):
            # FontProperties hash (and compare) by value: the key holds no mutable object
            key = (s, hash(prop), ismath)
            metrics = _TEXT_METRICS.get(key)
            if metrics is None:
                metrics = _TEXT_METRICS[key] = super().get_text_width_height_descent(s, prop, ismath)
            return metrics

        def _get_font_height_metrics(self, prop):
            # the hook `Text._get_layout` asks before reading the font's tables itself (twice for each
            # text): the same numbers, computed as it does at 72 dpi (SVG), once for each font and size
            key = hash(prop)
            metrics = _FONT_HEIGHTS.get(key)
            if metrics is None:
                metrics = _FONT_HEIGHTS[key] = _font_height(get_font(fontManager._find_fonts_by_props(prop)), prop)
            return metrics

        def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
            # RendererSVG works out the same style again for each mark it writes (a trend line's points,
            # an axis' tick marks): worked out once here, the marks written by matplotlib's own code
            style = self._get_style(gc, rgbFace)
            self._get_style = lambda gc, rgbFace: style  # type: ignore[method-assign]  # this call only
            try:
                super().draw_markers(gc, marker_path, marker_trans, path, trans, rgbFace)
            finally:
                del self._get_style

    class Canvas(FigureCanvasSVG):
        def print_svg(self, filename, *, metadata=None, **_print_figure_options):
            # `FigureCanvasSVG.print_svg` with `Renderer`, into a text buffer; `render` calls it itself (not
            # through savefig, whose settings the figure has for good: `_new_figure`). No MixedModeRenderer
            # around the renderer: that one is for rasterised artists, which these charts never have, and it
            # passed on each of the renderer's attributes with a Python call
            from matplotlib.text import Text

            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            renderer = Renderer(width * 72, height * 72, filename, image_dpi=72, metadata=metadata)
            text_class: Any = Text
            own_layout = text_class._get_layout
            text_class._get_layout = _text_layout(own_layout)  # for this drawing only
            try:
                self.figure.draw(renderer)
            finally:
                text_class._get_layout = own_layout
            renderer.finalize()

    return Canvas


_LAYOUTS: dict[tuple, Any] = {}  # a text's layout by all it depends on (`_text_layout`), for this process


def _text_layout(own_layout: Callable) -> Callable:
    """`Text._get_layout`, kept for the whole process: a text's lines, box and offsets from its anchor.

    matplotlib works out a text's layout again each time it is asked (twice for each tick label: its box,
    then its drawing), a tenth of every chart; tick labels, period names and legends repeat across
    thousands of charts. The layout does not depend on the text's position, only on what the key holds;
    the renderer's text metrics (`_canvas_class`) are the same for every chart (72 dpi)."""

    def layout(text, renderer):
        if text._wrap or text.get_usetex() or text._transform_rotates_text:  # none in these charts
            return own_layout(text, renderer)
        key = (
            text._text,
            hash(text._fontproperties),
            text._rotation,
            text._horizontalalignment,
            text._verticalalignment,
            text._multialignment,
            text._rotation_mode,
            text._linespacing,
            text._parse_math,
            text.get_figure(root=True).dpi,
        )
        found = _LAYOUTS.get(key)
        if found is None:
            if len(_LAYOUTS) > 50_000:
                _LAYOUTS.clear()
            found = _LAYOUTS[key] = own_layout(text, renderer)
        return found

    return layout


_ESCAPED: dict[str, str] = {}  # attribute value -> its quoted, escaped text, for this process
_NAMES: dict[str, str] = {}  # attribute name -> " name=", escaped (a few dozen names)


class _Writer:
    """matplotlib's SVG writer (`backend_svg._XMLWriter`), the same bytes with less work.

    It escapes every attribute's name and value and writes each piece with a call of its own, the tenth of
    a chart: here the pieces of an element are joined before one write, and a value seen before (styles,
    ids, fonts, most coordinates) is escaped once for the process."""

    INDENT = " " * 64

    def __init__(self, write: Callable[[str], Any], flush: Callable[[], Any]) -> None:
        self._out: list[str] = []
        self._write = write
        self._file_flush = flush
        self._open = False  # a start tag not yet closed by ">"
        self._tags: list[str] = []
        self._data: list[str] = []

    @classmethod
    def taking_over(cls, writer) -> Any:
        """This writer in place of `writer`, which wrote the start of the file and has elements open."""
        from matplotlib.backends import backend_svg

        state = getattr(writer, "_XMLWriter__tags", None)
        if state is None or type(writer) is not getattr(backend_svg, "_XMLWriter", None):
            return writer  # another version's writer: kept
        new = cls(writer._XMLWriter__write, writer.flush)
        new._tags = list(state)
        new._open = bool(writer._XMLWriter__open)
        new._data = list(writer._XMLWriter__data)
        return new

    def _flush_open(self, indent: bool = True) -> None:
        if self._open:
            self._out.append(">\n" if indent else ">")
            self._open = False
        if self._data:
            self._out.append(_escape_cdata("".join(self._data)))
            self._data = []

    def start(self, tag: str, attrib: dict | None = None, **extra: str) -> int:
        if self._open or self._data:
            self._flush_open()
        tag = _escape_cdata(tag)
        self._tags.append(tag)
        parts = [self.INDENT[: len(self._tags) - 1], "<", tag]
        for k, v in ({**attrib, **extra} if attrib else extra).items():
            if v:
                name = _NAMES.get(k)
                if name is None:
                    name = _NAMES[k] = f" {_escape_cdata(k)}="
                quoted = _ESCAPED.get(v)
                if quoted is None:
                    quoted = _quote(v)
                    if len(v) < 200:
                        if len(_ESCAPED) > 200_000:
                            _ESCAPED.clear()
                        _ESCAPED[v] = quoted
                parts += (name, quoted)
        self._out.append("".join(parts))
        self._open = True
        return len(self._tags) - 1

    def comment(self, comment: str) -> None:
        from matplotlib.backends.backend_svg import _escape_comment

        self._flush_open()
        self._out.append(f"{self.INDENT[: len(self._tags)]}<!-- {_escape_comment(comment)} -->\n")

    def data(self, text: str) -> None:
        self._data.append(text)

    def end(self, tag: str | None = None, indent: bool = True) -> None:
        if tag:
            assert self._tags, f"unbalanced end({tag})"
            assert _escape_cdata(tag) == self._tags[-1], f"expected end({self._tags[-1]}), got {tag}"
        else:
            assert self._tags, "unbalanced end()"
        tag = self._tags.pop()
        if self._data:
            self._flush_open(indent)
        elif self._open:
            self._open = False
            self._out.append("/>\n")
            return
        self._out.append(f"{self.INDENT[: len(self._tags)] if indent else ''}</{tag}>\n")

    def close(self, id: int) -> None:
        while len(self._tags) > id:
            self.end()

    def element(self, tag: str, text: str | None = None, attrib: dict | None = None, **extra: str) -> None:
        self.start(tag, attrib, **extra)
        if text:
            self._data.append(text)
        self.end(indent=False)

    def flush(self) -> None:
        self._write("".join(self._out))
        self._out = []
        self._file_flush()


def _escape_cdata(s: str) -> str:
    if "&" in s or "<" in s or ">" in s:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


def _quote(s: str) -> str:
    """An attribute's value as `backend_svg._quote_escape_attrib` writes it."""
    if '"' not in s:
        return f'"{_escape_cdata(s)}"'
    if "'" not in s:
        return f"'{_escape_cdata(s)}'"
    return '"' + _escape_cdata(s).replace("'", "&apos;").replace('"', "&quot;") + '"'


def _font_height(font, prop) -> tuple[float | None, float | None, float | None]:
    """Ascent, descent and line gap of `font` at `prop`'s size, as `Text._get_layout` reads them at 72 dpi."""
    for table_name, linegap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table("head")["unitsPerEm"]
        scale = 1 / units_per_em * fontsize * DPI / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale
    return None, None, None


_KEPT: weakref.WeakSet[Any] = weakref.WeakSet()  # artists a SETUP made for every chart of its figure


def _strip(fig, axes: list[Any]) -> None:
    """Remove what a chart added (lines, patches, texts, legends): the figure is ready for the next one."""
    for ax in axes:
        for artist in list(ax.get_children()):
            if artist in ax._children and artist not in _KEPT:
                artist.remove()
        if ax.legend_ is not None and ax.legend_ not in _KEPT:
            ax.legend_.remove()
    for legend in list(fig.legends):
        if legend not in _KEPT:
            legend.remove()


_METADATA_RE = re.compile(rb"\s*<metadata>.*?</metadata>", re.S)
_COMMENT_RE = re.compile(rb"<!-- Created with matplotlib.*?-->\n?", re.S)


def clean_svg(svg: bytes) -> bytes:
    """Without <metadata> (it names the matplotlib version and lands in search indexes) and version comments."""
    if b"<metadata>" in svg:  # looked for first: the patterns' leading spaces are tried at every byte
        svg = _METADATA_RE.sub(b"", svg, count=1)
    if b"<!-- Created with matplotlib" in svg:
        svg = _COMMENT_RE.sub(b"", svg)
    return svg


def _style_axes(ax) -> None:
    _ticks(ax, grid="y")
    ax.set_axisbelow(True)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.6)


TICK_LENGTH = 3.0  # points
TICK_WIDTH = 0.6
_GRIDS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()  # axes -> its grid: x, y or both


def _ticks(ax, grid: str) -> None:
    """Ticks of `TICK_LENGTH` outside the axes, grid lines across it along `grid` ("x", "y" or "both").

    The axis draws the tick labels; the tick marks and grid lines are drawn by `_tick_lines`, one line for
    all the marks of an axis and one for all its grid lines: matplotlib draws a tick's mark and its grid
    line as two lines of their own, and ticks were half of a trend chart. The axis' own marks are off, not
    of zero length, so the labels keep their place (their pad counts the tick's length)."""
    ax.tick_params(length=TICK_LENGTH, width=TICK_WIDTH, bottom=False, left=False)
    _GRIDS[ax] = grid


def _tick_lines(ax) -> None:
    """The tick marks and grid lines of the ticks the axes will draw (after its limits and ticks are set).

    Their lines are made for the first chart of a figure and kept (`_keep`), in the order of before (x marks,
    x grid, y marks, y grid, the only artists at their zorder): each chart sets their points, or hides them
    when an axis has no ticks. A line made for each chart was a tenth of it."""
    grid = _GRIDS.get(ax)
    if grid is None:
        return
    parts = _PARTS.setdefault(ax, {})
    if "x marks" not in parts:
        _make_tick_lines(ax, grid)
    for axis in (ax.xaxis, ax.yaxis):
        locs = [float(tick.get_loc()) for tick in _axis_ticks(axis)]
        name = axis.axis_name
        lines = [(parts[f"{name} marks"], False)]
        if grid in (name, "both"):
            lines.append((parts[f"{name} grid"], True))
        for line, across in lines:
            line.set_visible(bool(locs))
            if not locs or _LINE_TICKS.get(line) == locs:
                continue  # as the chart before: the line keeps its path, worked out already
            _LINE_TICKS[line] = locs
            if across:  # one line from edge to edge at each tick, broken by NaN
                at: list[float] = []
                edges: list[float] = []
                for loc in locs:
                    at += [loc, loc, math.nan]
                    edges += [0.0, 1.0, math.nan]
                points = (at[:-1], edges[:-1])
            else:
                points = (locs, [0.0] * len(locs))
            line.set_data(*(points if name == "x" else points[::-1]))


_LINE_TICKS: weakref.WeakKeyDictionary[Any, list[float]] = weakref.WeakKeyDictionary()  # kept line -> its ticks


def _make_tick_lines(ax, grid: str) -> None:
    from matplotlib import rcParams
    from matplotlib.lines import Line2D
    from matplotlib.markers import TICKDOWN, TICKLEFT, MarkerStyle

    for name, marker in (("x", TICKDOWN), ("y", TICKLEFT)):
        transform = ax.get_xaxis_transform if name == "x" else ax.get_yaxis_transform
        marks = Line2D(
            [],
            [],
            transform=transform(which="tick1"),
            linestyle="none",
            marker=MarkerStyle(marker),
            markersize=TICK_LENGTH,
            markeredgewidth=TICK_WIDTH,
            color=rcParams["xtick.color" if name == "x" else "ytick.color"],
            clip_on=False,
            zorder=0.5,
        )
        ax.add_artist(marks)
        _keep(ax, f"{name} marks", marks)
        if grid in (name, "both"):
            lines = Line2D(
                [],
                [],
                transform=transform(which="grid"),
                color=rcParams["grid.color"],
                alpha=rcParams["grid.alpha"],
                linewidth=rcParams["grid.linewidth"],
                linestyle=rcParams["grid.linestyle"],
                zorder=0.5,
            )
            ax.add_artist(lines)
            lines.set_clip_path(ax.patch)
            _keep(ax, f"{name} grid", lines)


def _period_ticks(ax, labels: list[str], most: int = 6) -> None:
    step = max(1, -(-len(labels) // most))
    ticks = list(range(len(labels) - 1, -1, -step))[::-1]
    _set_ticks(ax.xaxis, ticks, [labels[i] for i in ticks])
    ax.set_xlim(-0.5, len(labels) - 0.5)


def _plot(ax, xs: list, ys: list, **style: Any) -> Any:
    """`ax.plot(xs, ys, **style)` as these charts call it, the same line with less work: every colour is
    given and the limits are the chart's own, so plot's reading of its arguments, its colour cycle and its
    update of the data limits (a twentieth of a chart) are left out."""
    from matplotlib.lines import Line2D

    line = Line2D(xs, ys, **style)
    ax.add_artist(line)
    return line


def _span(ax, start: float, end: float, **style: Any) -> Any:
    """`ax.axvspan(start, end, **style)`, the same rectangle from the bottom of the axes to its top, without
    the data limits' update and units' checks (axvspan was a tenth of an emotion chart)."""
    from matplotlib.axis import GRIDLINE_INTERPOLATION_STEPS
    from matplotlib.patches import Rectangle

    patch = Rectangle((start, 0), end - start, 1, **style)
    patch.set_transform(ax.get_xaxis_transform(which="grid"))
    ax.add_artist(patch)
    path: Any = patch.get_path()  # as axvspan sets it (the stubs do not list it)
    path._interpolation_steps = GRIDLINE_INTERPOLATION_STEPS
    return patch


_SET_TICKS: weakref.WeakKeyDictionary[Any, tuple] = weakref.WeakKeyDictionary()  # axis -> its set_ticks


def _set_ticks(axis, ticks, labels: list[str], **style: Any) -> bool:
    """`axis.set_ticks(ticks, labels, **style)` unless the figure's chart before set the same (the periods of
    most trend charts), and `style` only if it was not given before: restyling each label (a twentieth of a
    chart) is done once, and a tick added later copies its style from the first (`Axis.get_major_ticks`).
    True when the ticks were set."""
    ticks, labels, styled = list(ticks), list(labels), sorted(style.items())
    before = _SET_TICKS.get(axis)
    if before == (ticks, labels, styled):
        return False
    if before is not None and before[2] == styled:
        axis.set_ticks(ticks, labels)
    else:
        axis.set_ticks(ticks, labels, **style)
    _SET_TICKS[axis] = ticks, labels, styled
    return True


def _band_limits(values: list[float], target: float, warning: float, pad: float = 0.12) -> tuple[float, float]:
    low = min(values + [target, warning])
    high = max(values + [target, warning])
    span = (high - low) or max(abs(high), 1.0)
    return low - pad * span, high + pad * span


TREND_MARGINS = dict(left=0.55, right=1.15, top=0.2, bottom=0.45)


def _setup_trend(fig, d: TrendData, w: float, h: float) -> list[Any]:
    _inches_margins(fig, w, h, **TREND_MARGINS)
    ax = fig.add_subplot()
    _style_axes(ax)
    _no_label(ax.xaxis)
    _target_and_band(ax, target_width=1.4, warning=True)
    for label, colour in (("target", TARGET), ("warning", WARNING)):
        text = ax.annotate(
            label,
            (0, 0),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=SMALL,
            color=colour,
            annotation_clip=False,
        )
        _keep(ax, f"{label} label", text)
    # the latest value's mark and label, on every chart with a value: moved, reshaped and relabelled by DRAW
    _keep(ax, "latest", _plot(ax, [], [], markersize=7, markeredgecolor=GREY, markeredgewidth=0.6, zorder=5))
    _keep(
        ax,
        "latest label",
        ax.annotate("", (0, 0), xytext=(0, 8), textcoords="offset points", ha="center", fontsize=9, fontweight="bold"),
    )
    return [ax]


# Artists every chart of a figure has (a trend's target line and band, the emotion curve's neutral line...):
# made once by SETUP, moved and relabelled by DRAW on every chart, never removed by `_strip`
_PARTS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()  # axes -> name -> artist


def _keep(ax, name: str, artist) -> None:
    _PARTS.setdefault(ax, {})[name] = artist
    _KEPT.add(artist)


def _target_and_band(ax, target_width: float, warning: bool) -> None:
    """The at-risk band between the warning and target levels, the target line (and the warning line): their
    levels are set by `_place_target_and_band`."""
    _keep(ax, "band", ax.axhspan(0, 1, color=BAND, alpha=0.2, linewidth=0))
    _keep(ax, "target", ax.axhline(0, color=TARGET, linewidth=target_width, linestyle=(0, (5, 2))))
    if warning:
        _keep(ax, "warning", ax.axhline(0, color=WARNING, linewidth=1.0, linestyle=(0, (1, 2))))


def _place_target_and_band(ax, target: float, warning: float) -> None:
    parts = _PARTS[ax]
    low, high = min(target, warning), max(target, warning)
    parts["band"].set_y(low)  # as `axhspan(low, high)` draws it
    parts["band"].set_height(high - low)
    parts["target"].set_ydata([target, target])
    if "warning" in parts:
        parts["warning"].set_ydata([warning, warning])


def _no_label(axis) -> None:
    """An axis whose label is always empty: its place is not worked out from the tick labels' sizes at each
    save (a tenth of a trend chart), since it draws nothing."""
    axis.set_label_coords(0.5, 0.5)


def _draw_trend(fig, axes: list[Any], d: TrendData, w: float, h: float) -> None:
    _inches_margins(fig, w, h, **TREND_MARGINS)
    (ax,) = axes
    labels = [p.period for p in d.points]
    xs = [i for i, p in enumerate(d.points) if p.value is not None]
    ys = [p.value for p in d.points if p.value is not None]
    target, warning = d.target, d.warning
    lo, hi = _band_limits(ys, target, warning)
    ax.set_ylim(lo, hi)
    # the at-risk band between warning and target
    _place_target_and_band(ax, target, warning)
    right = len(labels) - 0.5
    # long units ("complaints") are on the y axis already: the labels in the margin stay short
    short_unit = d.unit if len(d.unit) <= 3 else ""
    for label, level in (("target", target), ("warning", warning)):
        text = _PARTS[ax][f"{label} label"]
        text.set_text(f"{label} {fmt(level, short_unit)}")
        text.xy = (right, level)
    # segments of the line break where a period has no value
    run_x: list[int] = []
    run_y: list[float] = []
    for i, value in enumerate([p.value for p in d.points] + [None]):
        if value is None or (run_x and i != run_x[-1] + 1):
            if run_x:
                _plot(ax, run_x, run_y, color=LINE, linewidth=1.8, marker="o", markersize=2.8)
            run_x, run_y = [], []
        if value is not None:
            run_x.append(i)
            run_y.append(value)
    few = [i for i, p in enumerate(d.points) if p.value is None]
    if few:
        _plot(
            ax,
            few,
            [lo + 0.04 * (hi - lo)] * len(few),
            linestyle="none",
            marker="x",
            markersize=4,
            color=GREY,
            markeredgewidth=1.0,
        )
    latest, latest_label = _PARTS[ax]["latest"], _PARTS[ax]["latest label"]
    latest.set_visible(bool(xs))
    latest_label.set_visible(bool(xs))
    if xs:
        x, y = xs[-1], ys[-1]
        latest.set_data([x], [y])
        latest.set_marker(HEALTH_MARKERS[d.health.value])
        latest.set_color(HEALTH_COLOURS[d.health.value])
        latest_label.set_text(fmt(y, short_unit))
        latest_label.xy = (x, y)
    _period_ticks(ax, labels)
    ax.set_ylabel(d.unit)  # "" draws nothing


EMOTION_MARGINS = dict(left=1.15, right=0.35, top=0.62, bottom=0.3)  # bottom: + the step names' lines
FEELINGS = ["very negative", "negative", "neutral", "positive", "very positive"]


def _emotion_margins(fig, d: EmotionData | ComparisonData, w: float, h: float) -> None:
    margins = dict(EMOTION_MARGINS)
    margins["bottom"] += _emotion_label_lines(d) * LINE_IN
    _inches_margins(fig, w, h, **margins)


def _setup_emotion(fig, d: EmotionData, w: float, h: float) -> list[Any]:
    from matplotlib.lines import Line2D

    axes = _setup_emotion_axes(fig, d, w, h)
    # shown on the charts with a moment of truth (`_draw_emotion`)
    star = Line2D([], [], linestyle="none", marker="*", markersize=10, color=OKABE_ITO["vermillion"])
    legend = fig.legend(
        [star],
        ["moment of truth"],
        loc="lower right",
        bbox_to_anchor=(1.0, 0.0),
        frameon=False,
        fontsize=SMALL,
        handletextpad=0.2,
    )
    legend.get_texts()[0].set_color(INK)
    _keep(axes[0], "legend", legend)
    _fixed_layout(legend._legend_box)
    return axes


def _setup_emotion_axes(fig, d: EmotionData | ComparisonData, w: float, h: float) -> list[Any]:
    _emotion_margins(fig, d, w, h)
    ax = fig.add_subplot()
    ax.set_ylim(0.6, 5.4)
    ax.set_yticks([1, 2, 3, 4, 5], FEELINGS)
    _ticks(ax, grid="y")
    ax.set_axisbelow(True)
    _no_label(ax.xaxis)
    _no_label(ax.yaxis)
    _keep(ax, "neutral", ax.axhline(3, color=GREY, linewidth=0.6, linestyle=(0, (2, 2))))
    return [ax]


def _draw_emotion(fig, axes: list[Any], d: EmotionData, w: float, h: float) -> None:
    _emotion_margins(fig, d, w, h)
    (ax,) = axes
    steps = d.steps
    ax.set_xlim(-0.5, len(steps) - 0.5)
    for n, phase in enumerate(d.phases):
        start, end = phase.first, phase.last
        if n % 2 == 0:
            _span(ax, start - 0.5, end + 0.5, color=GREY, alpha=0.12, linewidth=0)
        # wrapped to its steps' width (about 13 characters an inch at 8.5 pt bold)
        width = max(8, int((end - start + 1) * EMOTION_STEP * 13))
        ax.text(
            (start + end) / 2,
            5.55,
            "\n".join(wrap_all(phase.name, width)),
            ha="center",
            va="bottom",
            fontsize=SMALL,
            fontweight="bold",
        )
    _PARTS[ax]["legend"].set_visible(any(s.moment_of_truth for s in steps))
    xs = [i for i, s in enumerate(steps) if s.emotion is not None]
    ys = [s.emotion for s in steps if s.emotion is not None]
    if xs:
        _plot(ax, xs, ys, color=LINE, linewidth=2.0, marker="o", markersize=5)
    truth = [(i, s.emotion) for i, s in enumerate(steps) if s.moment_of_truth and s.emotion is not None]
    if truth:
        _plot(
            ax,
            [t[0] for t in truth],
            [t[1] for t in truth],
            linestyle="none",
            marker="*",
            markersize=13,
            color=OKABE_ITO["vermillion"],
            zorder=5,
        )
    unknown = [i for i, s in enumerate(steps) if s.emotion is None]
    if unknown:
        _plot(ax, unknown, [0.85] * len(unknown), linestyle="none", marker="$?$", markersize=7, color=GREY)
    # whole step names, wrapped under their point: never shortened, never tilted
    _set_ticks(
        ax.xaxis,
        range(len(steps)),
        ["\n".join(wrap_all(s.name, EMOTION_WRAP)) for s in steps],
        rotation=0,
        ha="center",
        va="top",
        fontsize=SMALL,
    )


def _multiples_margins(fig, d: MultiplesData, w: float, h: float) -> None:
    """Room above each panel for its wrapped title (step name, then metric and latest value)."""
    rows = (len(d.panels) + 2) // 3
    title = _title_lines(d) * LINE_IN
    gap = title + 0.3  # the period labels of the panel above, then this panel's title
    height = (h - 0.3 - title - 0.05 - (rows - 1) * gap) / rows
    _inches_margins(fig, w, h, left=0.45, right=0.15, top=title + 0.05, bottom=0.3, wspace=0.4, hspace=gap / height)


def _setup_multiples(fig, d: MultiplesData, w: float, h: float) -> list[Any]:
    panels = d.panels
    rows = (len(panels) + 2) // 3
    _multiples_margins(fig, d, w, h)
    axes = []
    for n in range(len(panels)):
        ax = fig.add_subplot(rows, 3, n + 1)
        _style_axes(ax)
        ax.tick_params(axis="y", labelsize=SMALL)
        _no_label(ax.xaxis)
        _no_label(ax.yaxis)
        _target_and_band(ax, target_width=1.1, warning=False)
        axes.append(ax)
    return axes


def _draw_multiples(fig, axes: list[Any], d: MultiplesData, w: float, h: float) -> None:
    _multiples_margins(fig, d, w, h)
    for ax, panel in zip(axes, d.panels, strict=True):
        pts = panel.points
        xs = [i for i, p in enumerate(pts) if p is not None]
        ys = [p for p in pts if p is not None]
        lo, hi = _band_limits(ys, panel.target, panel.warning, pad=0.1)
        ax.set_ylim(lo, hi)
        ax.set_xlim(-0.5, len(pts) - 0.5)
        _place_target_and_band(ax, panel.target, panel.warning)
        if xs:
            _plot(ax, xs, ys, color=LINE, linewidth=1.4)
            _plot(
                ax,
                [xs[-1]],
                [ys[-1]],
                marker=HEALTH_MARKERS[panel.health.value],
                markersize=5,
                color=HEALTH_COLOURS[panel.health.value],
                markeredgecolor=GREY,
                markeredgewidth=0.5,
            )
        lines = _panel_title(panel)
        lines[-1] += f": {fmt(ys[-1] if ys else None, panel.unit)}"
        # y given: the title stays at the top of its panel (matplotlib's check that nothing there pushes it up,
        # the y axis' boxes measured again, was a tenth of the chart; these panels have nothing above them)
        ax.set_title("\n".join(lines), fontsize=SMALL, loc="left", color=INK, y=1.0)
        ticks = [0, len(pts) - 1] if len(pts) > 1 else [0]
        if _set_ticks(ax.xaxis, ticks, [d.first, d.last] if len(pts) > 1 else [d.last], fontsize=SMALL):
            # the first period's label starts at its tick, the last ends at it: neither runs past the panel
            # (set on every label each time the ticks change: a lone label is centred)
            labels = ax.get_xticklabels()
            for n, label in enumerate(labels):
                label.set_horizontalalignment("center" if len(labels) == 1 else "left" if n == 0 else "right")
        ax.yaxis.set_major_locator(_locator(3))


def _locator(n: int):
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(n)


IMPORTANCE_MARGINS = dict(left=3.1, right=0.25, top=0.35, bottom=0.45)


def _setup_importance(fig, d: ImportanceData, w: float, h: float) -> list[Any]:
    from matplotlib.lines import Line2D

    _inches_margins(fig, w, h, **IMPORTANCE_MARGINS)
    ax = fig.add_subplot()
    ax.set_xlim(0.6, 5.4)
    ax.set_xticks([1, 2, 3, 4, 5])
    _ticks(ax, grid="x")
    ax.set_axisbelow(True)
    ax.set_xlabel("importance, 1 (low) to 5 (high)")
    _no_label(ax.yaxis)
    # the legend is the same on every chart: made once, kept by `_strip`, placed again at each save
    assumed = Line2D([], [], marker="o", color=WARNING, markerfacecolor="none", markeredgewidth=1.8, linestyle="none")
    validated = Line2D([], [], marker="D", color=LINE, linestyle="none")
    legend = ax.legend(
        [assumed, validated],
        ["assumed (inside-out)", "validated (outside-in)"],
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=2,
        frameon=False,
        fontsize=SMALL,
        borderaxespad=0.2,
        handletextpad=0.3,
    )
    for text in legend.get_texts():
        text.set_color(INK)
    _KEPT.add(legend)
    _fixed_layout(legend._legend_box)
    return [ax]


def _fixed_layout(box: Any) -> None:
    """A kept legend's boxes laid out once: what is inside them never changes, only where the legend goes.

    matplotlib packs a legend's rows and columns again each time it asks for a box's size or its children's
    places (several times for each save), a sixth of an importance chart. A box's layout is relative to its
    own place, so it holds for every chart; `_findoffset` still places the legend at each save."""
    from matplotlib.offsetbox import OffsetBox, PackerBase, PaddedBox, TextArea

    for child in box.get_children():
        if isinstance(child, OffsetBox):
            _fixed_layout(child)
    # the instance's own methods, as `_draw_axis` replaces `draw` (the stubs do not know the packers' one)
    kept: Any = box
    if isinstance(box, (PackerBase, PaddedBox)):
        kept._get_bbox_and_child_offsets = _once_per_dpi(kept._get_bbox_and_child_offsets)
    elif isinstance(box, TextArea):
        kept.get_bbox = _once_per_dpi(kept.get_bbox)


def _once_per_dpi(layout: Callable[[Any], Any]) -> Callable[[Any], Any]:
    found: dict[float, Any] = {}

    def laid_out(renderer):
        key = renderer.points_to_pixels(1.0)
        if key not in found:
            found[key] = layout(renderer)
        return found[key]

    return laid_out


def _draw_importance(fig, axes: list[Any], d: ImportanceData, w: float, h: float) -> None:
    _inches_margins(fig, w, h, **IMPORTANCE_MARGINS)
    (ax,) = axes
    rows = d.rows
    n = len(rows)
    ax.set_ylim(n - 0.5, -0.5)
    # one line for all the rows' segments (broken by NaN) and one for each kind of marker: a Line2D a mark
    # was two thirds of the chart. Drawn in the same order as one line each: segments, then the assumed
    # marks, then the validated ones (their zorder)
    seg_x: list[float] = []
    seg_y: list[float] = []
    for i, row in enumerate(rows):
        if row.assumed is not None and row.validated is not None and row.assumed != row.validated:
            seg_x += [row.assumed, row.validated, math.nan]
            seg_y += [i, i, math.nan]
    if seg_x:
        _plot(ax, seg_x[:-1], seg_y[:-1], color=GREY, linewidth=1.4, zorder=1)
    assumed = [(row.assumed, i) for i, row in enumerate(rows) if row.assumed is not None]
    if assumed:
        _plot(
            ax,
            [x for x, _ in assumed],
            [y for _, y in assumed],
            marker="o",
            markersize=7,
            color=WARNING,
            linestyle="none",
            zorder=3,
            markerfacecolor="none",
            markeredgewidth=1.8,
        )
    validated = [(row.validated, i) for i, row in enumerate(rows) if row.validated is not None]
    if validated:
        _plot(
            ax,
            [x for x, _ in validated],
            [y for _, y in validated],
            marker="D",
            markersize=6,
            color=LINE,
            linestyle="none",
            zorder=4,
        )
    _set_ticks(ax.yaxis, range(n), ["\n".join(wrap_all(r.touchpoint, IMPORTANCE_WRAP)) for r in rows], fontsize=SMALL)


OPPORTUNITIES_MARGINS = dict(left=0.6, right=0.25, top=0.25, bottom=0.55)


def _setup_opportunities(fig, d: OpportunitiesData, w: float, h: float) -> list[Any]:
    _inches_margins(fig, w, h, **OPPORTUNITIES_MARGINS)
    ax = fig.add_subplot()
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_xlabel("effort, 1 (small) to 5 (large)")
    ax.set_ylabel("impact, 1 (low) to 5 (high)")
    _ticks(ax, grid="both")
    ax.set_axisbelow(True)
    _keep(ax, "effort", ax.axvline(3, color=GREY, linewidth=0.6, linestyle=(0, (2, 2))))
    _keep(ax, "impact", ax.axhline(3, color=GREY, linewidth=0.6, linestyle=(0, (2, 2))))
    _keep(ax, "quick wins", ax.text(0.6, 5.4, "quick wins", va="top", fontsize=SMALL, fontstyle="italic"))
    _keep(ax, "big bets", ax.text(5.4, 5.4, "big bets", va="top", ha="right", fontsize=SMALL, fontstyle="italic"))
    return [ax]


def _draw_opportunities(fig, axes: list[Any], d: OpportunitiesData, w: float, h: float) -> None:
    (ax,) = axes
    xs: list[float] = []
    ys: list[float] = []
    sizes: list[int] = []
    seen: dict[tuple[int, int], int] = {}
    for n, point in enumerate(d.points):
        impact, effort, reach = point.impact, point.effort, point.reach
        k = seen.get((effort, impact), 0)
        seen[(effort, impact)] = k + 1
        # several opportunities in one cell: spread on a small grid, in order, so none hides another
        dx, dy = SPREAD[k % len(SPREAD)]
        x, y = effort + dx, impact + dy
        size = 30 + 40 * reach
        xs.append(x)
        ys.append(y)
        sizes.append(size)
        offset = size**0.5 / 2 + 1.5
        ax.annotate(
            str(n + 1),
            (x, y),
            xytext=(offset * 0.75, offset * 0.75),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            zorder=4,
        )
    if xs:
        # one collection for all the circles (drawn in the same order as one each: a circle's number is
        # above every circle, zorder 4)
        _scatter(ax, xs, ys, sizes, color=LINE, alpha=0.35, linewidth=1.2, zorder=3)


def _scatter(ax, xs: list[float], ys: list[float], sizes: list[int], color: str, **style: Any) -> Any:
    """`ax.scatter(xs, ys, s=sizes, color=color, edgecolors=color, **style)` with circles, the same collection
    as scatter makes it, without its reading of colours, masks and units, or the data limits' update (fixed
    for this chart): scatter was a seventh of an opportunities chart."""
    from matplotlib.collections import PathCollection
    from matplotlib.markers import MarkerStyle
    from matplotlib.transforms import IdentityTransform

    marker = MarkerStyle("o")
    circles = PathCollection(
        (marker.get_path().transformed(marker.get_transform()),),
        sizes,
        facecolors=color,
        edgecolors=color,
        offsets=list(zip(xs, ys, strict=True)),
        offset_transform=ax.transData,
        **style,
    )
    circles.set_transform(IdentityTransform())
    ax.add_collection(circles, autolim=False)
    return circles


SPREAD = [
    (0.0, 0.0),
    (0.3, 0.0),
    (-0.3, 0.0),
    (0.0, -0.3),
    (0.3, -0.3),
    (-0.3, -0.3),
    (0.0, 0.3),
    (0.3, 0.3),
    (-0.3, 0.3),
]


def _draw_comparison(fig, axes: list[Any], d: ComparisonData, w: float, h: float) -> None:
    """The as-is curve dashed with circles, the to-be curve solid with squares: told apart without colour.
    A step only one journey has is a point on that journey's curve only; the lines join the points they have."""
    _emotion_margins(fig, d, w, h)
    (ax,) = axes
    steps = d.steps
    ax.set_xlim(-0.5, len(steps) - 0.5)
    handles = []
    for column, color, style, marker, label in (
        ("as_is", GREY, (0, (4, 2)), "o", "as-is: " + d.labels[0]),
        ("to_be", LINE, "-", "s", "to-be: " + d.labels[1]),
    ):
        xs = [i for i, s in enumerate(steps) if getattr(s, column) is not None]
        ys = [getattr(steps[i], column) for i in xs]
        line = _plot(ax, xs, ys, color=color, linewidth=2.0, linestyle=style, marker=marker, markersize=5)
        handles.append((line, "\n".join(wrap_all(label, 60))))
    legend = fig.legend(
        [h_ for h_, _ in handles],
        [t for _, t in handles],
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=SMALL,
        ncols=2,
        handlelength=3,
    )
    for text in legend.get_texts():
        text.set_color(INK)
    _set_ticks(
        ax.xaxis,
        range(len(steps)),
        ["\n".join(wrap_all(s.name, EMOTION_WRAP)) for s in steps],
        rotation=0,
        ha="center",
        va="top",
        fontsize=SMALL,
    )


# each function takes its own kind of data, which `render` picks by `data.kind`: the table cannot say so
Setup = Callable[..., list[Any]]  # (fig, data, w, h) -> the axes
Draw = Callable[..., None]  # (fig, axes, data, w, h)
SETUP: dict[str, Setup] = {
    "trend": _setup_trend,
    "emotion": _setup_emotion,
    "multiples": _setup_multiples,
    "importance": _setup_importance,
    "opportunities": _setup_opportunities,
    "comparison": _setup_emotion_axes,
}
DRAW: dict[str, Draw] = {
    "trend": _draw_trend,
    "emotion": _draw_emotion,
    "multiples": _draw_multiples,
    "importance": _draw_importance,
    "opportunities": _draw_opportunities,
    "comparison": _draw_comparison,
}
