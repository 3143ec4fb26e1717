"""In English, no page shows Chinese that does not come from the data.

Each role, with the language set to English, walks every page reachable from the home page
and from a demo round's and a Beijing round's main pages. A Chinese character on a page must
belong to something entered or imported (unit and user names, the round's name, the scheme's
indicator names and texts, reasons, references...): the allowed text is gathered from every
text and JSON column of the database, never written into this test. Anything left is user
text outside the catalogue.
"""

from __future__ import annotations

import contextlib
import html
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlparse

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language_info, trans_real

from kaoping.web.accounts.models import Role
from kaoping.web.awards.actions import do_propose_awards

from .conftest import make_user
from .test_beijing_year import approved_year

# Han ideographs, CJK punctuation and full-width forms (（）、：，。).
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
SCRIPTS = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
TAGS = re.compile(r"<[^>]*>")
LATIN = re.compile(r"[A-Za-z]{2}")
BUILTIN_SCHEMES = (
    Path(__file__).resolve().parents[2] / "kaoping" / "scoring" / "schemes" / "builtin"
)
HREF = re.compile(r'href="([^"#]*)"')

# Links that are files, actions or other applications, not pages of the site.
NOT_A_PAGE = re.compile(
    r"^/(admin|api|i18n|logout|static|media)/|\.(xlsx|zip|pdf|docx|csv)$"
    r"|/(download|attachment|report/[a-z]+|template\.xlsx)/?$|/certificates/\d+/\d+/"
)


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
        if "=" in value and "\n" in value:  # a scheme stored as TOML text
            with contextlib.suppress(tomllib.TOMLDecodeError):
                yield from strings_in(tomllib.loads(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def allowed_texts() -> list[str]:
    """Every text stored in the database (text columns and the strings inside JSON or TOML
    ones), the built-in schemes' texts, the languages' own names in the language menu, and
    English messages of the catalogue that quote Chinese on purpose (the Chinese column
    headers an import file uses, a domain term glossed in brackets)."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                found.update(strings_in(row))
    for scheme in BUILTIN_SCHEMES.glob("*.toml"):
        found.update(strings_in(tomllib.loads(scheme.read_text(encoding="utf-8"))))
    found.update(get_language_info(code)["name_local"] for code, _ in settings.LANGUAGES)
    english = trans_real.translation("en")._catalog  # type: ignore[attr-defined]
    quoted = [m for _, m in english.items() if isinstance(m, str) and LATIN.search(m)]
    found.update(quoted)
    found.update(m[:1].upper() + m[1:] for m in quoted)  # form labels start with a capital
    parts = {" ".join(line.split()) for text in found for line in text.splitlines()}
    return sorted((s for s in parts if CHINESE.search(s)), key=len, reverse=True)


def foreign_chinese(page: str, allowed: list[str]) -> list[tuple[str, str]]:
    """The runs of Chinese on the page once every allowed text is taken out (▒), each with
    the text around it."""
    lines = html.unescape(TAGS.sub("\n", SCRIPTS.sub(" ", page))).splitlines()
    text = "\n".join(" ".join(line.split()) for line in lines)
    for part in allowed:
        if part in text:
            text = text.replace(part, "\x00")
    left = []
    for match in CHINESE.finditer(text):
        run = match.group(0)
        after = text[match.end() : match.end() + 1]
        # A text cut short by truncatechars ends in an ellipsis: the start of an allowed text.
        if after == "…" and any(s.startswith(run) for s in allowed):
            continue
        context = text[max(0, match.start() - 30) : match.end() + 30].replace("\x00", "▒")
        left.append((run, " ".join(context.split())))
    return left


def shape(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def crawl(client, seeds: list[str], per_shape: int = 2) -> Iterator[tuple[str, str]]:
    """Breadth first through the site's links; of pages that differ only by their numbers
    (the sixteen units' result pages), the first few."""
    seen = set(seeds)
    shapes = Counter(shape(url) for url in seeds)
    queue = list(seeds)
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        yield url, page
        for link in HREF.findall(page):
            link = urldefrag(html.unescape(link)).url
            parsed = urlparse(link)
            if not link or parsed.netloc or NOT_A_PAGE.search(parsed.path) or link in seen:
                continue
            if shapes[shape(link)] >= per_shape:
                continue
            shapes[shape(link)] += 1
            seen.add(link)
            queue.append(link)


def test_every_page_in_english_shows_only_chinese_from_the_data(world):
    demo = world.published(2023)
    beijing = approved_year(world)
    do_propose_awards(beijing, acting_user=world.office)
    leader = make_user("leader", Role.LEADING_GROUP)
    allowed = allowed_texts()
    seeds = ["/"]
    for round in (demo, beijing):
        seeds += [
            reverse("rounds:detail", args=[round.pk]),
            reverse("rounds:scheme", args=[round.pk]),
            reverse("submissions:list", args=[round.pk]),
            reverse("results:index", args=[round.pk]),
            reverse("results:ranking", args=[round.pk]),
            reverse("experts:groups", args=[round.pk]),
            reverse("disputes:list", args=[round.pk]),
        ]
    seeds += [
        reverse("awards:decision", args=[beijing.pk]),
        reverse("letters:targets", args=[beijing.pk]),
        reverse("adjustments:list", args=[beijing.pk]),
    ]
    users = [
        world.office,
        world.agency,
        world.dong_user,
        world.expert1,
        world.committee,
        leader,
        world.admin,
    ]
    problems: dict[str, set[str]] = {}
    visited = 0
    for user in users:
        client = world.client(user)
        client.post(reverse("set_language"), {"language": "en"})
        for url, page in crawl(client, seeds):
            visited += 1
            assert '<html lang="en">' in page, url
            for run, context in foreign_chinese(page, allowed):
                problems.setdefault(run, set()).add(f"{user.username} {url}: {context}")
    assert visited > 100  # the walk reached the site, not only the seeds
    report = "\n".join(f"{run!r}: {sorted(where)[:3]}" for run, where in sorted(problems.items()))
    assert not problems, f"Chinese outside the data on English pages:\n{report}"
