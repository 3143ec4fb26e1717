"""Reports in the web application (issue 5): downloads, narratives, the background job."""

from __future__ import annotations

import datetime
import io
import zipfile

import docx
import openpyxl
import pypdf
import pytest
from django.urls import reverse

from kaoping.reports.text import fmt_score
from kaoping.scoring import evaluate, load_scheme
from kaoping.scoring.schemes import scheme_text
from kaoping.tables import read_base_data
from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.models import AuditEntry
from kaoping.web.results.models import Narrative, ReportJob, RunStatus
from kaoping.web.workflow.actions import do_transition

from .conftest import EXAMPLES

DRAFT_MARK = "系统生成初稿"


def engine_total(code: str) -> float:
    scheme = load_scheme("mof-2012")
    result = evaluate(scheme, read_base_data(EXAMPLES / "mof-2012-demo-2024.csv", scheme))
    return float(result.totals[result.codes.index(code)])


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def unit_report_url(round, unit, ext: str) -> str:
    return reverse("results:unit_report", args=[round.pk, unit.pk, ext])


def publish(world, round) -> None:
    do_transition(round, "submit_for_review", acting_user=world.office)
    do_transition(round, "approve", acting_user=world.committee)
    do_transition(round, "publish_results", acting_user=world.office)
    round.refresh_from_db()


def test_the_unit_page_offers_the_report_downloads(world):
    round = world.scored()
    page = (
        world.client(world.office)
        .get(reverse("results:unit", args=[round.pk, world.dongcheng.pk]))
        .content.decode()
    )
    for ext in ("docx", "pdf", "xlsx"):
        assert unit_report_url(round, world.dongcheng, ext) in page


def test_the_word_report_opens_with_the_units_name_and_total(world):
    round = world.scored()
    response = world.client(world.office).get(unit_report_url(round, world.dongcheng, "docx"))
    assert response.status_code == 200
    assert "110101-%E4%B8%9C%E5%9F%8E%E5%8C%BA" in response["Content-Disposition"]  # 东城区
    text = docx_text(response.content)
    assert "东城区" in text
    assert f"综合得分 {fmt_score(engine_total('110101'))} 分" in text
    entry = AuditEntry.objects.filter(action="reports.download").latest("id")
    assert entry.actor_name == "office" and entry.data["format"] == "docx"
    assert entry.unit_id == world.dongcheng.pk


def test_the_pdf_report_opens_with_the_units_name_and_total(world):
    round = world.scored()
    response = world.client(world.agency).get(unit_report_url(round, world.xicheng, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "西城区" in text and fmt_score(engine_total("110102")) in text


def test_the_results_workbook_holds_the_units_total(world):
    round = world.scored()
    response = world.client(world.committee).get(unit_report_url(round, world.dongcheng, "xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [v for ws in workbook for row in ws.iter_rows(values_only=True) for v in row]
    assert "东城区" in cells
    total = engine_total("110101")
    assert any(isinstance(v, float) and abs(v - total) < 1e-6 for v in cells)


def test_a_unit_gets_its_own_report_only_after_publication(world):
    round = world.scored()
    dong = world.client(world.dong_user)
    assert dong.get(unit_report_url(round, world.dongcheng, "pdf")).status_code == 404
    publish(world, round)
    response = dong.get(unit_report_url(round, world.dongcheng, "docx"))
    assert response.status_code == 200 and "东城区" in docx_text(response.content)
    # another unit's report: as if it did not exist
    assert dong.get(unit_report_url(round, world.xicheng, "docx")).status_code == 404
    assert dong.get(unit_report_url(round, world.xicheng, "pdf")).status_code == 404
    # nor the round report, which holds every unit's numbers
    url = reverse("results:round_report", args=[round.pk, "pdf"])
    assert dong.get(url).status_code == 403
    assert (
        world.client(world.expert1).get(unit_report_url(round, world.dongcheng, "pdf")).status_code
        == 404
    )


def test_an_unknown_format_is_not_found(world):
    round = world.scored()
    client = world.client(world.office)
    assert client.get(unit_report_url(round, world.dongcheng, "exe")).status_code == 404
    assert client.get(reverse("results:round_report", args=[round.pk, "txt"])).status_code == 404


def test_the_round_report_opens_with_every_unit(world):
    round = world.scored()
    response = world.client(world.office).get(
        reverse("results:round_report", args=[round.pk, "docx"])
    )
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "综合绩效评价报告" in text
    assert all(u.name in text for u in world.districts)


def test_the_agency_writes_a_narrative_that_replaces_the_draft(world):
    round = world.scored()
    url = reverse("results:unit_narratives", args=[round.pk, world.dongcheng.pk])
    agency = world.client(world.agency)
    page = agency.get(url).content.decode()
    assert 'name="measures"' in page and 'id="draft-problems"' in page  # drafts shown
    measures = "制定了《东城区就业专项资金管理办法》，实行项目库管理。"
    response = agency.post(url, {"measures": measures, "problems": ""})
    assert response.status_code == 302
    stored = Narrative.objects.get(round=round, unit=world.dongcheng, section="measures")
    assert stored.text == measures and stored.updated_by == world.agency
    entry = AuditEntry.objects.filter(action="reports.narratives").latest("id")
    assert entry.data["sections"] == ["measures"] and entry.unit_id == world.dongcheng.pk
    document = docx.Document(
        io.BytesIO(agency.get(unit_report_url(round, world.dongcheng, "docx")).content)
    )
    paragraphs = [p.text for p in document.paragraphs]
    start = next(i for i, p in enumerate(paragraphs) if p.endswith("管理措施及实施情况"))
    assert paragraphs[start + 1] == measures
    assert DRAFT_MARK not in paragraphs[start + 1]
    # another unit still has the draft
    other = docx_text(agency.get(unit_report_url(round, world.xicheng, "docx")).content)
    assert measures not in other and DRAFT_MARK in other


def test_emptying_a_narrative_brings_the_draft_back(world):
    round = world.scored()
    url = reverse("results:unit_narratives", args=[round.pk, world.dongcheng.pk])
    agency = world.client(world.agency)
    agency.post(url, {"problems": "资金使用效益偏低。"})
    assert Narrative.objects.filter(round=round, section="problems").count() == 1
    agency.post(url, {"problems": "  "})
    assert not Narrative.objects.filter(round=round, section="problems").exists()


def test_only_the_independent_agency_writes_narratives(world):
    round = world.scored()
    url = reverse("results:unit_narratives", args=[round.pk, world.dongcheng.pk])
    assert world.client(world.dong_user).post(url, {"measures": "x"}).status_code == 403
    assert world.client(world.office).post(url, {"measures": "x"}).status_code == 403
    Membership.objects.create(user=world.agency, role=Role.UNIT, unit=world.dongcheng)
    assert world.client(world.agency).post(url, {"measures": "x"}).status_code == 403
    assert not Narrative.objects.exists()


def test_the_background_job_zips_the_reports_of_the_chosen_units(world):
    round = world.scored()
    agency = world.client(world.agency)
    codes = ["110101", "110102", "110105"]
    response = agency.post(
        reverse("results:start_report_job", args=[round.pk]), {"units": " ".join(codes)}
    )
    job = ReportJob.objects.get(round=round)
    assert response.status_code == 302 and response["Location"].endswith(f"/reports/{job.pk}/")
    progress = agency.get(reverse("results:report_job", args=[round.pk, job.pk]) + "?format=json")
    assert progress.json() == {
        "status": "done",
        "progress": 100,
        "done_units": 3,
        "total_units": 3,
        "message": "",
    }
    download = world.client(world.office).get(
        reverse("results:report_job_download", args=[round.pk, job.pk])
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    pdfs = sorted(n for n in names if n.startswith("units/") and n.endswith(".pdf"))
    assert [n.split("/")[1][:6] for n in pdfs] == codes
    assert len([n for n in names if n.endswith(".docx")]) == 4  # 3 units + the round report
    assert "综合绩效评价报告.pdf" in names
    assert "荣誉证书.pdf" not in names  # mof-2012 decides no awards
    chaoyang = pdf_text(archive.read("units/110105-朝阳区-绩效评价报告.pdf"))
    assert "朝阳区" in chaoyang and fmt_score(engine_total("110105")) in chaoyang
    actions = list(AuditEntry.objects.filter(round=round).values_list("action", flat=True))
    assert "reports.start_job" in actions and "reports.job_done" in actions


def test_units_and_the_committee_cannot_start_or_fetch_the_job(world):
    round = world.scored()
    url = reverse("results:start_report_job", args=[round.pk])
    assert world.client(world.dong_user).post(url).status_code == 403
    assert world.client(world.committee).post(url).status_code == 403
    assert not ReportJob.objects.exists()


def test_an_unknown_unit_code_is_refused_with_a_message(world):
    round = world.scored()
    response = world.client(world.office).post(
        reverse("results:start_report_job", args=[round.pk]), {"units": "999999"}, follow=True
    )
    assert "999999" in response.content.decode()
    assert not ReportJob.objects.exists()


AWARDS = """
[awards]
name = "综合奖"
pass_line = 60
method = "quota"

[[awards.tiers]]
name = "一等奖"
share = 20
"""


@pytest.mark.parametrize("units", [["110105"]])
def test_certificates_are_generated_when_the_scheme_awards(world, units):
    round = world.scored(scheme_text=scheme_text("mof-2012") + AWARDS)
    from kaoping.web.results.models import ScoringRun
    from kaoping.web.results.report_actions import do_set_report_signing, do_start_report_job

    # no certificate without an issuer and a date: the office signs on the results page
    do_set_report_signing(
        round,
        issuer="北京市就业工作领导小组",
        client="",
        number="",
        date=datetime.date(2025, 3, 1),
        acting_user=world.office,
    )

    job = do_start_report_job(
        round,
        ScoringRun.latest_done(round),
        acting_user=world.office,
        unit_codes=units,
        with_docx=False,
    )
    job.refresh_from_db()
    assert job.status == RunStatus.DONE, job.message
    archive = zipfile.ZipFile(job.archive.path)
    certificates = pypdf.PdfReader(io.BytesIO(archive.read("荣誉证书.pdf")))
    assert len(certificates.pages) == 3  # 20% of 16 eligible units, rounded down
    first = certificates.pages[0].extract_text()
    assert "荣誉证书" in first.replace(" ", "") and "一等奖" in first


def test_the_round_page_offers_the_round_report_and_the_job_to_the_office_only(world):
    round = world.scored()
    page = world.client(world.office).get(reverse("results:index", args=[round.pk]))
    html = page.content.decode()
    assert reverse("results:round_report", args=[round.pk, "pdf"]) in html
    assert 'id="generate-reports"' in html
    committee = world.client(world.committee).get(reverse("results:index", args=[round.pk]))
    assert 'id="generate-reports"' not in committee.content.decode()
