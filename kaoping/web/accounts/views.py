from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.web.accounts.models import ApiToken
from kaoping.web.permissions import can_view_overdue, visible_rounds


@login_required
def home(request):
    overdue = None
    if can_view_overdue(request.user):
        from kaoping.web.submissions.views import overdue_submissions

        overdue = len(overdue_submissions())
    rounds = visible_rounds(request.user).prefetch_related("units")
    return render(request, "web/home.html", {"rounds": rounds, "overdue": overdue})


@login_required
def profile(request):
    tokens = request.user.api_tokens.all()
    memberships = request.user.memberships.select_related("unit")
    return render(request, "accounts/profile.html", {"tokens": tokens, "memberships": memberships})


@login_required
@require_POST
def issue_token(request):
    _token, key = ApiToken.issue(request.user, name=request.POST.get("name") or "api")
    messages.success(request, _("New API token (shown only once): %(key)s") % {"key": key})
    return redirect("accounts:profile")
