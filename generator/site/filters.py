"""Untrusted text on its way into the pages: the ONE place that decides what user text may do.

Every content field of the portfolio is untrusted, and every text field may hold Markdown. Templates never
print a field raw: the Jinja environment autoescapes, and these filters return `Markup` after doing the
work themselves. User Markdown is rendered here, to HTML, in three steps:

1. Python-Markdown, with raw HTML switched off: `<script>` in a description is text, shown as written
   (code spans show `<b>` as `<b>`, not `&lt;b&gt;`).
2. nh3 (the Rust `ammonia` sanitiser) keeps only the elements ordinary Markdown makes (paragraphs,
   emphasis, lists, code, quotes, links, images) and, for links and images, only `http:`, `https:`,
   `mailto:` and relative addresses: `[x](javascript:...)`, `data:` images, entity-obfuscated schemes are
   dropped. Links get `rel="noopener noreferrer"`.
3. The result is written back with every character Markdown or a template engine could act on (`*`, `_`,
   `` ` ``, `[`, `]`, `(`, `)`, `{`, `}`, `|`, `#`, `<`, `>`, `&`, `\\`, ...) as a numeric HTML entity, on one
   line. The page's own Markdown pass (MkDocs, or whatever builds `journeys generate` output) therefore
   sees only finished HTML: it cannot turn user text into links, `{: attr}` lists, table cells, or
   `{{ template }}` expressions, and it shows `{{ ... }}` / `{% ... %}` literally.

Filters:

- `text`: block text (descriptions, definitions...). One paragraph comes out as inline HTML (the page's
  Markdown wraps it in `<p>` as before); several blocks come out as block HTML. Glossary terms in it are
  linked to their entry (the build's `Glossary`).
- `para`: `text` as block HTML (one paragraph in its `<p>`), for text inside the pages' finished HTML.
- `inline`: the same for one line (headings, table cells, list items): only inline Markdown (emphasis,
  code, links); a line such as `1. Intro` or `# 1` stays text.
- `label`: `inline` without links, for text that is itself inside a link.
- `plain`: no Markdown at all: the text exactly as written (ids, tags, units, file names).
- `attr`: a value inside a double-quoted HTML attribute.
- `yaml`: a scalar for the front matter, JSON-quoted, HTML escaped inside.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from html import escape as _html_escape
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup

from generator.site.text_cache import TextCache

# What ordinary Markdown produces; anything else (raw HTML is off, so only via a bug) is dropped.
BLOCK_TAGS = frozenset(
    {
        "p",
        "br",
        "em",
        "strong",
        "code",
        "pre",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
    }
)
INLINE_TAGS = frozenset({"br", "em", "strong", "code", "a", "img"})
LABEL_TAGS = frozenset({"br", "em", "strong", "code"})
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
VOID = frozenset({"br", "img", "hr"})

# Characters a later Markdown or template pass could act on: written as numeric entities, which every
# Markdown implementation passes through untouched and every browser shows as the character.
# `[` takes links, images, footnotes and references with it (a `(` after text is inert), `{` attribute lists
# and `{{`/`{%`/`{#` template syntax, `|` table cells, `` ` `` `*` `_` `~` `\\` code, emphasis, strike and
# escapes (so text is not Markdown twice). The rest of Markdown's syntax works only at the start of a
# line; every filter returns one line, and `_LEADING` guards its first character.
_SPECIAL = set("&<>\"'`*_[]{|\\~")
_ENTITIES = {c: f"&#{ord(c)};" for c in _SPECIAL} | {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_TEXT_ENCODE = str.maketrans({c: e for c, e in _ENTITIES.items() if c != "'"})
_ENCODE = _TEXT_ENCODE
# Inside a tag, only what could cut the tag short or be read before Python-Markdown stashes raw HTML
# (code spans, escapes, links, table cells, attribute lists); URLs stay readable.
_ATTR_ENCODE = str.maketrans({c: _ENTITIES[c] for c in "&<>\"'`[{|\\"})
_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_LOOKS_ACTIVE = re.compile(r"(?:javascript|vbscript|data|livescript|mocha):", re.I)


def _clean_input(value: object) -> str:
    s = "" if value is None else str(value)
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _new_markdown(block: bool) -> markdown.Markdown:
    """Python-Markdown without raw HTML (it becomes text); for inline use, without block syntax."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    if not block:
        for name in ("indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote"):
            if name in md.parser.blockprocessors:
                md.parser.blockprocessors.deregister(name)
    return md


_MD = {True: _new_markdown(True), False: _new_markdown(False)}


class _Writer(HTMLParser):
    """Re-serialises nh3's output with every special character of text and attributes as an entity."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs))
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs))

    def handle_endtag(self, tag):
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        # newlines matter only in code blocks; elsewhere a line break could start Markdown block syntax
        data = data.translate(_ENCODE)
        self.out.append(data.replace("\n", "&#10;") if self.pre else " ".join(data.split("\n")))

    @staticmethod
    def _tag(tag: str, attrs) -> str:
        # nh3 already dropped unsafe schemes; this second look also refuses what only a lax reader would
        # take for one (`java script:` with a space or control character inside)
        parts = [tag] + [
            f'{name}="{(value or "").translate(_ATTR_ENCODE)}"'
            for name, value in attrs
            if not (name in ("href", "src") and _LOOKS_ACTIVE.match(_NOISE.sub("", value or "")))
        ]
        return "<" + " ".join(parts) + ">"


def _serialise(html: str) -> str:
    writer = _Writer()
    writer.feed(html)
    writer.close()
    return "".join(writer.out)


def _sanitise(html: str, tags: frozenset) -> str:
    attributes = {t: a for t, a in ATTRIBUTES.items() if t in tags}
    return nh3.clean(
        html,
        tags=set(tags),
        attributes=attributes,
        url_schemes=set(URL_SCHEMES),
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# What a line may not start with: headings, lists, quotes, rules, definitions, admonitions, blocks,
# snippets (`--8<--`), tables, or `1986.` (an ordered list).
_LEADING = re.compile(r"\A(?:(\d+)\.(?=\s|\Z)|([#\-+*>=:/!?~|%]))")


def _guard_start(out: str) -> str:
    return _LEADING.sub(lambda m: f"{m.group(1)}&#46;" if m.group(1) else f"&#{ord(m.group(2))};", out, count=1)


# `text`'s output is block HTML when it starts with one of these (else it is one paragraph's inline HTML)
_BLOCK_START = re.compile(r"<(?:p|pre|ul|ol|li|blockquote|h[1-6]|hr)[ >]")
_ONE_PARAGRAPH = re.compile(r"\A<p>((?:(?!</?p>).)*)</p>\Z", re.S)


def _markdown(s: str, block: bool) -> str:
    """Step 1: Python-Markdown's conversion of `s`."""
    md = _MD[block]
    md.reset()
    return md.convert(s)


def _finish(html: str, kind: str) -> str:
    """Steps 2 and 3: whatever `html` holds (a fresh conversion or a cache entry), sanitised and made inert."""
    html = _sanitise(html, BLOCK_TAGS if kind == "block" else INLINE_TAGS if kind == "inline" else LABEL_TAGS)
    if kind != "block":
        # inline Markdown is one paragraph (or several when blank lines were collapsed): keep the contents
        html = re.sub(r"</?p>", " ", html)
    else:
        one = _ONE_PARAGRAPH.match(html.strip())
        if one:
            html = one.group(1)
    out = _serialise(html)
    out = " ".join(out.split()) if kind != "block" else out.strip()
    return _guard_start(out)


@functools.lru_cache(maxsize=65536)
def _render(s: str, kind: str) -> str:
    """The three steps, with no text cache: a pure function of its arguments, so memoised per process."""
    return _finish(_markdown(s, kind == "block"), kind)


# ---- glossary terms -------------------------------------------------------------------------------------
#
# A glossary term in block text becomes a link to its entry, its definition as the link's title (shown on
# hover and keyboard focus by the site's CSS). It works on the finished, sanitised HTML of `_render`, so it
# adds only markup made here: the term and the definition are user text, matched and written in their
# encoded form (every special character an entity), and the link's address is fixed (`GLOSSARY_HREF`, which
# the renderer turns into the page's relative address of the glossary; user text can never write `href="`).
# Text inside links, code and preformatted blocks is left alone.

GLOSSARY_HREF = "jm-glossary:"
_TAG = re.compile(r"<(/?)([a-z0-9]+)[^>]*>")
_NO_LINK_INSIDE = frozenset({"a", "code", "pre"})


class Glossary:
    """The glossary terms one build links: id -> (term, definition), untrusted text. Held by that build's
    `Filters`, never by the module: two portfolios rendered in one process never see each other's terms."""

    def __init__(self, entries: dict[str, tuple[str, str]]) -> None:
        by_term: dict[str, tuple[str, str]] = {}
        for gid, (term, definition) in sorted(entries.items()):
            encoded = " ".join(_clean_input(term).split()).translate(_ENCODE)
            if encoded and encoded.lower() not in by_term:
                title = " ".join(_clean_input(definition).replace("`", "").replace("*", "").split())
                by_term[encoded.lower()] = (gid, title)
        self.entries = by_term
        self.pattern: re.Pattern | None = None
        if by_term:
            # longest first, so "escape of water" wins over "water"; no match inside a word or an entity
            # (&amp; &#39;)
            alternatives = "|".join(re.escape(t) for t in sorted(by_term, key=lambda t: (-len(t), t)))
            self.pattern = re.compile(rf"(?<![\w&#])(?:{alternatives})(?![\w])", re.I)
        self._done: dict[str, str] = {}  # finished HTML -> linked HTML, for this build

    def link(self, html: str) -> str:
        """`html` (finished filter output) with the first use of each term in it linked to its entry."""
        if self.pattern is None:
            return html
        out = self._done.get(html)
        if out is None:
            out = self._done[html] = self._link(html, self.pattern)
        return out

    def _link(self, html: str, pattern: re.Pattern) -> str:
        entries = self.entries
        out: list[str] = []
        inside = 0  # depth of links, code and preformatted blocks around the text
        linked: set[str] = set()  # each term linked once a block: its first use

        def link(m: re.Match) -> str:
            key = m.group(0).lower()
            if key in linked:
                return m.group(0)
            linked.add(key)
            gid, title = entries[key]
            return f'<a class="jm-term" href="{GLOSSARY_HREF}#term-{gid}" title="{attr(title)}">{m.group(0)}</a>'

        position = 0
        for tag in _TAG.finditer(html):
            chunk = html[position : tag.start()]
            out.append(pattern.sub(link, chunk) if chunk and not inside else chunk)
            if tag.group(2) in _NO_LINK_INSIDE:
                inside = max(0, inside + (-1 if tag.group(1) else 1))
            out.append(tag.group(0))
            position = tag.end()
        rest = html[position:]
        out.append(pattern.sub(link, rest) if rest and not inside else rest)
        return "".join(out)


class Filters:
    """The filters of one build. With a `TextCache`, step 1 takes Python-Markdown's output from it when the
    previous build converted the same text, and records what this build converted or reused (what the
    cache saves); steps 2 and 3 always run, so an entry, whatever it holds, still goes through the
    sanitiser: a cache can never put active content on a page. Without one, every text is converted."""

    def __init__(self, texts: TextCache | None = None, glossary: Glossary | None = None) -> None:
        self.texts = texts
        self.glossary = glossary  # its terms are linked in block text; None: no linking
        self._done: dict[tuple[str, str], str] = {}  # this build's finished output by (text, kind)

    def render(self, s: str, kind: str) -> str:
        texts = self.texts
        if texts is None:
            return _render(s, kind)
        out = self._done.get((s, kind))
        if out is None:
            key = ("b" if kind == "block" else "i") + s
            html = texts.stored.get(key)
            if html is None:
                html = _markdown(s, kind == "block")
            texts.used[key] = html
            out = self._done[(s, kind)] = _finish(html, kind)
        return out

    def text(self, value: object) -> Markup:
        """Untrusted Markdown for a block: rendered, sanitised, inert to any later Markdown or template pass;
        the glossary's terms in it linked to their entry."""
        # leading blank lines go, leading spaces stay: four of them start a code block
        html = self.render(re.sub(r"\A(?:[ \t]*\n)+", "", _clean_input(value)).rstrip(), "block")
        return Markup(self.glossary.link(html) if self.glossary is not None else html)

    def para(self, value: object) -> Markup:
        """`text` as finished block HTML, for a page's raw HTML blocks (which the page's Markdown passes
        through, so nothing else wraps one paragraph in `<p>`): one paragraph keeps its `<p>`."""
        html = self.text(value)
        return Markup(f"<p>{html}</p>") if html and not _BLOCK_START.match(html) else html

    def inline(self, value: object) -> Markup:
        """Untrusted Markdown for one line (a heading, a table cell, a list item): inline syntax only."""
        return Markup(self.render(" ".join(_clean_input(value).split()), "inline"))

    def label(self, value: object) -> Markup:
        """Untrusted Markdown inside a link's text: like `inline`, without links or images."""
        return Markup(self.render(" ".join(_clean_input(value).split()), "label"))

    def mapping(self) -> dict[str, Callable[[object], object]]:
        """The filters by the names templates use."""
        return {
            "text": self.text,
            "para": self.para,
            "inline": self.inline,
            "label": self.label,
            "plain": plain,
            "attr": attr,
            "yaml": yaml,
            "url": url,
        }


_WITHOUT_CACHE = Filters()  # holds no state: without a text cache, `render` is the pure `_render`; no glossary
text = _WITHOUT_CACHE.text
para = _WITHOUT_CACHE.para
inline = _WITHOUT_CACHE.inline
label = _WITHOUT_CACHE.label


def plain(value: object) -> Markup:
    """Untrusted text shown exactly as written, no Markdown: ids, tags, units, file names."""
    return Markup(_guard_start(" ".join(_clean_input(value).split()).translate(_ENCODE)))


def attr(value: object) -> Markup:
    """Untrusted text inside a double-quoted HTML attribute (or HTML text that must stay as written)."""
    return Markup(" ".join(_clean_input(value).split()).translate(_ATTR_ENCODE))


def url(value: object) -> Markup:
    """An untrusted address for `href="..."`: only http(s) (the model accepts nothing else; checked again
    here so no other scheme can ever reach a link), attribute-encoded."""
    address = _clean_input(value).strip()
    if not re.fullmatch(r"https?://[^\s/?#]+\S*", address, flags=re.IGNORECASE):
        return Markup("#")
    return attr(address)


def title(value: object) -> str:
    """A page or navigation title for MkDocs (front matter, `nav`): one line, HTML escaped, as MkDocs and
    Material print titles without escaping them (and `striptags` in <title> keeps entities escaped)."""
    return _html_escape(" ".join(_clean_input(value).split()), quote=False).replace("{", "&#123;")


def yaml(value: object) -> Markup:
    """A YAML scalar for front matter: JSON-quoted, a `title` inside."""
    return Markup(json.dumps(title(value), ensure_ascii=False))


FILTERS = _WITHOUT_CACHE.mapping()  # the filters without a text cache
