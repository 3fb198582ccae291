"""One search entry per journey step: reading the rendered map, rewriting Material's search index."""

from __future__ import annotations

import json

from generator.site.search_steps import map_text, split_map_sections

PAGE = """<h2 id="journey-map">Journey map</h2>
<div class="jm-scroll" role="region" aria-label="Journey map, scrolls sideways" tabindex="0">
<table class="jm-map">
<caption>Journey map of “Buy &amp; pay”: 1 phases and 2 steps in columns, one lane per row.</caption>
<thead>
<tr><td class="jm-corner"></td><th class="jm-phase" colspan="2" id="phase-look" scope="colgroup">Look</th></tr>
<tr><th class="jm-lane-head" scope="col">Step</th>
<th class="jm-step" id="step-browse" scope="col">Browse &amp; <em>compare</em></th>
<th class="jm-step" id="step-pay" scope="col">Pay</th></tr>
</thead>
<tbody>
<tr class="jm-lane"><th scope="row">Touchpoints</th>
<td><ul><li><strong>Home page</strong><br><a href="../../channels/web/">Website</a></li></ul></td><td></td></tr>
<tr class="jm-lane"><th scope="row">Pain points</th>
<td></td><td><ul><li>The card form <b>times out</b>.</li><li>No &lt;PayPal&gt;.</li></ul></td></tr>
</tbody>
</table>
</div>
<table><tr><td>another table</td></tr></table>
"""


def test_map_text_reads_caption_steps_and_lanes():
    found = map_text(PAGE)
    assert found.caption == "Journey map of “Buy & pay”: 1 phases and 2 steps in columns, one lane per row."
    assert [(c.id, c.name) for c in found.columns] == [("step-browse", "Browse & compare"), ("step-pay", "Pay")]
    assert found.columns[0].text() == "Touchpoints: Home page Website"
    assert found.columns[1].text() == "Pain points: The card form times out. No <PayPal>."
    assert map_text("<h1>No map</h1><table><tr><th id='step-x'>x</th></tr></table>") is None


def test_split_map_sections_replaces_the_map_entry_by_one_entry_per_step():
    index = {"config": {"lang": ["en"]}, "docs": [
        {"location": "journeys/buy/", "title": "Buy", "text": "intro", "boost": 2, "tags": ["t"]},
        {"location": "journeys/buy/#journey-map", "title": "Journey map", "text": "all of the map", "boost": 2,
         "tags": ["t"]},
        {"location": "journeys/buy/#metrics", "title": "Metrics", "text": "m", "boost": 2, "tags": ["t"]},
        {"location": "glossary/#journey-map", "title": "Journey map", "text": "a term"},
    ]}
    out = json.loads(split_map_sections(json.dumps(index), {"journeys/buy/": map_text(PAGE)}))
    assert out["config"] == index["config"]
    assert out["docs"] == [
        index["docs"][0],
        {"location": "journeys/buy/#journey-map", "title": "Journey map", "boost": 2, "tags": ["t"],
         "text": "Journey map of “Buy &amp; pay”: 1 phases and 2 steps in columns, one lane per row."},
        {"location": "journeys/buy/#step-browse", "title": "Browse &amp; compare", "boost": 2, "tags": ["t"],
         "text": "Touchpoints: Home page Website"},
        {"location": "journeys/buy/#step-pay", "title": "Pay", "boost": 2, "tags": ["t"],
         "text": "Pain points: The card form times out. No &lt;PayPal&gt;."},
        index["docs"][2],
        index["docs"][3],  # not a journey page: untouched
    ]


def test_split_map_sections_without_maps_keeps_the_index():
    index = {"config": {}, "docs": [{"location": "a/#journey-map", "title": "x", "text": "y"}]}
    assert json.loads(split_map_sections(json.dumps(index), {})) == index


def _parsed(page: str):
    """The same map read by the general HTML parser (what `map_text` falls back to)."""
    from generator.site.search_steps import MapText, _MapParser

    parser = _MapParser()
    parser.feed(page)
    parser.close()
    return MapText(parser.caption, parser.columns) if parser.columns else None


def test_the_fast_reader_agrees_with_the_html_parser_on_every_example_journey_page(example_site):
    pages = sorted(example_site.glob("journeys/*/index.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert map_text(html) == _parsed(html) is not None, page


def test_a_map_holding_a_table_of_its_own_is_read_by_the_html_parser():
    nested = PAGE.replace("<td></td></tr>\n<tr", "<td><table><tr><td>x</td></tr></table></td></tr>\n<tr", 1)
    assert nested != PAGE
    assert map_text(nested) == _parsed(nested)
