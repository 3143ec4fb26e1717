"""Problems with the inputs of reports (narratives files, award lists), in both languages.

They are :class:`kaoping.scoring.errors.Problem` objects with their own catalogue, so the
command line's ``guarded`` prints them like every other input problem (place, then message)
and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaoping.scoring.errors import KaopingError, Problem
from kaoping.scoring.i18n import DEFAULT_LANGUAGE

REPORT_MESSAGES: dict[str, tuple[str, str]] = {
    "report.unreadable": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "report.bad_format": (
        "文件格式错误（{format}）：{reason}",
        "the file is not valid {format}: {reason}",
    ),
    "report.unsupported": (
        "不支持的文件类型“{suffix}”，应为 .toml、.json 或 .md",
        "unsupported file type “{suffix}”, expected .toml, .json or .md",
    ),
    "report.unknown_section": (
        "无法识别的报告部分“{name}”，应为：{expected}",
        "unknown report part “{name}”, expected one of: {expected}",
    ),
    "report.unknown_unit": (
        "单位编码“{unit}”不在本次评价的单位中",
        "the unit code “{unit}” is not among the units evaluated",
    ),
    "report.not_text": (
        "“{name}”的内容应为文字",
        "the content of “{name}” should be text",
    ),
    "report.award_field": (
        "第 {item} 项缺少“{key}”",
        "item {item} lacks “{key}”",
    ),
    "report.no_unit": (
        "请用 --unit 指定单位编码，或用 --all 输出全部单位，或用 --round 输出综合报告",
        "choose a unit with --unit, or every unit with --all, or the round report with --round",
    ),
    "report.final_drafts": (
        "正式报告中仍有系统生成的初稿部分：{sections}。请提供评价机构撰写的文字（--narratives）后再生成正式报告",
        "the final report still has system-generated draft parts: {sections}. Give the "
        "agency's text (--narratives) first",
    ),
    "report.final_missing": (
        "正式报告缺少落款信息：{options}",
        "the final report lacks signing details: {options}",
    ),
    "certificate.missing": (
        "荣誉证书缺少{what}（{option}），不能生成",
        "certificates need the {what} ({option})",
    ),
    "report.awards_mismatch": (
        "获奖名单与本次考核结果不一致：单位“{unit}”在名单中为“{given}”，按考核结果应为“{tier}”"
        "（名单须由同一组输入的 kaoping awards 生成）",
        "the award list disagrees with this assessment: “{unit}” is “{given}” in the list "
        "but “{tier}” by the result (make the list with kaoping awards from the same inputs)",
    ),
    "report.no_awards": (
        "获奖名单为空，没有可生成的荣誉证书",
        "the award list is empty: no certificates to make",
    ),
}


@dataclass(frozen=True)
class ReportProblem(Problem):
    """A :class:`Problem` whose message lives in :data:`REPORT_MESSAGES`."""

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        zh, en = REPORT_MESSAGES.get(self.code, (self.code, self.code))
        template = en if lang == "en" else zh
        values = {k: v for k, v in self.params.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template


class ReportInputError(KaopingError):
    """An input of a report (narratives, awards) cannot be used."""
