"""The office's accounts page: every account (searchable, paged) and the Excel import."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaoping.web.accounts.imports import AccountImportError, do_import_accounts, template_bytes
from kaoping.web.accounts.models import Membership, Role
from kaoping.web.common import XLSX_TYPE, download, require
from kaoping.web.listing import ListForm, page_of, query_without_page
from kaoping.web.permissions import has_role
from kaoping.web.submissions.uploads import (
    TABLE_TYPES,
    UploadRejected,
    check_name_and_size,
    check_upload,
)


class AccountImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("List of people (Excel or CSV)"))


class AccountFilter(ListForm):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        required=False,
        choices=[("", gettext_lazy("All roles")), *Role.choices],
    )


def can_manage_accounts(user) -> bool:
    return has_role(user, Role.OFFICE, Role.ADMIN)


@login_required
def accounts(request):
    require(can_manage_accounts(request.user))
    if request.GET.get("format") == "template":
        return download(template_bytes(), "人员名单模板.xlsx", XLSX_TYPE)
    form, created, problems, problem_file = AccountImportForm(), None, None, ""
    if request.method == "POST":
        form = AccountImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_name_and_size(upload.name, upload.size or 0, TABLE_TYPES)
                content = upload.read()
                check_upload(content, upload.name, TABLE_TYPES)
                created = do_import_accounts(content, upload.name, acting_user=request.user)
            except UploadRejected as exc:
                form.add_error("file", str(exc))
            except AccountImportError as exc:
                problems, problem_file = exc.problems, upload.name
    filters = AccountFilter(request.GET)
    chosen = filters.chosen()
    users = (
        get_user_model()
        .objects.order_by("username")
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
        )
    )
    if text := chosen.get("q"):
        users = users.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(memberships__unit__name__icontains=text)
            | Q(memberships__unit__code=text)
        ).distinct()
    if role := chosen.get("role"):
        users = users.filter(memberships__role=role).distinct()
    return render(
        request,
        "accounts/accounts.html",
        {
            "form": form,
            "created": created,
            "problems": problems,
            "filters": filters,
            "problem_file": problem_file,
            "page": page_of(request, users),
            "query": query_without_page(request),
            "new_count": sum(1 for c in created or [] if c.password),
            "title": _("Accounts"),
        },
    )
