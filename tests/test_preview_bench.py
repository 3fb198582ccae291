"""The preview benchmark (`bench/preview_bench.py`) runs end to end on a small portfolio: the preview serves,
each kind of edit shows up over HTTP, and the text floor builds the same pages as plain paragraphs. The
times themselves are not asserted: speed lives in bench/."""

from __future__ import annotations

import math
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import preview_bench  # noqa: E402


def test_the_text_floor_keeps_the_words_and_drops_the_structure(tmp_path):
    generated, docs = tmp_path / "generated", tmp_path / "docs"
    (generated / "journeys" / "a").mkdir(parents=True)
    (generated / "journeys" / "a" / "index.md").write_text(
        '---\ntags: [x]\n---\n# I make a claim {#top}\n\n<div class="map"><p>Upload *photos* of the damage</p>'
        "</div>\n\n| Step | Feels |\n|---|---|\n| [Report](../b/) | Worried |\n",
        encoding="utf-8",
    )
    assert preview_bench.text_pages(generated, docs) == 1
    text = (docs / "journeys" / "a" / "index.md").read_text(encoding="utf-8")
    for word in ("claim", "Upload", "photos", "damage", "Step", "Feels", "Report", "Worried"):
        assert word in text
    for mark in ("<div", "*", "|", "{#", "tags:"):
        assert mark not in text.split("\n", 1)[1]


def test_the_preview_benchmark_measures_each_kind_of_edit(tmp_path):
    result = preview_bench.measure(8, tmp_path, rounds=1, log=lambda *a: None)
    assert result["text_floor_pages"] > 20 and result["text_floor_s"] > 0
    assert result["first_preview_s"] > 0
    for kind in ("step_text", "step_rename", "new_journey"):
        value = result[f"edit_to_preview_{kind}_s"]
        assert value > 0 and not math.isnan(value), kind
    assert result["preview_peak_rss_mb"] > 50


def test_the_builds_are_timed_beside_the_floor_several_times_and_the_medians_kept(tmp_path):
    import synth

    project = tmp_path / "p"
    synth.write(6, project, seed=1)
    result = preview_bench.builds_beside_the_floor(project, 3, log=lambda *a: None)
    rounds = result["build_rounds"]
    assert len(rounds) == 3
    for key in ("cold_build_s", "warm_build_s", "text_floor_s", "cold_build_over_text_floor"):
        assert result[key] == sorted(one[key] for one in rounds)[1] > 0, key
    assert rounds[0]["cold_build_over_text_floor"] == round(rounds[0]["cold_build_s"] / rounds[0]["text_floor_s"], 2)
    assert (project / "site" / "index.html").is_file()
