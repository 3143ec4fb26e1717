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
from kaoping.reports.text import list_separator
from kaoping.scoring.i18n import gettext, gettext_noop

# The independence statement the notice's principle 主体独立 asks for.
INDEPENDENCE = gettext_noop(
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
        statement=gettext(INDEPENDENCE, lang).format(issuer=issuer or gettext("the agency", lang)),
        team_title=gettext("Evaluation team and independence", lang),
        seal_label=gettext("Evaluation agency (seal)", lang),
    )
    if not final:
        doc.draft_banner = gettext(
            "DRAFT: contains system-generated text not yet approved by the agency", lang
        )
        return
    problems = []
    drafts = doc.draft_sections()
    if drafts:
        problems.append(
            ReportProblem(
                "report.final_drafts", params={"sections": list_separator(lang).join(drafts)}
            )
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
            ReportProblem(
                "report.final_missing", params={"options": list_separator(lang).join(missing)}
            )
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
