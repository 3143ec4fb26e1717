"""Issue 11: a unit name holding "/" (or another character no file name may hold) never
makes folders inside the reports' zip."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

from kaoping.web.results.documents import unit_file_name
from kaoping.web.results.models import ReportJob
from kaoping.web.units.models import Unit


def test_unit_file_names_hold_no_path_separator():
    assert (
        unit_file_name("110199", "开发区/自贸区", "pdf") == "110199-开发区_自贸区-绩效评价报告.pdf"
    )
    assert unit_file_name("1", '..\\a:b*?"<>|\x07', "docx") == "1-.._a_b_______-绩效评价报告.docx"


def test_the_reports_zip_has_one_file_per_unit_whatever_its_name(world):
    Unit.objects.filter(code="110105").update(name="朝阳区/CBD")
    round = world.scored()
    agency = world.client(world.agency)
    agency.post(
        reverse("results:start_report_job", args=[round.pk]), {"units": "110105", "docx": "0"}
    )
    job = ReportJob.objects.get(round=round)
    download = world.client(world.office).get(
        reverse("results:report_job_download", args=[round.pk, job.pk])
    )
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    units = [n for n in names if n.startswith("units/")]
    assert "units/110105-朝阳区_CBD-绩效评价报告.pdf" in units
    assert all(n.count("/") == 1 for n in units)
