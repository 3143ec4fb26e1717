from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaoping.web.accounts.forms import TokenForm
from kaoping.web.accounts.models import ApiToken
from kaoping.web.accounts.tokens import do_issue_token, do_revoke_token


@login_required
def profile(request):
    tokens = request.user.api_tokens.all()
    memberships = request.user.memberships.select_related("unit")
    return render(
        request,
        "accounts/profile.html",
        {"tokens": tokens, "memberships": memberships, "now": timezone.now()},
    )


@login_required
@require_POST
def issue_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("name", []):
            messages.error(request, error)
        return redirect("accounts:profile")
    _token, key = do_issue_token(request.user, form.cleaned_data["name"], acting_user=request.user)
    messages.success(request, _("New API token (shown only once): %(key)s") % {"key": key})
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)  # one's own only
    do_revoke_token(token, acting_user=request.user)
    messages.success(request, _("The API token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
def password_change(request):
    """Change one's own password (forced for an initial password set by an administrator)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()  # the post_save signal logs it and clears the "must change" flag
        update_session_auth_hash(request, form.user)
        request.session.pop("kaoping_must_change_password", None)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    forced = bool(request.session.get("kaoping_must_change_password"))
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})
