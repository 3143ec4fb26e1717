"""The home page (the rounds and what is overdue), the round's transitions and its
evaluation archives (评价档案)."""

from __future__ import annotations

import hashlib
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.web.accounts.models import Role
from kaoping.web.common import ActionError, download, require
from kaoping.web.inputs import form_errors
from kaoping.web.permissions import (
    can_transition,
    can_view_overdue,
    has_role,
    is_staff_viewer,
    visible_rounds,
)
from kaoping.web.rounds.models import TRANSITIONS, RoundArchive
from kaoping.web.rounds.views import round_for
from kaoping.web.submissions.uploads import check_name_and_size
from kaoping.web.submissions.views import overdue_submissions
from kaoping.web.todo import todos
from kaoping.web.workflow.actions import do_transition
from kaoping.web.workflow.archive import ArchiveRejected, do_retry_archive, import_archive
from kaoping.web.workflow.forms import TransitionForm

logger = logging.getLogger(__name__)


@login_required
def home(request):
    overdue = None
    if can_view_overdue(request.user):
        overdue = len(overdue_submissions())
    rounds = visible_rounds(request.user).annotate(units_n=Count("units"))
    return render(
        request,
        "web/home.html",
        {"rounds": rounds, "overdue": overdue, "todos": todos(request.user)},
    )


@login_required
@require_POST
def round_transition(request, round_id: int, action: str):
    round = round_for(request, round_id)
    require(can_transition(request.user, round, action))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("rounds:detail", round.pk)
    try:
        do_transition(
            round,
            action,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            target=form.cleaned_data["target"] or None,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[action].label})
    return redirect("rounds:detail", round.pk)


# --- evaluation archives (评价档案) ----------------------------------------------------------


@login_required
@require_POST
def archive_retry(request, round_id: int):
    """Build a closed round's archive again after its build failed (who may close may)."""
    round = round_for(request, round_id)
    require(can_transition(request.user, round, "close"))
    try:
        do_retry_archive(round, acting_user=request.user)
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The archive is being built again."))
    return redirect("rounds:detail", round.pk)


def can_import_archives(user) -> bool:
    return has_role(user, Role.OFFICE, Role.ADMIN)


@login_required
def archive_list(request):
    """Every archive: built when a round closed, or imported (read-only) from elsewhere."""
    require(is_staff_viewer(request.user))
    archives = RoundArchive.objects.select_related("round", "created_by")
    return render(
        request,
        "workflow/archives.html",
        {"archives": archives, "can_import": can_import_archives(request.user)},
    )


@login_required
def archive_download(request, archive_id: int):
    require(is_staff_viewer(request.user))
    archive = get_object_or_404(RoundArchive, pk=archive_id)
    with archive.file.open("rb") as handle:
        content = handle.read()
    if archive.file_sha256 and hashlib.sha256(content).hexdigest() != archive.file_sha256:
        # The stored file was replaced outside the application: refuse rather than serve it.
        logger.error("archive %s: stored file does not match its recorded SHA-256", archive.pk)
        messages.error(
            request,
            _(
                "The stored archive file does not match its recorded "
                "SHA-256; it was changed outside the system and is not served."
            ),
        )
        return redirect("workflow:archives")
    return download(content, f"评价档案-{archive.manifest_sha256[:12]}.zip", "application/zip")


@login_required
@require_POST
def archive_import(request):
    """Verify a bundle from another installation (manifest and re-scoring), then store it."""
    require(can_import_archives(request.user))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("workflow:archives")
    lang = "en" if request.LANGUAGE_CODE == "en" else "zh"
    try:
        check_name_and_size(upload.name, upload.size or 0, (".zip",))
        archive = import_archive(upload.read(), upload.name, acting_user=request.user, lang=lang)
    except ArchiveRejected as exc:
        messages.error(request, _("The archive did not verify; nothing was stored."))
        archives = RoundArchive.objects.select_related("round", "created_by")
        return render(
            request,
            "workflow/archives.html",
            {
                "archives": archives,
                "can_import": True,
                "report": exc.report.render(lang) if exc.report else str(exc),
            },
            status=400,
        )
    except ActionError as exc:
        messages.error(request, str(exc))
        return redirect("workflow:archives")
    messages.success(
        request,
        _("Archive verified and stored (manifest SHA-256 %(sha)s).")
        % {"sha": archive.manifest_sha256},
    )
    return redirect("workflow:archives")
