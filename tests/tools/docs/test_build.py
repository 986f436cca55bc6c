"""Writing docs/reference/: only changed pages are rewritten, pages without a renderer go, the rest stays."""

from __future__ import annotations

from pathlib import Path

from gitops.tools.docs import build, markdown


def _page(title: str):
    return lambda: "\n".join(markdown.header(title, "a test", "Intro.")) + "\n"


def test_pages_are_written_once_and_left_alone_while_unchanged(tmp_path: Path):
    pages = {"one.md": _page("One"), "two.md": _page("Two")}
    assert build.write(tmp_path, pages) == [tmp_path / "one.md", tmp_path / "two.md"]
    assert build.write(tmp_path, pages) == []
    assert (tmp_path / "one.md").read_text() == pages["one.md"]()


def test_a_generated_page_without_a_renderer_is_deleted_and_a_hand_written_one_kept(tmp_path: Path):
    build.write(tmp_path, {"old.md": _page("Old")})
    (tmp_path / "notes.md").write_text("# Written by hand\n")
    assert build.write(tmp_path, {"new.md": _page("New")}) == [tmp_path / "new.md", tmp_path / "old.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md", "notes.md"]


def test_every_page_starts_with_the_generated_file_marker():
    for name, text in build.render().items():
        assert text.startswith(build.MARKER), name


def test_the_reference_pages_on_disk_are_what_the_generator_writes():
    for name, text in build.render().items():
        assert (build.REFERENCE_DIR / name).read_text(encoding="utf-8") == text, f"run make synth: {name} is stale"


def test_a_cell_escapes_pipes_and_joins_lines():
    assert markdown.cell("a | b\n  c") == "a \\| b c"


def test_a_table_has_a_header_a_rule_and_a_row_per_item():
    assert markdown.table(["A", "B"], [["1", "x|y"]]) == ["| A | B |", "| --- | --- |", "| 1 | x\\|y |"]
