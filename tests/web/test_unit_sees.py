"""Issue 11: a unit's pages and files carry other units only as the published ranking (code,
name, total, rank, grade), and the committee's internal reasons are for staff only.

The test logs in as 东城区 and follows every link it is offered, from the home page on,
downloading every file (Excel, Word, PDF, JSON) and reading its text and numbers; then it
looks for any other unit's group scores, indicator values, z-scores and indicator scores,
and for the committee's and another unit's reasons.
"""

from __future__ import annotations

import io
import re
import subprocess
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from docx import Document
from openpyxl import load_workbook

from kaoping.web.disputes import actions as disputes
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.results.models import Publication, UnitResult
from kaoping.web.workflow.actions import do_transition

COMMITTEE_REASON = "内部意见：西城区培训补贴口径需复核QX7"
OTHER_DISPUTE = "西城区的异议理由ZR4"
SKIP = ("/logout/", "/i18n/", "/admin/", "/static/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def text_of(response) -> tuple[str, list[float]]:
    """The readable text of a page or file, and the numbers of a workbook's cells."""
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            c
            for ws in workbook.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        ]
        numbers = [float(c) for c in cells if isinstance(c, int | float)]
        return " ".join(str(c) for c in cells), numbers
    if "wordprocessingml" in kind:
        doc = Document(io.BytesIO(content))
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join(parts), []
    if "pdf" in kind:
        done = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        )
        return done.stdout.decode(), []
    return content.decode("utf-8", "replace"), []


def crawl(client, start: str = "/", limit: int = 400) -> dict[str, tuple[str, list[float]]]:
    seen: dict[str, tuple[str, list[float]]] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        if response.status_code != 200:
            seen[url] = ("", [])
            continue
        seen[url] = text_of(response)
        if "text/html" in response.get("Content-Type", ""):
            parser = Links()
            parser.feed(seen[url][0])
            for href in parser.links:
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.fixture
def round_with_secrets(world):
    """Published after the committee sent it back once (an internal reason), with another
    unit's dispute on file."""
    round = world.scored()
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "return_to_scoring", acting_user=world.committee, reason=COMMITTEE_REASON)
    do_start_scoring_run(round, acting_user=world.agency)
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    disputes.do_file_dispute(round, world.xicheng, reasons=OTHER_DISPUTE, acting_user=world.xi_user)
    round.refresh_from_db()
    return round


def forbidden_numbers(round, own_code: str) -> tuple[set[float], set[str]]:
    """Other units' details (exact numbers, and as shown with two decimals), minus every
    number the unit may see (its own, and every unit's total)."""
    run = Publication.current(round).run
    results = list(UnitResult.objects.filter(run=run).select_related("unit"))
    allowed: set[float] = set()
    details: set[float] = set()
    for r in results:
        mine = r.unit.code == own_code
        numbers = [v for key in ("values", "z", "scores") for v in r.numbers.get(key, [])]
        numbers += list(r.groups.values())
        target = allowed if mine else details
        target.update(float(v) for v in numbers if v is not None)
        allowed.add(float(r.total))
    details -= allowed
    # Round numbers (0, 100, 60) and small integers are everywhere; only telling ones count.
    telling = {v for v in details if abs(v - round_to(v, 0)) > 1e-9}
    # As text, only numbers of four digits or more: 0.25 or 1.46 is also a weight or a rate.
    # The unit's own ratios are written as percentages (0.7552 as 75.52%, issue 12).
    own_forms = {f"{v:.2f}" for v in allowed} | {f"{v * 100:.2f}" for v in allowed}
    shown = {f"{v:.2f}" for v in telling if abs(v) >= 10} - own_forms
    return telling, shown


def round_to(value: float, digits: int) -> float:
    return float(f"{value:.{digits}f}")


def test_a_unit_user_sees_other_units_only_as_the_published_ranking(world, round_with_secrets):
    round = round_with_secrets
    pages = crawl(world.client(world.dong_user))
    downloads = [u for u in pages if "format=xlsx" in u or "/report/" in u]
    assert len(pages) > 10 and len(downloads) >= 3, sorted(pages)  # it did look around
    numbers, shown = forbidden_numbers(round, world.dongcheng.code)
    assert len(numbers) > 50  # the other units' details exist and are being looked for
    leaks = []
    for url, (text, cells) in pages.items():
        for secret in (COMMITTEE_REASON, OTHER_DISPUTE):
            if secret in text:
                leaks.append((url, secret))
        leaks += [(url, value) for value in cells if value in numbers]
        words = set(re.findall(r"-?\d+\.\d\d(?!\d)", text))
        leaks += [(url, value) for value in words & shown]
    assert leaks == [], (leaks[:40], sorted(pages))


def test_staff_still_see_the_reasons_and_the_details(world, round_with_secrets):
    round = round_with_secrets
    page = world.client(world.office).get(f"/rounds/{round.pk}/").content.decode()
    assert COMMITTEE_REASON in page
    ranking = world.client(world.office).get(f"/rounds/{round.pk}/results/ranking/?format=xlsx")
    _text, cells = text_of(ranking)
    numbers, _shown = forbidden_numbers(round, world.dongcheng.code)
    assert set(cells) & numbers  # staff's ranking carries the group scores
