"""The file helpers (generator/common/files.py): atomic writes and paths as messages show them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.common.files import display_path, write_atomic


def test_write_atomic_replaces_the_file_and_makes_its_folder(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]  # no temporary file left


def test_write_atomic_replaces_a_link_instead_of_writing_through_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    link = tmp_path / "out.txt"
    link.symlink_to(victim)
    write_atomic(link, b"new")
    assert victim.read_bytes() == b"keep" and not link.is_symlink() and link.read_bytes() == b"new"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_the_temporary_file_names_its_writer(tmp_path, monkeypatch):
    seen = []
    replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: seen.append(Path(src).name) or replace(src, dst))
    write_atomic(tmp_path / "x.svg", b"<svg/>")
    assert seen[0].startswith(f".x.svg.{os.getpid()}.") and seen[0].endswith(".tmp")  # what `sweep` reads


def test_display_path_is_relative_inside_the_base_and_as_given_outside(tmp_path, monkeypatch):
    inside = tmp_path / "journeys" / "maps" / "buy.yaml"
    assert display_path(inside, tmp_path) == "journeys/maps/buy.yaml"
    assert display_path(tmp_path / "x.csv", tmp_path / "journeys") == str(tmp_path / "x.csv")
    monkeypatch.chdir(tmp_path)
    assert display_path(inside) == "journeys/maps/buy.yaml"
