"""Issue 6.3: every page and API call is checked: walk every URL as the wrong user.

The URL list comes from the URL configuration itself, so a page added later is attacked
too. Anonymous visitors are sent to the login page (the API answers 401); a user with no
role, and a unit looking at another unit's pages, get 403/404/405 and change nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kaoping.web.audit.models import AuditEntry

PUBLIC = {"login", "set_language", "logout", "healthz"}  # healthz: for load balancers
REFUSED = {302, 401, 403, 404, 405}


def patterns(resolver=None, prefix=""):
    """(route, name) of every URL, admin and media excepted (Django's own, tested upstream)."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "^media")):
            continue
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


def fill(route: str, ids: dict) -> str:
    path = route
    for key, value in ids.items():
        for kind in ("int", "slug", "str"):
            path = path.replace(f"<{kind}:{key}>", str(value))
    assert "<" not in path, f"no value for a parameter of {route}"
    return "/" + path


def url_ids(round, unit) -> dict:
    """A value for every parameter of the URL configuration."""
    return {
        "round_id": round.pk,
        "unit_id": unit.pk,
        "archive_id": 1,
        "attachment_id": 1,
        "version": 1,
        "ext": "pdf",
        "job_id": 1,
        "dispute_id": 1,
        "group_id": 1,
        "action": "close",
        "target_id": 1,
        "adjustment_id": 1,
        "number": 1,
        "year": round.year,
        "token_id": 1,
        "check_id": 1,
        "change_id": 1,
    }


@pytest.fixture
def targets(world):
    round = world.published()
    ids = url_ids(round, world.dongcheng)
    return [(name, fill(route, ids)) for route, name in patterns() if name not in PUBLIC]


def changes() -> int:
    return AuditEntry.objects.exclude(action__startswith="auth.").count()


def test_anonymous_visitors_are_sent_to_log_in_for_every_page(targets):
    client, before = Client(), changes()
    for name, path in targets:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in REFUSED, (name, path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), (name, path)
    assert changes() == before


def test_a_user_without_a_role_is_refused_everything_but_his_account(world, targets):
    client, before = world.client(world.outsider), changes()
    own = {
        "/",
        "/accounts/me/",
        "/accounts/me/token/",
        "/accounts/me/password/",
        "/experts/mine/",
        "/rounds/",
        "/api/rounds/",
    }  # his own pages and empty lists
    for name, path in targets:
        if path in own:
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in REFUSED - {302, 401}, (name, path, response.status_code)
    assert changes() == before


def test_a_unit_is_refused_every_page_of_another_unit(world, targets):
    client, before = world.client(world.xi_user), changes()
    for name, path in targets:
        if f"/unit/{world.dongcheng.pk}/" not in path:
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in {403, 404, 405}, (name, path, response.status_code)
    assert changes() == before


def test_a_unit_is_refused_the_staff_pages_and_actions(world, targets):
    client, before = world.client(world.dong_user), changes()
    staff = {
        "overdue",
        "log",
        "create",
        "archives",
        "archive_import",
        "archive_download",
        "transition",
        "import_all",
        "start_run",
        "groups",
        "start_report_job",
        "round_narratives",
        "add_members",
        "assign",
        "close",
        "new_round",
        "edit",
        "prices",
        "targets",
        "adjustment_list",
        "withdraw",
        "decision",
        "propose",
        "nominate",
        "fund",
        "allocation_xlsx",
        "certificates",
    }
    checked = 0
    for name, path in targets:
        if name not in staff or (name == "list" and "/data/" not in path):
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in {403, 404, 405}, (name, path, response.status_code)
        checked += 1
    assert checked >= 10
    assert changes() == before


def test_uploaded_files_are_never_served_without_a_permission_check(settings):
    """MEDIA_URL is not routed, even with DEBUG on: attachments and archives go through views."""
    import importlib

    from kaoping.web import urls

    settings.DEBUG = True
    rebuilt = importlib.reload(urls)  # the patterns are decided when the module is imported
    media = settings.MEDIA_URL.strip("/")
    assert not [p for p in rebuilt.urlpatterns if media in str(p.pattern)]
