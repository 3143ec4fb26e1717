"""Results: scoring runs with progress, ranking table, a unit's page, exports, charts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kaoping.scoring.display import fmt_score, fmt_signed
from kaoping.scoring.explanation import REASONS
from kaoping.scoring.i18n import gettext as translate
from kaoping.web.common import (
    ActionError,
    join_details,
    lang_of,
    require,
    wants_xlsx,
    xlsx_response,
)
from kaoping.web.inputs import posted_id
from kaoping.web.jobs.durable import workers_running
from kaoping.web.listing import ListForm, query_without_page
from kaoping.web.permissions import (
    can_download_round_report,
    can_generate_reports,
    can_run_scoring,
    can_sign_reports,
    can_view_ranking,
    can_view_unit_result,
    can_write_narratives,
    is_staff_viewer,
    visible_rounds,
)
from kaoping.web.results import charts
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.results.forms import ReportSigningForm
from kaoping.web.results.frozen import unit_explanation
from kaoping.web.results.integrity import run_differences
from kaoping.web.results.models import (
    Publication,
    ReportJob,
    ReportSigning,
    RunStatus,
    ScoringRun,
    UnitResult,
)
from kaoping.web.rounds.models import Round
from kaoping.web.rounds.views import round_for

PAGE_ROWS = 100  # a page of the ranking; the Excel export has every unit


def signing_form(round) -> ReportSigningForm:
    """The round's signing (落款) as a form; the issuer defaults to KAOPING_REPORT_ISSUER."""
    signing = ReportSigning.objects.filter(round=round).first()
    if signing is None:
        signing = ReportSigning(round=round, issuer=getattr(settings, "KAOPING_REPORT_ISSUER", ""))
    return ReportSigningForm(instance=signing)


def run_for(request, round) -> ScoringRun | None:
    """Units always see the current publication; staff see a chosen or the latest run."""
    if not is_staff_viewer(request.user):
        publication = Publication.current(round)
        return publication.run if publication and round.results_visible_to_units else None
    if request.GET.get("run"):
        return get_object_or_404(
            ScoringRun, round=round, version=posted_id(request.GET, "run"), status=RunStatus.DONE
        )
    return ScoringRun.latest_done(round)


def group_columns(run: ScoringRun, lang: str) -> list[tuple[str, str]]:
    key = "name_en" if lang == "en" else "name"
    return [(g["code"], g[key]) for g in run.summary.get("groups", [])]


@login_required
def index(request, round_id: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    runs = ScoringRun.objects.filter(round=round).select_related("started_by", "approved_by")
    publications = Publication.objects.filter(round=round).select_related("run", "published_by")
    return render(
        request,
        "results/index.html",
        {
            "round": round,
            "runs": runs,
            "publications": publications,
            "can_run": can_run_scoring(request.user, round),
            "has_results": any(r.status == RunStatus.DONE for r in runs),
            "can_round_report": can_download_round_report(request.user, round),
            "can_generate": can_generate_reports(request.user, round),
            "can_narrate": can_write_narratives(request.user, round),
            "can_sign": can_sign_reports(request.user, round),
            "signing": signing_form(round),
            "jobs": ReportJob.objects.filter(round=round).select_related("run", "started_by")[:10],
        },
    )


@login_required
@require_POST
def start_run(request, round_id: int):
    round = round_for(request, round_id)
    require(can_run_scoring(request.user, round))
    try:
        run = do_start_scoring_run(round, acting_user=request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("results:index", round.pk)
    return redirect("results:progress", round.pk, run.version)


@login_required
def progress(request, round_id: int, version: int):
    round = round_for(request, round_id)
    require(is_staff_viewer(request.user))
    run = get_object_or_404(ScoringRun, round=round, version=version)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": run.status, "progress": run.progress, "message": run.message}
        )
    return render(
        request,
        "results/progress.html",
        {
            "round": round,
            "run": run,
            "busy": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
            "can_run": can_run_scoring(request.user, round),
            "workers": workers_running(),
        },
    )


@login_required
def ranking(request, round_id: int):
    round = round_for(request, round_id)
    require(can_view_ranking(request.user, round))
    run = run_for(request, round)
    lang = lang_of(request)
    if run is None:
        return render(request, "results/none.html", {"round": round})
    staff = is_staff_viewer(request.user)
    # A unit sees other units only as the published ranking: code, name, total, rank, grade.
    groups = group_columns(run, lang) if staff else []
    results = run.unit_results.select_related("unit").defer("numbers")
    if wants_xlsx(request):
        headers = [
            _("Rank"),
            _("Unit code"),
            _("Unit name"),
            *[n for _c, n in groups],
            _("Total"),
            _("Grade"),
            _("Previous total"),
            _("Change"),
        ][: None if staff else 5]
        stem = pgettext("file name", "Ranking")
        return xlsx_response(
            f"{round.name}-{stem}.xlsx",
            headers,
            (
                (
                    r.rank,
                    r.unit.code,
                    r.unit.name,
                    *[r.groups.get(c) for c, _n in groups],
                    r.total,
                    r.grade,
                    r.previous_total,
                    r.change,
                )[: None if staff else 5]
                for r in results.iterator()
            ),
        )
    search = ListForm(request.GET)
    if text := search.chosen().get("q"):
        results = results.filter(Q(unit__code__icontains=text) | Q(unit__name__icontains=text))
    page = Paginator(results, PAGE_ROWS).get_page(request.GET.get("page"))
    rows = list(page)
    suspect = _warn_if_tampered(request, run)
    for r in rows:  # formatted here (kaoping.scoring.display): 100 rows × 8 numbers
        r.cells = [fmt_score(r.groups.get(c)) for c, _n in groups]
        r.total_text = fmt_score(r.total)
        if r.unit.code in suspect:
            r.total_text = _("%(total)s (does not match the log)") % {"total": r.total_text}
        change = r.change
        r.change_text = fmt_signed(change)
        r.change_up = change is not None and change >= 0
    bars = charts.ranking_bars([(r.unit.name, r.total) for r in rows], title=_("Total"))
    return render(
        request,
        "results/ranking.html",
        {
            "round": round,
            "run": run,
            "rows": rows,
            "groups": groups,
            "chart": mark_safe(bars),
            "page": page,
            "staff": staff,
            "search": search,
            "query": query_without_page(request),
            "publication": Publication.objects.filter(run=run).order_by("-version").first(),
        },
    )


@login_required
def unit_result(request, round_id: int, unit_id: int):
    round = round_for(request, round_id)
    unit = get_object_or_404(round.units, pk=unit_id)
    if not can_view_unit_result(request.user, round, unit):
        # Units learn nothing about unpublished results or other units' pages.
        raise Http404 if not is_staff_viewer(request.user) else PermissionDenied
    run = run_for(request, round)
    if run is None:
        raise Http404
    result = get_object_or_404(UnitResult.objects.select_related("unit"), run=run, unit=unit)
    _warn_if_tampered(request, run, unit.code)
    lang = lang_of(request)
    groups = group_columns(run, lang)
    try:  # built now from the run's frozen inputs (not stored: see results.frozen)
        ex = unit_explanation(run, unit.code)
    except ActionError as exc:
        messages.error(request, str(exc))
        ex = None
    explanation = ex.to_dict() if ex else {"indicators": [], "ranked_units": "—"}
    for item in explanation["indicators"]:  # "eval.missing_value" → 基础数据缺失
        reason = REASONS.get(item.get("reason") or "")
        item["reason_text"] = translate(reason, lang) if reason else item.get("reason")
    if wants_xlsx(request):
        stem = pgettext("file name", "Scores")
        return xlsx_response(
            f"{unit.name}-{round.year}-{stem}.xlsx",
            [
                _("Indicator"),
                _("Name"),
                _("Value"),
                _("Mean"),
                _("Standard deviation"),
                _("Standard score"),
                _("Score"),
                _("Weight"),
                _("Contribution"),
            ],
            (
                (
                    i["code"],
                    i["name"],
                    i["value"],
                    i["stats"].get("mean"),
                    i["stats"].get("sd"),
                    i["z"],
                    i["score"],
                    i["effective_weight"],
                    i["contribution"],
                )
                for i in explanation["indicators"]
            ),
        )
    averages = _group_averages(run, [c for c, _n in groups])
    radar = charts.radar(
        [n for _c, n in groups],
        [
            (unit.name, [result.groups.get(c) for c, _n in groups]),
            (_("average"), [averages[c] for c, _n in groups]),
        ],
        title=_("Group scores"),
    )
    history = _history(request, unit, round, run)
    trend = charts.trend(trend_series(history, lang), title=_("Total by year"))
    return render(
        request,
        "results/unit.html",
        {
            "round": round,
            "run": run,
            "unit": unit,
            "result": result,
            "groups": groups,
            "group_rows": [(n, result.groups.get(c), averages[c]) for c, n in groups],
            "ex": explanation,
            "text": ex.render(lang) if ex else "",
            "radar": mark_safe(radar),
            "trend": mark_safe(trend),
            "sequential": sequential(round, history, result.total),
            "publication": Publication.objects.filter(run=run).order_by("-version").first(),
            "staff": is_staff_viewer(request.user),
            "can_narrate": can_write_narratives(request.user, round, unit),
        },
    )


def _warn_if_tampered(request, run: ScoringRun, code: str | None = None) -> set[str]:
    """Compare the stored results with the engine on the frozen inputs; say so on the page
    when they differ (edited outside the system). Returns the codes of the units affected."""
    differences = [d for d in run_differences(run, fresh=False) if code in (None, d.unit, "")]
    if differences:
        lang = lang_of(request)
        listed = join_details(d.render(lang) for d in differences[:5])
        messages.error(
            request,
            _(
                "These stored results do not match what the engine gives "
                "on the frozen inputs; they were changed outside the system "
                "and must not be relied on: %(list)s"
            )
            % {"list": listed},
        )
    return {d.unit for d in differences}


def _group_averages(run: ScoringRun, codes: list[str]) -> dict[str, float | None]:
    stored = run.summary.get("group_averages")
    if stored is not None:  # computed at scoring time
        return {c: stored.get(c) for c in codes}
    sums = {c: [0.0, 0] for c in codes}
    for groups in run.unit_results.values_list("groups", flat=True):
        for c in codes:
            if groups.get(c) is not None:
                sums[c][0] += groups[c]
                sums[c][1] += 1
    return {c: (s / n if n else None) for c, (s, n) in sums.items()}


def _history(request, unit, round, run) -> list[tuple[Round, float]]:
    """The unit's total in each round it appears in, as far as the user may see it.

    The run chosen on this page (``?run=``) is this round's only: a version number means
    nothing in another round, so staff see the others' latest done run.
    """
    staff = is_staff_viewer(request.user)
    others = list(visible_rounds(request.user).filter(units=unit).order_by("year", "id"))
    # The run each round shows, in one query for all of them (not one per round and year).
    runs: dict[int, ScoringRun | None] = {round.pk: run}
    if staff:
        done = ScoringRun.objects.filter(round__in=others, status=RunStatus.DONE)
        for found in done.order_by("round_id", "-version"):
            runs.setdefault(found.round_id, found)
    else:
        # A unit sees a round's current publication (Round.results_visible_to_units: a
        # round with a publication shows it, even while a reopening revises it).
        publications = Publication.objects.filter(round__in=others).select_related("run")
        for publication in publications.order_by("round_id", "-version"):
            runs.setdefault(publication.round_id, publication.run)
    chosen = {r.pk: r for r in runs.values() if r is not None}
    totals = dict(
        UnitResult.objects.filter(run__in=list(chosen), unit=unit)
        .order_by("-position")  # the first row of a run wins, as .first() did
        .values_list("run_id", "total")
    )
    points = []
    for other in others:
        other_run = runs.get(other.pk)
        total = totals.get(other_run.pk) if other_run is not None else None
        if total is not None:
            points.append((other, total))
    return points


def trend_series(history, lang: str) -> list[tuple[str, list[tuple[str, float]]]]:
    """One series per evaluation (scheme), so two evaluations of one year never share a line."""
    series: dict[str, tuple[str, list]] = {}
    for round, total in history:
        name = round.scheme().name_for(lang)
        series.setdefault(round.scheme_code, (name, []))[1].append((str(round.year), total))
    return list(series.values())


def sequential(round, history, total: float | None) -> tuple[Round, float] | None:
    """环比: the change since the round's previous period, when that period is distinct.

    The previous period is the latest earlier round of the same evaluation. When it is the
    round's year-on-year comparison (annual rounds: last year), 环比 equals 同比 and is
    not shown twice.
    """
    earlier = [
        (r, t) for r, t in history if r.scheme_code == round.scheme_code and r.year < round.year
    ]
    if not earlier or total is None:
        return None
    before, before_total = earlier[-1]
    if before.pk == round.previous_id:
        return None
    return before, total - before_total
