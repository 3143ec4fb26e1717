"""Making a report signable: 委托单位 and report number on the cover, the team page with
the independence statement, the closing 落款, and the draft / final modes.

A *draft* (the default) may hold text the system generated from the numbers; it says so on
every page. A *final* report is what the agency seals: it is refused while any draft section
remains (they are listed), or while the issuer, date, report number, 委托单位 or team is
missing.

Examples
--------
>>> from kaoping.reports.model import Cover, Paragraph, ReportDocument
>>> doc = ReportDocument(title="报告", cover=Cover(title="报告"))
>>> _ = doc.add_section("basic", "一、基本情况").add(Paragraph("初稿", draft=True))
>>> sign(doc, issuer="某评价机构", date="2025年3月1日", final=False)
>>> doc.draft_banner
'初稿：含系统生成的文字，未经评价机构审定，不得作为正式报告'
>>> try:
...     sign(doc, issuer="某评价机构", date="2025年3月1日", final=True)
... except ReportInputError as exc:
...     print(exc.problems[0].text())
正式报告中仍有系统生成的初稿部分：一、基本情况。请提供评价机构撰写的文字（--narratives）后再生成正式报告
"""

from __future__ import annotations

from collections.abc import Sequence

from kaoping.reports.errors import ReportInputError, ReportProblem
from kaoping.reports.model import ReportDocument, Signature
from kaoping.reports.text import pick

INDEPENDENCE_ZH = (
    "本报告由{issuer}独立完成。评价机构及评价工作组成员与被评价单位不存在隶属关系、经济利益"
    "关系或其他利害关系，评价工作未受委托单位和被评价单位的干预；评价结论以经核实的基础数据"
    "和评价前公布的评价方案为依据，评价机构对报告内容的真实性、准确性负责。"
)
INDEPENDENCE_EN = (
    "This report was prepared independently by {issuer}. Neither the agency nor any member "
    "of the evaluation team has a reporting line, financial interest or other stake in the "
    "units evaluated; the work was not directed by the commissioning body or the units; the "
    "conclusions rest on verified base data and the scheme published before the evaluation."
)


def sign(
    doc: ReportDocument,
    *,
    issuer: str,
    date: str,
    client: str = "",
    number: str = "",
    team: Sequence[tuple[str, str]] = (),
    final: bool = False,
) -> None:
    """Put the signing parts on ``doc``; in final mode refuse an unfinished report.

    Raises
    ------
    ReportInputError
        ``final`` and a draft section remains, or a signing detail is missing.
    """
    lang = doc.lang
    if doc.cover is not None:
        doc.cover.client = client
        doc.cover.number = number
        doc.cover.issuer = issuer
        doc.cover.date = date
    doc.signature = Signature(
        issuer=issuer,
        date=date,
        team=list(team),
        statement=(INDEPENDENCE_EN if lang == "en" else INDEPENDENCE_ZH).format(
            issuer=issuer or pick(lang, "评价机构", "the agency")
        ),
        team_title=pick(lang, "评价工作组及独立性声明", "Evaluation team and independence"),
        seal_label=pick(lang, "评价机构（盖章）", "Evaluation agency (seal)"),
    )
    if not final:
        doc.draft_banner = pick(
            lang,
            "初稿：含系统生成的文字，未经评价机构审定，不得作为正式报告",
            "DRAFT: contains system-generated text not yet approved by the agency",
        )
        return
    problems = []
    drafts = doc.draft_sections()
    if drafts:
        problems.append(
            ReportProblem("report.final_drafts", params={"sections": "、".join(drafts)})
        )
    missing = [
        name
        for name, value in (
            ("--issuer", issuer),
            ("--date", date),
            ("--client", client),
            ("--number", number),
            ("--team", team),
        )
        if not value
    ]
    if missing:
        problems.append(
            ReportProblem("report.final_missing", params={"options": "、".join(missing)})
        )
    if problems:
        raise ReportInputError(problems)
    doc.draft_banner = ""


def finish(
    doc: ReportDocument,
    issuer: str,
    client: str,
    number: str,
    team: Sequence[tuple[str, str]],
    final: bool,
) -> None:
    """The builders' last step: number tables and figures, then sign (cover date kept)."""
    doc.number_captions()
    date = doc.cover.date if doc.cover else ""
    sign(doc, issuer=issuer, date=date, client=client, number=number, team=team, final=final)


def parse_team(items: Sequence[str]) -> list[tuple[str, str]]:
    """'张三:项目负责人' (or 张三：项目负责人) -> ('张三', '项目负责人').

    Examples
    --------
    >>> parse_team(["张三：项目负责人", "李四"])
    [('张三', '项目负责人'), ('李四', '')]
    """
    team = []
    for item in items:
        name, _, role = item.replace("：", ":").partition(":")
        if name.strip():
            team.append((name.strip(), role.strip()))
    return team
