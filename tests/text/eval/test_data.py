from __future__ import annotations

from pathlib import Path

import pytest

from cxlens.core.errors import InputError
from cxlens.text.eval.data import read_semeval, read_umsab, umsab_paths


def test_umsab_reads_texts_with_their_labels(data_dir: Path) -> None:
    items = read_umsab(*umsab_paths(data_dir, "en"))
    assert [i.label for i in items] == ["positive", "negative", "neutral", "positive"]
    assert items[1].text == "bad day"


def test_umsab_without_final_newline(data_dir: Path) -> None:
    assert len(read_umsab(*umsab_paths(data_dir, "fr"))) == 2


def test_umsab_line_counts_must_agree(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("a\nb\n", "utf-8")
    (tmp_path / "l.txt").write_text("0\n", "utf-8")
    with pytest.raises(InputError, match="2 texts but 1 labels"):
        read_umsab(tmp_path / "t.txt", tmp_path / "l.txt")


def test_umsab_bad_label_names_the_row(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("a\nb\n", "utf-8")
    (tmp_path / "l.txt").write_text("0\n3\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_umsab(tmp_path / "t.txt", tmp_path / "l.txt")
    assert info.value.location.row == 2
    assert "0 (negative)" in str(info.value)


def test_semeval_opinions_and_out_of_scope(data_dir: Path) -> None:
    sentences = read_semeval(data_dir / "semeval2016" / "restaurants_english.xml")
    assert [s.id for s in sentences] == ["r1:1", "r1:2", "r1:3", "r1:5"]
    first = sentences[0].opinions
    assert [(o.entity, o.attribute, o.polarity) for o in first] == [
        ("FOOD", "QUALITY", "positive"),
        ("SERVICE", "GENERAL", "negative"),
    ]
    assert sentences[2].opinions == ()


def test_semeval_broken_xml_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<Reviews>\n<sentence>", "utf-8")
    with pytest.raises(InputError, match="not well-formed XML") as info:
        read_semeval(path)
    assert info.value.location.file == str(path)
