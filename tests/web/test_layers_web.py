"""Inside the web application, apps depend in one direction (issue 13's design).

Every import between apps is found, at the top of a module or inside a function, and must
point down ``ORDER``. The round's workflow (``kaoping.web.workflow``) is the one place that
performs transitions, above the apps it draws on. ``KNOWN`` lists the upward imports that
remain, each with its reason; the test fails when one is fixed (shorten the list) and when
a new one appears.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kaoping.web

WEB = Path(kaoping.web.__file__).resolve().parent
# Bottom to top. A new app must be placed here.
ORDER = [
    "audit",
    "jobs",
    "accounts",
    "units",
    "rounds",
    "planning",
    "schemes",
    "submissions",
    "experts",
    "letters",
    "adjustments",
    "results",
    "awards",
    "disputes",
    "workflow",
    "api",
]
# Project-level glue, not apps: settings, URLs, middleware, the shared helpers (common) and
# the permission rules every view consults (permissions), the demo and the commands.
GLUE = {
    "common",
    "permissions",
    "settings",
    "urls",
    "middleware",
    "context",
    "demo",
    "wsgi",
    "todo",
    "templatetags",
    "apps",
    "management",
    "locale",
    "static",
    "templates",
    "__init__",
    # issue 10: what the log vouches for (registered from the top), /healthz, log context
    "integrity",
    "health",
    "logs",
}
KNOWN = {
    # The log page offers the rounds as a filter.
    ("audit", "rounds"),
    # Scoring reads the values a decided re-review (复验) adopted; disputes start new runs.
    ("results", "disputes"),
    # Importing accounts (issue 14) names their units and reuses the upload checks.
    ("accounts", "units"),
    ("accounts", "submissions"),
}


def imports_between_apps() -> set[tuple[str, str]]:
    found = set()
    for path in WEB.rglob("*.py"):
        parts = path.relative_to(WEB).parts
        if "migrations" in parts:
            continue
        source = parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                bits = name.split(".")
                if bits[:2] == ["kaoping", "web"] and len(bits) > 2 and bits[2] != source:
                    found.add((source, bits[2]))
    return found


def test_every_app_has_its_place_in_the_order():
    apps = {p.name for p in WEB.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - GLUE == set(ORDER)


def test_apps_import_only_apps_below_them():
    upward = {
        (a, b)
        for a, b in imports_between_apps()
        if a in ORDER and b in ORDER and ORDER.index(b) > ORDER.index(a)
    }
    assert upward - KNOWN == set(), "imports pointing up the app order"
    assert KNOWN - upward == set(), "fixed: remove these from KNOWN"


def test_the_workflow_alone_performs_transitions():
    """Only the workflow (and the layers above it) calls do_transition."""
    callers = set()
    for path in WEB.rglob("*.py"):
        parts = path.relative_to(WEB).parts
        if "do_transition" in path.read_text(encoding="utf-8") and "migrations" not in parts:
            callers.add(parts[0].removesuffix(".py"))
    assert callers <= {"workflow", "demo"}, callers
