"""Template context for every page: the side navigation for the user's roles."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kaoping.web.accounts.models import Role
from kaoping.web.permissions import roles_of


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    items = [(reverse("home"), _("Home")), (reverse("rounds:list"), _("Evaluation rounds"))]
    if roles & {Role.OFFICE, Role.AGENCY, Role.ADMIN}:
        items.append((reverse("overdue"), _("Overdue rectifications")))
    if roles & {Role.OFFICE, Role.ADMIN, Role.AGENCY, Role.COMMITTEE}:
        items.append((reverse("units:list"), _("Units")))
    if roles & {Role.OFFICE, Role.ADMIN}:
        items.append((reverse("accounts:list"), _("Accounts")))
    if roles & {Role.OFFICE, Role.ADMIN, Role.AGENCY, Role.COMMITTEE}:
        items.append((reverse("audit:log"), _("Evaluation log")))
        items.append((reverse("workflow:archives"), _("Evaluation archives")))
    if Role.EXPERT in roles:
        items.append((reverse("experts:mine"), _("My scoring tasks")))
    items.append((reverse("accounts:profile"), _("My account")))
    if user.is_staff:
        items.append((reverse("admin:index"), _("System administration")))
    path = request.path
    nav = [
        {"url": url, "label": label, "active": url == _best_match(path, [u for u, _ in items])}
        for url, label in items
    ]
    labels = [str(Role(r).label) for r in Role.values if r in roles]
    return {"nav": nav, "role_labels": labels}


def _best_match(path: str, urls: list[str]) -> str | None:
    """The nav entry a page belongs to: the longest URL the path starts with."""
    matches = [u for u in urls if path == u or (u != "/" and path.startswith(u))]
    return max(matches, key=len, default=None)
