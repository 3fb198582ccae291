"""Hostile content: a corpus of XSS payloads through every kind of content field must come out inert.

Two levels: the filters of `generator/filters.py` followed by the same Markdown pass MkDocs runs on a page,
in every context the templates use (paragraph, list item, table cell, heading, link text, map cell); and a
real `journeys build` of a portfolio whose every text field holds a payload, every HTML page and the search
index scanned (html_safety.py). Ordinary Markdown still renders.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import ROOT, run_cli
from html_safety import payloads, problems, tags
from site_helpers import MKDOCS_YML

from generator.site import filters
from generator.site.markdown_ext import CaptionExtension

PAYLOADS = payloads()
# What the page templates wrap user text in, plus what Markdown makes of user text.
PAGE_TAGS = set(filters.BLOCK_TAGS) | {
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "div",
    "dl",
    "dt",
    "dd",
    "span",
}


def page_pass(source: str) -> str:
    """The Markdown pass MkDocs runs on a generated page (the extensions the plugin requires)."""
    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "tables", "toc", CaptionExtension()])
    return md.convert(source)


CONTEXTS = {
    "paragraph": lambda v: f"# Title\n\n{filters.text(v)}\n\nafter\n",
    "list item": lambda v: f"- {filters.text(v)}\n- {filters.inline(v)}\n",
    "table cell": lambda v: f"| a | b |\n|---|---|\n| {filters.inline(v)} | [{filters.label(v)}](x.md) |\n",
    "heading": lambda v: f"## {filters.inline(v)} {{#anchor}}\n",
    "link text": lambda v: f"[{filters.label(v)}](../x/index.md) and ![{filters.label(v)}](c.svg)\n",
    "map cell": lambda v: (
        '<table markdown>\n<caption markdown="span">Map of “' + filters.inline(v) + "”</caption>\n"
        '<tbody markdown>\n<tr markdown>\n<td markdown="block">\n'
        + filters.text(v)
        + '\n</td>\n<td markdown="block">\n- '
        + filters.text(v)
        + "\n</td>\n</tr>\n</tbody>\n</table>\n"
    ),
    "span": lambda v: f'<dd markdown="span">{filters.inline(v)}, <code>{filters.plain(v)}</code></dd>\n',
    "attribute": lambda v: f'<span title="{filters.attr(v)}">x</span>\n',
}


def finished_block(v: str) -> str:
    """A journey map as the templates now write it: finished HTML, no `markdown` attribute, user text only
    through the filters (`para` for a cell's text, `label` inside a link)."""
    return (
        '<div class="jm-scroll" tabindex="0">\n<table class="jm-map">\n<caption>Map of “'
        + str(filters.inline(v))
        + "”</caption>\n<tbody>\n<tr>\n<th>"
        + str(filters.inline(v))
        + "</th>\n<td>\n"
        + str(filters.para(v))
        + "\n</td>\n<td>\n<ul>\n<li>"
        + str(filters.text(v))
        + '</li>\n</ul>\n</td>\n<td><a href="../x/">'
        + str(filters.label(v))
        + "</a> <code>"
        + str(filters.plain(v))
        + '</code> <span title="'
        + str(filters.attr(v))
        + '">x</span></td>\n</tr>\n</tbody>\n</table>\n</div>'
    )


CONTEXTS["finished map"] = lambda v: f"## Journey map\n\n{finished_block(v)}\n\nafter\n"


def test_finished_html_passes_through_the_page_untouched():
    """The page's Markdown leaves a finished block exactly as written, whatever the user text in it: no
    Markdown syntax, attribute list or HTML in it acts (the block is all the generator's making)."""
    for payload in PAYLOADS + ["*a* _b_ `c` [d](e.md) {: .x } | f | <b>g</b>\n\n- h\n\n    i", "1. x", "# y"]:
        block = finished_block(payload)
        html = page_pass(f"# Title\n\n{block}\n\nafter\n")
        # (Python-Markdown expands tabs, so compare with whitespace runs as one space)
        assert " ".join(block.split()) in " ".join(html.split()), (payload, html)
        assert html.endswith("<p>after</p>"), (payload, html)


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_every_payload_is_inert_in_every_template_context(context):
    for payload in PAYLOADS:
        html = page_pass(CONTEXTS[context](payload))
        assert problems(html, allowed=PAGE_TAGS) == [], (context, payload, html)


def test_links_keep_only_safe_schemes():
    assert 'href="https://example.org/a"' in page_pass(filters.text("[a](https://example.org/a)"))
    assert 'href="mailto:a@example.org"' in page_pass(filters.text("[mail](mailto:a@example.org)"))
    assert 'href="../b/"' in page_pass(filters.text("[rel](../b/)"))
    for evil in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "vbscript:x",
        "data:text/html,x",
        "&#106;avascript:alert(1)",
        "java&#10;script:alert(1)",
        "java&#x09;script:x",
        "file:///etc/passwd",
    ):
        html = page_pass(filters.text(f"[x]({evil})"))
        assert "href" not in html, (evil, html)


def test_template_syntax_is_shown_literally_and_never_evaluated():
    import jinja2

    value = "{{ 7 * 7 }} {% for x in range(3) %}loop{% endfor %} {# c #} {: .x }"
    out = str(filters.text(value))
    # a later template pass (mkdocs-macros and the like) finds no delimiter to act on
    assert jinja2.Environment().from_string(out).render() == out
    html = page_pass(out)
    assert "{{ 7 * 7 }} {% for x in range(3) %}loop{% endfor %} {# c #} {: .x }" in _text_of(html)
    assert "49" not in html and "looploop" not in html


def test_ordinary_markdown_still_renders():
    value = (
        "Plain *emphasis*, **strong**, `code <b>` and a [link](https://example.org/x).\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n    code block <i>\n"
    )
    html = page_pass(filters.text(value))
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert "<code>code &lt;b&gt;</code>" in html  # shown as written, not as &lt;b&gt;
    assert '<a href="https://example.org/x" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html and "<ol>" in html and "<blockquote>" in html
    # the newline as an entity: no line for Markdown to read
    assert "<pre><code>code block &lt;i&gt;&#10;</code></pre>" in html
    # one paragraph stays a paragraph the page wraps, so a description reads exactly as before
    assert page_pass(filters.text("Just *one* line.")) == "<p>Just <em>one</em> line.</p>"
    # inline fields take inline Markdown only: a title "1. Intro" is not a list
    assert page_pass(filters.inline("1. Intro to *it*")) == "<p>1&#46; Intro to <em>it</em></p>"
    assert (
        page_pass(f"[{filters.label('A [link](https://x.org) in a title')}](y.md)")
        == '<p><a href="y.md">A link in a title</a></p>'
    )


def _text_of(html: str) -> str:
    from html.parser import HTMLParser

    class T(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    t = T()
    t.feed(html)
    return "".join(t.parts)


# ------------------------------------------------------------------------- the real site

BENIGN = "Plain *emphasis*, **strong**, `code <b>` and a [link](https://example.org/x).\n\n- one\n- two\n"


def hostile_portfolio(folder: Path, values: list[str]) -> None:
    """A portfolio where entry k of every collection and journey k carry `values[k]` in every text field."""
    cat: dict = {
        "organisation": {"name": values[0], "description": "\n".join(values)},
        "personas": {},
        "departments": {},
        "channels": {},
        "metrics": {},
        "insights": {},
        "opportunities": {},
        "solutions": {},
        "glossary": {},
        "lanes": {},
    }
    (folder / "maps").mkdir(parents=True, exist_ok=True)
    for k, v in enumerate(values):
        cat["personas"][f"p{k}"] = {
            "name": v,
            "description": v,
            "segment": v,
            "goals": [v],
            "frustrations": [v],
            "quote": v,
        }
        cat["departments"][f"d{k}"] = {"name": v, "description": v, "lead": v}
        cat["channels"][f"c{k}"] = {"name": v, "digital": True, "description": v}
        cat["metrics"][f"m{k}"] = {"name": v, "kind": "csat", "unit": v, "target": 4, "warning": 3, "description": v}
        cat["insights"][f"i{k}"] = {"statement": v, "evidence": v, "source": v}
        # a link's address is checked (http(s) only); its path may still carry the payload, its title is text
        link = {"url": "https://example.org/" + "".join(v.split()), "title": v, "kind": "jira"}
        cat["opportunities"][f"o{k}"] = {
            "title": v,
            "description": v,
            "impact": 3,
            "effort": 2,
            "reach": 3,
            "insights": [f"i{k}"],
            "links": [link],
        }
        cat["solutions"][f"s{k}"] = {
            "title": v,
            "description": v,
            "owner": f"d{k}",
            "opportunities": [f"o{k}"],
            "links": [link],
        }
        cat["lanes"][f"l{k}"] = {
            "name": v,
            "kind": "list" if k % 2 else "text",
            "after": "pain_points",
            "description": v,
        }
        cat["glossary"][f"g{k}"] = {"term": v, "definition": v}
        step = {
            "name": v,
            "description": v,
            "owner": f"d{k}",
            "does": v,
            "thinks": v,
            "feels": v,
            "emotion": 2,
            "touchpoints": [{"name": v, "channel": f"c{k}", "department": f"d{k}"}],
            "pain_points": [v, {"text": v, "severity": 4, "evidence": v, "insight": f"i{k}"}],
            "verbatims": [{"quote": v, "persona": f"p{k}", "source": v, "date": "2026-01-02"}],
            "lanes": {f"l{k}": [v] if k % 2 else v},
            "highlights": [v],
            "moment_of_truth": True,
            "backstage": [v],
            "systems": [v],
            "insights": [f"i{k}"],
            "opportunities": [f"o{k}"],
            "solutions": [f"s{k}"],
            "metrics": [f"m{k}"],
        }
        journey = {
            "title": v,
            "description": v,
            "goal": v,
            "lifecycle": "live",
            "level": "macro" if k == 0 else "micro",
            "owner": {"person": v, "department": f"d{k}"},
            "personas": [f"p{k}"],
            "tags": [v, f"t{k}"],
            "metrics": [f"m{k}"],
            "phases": [
                {
                    "id": "one",
                    "name": v,
                    "description": v,
                    "steps": [{"id": "a", **step}, {"id": "b", **step, "emotion": 4}],
                }
            ],
        }
        if k > 0:
            journey["parent"] = {"journey": "j0", "step": "a"}
        if k == 1:  # a to-be journey: the comparison page shows both journeys' step names
            journey.update(status="to-be", replaces="j0")
        if k + 1 < len(values):
            journey["next"] = f"j{k + 1}"
        (folder / "maps" / f"j{k}.yaml").write_text(
            yaml.safe_dump(journey, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(cat, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build_project(where: Path, values: list[str]) -> Path:
    where.mkdir(parents=True)
    (where / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (where / "docs").mkdir()
    (where / "docs" / "guide.md").write_text("# Guide\n\nThe guide.\n", encoding="utf-8")
    (where / "theme").symlink_to(ROOT / "theme", target_is_directory=True)
    hostile_portfolio(where / "journeys", values)
    result = run_cli("build", cwd=where, env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert result.returncode == 0, result.stdout + result.stderr
    return where / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("xss")
    return build_project(base / "benign", [BENIGN, "Second *journey*"]), build_project(base / "hostile", PAYLOADS)


def _scripts_of(site: Path) -> set[tuple[str, str]]:
    """Material's own scripts, by (src file name, inline text), from the benign site."""
    found: set = set()
    from html.parser import HTMLParser

    class S(HTMLParser):
        cur = None

        def handle_starttag(self, tag, attrs):
            if tag == "script":
                self.cur = (Path(dict(attrs).get("src") or "").name, [])

        def handle_data(self, data):
            if self.cur:
                self.cur[1].append(data)

        def handle_endtag(self, tag):
            if tag == "script" and self.cur:
                found.add((self.cur[0], _normal("".join(self.cur[1]))))
                self.cur = None

    for page in site.rglob("*.html"):
        s = S(convert_charrefs=True)
        s.feed(page.read_text(encoding="utf-8"))
    return found


def _normal(script: str) -> str:
    # the config script holds the page's relative path to the site root
    import re

    return re.sub(r'"base":\s*"[./]*"', '"base": ""', script.strip())


def test_no_payload_survives_in_the_built_site(sites):
    benign, hostile = sites
    known_scripts = _scripts_of(benign)
    assert any(src.startswith("bundle.") for src, _ in known_scripts)  # the scan sees Material's scripts
    allowed = set()
    for page in benign.rglob("*.html"):
        allowed |= tags(page.read_text(encoding="utf-8"))
    allowed |= set(filters.BLOCK_TAGS)
    ok = lambda attrs, body: (Path(attrs.get("src") or "").name, _normal(body)) in known_scripts  # noqa: E731
    pages = sorted(hostile.rglob("*.html"))
    assert len(pages) > 4 * len(PAYLOADS)  # a page per journey, persona, department, channel
    found = {}
    for page in pages:
        bad = problems(page.read_text(encoding="utf-8"), allowed=allowed, scripts_ok=ok)
        if bad:
            found[page.relative_to(hostile).as_posix()] = bad[:5]
    assert found == {}


def test_search_index_holds_hostile_text_as_text(sites):
    """Pagefind's fragments (what a result shows) hold the payloads as plain text, never as markup of the
    page: the dialog puts titles in with textContent and Pagefind entity-encodes excerpts."""
    import gzip

    _, hostile = sites
    fragments = sorted((hostile / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert fragments
    k = PAYLOADS.index("</title><script>alert('xss-title')</script>")
    found = False
    for f in fragments:
        data = json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
        if data["url"] == f"/journeys/j{k}/":
            found = data["meta"]["title"] == PAYLOADS[k]
    assert found
    js = (hostile / "assets" / "journeys" / "search.js").read_text(encoding="utf-8")
    # the one innerHTML of the dialog is Pagefind's excerpt
    assert js.count("innerHTML =") == 1 and "p.innerHTML = excerpt;" in js


def test_titles_stay_text_in_title_nav_and_headings(sites):
    _, hostile = sites
    k = PAYLOADS.index("</title><script>alert('xss-title')</script>")
    html = (hostile / "journeys" / f"j{k}" / "index.html").read_text(encoding="utf-8")
    # Material prints the front-matter title through `striptags`: still escaped in <title>
    assert "<title>&lt;/title&gt;&lt;script&gt;alert('xss-title')&lt;/script&gt; - Tiny journeys</title>" in html
    h1 = re.search(r"<h1 [^>]*>(.*?)</h1>", html, re.S).group(1)
    assert _text_of(h1) == PAYLOADS[k]


def test_template_syntax_in_content_is_shown_literally_on_the_site(sites):
    _, hostile = sites
    k = PAYLOADS.index("{% for x in range(3) %}xss-jinja-loop{% endfor %}")
    html = (hostile / "journeys" / f"j{k}" / "index.html").read_text(encoding="utf-8")
    assert "{% for x in range(3) %}xss-jinja-loop{% endfor %}" in _text_of(html)
    assert "xss-jinja-loopxss-jinja-loop" not in html


def test_ordinary_markdown_renders_on_the_site(sites):
    benign, _ = sites
    html = (benign / "journeys" / "j0" / "index.html").read_text(encoding="utf-8")
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert "<code>code &lt;b&gt;</code>" in html
    assert '<a href="https://example.org/x" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html


def test_the_new_fields_carried_the_payloads_onto_the_site(sites):
    """Severity, evidence, verbatims, custom lanes, links and the comparison page were all rendered (so the
    scan above covered them), every link still points at the address written, and no download is a formula."""
    import io
    import zipfile

    _, hostile = sites
    j0 = (hostile / "journeys/j0/index.html").read_text(encoding="utf-8")
    assert "jm-lane--custom-l0" in j0 and 'class="jm-verbatim"' in j0 and "jm-severity--4" in j0
    assert "jm-evidence" in j0 and "compare/" in j0
    assert (hostile / "journeys/j1/compare/index.html").exists()
    pages = [hostile / "backlog/index.html", *sorted(hostile.glob("backlog/page_*/index.html"))]  # 50 a page
    backlog = "".join(page.read_text(encoding="utf-8") for page in pages)
    hrefs = re.findall(r'<a class="jm-ticket[^"]*" href="([^"]*)"', backlog)
    assert len(hrefs) == len(PAYLOADS) and all(h.startswith("https://example.org/") for h in hrefs)
    for xlsx in hostile.rglob("journeys/*/*.xlsx"):
        with zipfile.ZipFile(io.BytesIO(xlsx.read_bytes())) as archive:
            sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in s for s in sheets)  # never a formula
