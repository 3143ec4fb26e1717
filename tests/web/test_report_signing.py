"""Who signs a round's reports and certificates (落款, issue 12): the office sets the issuing body
(评价机构), the commissioning body (委托单位), the report number and date on the results page,
through a form and an audited action; reports and certificates from the web use them, and
certificates are refused in Chinese while the issuer or date is missing."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from kaoping.scoring.schemes import scheme_text
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.results.documents import certificate_signing, certificates_file
from kaoping.web.results.models import ReportSigning, ScoringRun

from .test_reports_web import AWARDS

SIGNED = {
    "issuer": "北京某某绩效评价事务所",
    "client": "北京市人力资源和社会保障局",
    "number": "京绩评〔2025〕7号",
    "date": "2025-03-01",
}


def sign(client, round, data=SIGNED):
    return client.post(reverse("results:signing", args=[round.pk]), data)


def pdf_text(content: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(content)).pages
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))


def test_the_office_signs_on_the_results_page_and_the_log_records_it(world):
    round = world.scored()
    client = world.client(world.office)
    page = client.get(reverse("results:index", args=[round.pk])).content.decode()
    assert 'id="signing-form"' in page and "评价机构" in page and "委托单位" in page
    response = sign(client, round)
    assert response.status_code == 302
    signing = ReportSigning.objects.get(round=round)
    assert (signing.issuer, signing.client, signing.number, signing.date) == (
        SIGNED["issuer"],
        SIGNED["client"],
        SIGNED["number"],
        datetime.date(2025, 3, 1),
    )
    entry = AuditEntry.objects.filter(action="reports.signing").get()
    assert entry.actor == world.office and entry.data["issuer"]["new"] == SIGNED["issuer"]
    sign(client, round)  # the same values again: nothing changes, nothing logged
    assert AuditEntry.objects.filter(action="reports.signing").count() == 1


def test_only_the_office_signs_and_bad_input_is_refused_in_chinese(world):
    round = world.scored()
    assert sign(world.client(world.agency), round).status_code == 403
    assert sign(world.client(world.dong_user), round).status_code in (403, 404)
    client = world.client(world.office)
    response = sign(client, round, {**SIGNED, "date": "2025年13月1日", "issuer": "某" * 200})
    page = client.get(response["Location"]).content.decode()
    assert "报告日期" in page and "评价机构" in page  # the fields named in the message
    assert not ReportSigning.objects.filter(round=round).exists()  # nothing half-saved


def test_web_round_report_carries_the_signing(world):
    round = world.scored()
    sign(world.client(world.office), round)
    response = world.client(world.office).get(
        reverse("results:round_report", args=[round.pk, "pdf"])
    )
    text = pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    for value in (SIGNED["issuer"], SIGNED["client"], SIGNED["number"], "2025年3月1日"):
        assert value in text, value


def test_certificates_refused_in_chinese_until_signed(world, settings):
    settings.KAOPING_REPORT_ISSUER = ""
    round = world.scored(scheme_text=scheme_text("mof-2012") + AWARDS)
    run = ScoringRun.latest_done(round)
    with translation.override("zh-hans"), pytest.raises(ActionError) as refused:
        certificates_file(run)
    assert "荣誉证书缺少评价机构（颁发单位）和落款日期" in str(refused.value)
    assert "报告落款" in str(refused.value)
    settings.KAOPING_REPORT_ISSUER = "北京市就业工作领导小组"  # the default issuer alone
    with translation.override("zh-hans"), pytest.raises(ActionError) as refused:
        certificates_file(run)
    assert "缺少落款日期" in str(refused.value)
    sign(world.client(world.office), round)
    assert certificate_signing(round)["issuer"] == SIGNED["issuer"]  # the page wins
    text = pdf_text(certificates_file(run).content)
    assert SIGNED["issuer"] in text and "2025年3月1日" in text
