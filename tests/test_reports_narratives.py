"""Narratives files (TOML, JSON, Markdown, folders) and their error messages."""

from __future__ import annotations

import json

import pytest

from kaoping.reports.errors import ReportInputError
from kaoping.reports.narratives import load_narratives, narratives_for, paragraphs, section_key


def test_section_names_in_every_spelling():
    assert section_key("basic") == "basic"
    assert section_key("三、管理措施及实施情况") == "measures"
    assert section_key("（五）存在的问题及成因") == "problems"
    assert section_key("Suggestions for improvement") == "suggestions"
    assert section_key("结论") is None


def test_toml_keyed_by_unit(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(
        '[110101]\nmeasures = "建立了资金管理办法。"\n"存在的问题及成因" = "台账不全。"\n'
        '[round]\nbasic = "全市 16 个区参评。"\n',
        encoding="utf-8",
    )
    texts = load_narratives(path, unit_codes=["110101", "110102"])
    assert texts == {
        "110101": {"measures": "建立了资金管理办法。", "problems": "台账不全。"},
        "round": {"basic": "全市 16 个区参评。"},
    }
    assert narratives_for(texts, "110102") == {}


def test_json_for_one_unit(tmp_path):
    path = tmp_path / "n.json"
    path.write_text(
        json.dumps({"targets": "依据目标责任书。"}, ensure_ascii=False), encoding="utf-8"
    )
    texts = load_narratives(path)
    assert narratives_for(texts, "110101") == {"targets": "依据目标责任书。"}


def test_markdown_with_units_and_sections(tmp_path):
    path = tmp_path / "n.md"
    path.write_text(
        "# 110101 东城区\n\n## 三、管理措施及实施情况\n第一段\n续行。\n\n第二段。\n\n"
        "## 今后改进的意见或建议\n加快支出进度。\n\n# 110102 西城区\n## 基本情况\n西城。\n",
        encoding="utf-8",
    )
    texts = load_narratives(path, unit_codes=["110101", "110102"])
    assert texts["110101"]["measures"] == "第一段\n续行。\n\n第二段。"
    assert paragraphs(texts["110101"]["measures"]) == ["第一段续行。", "第二段。"]
    assert texts["110101"]["suggestions"] == "加快支出进度。"
    assert texts["110102"] == {"basic": "西城。"}


def test_folder_of_files_named_by_unit(tmp_path):
    (tmp_path / "110101.md").write_text("## 基本情况\n东城。\n", encoding="utf-8")
    (tmp_path / "110102.toml").write_text('problems = "西城的问题。"\n', encoding="utf-8")
    texts = load_narratives(tmp_path, unit_codes=["110101", "110102"])
    assert texts == {"110101": {"basic": "东城。"}, "110102": {"problems": "西城的问题。"}}


def test_unknown_section_and_unit_are_reported_with_the_file(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('[110101]\n"结论" = "x"\n', encoding="utf-8")
    with pytest.raises(ReportInputError) as info:
        load_narratives(path)
    message = info.value.render("zh")
    assert "文件 n.toml" in message and "无法识别的报告部分“结论”" in message
    assert "problems（存在的问题及成因）" in message
    path.write_text('[999]\nbasic = "x"\n', encoding="utf-8")
    with pytest.raises(ReportInputError) as info:
        load_narratives(path, unit_codes=["110101"])
    assert "单位编码“999”不在本次评价的单位中" in info.value.render("zh")
    assert "the unit code “999”" in info.value.render("en")


def test_malformed_toml_is_a_clear_error(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text("basic = \n", encoding="utf-8")
    with pytest.raises(ReportInputError) as info:
        load_narratives(path)
    assert info.value.render("zh").startswith("文件 n.toml：文件格式错误（TOML）")
