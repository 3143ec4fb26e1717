"""Expert scoring by professional groups (专业考核小组), tried through the web client:
an expert sees only his units and items, never another expert's scores before the group
closes, never scores a recused unit or his own unit, never beyond an item's maximum; the
closed group's aggregate reaches the committee and the scoring run."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from kaoping.web.accounts.models import Membership, Role
from kaoping.web.audit.models import AuditEntry
from kaoping.web.common import ActionError
from kaoping.web.experts import actions as ex
from kaoping.web.experts.models import Assignment, ExpertGroup, ExpertScore, ScoreSheet
from kaoping.web.permissions import can_score_in_group
from kaoping.web.results.actions import do_start_scoring_run
from kaoping.web.results.models import RunSnapshot, ScoringRun
from kaoping.web.submissions import actions as sub
from kaoping.web.workflow.actions import do_transition

from .beijing_year import import_targets, score_every_item
from .conftest import EXAMPLES, make_user, numbers

BEIJING = "beijing-district-comprehensive"


def beijing_rows() -> dict[str, dict]:
    with open(EXAMPLES / "beijing" / "district-2024.csv", encoding="utf-8-sig") as handle:
        return {r["unit_code"]: r for r in csv.DictReader(handle)}


def beijing_verified(world):
    """A 2024 round under the Beijing district scheme, every unit's data verified."""
    round = world.collecting(2024, scheme_code=BEIJING)
    import_targets(world, round)
    rows = beijing_rows()
    for unit in world.districts:
        s = sub.submission_for(round, unit)
        sub.do_save_draft(s, numbers(rows[unit.code]), acting_user=world.unit_users[unit.code])
        sub.do_submit(s, acting_user=world.unit_users[unit.code])
        sub.do_verify(s, acting_user=world.agency)
    do_transition(round, "start_verification", acting_user=world.office)
    return round


def policy_group(world, round):
    """政策落实考核小组 (items B1 max 20, B2 max 10): expert1 and expert2 on 东城区, 西城区."""
    group = ex.do_create_group(
        round, name="政策落实考核小组", items=["B1", "B2"], acting_user=world.office
    )
    ex.do_add_members(group, [world.expert1, world.expert2], acting_user=world.office)
    ex.do_assign(
        group,
        [world.expert1, world.expert2],
        [world.dongcheng, world.xicheng],
        acting_user=world.office,
    )
    return group


def scored_and_closed(world, round, group, scores):
    """Each expert submits ``scores[username] = {(unit, item): value}``; the office closes."""
    for expert in (world.expert1, world.expert2):
        entries = {(u.pk, item): v for (u, item), v in scores[expert.username].items()}
        ex.do_save_scores(group, entries, acting_user=expert, submit=True)
    return ex.do_close_group(group, acting_user=world.office)


def scored_everywhere(world, round, group, scores):
    """As :func:`scored_and_closed`, after giving ``group`` every district and forming the
    scheme's other professional groups, so that every unit has every expert-scored item
    (an item left unscored is refused by the assessment). Scores not given in ``scores``
    are 80% (expert1) and 90% (expert2) of the item's maximum."""
    from kaoping.scoring.experts import expert_rules, scoring_items

    scheme = round.scheme()
    maxima = {i.code: i.max for i in scoring_items(scheme)}
    experts = (world.expert1, world.expert2)

    def filled(items, given=None):
        share = {"expert1": 0.8, "expert2": 0.9}
        return {
            e.username: {
                (u, item): (given or {})
                .get(e.username, {})
                .get((u, item), share[e.username] * maxima[item])
                for u in world.districts
                for item in items
            }
            for e in experts
        }

    ex.do_assign(group, experts, world.districts, acting_user=world.office)
    closed = scored_and_closed(world, round, group, filled(group.items, scores))
    for panel in expert_rules(scheme).panels:
        if set(panel.items) & set(group.items):
            continue
        other = ex.do_create_group(
            round, name=panel.name, items=list(panel.items), acting_user=world.office
        )
        ex.do_add_members(other, experts, acting_user=world.office)
        ex.do_assign(other, experts, world.districts, acting_user=world.office)
        scored_and_closed(world, round, other, filled(panel.items))
    return closed


def cell(unit, item) -> str:
    return f"s-{unit.pk}-{item}"


@pytest.fixture
def beijing(world):
    round = beijing_verified(world)
    return round, policy_group(world, round)


def test_the_office_forms_a_group_from_the_schemes_professional_group(world):
    round = beijing_verified(world)
    client = world.client(world.office)
    response = client.post(reverse("experts:groups", args=[round.pk]), {"panel": "policy"})
    group = ExpertGroup.objects.get(round=round)
    assert response.status_code == 302 and group.name == "政策落实考核小组"
    assert group.items == ["B1", "B2"]
    assert AuditEntry.objects.filter(action="experts.create_group").count() == 1
    # The same items cannot go to a second group; an item that is not qualitative is refused.
    page = client.post(
        reverse("experts:groups", args=[round.pk]), {"name": "重复", "items": ["B1"]}, follow=True
    ).content.decode()
    assert "项目 B1 已由“政策落实考核小组”评分" in page
    page = client.post(
        reverse("experts:groups", args=[round.pk]), {"name": "错", "items": ["A1"]}, follow=True
    ).content.decode()
    assert "got" not in page and "“A1”" in page
    assert ExpertGroup.objects.filter(round=round).count() == 1
    # Only the office forms groups.
    for user in (world.agency, world.committee):
        assert (
            world.client(user)
            .post(reverse("experts:groups", args=[round.pk]), {"panel": "jobs"})
            .status_code
            == 403
        )


def test_a_scheme_without_qualitative_items_has_no_expert_groups(world):
    round = world.collecting()  # mof-2012: every indicator is quantitative
    with pytest.raises(ex.ActionError, match="没有需要专家打分的定性指标"):
        ex.do_create_group(round, name="小组", items=["B1"], acting_user=world.office)


def test_an_expert_sees_only_his_groups_units_and_items(world, beijing):
    _round, group = beijing
    expert3 = make_user("expert3", Role.EXPERT)
    page = world.client(world.expert1).get(reverse("experts:sheet", args=[group.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "东城区" in text and "西城区" in text and "朝阳区" not in text
    assert "B1" in text and "B2" in text and "A2" not in text and "C3" not in text
    # Not a member: the group does not exist for him; staff have no score sheet.
    assert world.client(expert3).get(reverse("experts:group", args=[group.pk])).status_code == 404
    assert world.client(expert3).get(reverse("experts:sheet", args=[group.pk])).status_code == 404
    assert (
        world.client(world.office).get(reverse("experts:sheet", args=[group.pk])).status_code == 403
    )
    assert (
        world.client(world.dong_user).get(reverse("experts:group", args=[group.pk])).status_code
        == 404
    )
    # A forged cell for a unit he is not assigned (朝阳区) or an item of another group (A2).
    chaoyang = world.districts[2]
    response = world.client(world.expert1).post(
        reverse("experts:sheet", args=[group.pk]),
        {
            cell(world.dongcheng, "B1"): "15",
            cell(chaoyang, "B1"): "20",
            cell(world.dongcheng, "A2"): "5",
            "save": "1",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "专家“expert1”不能在本小组为 朝阳区（110105） 评分" in text
    assert "“A2”不是本小组的评分项目（应为 B1、B2）" in text
    assert not ExpertScore.objects.exists()  # nothing saved, not even the valid 15


def test_a_score_above_the_items_maximum_is_refused_naming_unit_item_value(world, beijing):
    _round, group = beijing
    client = world.client(world.expert1)
    response = client.post(
        reverse("experts:sheet", args=[group.pk]),
        {cell(world.dongcheng, "B1"): "25", cell(world.xicheng, "B2"): "abc", "save": "1"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert (
        "专家“expert1”给单位“东城区（110101）”的“B1 政策整体落实情况”打分 25，超出范围，应在 0～20 分之间"
        in text
    )
    assert (
        "专家“expert1”给单位“西城区（110102）”的“B2 创新举措和完善区域政策”填写的“abc”不是数字，应在 0～10 分之间"
        in text
    )
    assert not ExpertScore.objects.exists()
    # At the maximum is fine.
    response = client.post(
        reverse("experts:sheet", args=[group.pk]), {cell(world.dongcheng, "B1"): "20", "save": "1"}
    )
    assert response.status_code == 302
    assert ExpertScore.objects.get().score == 20.0


def test_drafts_then_submission_which_freezes_the_sheet(world, beijing):
    _round, group = beijing
    client = world.client(world.expert1)
    url = reverse("experts:sheet", args=[group.pk])
    client.post(url, {cell(world.dongcheng, "B1"): "16", "save": "1"})
    assert ScoreSheet.objects.get(expert=world.expert1).status == "draft"
    # Submitting an incomplete sheet is refused and lists what is missing.
    text = client.post(url, {cell(world.dongcheng, "B1"): "16", "submit": "1"}).content.decode()
    assert "提交前须为分配的每个单位和项目打分" in text and "西城区（110102） B1" in text
    full = {
        cell(world.dongcheng, "B1"): "16",
        cell(world.dongcheng, "B2"): "8",
        cell(world.xicheng, "B1"): "12",
        cell(world.xicheng, "B2"): "6",
        "submit": "1",
    }
    assert client.post(url, full).status_code == 302
    assert ScoreSheet.objects.get(expert=world.expert1).status == "submitted"
    full[cell(world.dongcheng, "B1")] = "1"
    text = client.post(url, full).content.decode()
    assert "您的评分已提交，不能再修改" in text
    assert (
        ExpertScore.objects.get(expert=world.expert1, unit=world.dongcheng, indicator="B1").score
        == 16
    )


def test_an_expert_never_sees_another_experts_scores_before_the_group_closes(world, beijing):
    _round, group = beijing
    ex.do_save_scores(group, {(world.dongcheng.pk, "B1"): 13.5}, acting_user=world.expert2)
    ex.do_save_scores(group, {(world.dongcheng.pk, "B1"): 16}, acting_user=world.expert1)
    for name in ("group", "sheet"):
        text = (
            world.client(world.expert1)
            .get(reverse(f"experts:{name}", args=[group.pk]))
            .content.decode()
        )
        assert "13.5" not in text and "expert2" not in text.split('id="scores"')[-1]
    # The committee sees the group's aggregate only once it is closed.
    text = (
        world.client(world.committee)
        .get(reverse("experts:group", args=[group.pk]))
        .content.decode()
    )
    assert 'id="aggregate"' not in text


def test_a_recused_expert_cannot_score_the_unit(world, beijing):
    round, group = beijing
    client = world.client(world.office)
    response = client.post(
        reverse("experts:recuse", args=[round.pk]),
        {"expert": world.expert2.pk, "unit": world.xicheng.pk, "reason": "曾在该区人社局任职"},
    )
    assert response.status_code == 302
    assert not Assignment.objects.filter(expert=world.expert2, unit=world.xicheng).exists()
    assert not can_score_in_group(world.expert2, group, world.xicheng)
    response = world.client(world.expert2).post(
        reverse("experts:sheet", args=[group.pk]), {cell(world.xicheng, "B1"): "10", "save": "1"}
    )
    assert response.status_code == 400
    assert "不能在本小组为 西城区（110102） 评分" in response.content.decode()
    # Assigning him again skips the pair, with the reason.
    page = client.post(
        reverse("experts:assign", args=[group.pk]),
        {"experts": [world.expert2.pk], "units": [world.xicheng.pk]},
        follow=True,
    ).content.decode()
    assert "expert2 须回避 西城区（110102）（曾在该区人社局任职），已跳过" in page
    assert not Assignment.objects.filter(expert=world.expert2, unit=world.xicheng).exists()
    # A reason is required.
    page = client.post(
        reverse("experts:recuse", args=[round.pk]),
        {"expert": world.expert1.pk, "unit": world.xicheng.pk, "reason": ""},
        follow=True,
    ).content.decode()
    assert "请填写回避原因" in page


def test_a_member_of_a_unit_is_never_assigned_to_score_it(world, beijing):
    _round, group = beijing
    insider = make_user("insider", Role.EXPERT)
    Membership.objects.create(user=insider, role=Role.UNIT, unit=world.dongcheng)
    ex.do_add_members(group, [insider], acting_user=world.office)
    page = (
        world.client(world.office)
        .post(
            reverse("experts:assign", args=[group.pk]),
            {"experts": [insider.pk], "units": [world.dongcheng.pk, world.xicheng.pk]},
            follow=True,
        )
        .content.decode()
    )
    assert "insider 是 东城区（110101） 的成员，不能为其评分" in page
    assert list(Assignment.objects.filter(expert=insider).values_list("unit__code", flat=True)) == [
        "110102"
    ]
    # Even an assignment slipped into the database does not let him score his unit.
    Assignment.objects.create(group=group, expert=insider, unit=world.dongcheng)
    response = world.client(insider).post(
        reverse("experts:sheet", args=[group.pk]), {cell(world.dongcheng, "B1"): "20", "save": "1"}
    )
    assert response.status_code == 400
    assert not ExpertScore.objects.filter(expert=insider, unit=world.dongcheng).exists()


@pytest.mark.postgres
def test_closing_waits_for_every_sheet_then_the_committee_sees_the_aggregate(world, beijing):
    _round, group = beijing
    ex.do_save_scores(
        group,
        {
            (world.dongcheng.pk, "B1"): 16,
            (world.dongcheng.pk, "B2"): 2,
            (world.xicheng.pk, "B1"): 12,
            (world.xicheng.pk, "B2"): 6,
        },
        acting_user=world.expert1,
        submit=True,
    )
    page = world.client(world.office).post(reverse("experts:close", args=[group.pk]), follow=True)
    assert "以下专家尚未提交评分：expert2" in page.content.decode()
    ex.do_save_scores(
        group,
        {
            (world.dongcheng.pk, "B1"): 18,
            (world.dongcheng.pk, "B2"): 8,
            (world.xicheng.pk, "B1"): 13,
            (world.xicheng.pk, "B2"): 6,
        },
        acting_user=world.expert2,
        submit=True,
    )
    assert (
        world.client(world.expert1).post(reverse("experts:close", args=[group.pk])).status_code
        == 403
    )
    world.client(world.office).post(reverse("experts:close", args=[group.pk]))
    group.refresh_from_db()
    assert group.closed and group.closed_by == world.office
    text = (
        world.client(world.committee)
        .get(reverse("experts:group", args=[group.pk]))
        .content.decode()
    )
    aggregate = text.split('id="aggregate"')[1].split("</table>")[0]
    # Two experts: the plain mean (the trimmed mean needs 5). 东城区 B1 (16 + 18) / 2 = 17;
    # B2 2 and 8: range 6 > 30% of 10 = 3, flagged for the committee.
    assert "17.00" in aggregate and "12.50" in aggregate
    assert aggregate.count("专家意见分歧较大") == 1
    # Now expert1 sees expert2's scores; nothing in the group can change any more.
    assert (
        "18.0"
        in world.client(world.expert1)
        .get(reverse("experts:group", args=[group.pk]))
        .content.decode()
    )
    with pytest.raises(ex.ActionError, match="已关闭"):
        ex.do_assign(group, [world.expert1], [world.districts[3]], acting_user=world.office)
    entry = AuditEntry.objects.filter(action="experts.close_group").get()
    assert entry.data["flagged"] == [["110101", "B2"]]


def test_scoring_is_refused_until_every_expert_item_of_every_unit_is_scored(world, beijing):
    round, group = beijing
    scored_and_closed(
        world,
        round,
        group,
        {
            "expert1": {
                (world.dongcheng, "B1"): 16,
                (world.dongcheng, "B2"): 7,
                (world.xicheng, "B1"): 12,
                (world.xicheng, "B2"): 6,
            },
            "expert2": {
                (world.dongcheng, "B1"): 18,
                (world.dongcheng, "B2"): 8,
                (world.xicheng, "B1"): 13,
                (world.xicheng, "B2"): 6,
            },
        },
    )
    do_transition(round, "start_scoring", acting_user=world.office)
    with pytest.raises(ActionError) as refused:
        do_start_scoring_run(round, acting_user=world.agency)
    message = str(refused.value)
    # 东城区 has B1, B2 but not the other groups' items; 朝阳区 has none: each is named.
    assert "东城区" in message and "A2、C3、C4、C5、D2、D3" in message
    assert "朝阳区" in message and "A2、B1、B2" in message
    assert not ScoringRun.objects.filter(round=round).exists()


@pytest.mark.postgres
def test_the_closed_groups_aggregate_feeds_the_scoring_run(world):
    round = beijing_verified(world)
    overrides = {
        ("expert1", "110101", "B1"): 16,
        ("expert2", "110101", "B1"): 18,
        ("expert1", "110101", "B2"): 7,
        ("expert2", "110101", "B2"): 8,
        ("expert1", "110102", "B1"): 12,
        ("expert2", "110102", "B1"): 13,
    }
    score_every_item(world, round, overrides=overrides)
    do_transition(round, "start_scoring", acting_user=world.office)
    run = do_start_scoring_run(round, acting_user=world.agency)
    run.refresh_from_db()
    assert run.status == "done", run.message
    data = RunSnapshot.objects.get(run=run).data
    codes = [u[0] for u in data["units"]]
    policy = data["columns"]["policy_overall"]
    assert policy[codes.index("110101")] == 17.0 and policy[codes.index("110102")] == 12.5
    assert data["columns"]["policy_innovation"][codes.index("110101")] == 7.5
    # Every unit has every item (朝阳区 is the third unit: 70% of B1's maximum 20).
    assert policy[codes.index("110105")] == 14.0
    # The letters' targets, not the unit's data, fill the target field.
    assert data["columns"]["new_jobs_target"][codes.index("110101")] == 22500
    # B1 is direct-scored against its maximum: 100 x 17 / 20 = 85 points.
    result = run.unit_results.get(unit=world.dongcheng)
    b1 = [i["code"] for i in run.summary["indicators"]].index("B1")
    assert result.numbers["values"][b1] == 17.0
    assert result.numbers["scores"][b1] == pytest.approx(85.0)
    # The run's rank is the assessment's: the committee's tie rule, bonus points included.
    from kaoping.scoring import assess
    from kaoping.web.results.actions import assessment_of

    assessed = assess(assessment_of(round)[0])
    for unit_result in run.unit_results.select_related("unit"):
        assert unit_result.rank == assessed.unit(unit_result.unit.code).rank
    # The submissions themselves never received the experts' scores.
    assert "policy_overall" not in (sub.submission_for(round, world.dongcheng).values or {}) or (
        sub.submission_for(round, world.dongcheng).values["policy_overall"] is None
    )


def fill_sheet(content: bytes, values: dict[tuple[str, str], object]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    columns = {sheet.cell(3, c).value: c for c in range(1, sheet.max_column + 1)}
    for row in range(4, sheet.max_row + 1):
        code = sheet.cell(row, columns["unit_code"]).value
        for (unit_code, item), value in values.items():
            if unit_code == code:
                sheet.cell(row, columns[item]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_excel_scoring_sheet_round_trip(world, beijing):
    _round, group = beijing
    client = world.client(world.expert1)
    response = client.get(reverse("experts:sheet_download", args=[group.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = [
        r
        for r in openpyxl.load_workbook(io.BytesIO(content))
        .worksheets[0]
        .iter_rows(min_row=4, values_only=True)
    ]
    assert [(r[1], r[2]) for r in rows] == [("expert1", "110101"), ("expert1", "110102")]
    # A score over the maximum: every problem with row and column, nothing saved.
    bad = fill_sheet(content, {("110101", "B1"): 21, ("110102", "B2"): 9, ("110102", "A2"): 5})
    upload = io.BytesIO(bad)
    upload.name = "评分.xlsx"
    page = client.post(
        reverse("experts:sheet_upload", args=[group.pk]), {"file": upload}, follow=True
    ).content.decode()
    assert "评分.xlsx 第 5 行" in page and "A2 不是本小组的评分项目，请留空" in page
    assert not ExpertScore.objects.exists()
    good = fill_sheet(
        content,
        {("110101", "B1"): 17, ("110101", "B2"): 8, ("110102", "B1"): 14, ("110102", "B2"): 9},
    )
    upload = io.BytesIO(good)
    upload.name = "评分.xlsx"
    client.post(reverse("experts:sheet_upload", args=[group.pk]), {"file": upload})
    saved = {(s.unit.code, s.indicator): s.score for s in ExpertScore.objects.all()}
    assert saved == {
        ("110101", "B1"): 17,
        ("110101", "B2"): 8,
        ("110102", "B1"): 14,
        ("110102", "B2"): 9,
    }
    assert ScoreSheet.objects.get(expert=world.expert1).status == "draft"


def test_out_of_range_in_an_uploaded_sheet_names_row_and_column(world, beijing):
    _round, group = beijing
    content = (
        world.client(world.expert1).get(reverse("experts:sheet_download", args=[group.pk])).content
    )
    upload = io.BytesIO(fill_sheet(content, {("110101", "B1"): 21}))
    upload.name = "评分.xlsx"
    page = (
        world.client(world.expert1)
        .post(reverse("experts:sheet_upload", args=[group.pk]), {"file": upload}, follow=True)
        .content.decode()
    )
    assert "打分 21，超出范围，应在 0～20 分之间" in page
    assert not ExpertScore.objects.exists()


def test_a_draft_score_changed_or_emptied_is_updated_or_removed(world, beijing):
    _round, group = beijing
    dong = world.dongcheng.pk
    ex.do_save_scores(group, {(dong, "B1"): "15", (dong, "B2"): "8"}, acting_user=world.expert1)
    first = ExpertScore.objects.get(group=group, expert=world.expert1, indicator="B1")
    ex.do_save_scores(group, {(dong, "B1"): "16.5", (dong, "B2"): ""}, acting_user=world.expert1)
    scores = ExpertScore.objects.filter(group=group, expert=world.expert1)
    assert dict(scores.values_list("indicator", "score")) == {"B1": 16.5}
    assert scores.get().pk == first.pk and scores.get().updated_at > first.updated_at
