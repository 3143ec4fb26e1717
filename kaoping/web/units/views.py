from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaoping.web.accounts.models import Role
from kaoping.web.common import require, wants_xlsx, xlsx_response
from kaoping.web.listing import ListForm, page_of, query_without_page
from kaoping.web.permissions import has_role, is_staff_viewer
from kaoping.web.units.actions import UnitImportError, do_import_units
from kaoping.web.units.models import Unit


def tree_rows():
    """Units in depth-first order with their depth, for an indented table."""
    units = list(Unit.objects.all())
    children: dict = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows, stack = [], [(u, 0) for u in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        rows.append((unit, depth))
        stack += [(c, depth + 1) for c in reversed(children.get(unit.pk, []))]
    return rows


@login_required
def unit_list(request):
    require(is_staff_viewer(request.user))
    rows = tree_rows()
    if wants_xlsx(request):
        return xlsx_response(
            "单位.xlsx",
            [_("Unit code"), _("Unit name"), _("Level"), _("Parent code")],
            [
                (u.code, u.name, u.get_level_display(), u.parent.code if u.parent else "")
                for u, _d in rows
            ],
        )
    problems = None
    if request.method == "POST":
        require(has_role(request.user, Role.OFFICE, Role.ADMIN))
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                count = do_import_units(upload.read(), upload.name, acting_user=request.user)
            except UnitImportError as exc:
                problems = exc.problems
            else:
                messages.success(request, _("%(count)s unit(s) imported.") % {"count": count})
                return redirect("units:list")
    can_import = has_role(request.user, Role.OFFICE, Role.ADMIN)
    form = ListForm(request.GET)
    if text := form.chosen().get("q"):  # matches are listed flat, without the tree
        rows = [(u, 0) for u, _d in rows if text in u.code or text.lower() in u.name.lower()]
    return render(
        request,
        "units/list.html",
        {
            "page": page_of(request, rows),
            "form": form,
            "query": query_without_page(request),
            "problems": problems,
            "can_import": can_import,
        },
    )
