"""``kaoping report`` and ``kaoping certificates``: evaluation reports (Word, PDF, Excel) for
units and for the round, and certificates for award winners.

Everything is built in memory first and written into a temporary folder that is moved into
place at the end, so bad input or a failed write leaves no partial output files.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import click

from kaoping.cli.console import guarded
from kaoping.cli.delivery import write_atomically
from kaoping.cli.help import argument, command, option
from kaoping.cli.inputs import InputFiles, input_options, run_assessment
from kaoping.cli.options import PATH, data_argument, lang_option, scheme_option
from kaoping.scoring.assessment import AssessmentResult, RewardFund
from kaoping.scoring.evaluation import EvaluationResult
from kaoping.scoring.i18n import gettext, gettext_noop, pgettext

if TYPE_CHECKING:  # the reports and the robustness analysis load only when a report is made
    from kaoping.reports.model import ReportDocument
    from kaoping.reports.narratives import Narratives
    from kaoping.scoring.robustness import RobustnessResult

DEFAULT_SCHEME = "mof-2012"
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


# An award or criticism list as the reports read it (unit_code, unit_name, tier, reason, ...).
AwardList = list[dict[str, Any]]


class Signing(TypedDict):
    """Who the reports are for and by, and whether they are final (reports.signing.sign)."""

    client: str
    number: str
    team: Sequence[tuple[str, str]]
    final: bool


class CertificateOptions(TypedDict):
    """What every certificate of a run shares (kaoping.reports.certificates)."""

    year: str
    issuer: str
    date: str
    title: str
    body: str
    unit_names: Mapping[str, str]
    lang: str
    award: str
    number_prefix: str
    text_only: bool


class ReportFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"
    xlsx = "xlsx"


def _formats(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> list[ReportFormat] | None:
    return [ReportFormat(v) for v in value] or None


@command("report", help=gettext_noop("Write evaluation reports (unit reports, the round report)."))
@data_argument
@scheme_option(DEFAULT_SCHEME)
@option("--unit", "-u", multiple=True, help=gettext_noop("unit code (repeatable)"))
@option(
    "--all",
    "all_units",
    is_flag=True,
    help=gettext_noop("the report of every unit and the round report"),
)
@option("--round", "round_report", is_flag=True, help=gettext_noop("the round report"))
@option(
    "--format",
    "-f",
    "format",
    type=click.Choice([f.value for f in ReportFormat]),
    multiple=True,
    callback=_formats,
    help=gettext_noop("docx, pdf, xlsx (repeatable, default docx)"),
)
@option("--output", "-o", type=PATH, default=Path("."), help=gettext_noop("output folder"))
@input_options()
@option(
    "--narratives",
    "-n",
    type=PATH,
    help=gettext_noop("the evaluator's own text (a TOML/JSON/Markdown file or folder)"),
)
@option(
    "--awards",
    type=PATH,
    help=gettext_noop("award lists written by kaoping awards (checked to agree)"),
)
@option("--issuer", default="", help=gettext_noop("name of the evaluating agency"))
@option("--date", help=gettext_noop("date of the report"))
@option("--charts/--no-charts", default=True, help=gettext_noop("draw the charts or not"))
@option("--client", default="", help=gettext_noop("commissioning body (on the cover)"))
@option("--number", default="", help=gettext_noop("report number"))
@option(
    "--team",
    multiple=True,
    help=gettext_noop('member of the evaluation team as "name:role" (repeatable)'),
)
@option(
    "--robustness/--no-robustness",
    default=True,
    help=gettext_noop("rank uncertainty in the round report (Monte Carlo simulation)"),
)
@option(
    "--fund",
    help=gettext_noop(
        "reward fund in yuan; the round report lists its allocation by the tiers' coefficients"
    ),
)
@option(
    "--final/--draft",
    default=False,
    help=gettext_noop(
        "final report (refused while a part is a draft) or draft (marked on every page)"
    ),
)
@lang_option
@guarded
def report_command(
    data: Path,
    scheme: str,
    unit: tuple[str, ...],
    all_units: bool,
    round_report: bool,
    format: list[ReportFormat] | None,
    output: Path,
    inputs: InputFiles,
    narratives: Path | None,
    awards: Path | None,
    issuer: str,
    date: str | None,
    charts: bool,
    client: str,
    number: str,
    team: tuple[str, ...],
    robustness: bool,
    fund: str | None,
    final: bool,
    lang: str,
) -> None:
    """Unit reports and the round report, in every format asked for."""
    from kaoping.reports.errors import ReportInputError, ReportProblem

    if not (unit or all_units or round_report):
        raise ReportInputError([ReportProblem("report.no_unit")])
    formats = list(dict.fromkeys(format or [ReportFormat.docx]))
    reward_fund = RewardFund(fund) if fund else None  # checked by the assessment
    assessed = run_assessment(
        lang,
        data,
        scheme,
        inputs,
        fund=reward_fund,
    )
    result, prev_result, earlier = rounds_of(assessed)
    texts = None
    if narratives is not None:
        from kaoping.reports.narratives import load_narratives

        texts = load_narratives(narratives, unit_codes=result.codes)
    award_list, criticism = award_lists(assessed, awards, lang)
    from kaoping.reports.signing import parse_team

    signing = Signing(client=client, number=number, team=parse_team(team or []), final=final)
    uncertainty: RobustnessResult | None = None
    if robustness and (round_report or all_units):
        from kaoping.reports.uncertainty import report_options
        from kaoping.scoring import KaopingError
        from kaoping.scoring.robustness import analyse_assessment

        try:
            uncertainty = analyse_assessment(assessed, report_options(assessed.scheme))
        except KaopingError as exc:  # e.g. an indicator no unit has: the report goes without
            for problem in exc.problems:
                message = gettext("rank uncertainty left out of the round report: {problem}", lang)
                click.echo(message.format(problem=problem.text(lang)), err=True)
    documents = build_documents(
        result,
        prev_result,
        earlier,
        unit or [],
        all_units,
        round_report or all_units,
        texts,
        award_list,
        criticism,
        issuer,
        date,
        charts,
        lang,
        signing=signing,
        robustness=uncertainty,
    )
    written = write_documents(documents, formats, result, output)
    for path in written:
        click.echo(gettext("wrote {path}", lang).format(path=path), err=True)
    drafts = [stem for stem, doc in documents if doc.draft_sections()]
    if drafts:
        message = gettext(
            "note: {n} reports are drafts with system-generated text (marked on "
            "every page); give the agency's text with --narratives and use --final.",
            lang,
        )
        click.echo(message.format(n=len(drafts)), err=True)


@command(
    "certificates",
    help=gettext_noop("Certificates for the award winners (a PDF, one per page)."),
)
@argument(
    "awards",
    gettext_noop("award list written by kaoping awards, or base data"),
    type=PATH,
)
@option(
    "--output",
    "-o",
    type=PATH,
    help=gettext_noop("output PDF file (default: “certificates.pdf” in the chosen language)"),
)
@option("--year", default="", help=gettext_noop("year of the assessment (required)"))
@option("--issuer", default="", help=gettext_noop("issuing body (required)"))
@option("--date", default="", help=gettext_noop("date under the signature (required)"))
@option(
    "--title",
    default="",
    help=gettext_noop("title of the certificate (default: Certificate of Honour)"),
)
@option(
    "--award",
    default="",
    help=gettext_noop("name of the assessment the award belongs to (default: the scheme's name)"),
)
@option("--number-prefix", default="", help=gettext_noop("prefix of the certificate numbers"))
@option(
    "--text-only",
    is_flag=True,
    help=gettext_noop("print the text only, for preprinted certificate paper"),
)
@option(
    "--body",
    help=gettext_noop(
        "template of the text; it may use {unit_name} {year} {award} {tier} {reason}"
    ),
)
@option("--data", type=PATH, help=gettext_noop("base data, to fill in the units' names"))
@scheme_option(DEFAULT_SCHEME)
@input_options(previous=False)
@lang_option
@guarded
def certificates_command(
    awards: Path,
    output: Path | None,
    year: str,
    issuer: str,
    date: str,
    title: str,
    award: str,
    number_prefix: str,
    text_only: bool,
    body: str | None,
    data: Path | None,
    scheme: str,
    inputs: InputFiles,
    lang: str,
) -> None:
    """A PDF of certificates for the winners of an award list or of the assessment."""
    output = output or Path(gettext("certificates.pdf", lang))
    from kaoping.reports.award_lists import load_award_lists
    from kaoping.reports.certificates import certificates_html, default_body
    from kaoping.scoring import load_scheme

    if is_award_list(awards):
        award_list, _ = load_award_lists(awards)
    else:  # base data: the assessment's own winners
        assessed = run_assessment(lang, awards, scheme, inputs)
        award_list, _ = computed_award_lists(assessed, lang)
        year = year or (assessed.assessment.period_label or "")
    # The award belongs to the assessment of the scheme the list was made with.
    loaded = load_scheme(next((a["scheme"] for a in award_list if a.get("scheme")), scheme))
    names: dict[str, str] = {}
    if data is not None:
        from kaoping.tables import read_base_data

        names = {u.code: u.name for u in read_base_data(data, loaded).units}
    options = CertificateOptions(
        year=year,
        issuer=issuer,
        date=date,
        title=title,
        body=body or default_body(lang),
        unit_names=names,
        lang=lang,
        award=award or loaded.name_for(lang),
        number_prefix=number_prefix,
        text_only=text_only,
    )
    certificates_html(award_list, **options)  # refuses before any file is touched
    pages: list[int] = []

    def write(path: Path) -> None:
        from kaoping.reports.certificates import render_certificates

        pages.append(render_certificates(award_list, path, **options))

    write_atomically(output, write)
    message = gettext("wrote {path} ({n} certificates)", lang)
    click.echo(message.format(path=output, n=pages[0]), err=True)


# --- steps --------------------------------------------------------------------------------


def rounds_of(
    assessed: AssessmentResult,
) -> tuple[EvaluationResult, EvaluationResult | None, list[EvaluationResult]]:
    """The reports' view of one assessment: this round, last period's (同比) and the
    earlier ones (环比, trend), each with the committee's ranks and its expert scores."""
    earlier = [p.evaluation for p in assessed.previous]
    prev_result = earlier.pop() if earlier else None
    return assessed.evaluation, prev_result, earlier


def computed_award_lists(assessed: AssessmentResult, lang: str) -> tuple[AwardList, AwardList]:
    """(awards, criticism) of the assessment, as the reports list them; none for a scheme
    without awards (a pass line alone is not an award)."""
    sections = assessed.scheme.sections
    if "awards" not in sections and "special_awards" not in sections:
        return [], []
    tiers = {t.name: t for t in assessed.awards.rules.tiers}
    awards = [
        {
            "unit_code": u.code,
            "unit_name": u.name,
            "tier": tiers[u.tier].name_for(lang),
            "reason": "",
            "total": u.total,
            "rank": u.rank,
            "coefficient": u.coefficient,
            "amount": None if u.amount is None else float(u.amount),
        }
        for u in assessed.units()
        if u.tier
    ]
    criticism = [
        {
            "unit_code": u.code,
            "unit_name": u.name,
            "tier": pgettext("award tier", "criticised", lang),
            "reason": u.reason_text(lang),
        }
        for u in assessed.units()
        if u.criticised
    ]
    return awards, criticism


def award_lists(
    assessed: AssessmentResult, path: Path | None, lang: str
) -> tuple[AwardList, AwardList]:
    """The award and criticism tables of the round report: the assessment's own. A list
    given with --awards must agree with them unit by unit (it is checked, never trusted);
    for a scheme without awards it is shown as given."""
    from kaoping.reports.award_lists import load_award_lists
    from kaoping.reports.errors import ReportInputError, ReportProblem

    awards, criticism = computed_award_lists(assessed, lang)
    if path is None:
        return awards, criticism
    given_awards, given_criticism = load_award_lists(path)
    if not awards and not criticism:
        return given_awards, given_criticism
    known = {u.code: u for u in assessed.units()}
    tiers = {t.name: t for t in assessed.awards.rules.tiers}
    problems = []
    given = {str(a["unit_code"]): str(a.get("tier") or "") for a in given_awards}
    blamed = {str(c["unit_code"]) for c in given_criticism}
    for code, u in known.items():
        mine = {tiers[u.tier].name, tiers[u.tier].name_for(lang)} if u.tier else {""}
        if given.get(code, "") not in mine or (code in blamed) != u.criticised:
            problems.append(
                ReportProblem(
                    "report.awards_mismatch",
                    file=path.name,
                    params={
                        "unit": f"{code} {u.name}",
                        "given": given.get(code) or "—",
                        "tier": u.tier or "—",
                    },
                )
            )
    for code in (set(given) | blamed) - set(known):
        problems.append(ReportProblem("report.unknown_unit", file=path.name, params={"unit": code}))
    if problems:
        raise ReportInputError(problems)
    return awards, criticism


def is_award_list(path: Path) -> bool:
    """An award list (JSON, or a table with a tier column), rather than base data."""
    if path.suffix.lower() == ".json":
        return True
    from kaoping.reports.award_lists import HEADERS, header_row
    from kaoping.tables import read_sheet

    rows = list(read_sheet(path).rows[:5]) or [[]]  # the header is among the first rows
    first = [str(c).strip().lower() for c in rows[header_row(rows)]]  # below a title row
    return any(HEADERS.get(c, c) == "tier" for c in first)  # the headers awards lists write


def build_documents(
    result: EvaluationResult,
    previous: EvaluationResult | None,
    history: Sequence[EvaluationResult],
    units: Sequence[str],
    all_units: bool,
    with_round: bool,
    texts: Narratives | None,
    awards: AwardList,
    criticism: AwardList,
    issuer: str,
    date: str | None,
    charts: bool,
    lang: str,
    signing: Signing | None = None,
    robustness: RobustnessResult | None = None,
) -> list[tuple[str, ReportDocument]]:
    """(file stem, document) for every report asked for, all built before any is written.
    ``signing``: client, number, team and final (see kaoping.reports.signing.sign)."""
    signing = signing or Signing(client="", number="", team=(), final=False)
    from kaoping.reports.narratives import ROUND_KEY, narratives_for
    from kaoping.reports.round_report import build_round_report
    from kaoping.reports.unit_report import build_unit_report

    codes = result.codes if all_units else list(dict.fromkeys(units))
    documents = []
    for code in codes:
        result.index(code)  # an unknown code stops here, before anything is drawn
    for code in codes:
        doc = build_unit_report(
            result,
            code,
            narratives=narratives_for(texts, code),
            previous=previous,
            history=history,
            lang=lang,
            issuer=issuer,
            date=date,
            charts=charts,
            awards=awards,
            criticism=criticism,
            **signing,
        )
        name = result.data.units[result.index(code)].name
        suffix = gettext("evaluation-report", lang)
        documents.append((safe_filename(f"{code}-{name}-{suffix}"), doc))
    if with_round:
        doc = build_round_report(
            result,
            narratives=(texts or {}).get(ROUND_KEY),
            previous=previous,
            history=history,
            awards=awards,
            criticism=criticism,
            lang=lang,
            issuer=issuer,
            date=date,
            charts=charts,
            robustness=robustness,
            **signing,
        )
        stem = gettext("round-report", lang)
        documents.append((stem, doc))
    return documents


def write_documents(
    documents: Sequence[tuple[str, ReportDocument]],
    formats: Sequence[ReportFormat],
    result: EvaluationResult,
    output: Path,
) -> list[Path]:
    """Render every document in every format into a temporary folder, then move them in."""
    from kaoping.reports.batch import render_many
    from kaoping.reports.xlsx_render import render_xlsx

    output.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kaoping-report-", dir=output))
    try:
        staged, documents_to_render = [], []
        for stem, doc in documents:
            for fmt in formats:
                path = staging / f"{stem}.{fmt.value}"
                if fmt is ReportFormat.xlsx:
                    render_xlsx(doc, result, path)
                else:
                    documents_to_render.append((doc, fmt.value, path))
                staged.append(path)
        render_many(documents_to_render)  # Word and PDF on every core
        final = []
        for path in staged:
            target = output / path.name
            path.replace(target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def safe_filename(text: str) -> str:
    """A file name without path separators or characters Windows refuses.

    Examples
    --------
    >>> safe_filename('110101-东城/区 报告')
    '110101-东城_区_报告'
    """
    return UNSAFE_FILENAME.sub("_", text).strip("._") or "report"
