"""The project's one message catalogue per language: complete, compiled, and shared.

The web layer reads ``kaoping/locale`` through Django (``LOCALE_PATHS``), the pure layers
through :mod:`kaoping.scoring.i18n`; ``make messages`` extracts and compiles both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kaoping.scoring import i18n

LOCALE = Path(i18n.LOCALE_DIR)
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")


def test_there_is_one_catalogue_per_language_for_the_whole_project():
    assert [p.parent.parent.name for p in CATALOGUES] == ["en", "zh_Hans"]
    package = LOCALE.parent
    stray = [p for p in package.rglob("*.po") if LOCALE not in p.parents]
    assert stray == []  # no per-app catalogue reading an id differently by accident


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated(po: Path):
    done = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = done.stderr
    assert re.search(r"\d+ translated messages?\.", stats), stats
    assert "fuzzy" not in stats and "untranslated" not in stats, f"{po}: {stats}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalogue_is_up_to_date(po: Path, tmp_path: Path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    committed = po.with_suffix(".mo")
    assert committed.read_bytes() == fresh.read_bytes(), f"run `make messages`: {committed}"


def test_the_pure_layers_and_django_read_the_same_translation():
    pytest.importorskip("django")
    from django.conf import settings

    assert LOCALE in [Path(p) for p in settings.LOCALE_PATHS]
    assert i18n.gettext("system administrator", "zh") == "系统管理员"
    assert i18n.gettext("system administrator", "en") == "system administrator"
    assert i18n.pgettext("dispute", "Reject", "zh") == "不予受理"
    assert i18n.gettext("Reject", "zh") == "不予批准"  # the other reading, without context
