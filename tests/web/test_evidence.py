"""Evidence: supporting documents open in the browser (permission-checked and logged), units
add them until their data are verified, check attachments are links, not storage paths."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.web.audit.models import AuditEntry
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission

from .conftest import demo_rows, numbers

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, round, unit, *extra):
    return reverse(f"submissions:{name}", args=[round.pk, unit.pk, *extra])


def submitted(world, round):
    s = sub.submission_for(round, world.dongcheng)
    values = numbers(next(r for r in demo_rows(2024) if r["unit_code"] == "110101"))
    sub.do_save_draft(s, values, acting_user=world.dong_user)
    return sub.do_submit(s, acting_user=world.dong_user)


def attach(client, round, unit, name="决算说明.pdf"):
    return client.post(url("attach", round, unit), {"file": SimpleUploadedFile(name, PDF)})


def test_a_unit_adds_evidence_after_submitting_until_its_data_are_verified(world):
    round = world.collecting()
    s = submitted(world, round)
    unit = world.client(world.dong_user)
    page = unit.get(url("unit", round, world.dongcheng)).content.decode()
    assert url("attach", round, world.dongcheng) in page  # the form is offered after submitting
    attach(unit, round, world.dongcheng)
    assert s.attachments.count() == 1
    sub.do_verify(s, acting_user=world.agency)
    attach(unit, round, world.dongcheng, "迟交.pdf")
    assert s.attachments.count() == 1  # refused once verified
    assert (
        url("attach", round, world.dongcheng)
        not in unit.get(url("unit", round, world.dongcheng)).content.decode()
    )


def test_a_pdf_opens_in_the_browser_and_the_opening_is_logged(world):
    round = world.collecting()
    s = submitted(world, round)
    attach(world.client(world.dong_user), round, world.dongcheng)
    document = s.attachments.get()
    response = world.client(world.agency).get(
        url("attachment", round, world.dongcheng, document.pk)
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content == PDF
    entry = AuditEntry.objects.filter(action="submission.open_attachment").get()
    assert entry.actor == world.agency and entry.unit == world.dongcheng
    other = world.client(world.xi_user).get(url("attachment", round, world.dongcheng, document.pk))
    assert other.status_code == 404  # another unit learns nothing
    assert AuditEntry.objects.filter(action="submission.open_attachment").count() == 1


def test_a_checks_attachment_is_a_link_that_opens_not_a_storage_path(world):
    round = world.collecting()
    s = submitted(world, round)
    world.client(world.agency).post(
        url("check", round, world.dongcheng),
        {
            "kind": "spot_check",
            "when": "2026-01-05",
            "method": "实地抽查",
            "finding": "相符",
            "attachment": SimpleUploadedFile("抽查记录.pdf", PDF),
        },
    )
    check = Submission.objects.get(pk=s.pk).checks.get()
    page = world.client(world.office).get(url("unit", round, world.dongcheng)).content.decode()
    link = url("check_attachment", round, world.dongcheng, check.pk)
    assert link in page and "checks/20" not in page
    response = world.client(world.office).get(link)
    assert response["Content-Type"] == "application/pdf" and response.content == PDF
