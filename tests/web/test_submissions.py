"""Base data through the web: template, upload with every problem, form, drafts, submission,
rectification with reasons and deadline, checks, verification, value history, bulk import."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from kaoping.web.audit.models import AuditEntry
from kaoping.web.planning.models import RoundPlan
from kaoping.web.submissions import actions as sub
from kaoping.web.submissions.models import Submission, SubmissionStatus, ValueChange

from .conftest import EXAMPLES, days, demo_rows, numbers


def url(name, round, unit, *extra):
    return reverse(f"submissions:{name}", args=[round.pk, unit.pk, *extra])


def fill(template: bytes, values: dict) -> bytes:
    """Type values into the downloaded template's data row, as a unit would in Excel."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    keys_row = next(r for r in range(1, 8) if sheet.cell(r, 1).value == "unit_code")
    columns = {sheet.cell(keys_row, c).value: c for c in range(1, sheet.max_column + 1)}
    for key, value in values.items():
        if key in columns:  # the price factor is the evaluator's, not on the unit's template
            sheet.cell(keys_row + 1, columns[key]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, round, unit, content: bytes, name="东城区.xlsx", **data):
    file = SimpleUploadedFile(name, content)
    return client.post(url("upload", round, unit), {"file": file, **data})


@pytest.fixture
def collecting(world):
    return world.collecting()


def dongcheng_values():
    return numbers(next(r for r in demo_rows(2024) if r["unit_code"] == "110101"))


def test_the_template_is_prefilled_with_the_units_code_name_and_year(world, collecting):
    response = world.client(world.dong_user).get(url("template", collecting, world.dongcheng))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "110101"]
    assert rows and rows[0][1] == "东城区" and rows[0][2] == 2024


def test_an_upload_with_errors_shows_every_problem_cell_by_cell_in_chinese_and_saves_nothing(
    world, collecting
):
    client = world.client(world.dong_user)
    template = client.get(url("template", collecting, world.dongcheng)).content
    values = dongcheng_values()
    values.update(local_raised="很多", employed_after_subsidy=-5, registered_unemployment_rate=None)
    response = upload(client, collecting, world.dongcheng, fill(template, values))
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count('<tr><td class="place">5</td>') >= 3  # three problems, all on row 5
    assert "当年本级财政筹集就业专项资金" in page and "很多" in page
    assert (
        not Submission.objects.filter(round=collecting, unit=world.dongcheng)
        .exclude(values={})
        .exists()
    )


def test_fixing_and_reuploading_saves_a_draft_then_submitting_is_a_deliberate_act(
    world, collecting
):
    client = world.client(world.dong_user)
    template = client.get(url("template", collecting, world.dongcheng)).content
    response = upload(client, collecting, world.dongcheng, fill(template, dongcheng_values()))
    assert response.status_code == 302
    submission = Submission.objects.get(round=collecting, unit=world.dongcheng)
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.values["local_raised"] == 12277.8
    client.post(url("submit", collecting, world.dongcheng))
    submission.refresh_from_db()
    assert (
        submission.status == SubmissionStatus.SUBMITTED
        and submission.submitted_by == world.dong_user
    )


def test_uploading_another_units_row_is_refused(world, collecting):
    client = world.client(world.dong_user)
    template = client.get(
        url("template", collecting, world.xicheng.__class__.objects.get(code="110101"))
    ).content
    values = {**dongcheng_values(), "unit_code": "110102", "unit_name": "西城区"}
    response = upload(client, collecting, world.dongcheng, fill(template, values))
    assert response.status_code == 400
    assert (
        not Submission.objects.filter(round=collecting, unit=world.dongcheng)
        .exclude(values={})
        .exists()
    )


def test_the_form_saves_incomplete_drafts_but_submits_only_complete_valid_data(world, collecting):
    client = world.client(world.dong_user)
    response = client.post(
        url("save", collecting, world.dongcheng), {"local_raised": "100", "save": "1"}
    )
    assert response.status_code == 302
    submission = Submission.objects.get(round=collecting, unit=world.dongcheng)
    assert (
        submission.status == SubmissionStatus.DRAFT and submission.values["local_raised"] == 100.0
    )
    response = client.post(
        url("save", collecting, world.dongcheng), {"local_raised": "100", "submit": "1"}
    )
    assert response.status_code == 400
    assert "problems" in response.content.decode()  # the findings table
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT
    form = {k: str(v) for k, v in dongcheng_values().items()}
    response = client.post(url("save", collecting, world.dongcheng), {**form, "submit": "1"})
    submission.refresh_from_db()
    assert response.status_code == 302 and submission.status == SubmissionStatus.SUBMITTED


def test_text_in_a_number_field_is_reported_on_that_field(world, collecting):
    response = world.client(world.dong_user).post(
        url("save", collecting, world.dongcheng), {"local_raised": "abc"}
    )
    assert response.status_code == 400 and "abc" in response.content.decode()


def submitted(world, round, unit=None):
    unit = unit or world.dongcheng
    s = sub.submission_for(round, unit)
    sub.do_save_draft(s, dongcheng_values(), acting_user=world.unit_users[unit.code])
    sub.do_submit(s, acting_user=world.unit_users[unit.code])
    return s


def test_the_agency_returns_with_reasons_per_field_and_a_deadline_and_the_unit_sees_them(
    world, collecting
):
    s = submitted(world, collecting)
    response = world.client(world.agency).post(
        url("return", collecting, world.dongcheng),
        {
            "reason_fund_expenditure": "与决算报表不符",
            "general": "请核对",
            "deadline": days(5).isoformat(),
        },
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.status == SubmissionStatus.RETURNED
    rect = s.open_rectification()
    assert rect.reasons == {"fund_expenditure": "与决算报表不符"} and rect.deadline == days(5)
    page = (
        world.client(world.dong_user).get(url("unit", collecting, world.dongcheng)).content.decode()
    )
    assert "与决算报表不符" in page and 'id="rectification"' in page


@pytest.mark.postgres
def test_a_changed_value_after_submission_keeps_the_old_value_who_and_why(world, collecting):
    s = submitted(world, collecting)
    sub.do_return(
        s,
        reasons={"fund_expenditure": "不符"},
        general="",
        deadline=days(3),
        acting_user=world.agency,
    )
    form = {k: str(v) for k, v in dongcheng_values().items()}
    form["fund_expenditure"] = "14000"
    client = world.client(world.dong_user)
    response = client.post(url("save", collecting, world.dongcheng), {**form, "submit": "1"})
    assert response.status_code == 400  # no reason given
    response = client.post(
        url("save", collecting, world.dongcheng), {**form, "reason": "按决算更正", "submit": "1"}
    )
    assert response.status_code == 302
    change = ValueChange.objects.get(submission=s)
    assert (change.field, change.old_value, change.new_value) == (
        "fund_expenditure",
        14839.7,
        14000.0,
    )
    assert change.changed_by == world.dong_user and change.reason == "按决算更正"
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED and s.open_rectification() is None


def test_returns_need_a_reason_and_a_future_deadline(world, collecting):
    s = submitted(world, collecting)
    from kaoping.web.common import ActionError

    with pytest.raises(ActionError):
        sub.do_return(s, reasons={}, general=" ", deadline=days(3), acting_user=world.agency)
    with pytest.raises(ActionError):
        sub.do_return(
            s, reasons={"x": "y"}, general="", deadline=days(-1), acting_user=world.agency
        )


def test_overdue_rectifications_are_visible_to_the_office(world, collecting):
    s = submitted(world, collecting)
    rect = sub.do_return(
        s,
        reasons={"fund_expenditure": "不符"},
        general="",
        deadline=days(0),
        acting_user=world.agency,
    )
    type(rect).objects.filter(pk=rect.pk).update(deadline=days(-2))
    page = world.client(world.office).get(reverse("overdue")).content.decode()
    assert "东城区" in page
    assert world.client(world.dong_user).get(reverse("overdue")).status_code == 403


def test_verification_records_and_verifying(world, collecting):
    s = submitted(world, collecting)
    client = world.client(world.agency)
    attachment = SimpleUploadedFile("凭证.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    client.post(
        url("check", collecting, world.dongcheng),
        {
            "kind": "spot_check",
            "when": days(0).isoformat(),
            "method": "抽查凭证",
            "finding": "一致",
            "attachment": attachment,
        },
    )
    check = s.checks.get()
    assert (check.kind, check.checker, check.finding) == ("spot_check", world.agency, "一致")
    assert check.attachment.read() == b"%PDF-1.4 demo"
    client.post(url("verify", collecting, world.dongcheng))
    s.refresh_from_db()
    assert s.status == SubmissionStatus.VERIFIED and s.verified_by == world.agency


def test_a_unit_records_its_own_self_check_but_not_a_spot_check(world, collecting):
    submitted(world, collecting)
    client = world.client(world.dong_user)
    data = {"when": days(0).isoformat(), "method": "自查台账", "finding": "无问题"}
    client.post(url("check", collecting, world.dongcheng), {**data, "kind": "self_check"})
    assert (
        client.post(
            url("check", collecting, world.dongcheng), {**data, "kind": "spot_check"}
        ).status_code
        == 403
    )
    kinds = list(
        Submission.objects.get(round=collecting, unit=world.dongcheng).checks.values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["self_check"]


def test_supporting_documents_attach_to_a_value(world, collecting):
    submitted(world, collecting)
    sub.do_return(
        Submission.objects.get(round=collecting, unit=world.dongcheng),
        reasons={"a": "b"},
        general="",
        deadline=days(2),
        acting_user=world.agency,
    )
    client = world.client(world.dong_user)
    workbook = io.BytesIO()
    Workbook().save(workbook)  # a real spreadsheet: uploads are checked by their content
    content = workbook.getvalue()
    file = SimpleUploadedFile("决算表.xlsx", content)
    client.post(
        url("attach", collecting, world.dongcheng), {"file": file, "field": "fund_expenditure"}
    )
    attachment = Submission.objects.get(round=collecting, unit=world.dongcheng).attachments.get()
    assert attachment.field == "fund_expenditure"
    assert (
        client.get(url("attachment", collecting, world.dongcheng, attachment.pk)).content == content
    )
    bad = SimpleUploadedFile("x.exe", b"MZ")
    client.post(url("attach", collecting, world.dongcheng), {"file": bad})
    assert Submission.objects.get(round=collecting, unit=world.dongcheng).attachments.count() == 1


def import_table(client, round, text: str | None = None, **data):
    content = text or (EXAMPLES / "mof-2012-demo-2024.csv").read_text(encoding="utf-8-sig")
    return client.post(
        reverse("submissions:import_all", args=[round.pk]),
        {"file": SimpleUploadedFile("统计报表.csv", content.encode("utf-8")), **data},
    )


@pytest.mark.postgres
def test_the_office_imports_all_units_and_each_unit_confirms_its_row(world, collecting):
    response = import_table(world.client(world.office), collecting)
    assert response.status_code == 200
    assert "16" in response.content.decode()  # the report's count of imported rows
    statuses = set(Submission.objects.filter(round=collecting).values_list("status", flat=True))
    assert statuses == {SubmissionStatus.PENDING_CONFIRMATION}
    world.client(world.dong_user).post(url("submit", collecting, world.dongcheng))
    assert (
        Submission.objects.get(round=collecting, unit=world.dongcheng).status
        == SubmissionStatus.SUBMITTED
    )


@pytest.mark.postgres
def test_the_import_reports_each_row_and_skips_only_units_that_have_submitted(world, collecting):
    s = sub.submission_for(collecting, world.dongcheng)
    sub.do_save_draft(s, dongcheng_values(), acting_user=world.dong_user)
    sub.do_submit(s, acting_user=world.dong_user)
    text = (EXAMPLES / "mof-2012-demo-2024.csv").read_text(encoding="utf-8-sig")
    text = text.replace("110119,延庆区", "999999,某县")
    response = import_table(world.client(world.office), collecting, text)
    page = response.content.decode()
    skipped = page[
        page.index('id="import-skipped"') : page.index(
            "</table>", page.index('id="import-skipped"')
        )
    ]
    assert "110101" in skipped and "已提交" in skipped  # already submitted: kept as it was
    assert "999999" in skipped and "不在本评价批次" in skipped  # not in the round: refused
    rows = dict(Submission.objects.filter(round=collecting).values_list("unit__code", "status"))
    assert rows.pop("110101") == SubmissionStatus.SUBMITTED
    assert set(rows.values()) == {SubmissionStatus.PENDING_CONFIRMATION} and len(rows) == 14
    entry = AuditEntry.objects.filter(action="submission.import_all").get()
    assert entry.data["rows"]["already_submitted"] == ["110101"]
    assert entry.data["rows"]["refused"] == ["999999"]


def test_the_office_submits_on_the_units_behalf_only_where_the_round_allows_it(world, collecting):
    office = world.client(world.office)
    import_table(office, collecting, on_behalf="on")
    assert not Submission.objects.filter(round=collecting).exists()  # refused: not allowed
    RoundPlan.objects.create(round=collecting, office_submits_for_units=True)
    import_table(office, collecting, on_behalf="on")
    subs = Submission.objects.filter(round=collecting)
    assert {s.status for s in subs} == {SubmissionStatus.SUBMITTED}
    assert {s.submitted_by for s in subs} == {world.office}
    entry = AuditEntry.objects.filter(action="submission.import_all").get()
    assert entry.data["on_behalf"] is True and len(entry.data["rows"]["submitted_on_behalf"]) == 16


@pytest.mark.postgres
def test_an_import_over_returned_data_keeps_the_old_values_in_the_history(world, collecting):
    s = sub.submission_for(collecting, world.dongcheng)
    values = dongcheng_values()
    sub.do_save_draft(s, {**values, "year_end_balance": 1.0}, acting_user=world.dong_user)
    sub.do_submit(s, acting_user=world.dong_user)
    sub.do_return(
        s,
        reasons={"year_end_balance": "核对"},
        general="",
        deadline=days(3),
        acting_user=world.agency,
    )
    import_table(world.client(world.office), collecting)
    change = ValueChange.objects.get(submission=s, field="year_end_balance")
    assert change.old_value == 1.0 and change.new_value == values["year_end_balance"]
    assert change.changed_by == world.office and "统计报表.csv" in change.reason


def test_a_corrected_table_imported_again_replaces_the_rows_in_as_many_queries(world, collecting):
    """The office imports, finds a mistake, imports the corrected table: every pending row is
    updated (not duplicated), with the same few statements for 16 rows as for 8."""
    text = (EXAMPLES / "mof-2012-demo-2024.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    office = world.client(world.office)
    import_table(office, collecting, "\n".join(lines[:5]))  # 4 units, new
    with CaptureQueriesContext(connection) as eight:  # the 4 updated, 4 more new
        import_table(office, collecting, "\n".join(lines[:9]))
    with CaptureQueriesContext(connection) as sixteen:  # 8 updated (one corrected), 8 new
        import_table(
            office,
            collecting,
            text.replace("110101,东城区,2024,12277.8,", "110101,东城区,2024,12300.5,"),
        )
    assert len(sixteen) == len(eight)
    subs = Submission.objects.filter(round=collecting)
    assert subs.count() == 16
    assert {s.status for s in subs} == {SubmissionStatus.PENDING_CONFIRMATION}
    dong = subs.get(unit=world.dongcheng)
    assert dong.values["local_raised"] == 12300.5 and dong.version == 2
    assert dong.values["fund_expenditure"] == 14839.7 and dong.source == "统计报表.csv"
    last_code = lines[-1].split(",")[0]
    assert subs.get(unit__code=last_code).version == 0
    assert subs.get(unit__code="110102").values["superior_subsidy"] == 4037.9


def test_exports_of_the_submission_list_neutralise_formulas(world, collecting):
    world.dongcheng.name = '=HYPERLINK("http://x")'
    world.dongcheng.save()
    response = world.client(world.office).get(
        reverse("submissions:list", args=[collecting.pk]) + "?format=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names
