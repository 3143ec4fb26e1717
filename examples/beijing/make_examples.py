"""Regenerate the SYNTHETIC example data of the Beijing assessment (docs/beijing.md).

Every number here is invented (seeded random numbers shaped like a district's figures); the
district names and codes are Beijing's 16 districts, nothing else is real.

    .venv/bin/python examples/beijing/make_examples.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from openpyxl import load_workbook

from kaoping.scoring import load_scheme
from kaoping.scoring.experts import expert_rules, scoring_items
from kaoping.tables.assessment import Expert, write_expert_sheet

HERE = Path(__file__).parent
DISTRICTS = [
    ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
    ("110107", "石景山区"), ("110108", "海淀区"), ("110109", "门头沟区"), ("110111", "房山区"),
    ("110112", "通州区"), ("110113", "顺义区"), ("110114", "昌平区"), ("110115", "大兴区"),
    ("110116", "怀柔区"), ("110117", "平谷区"), ("110118", "密云区"), ("110119", "延庆区"),
]
# Rough size of each district's labour market (new jobs per year), invented.
SIZE = [22, 26, 60, 38, 14, 55, 6, 20, 30, 24, 34, 28, 8, 7, 9, 6]
WEAK = "110119"  # a district that fails the assessment in the example
INCIDENT = "110106"  # a district with an adverse incident (veto) in 2024
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def write_csv(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def district_rows(year: int, rng: np.random.Generator) -> list[list[object]]:
    rows = []
    for (code, name), size in zip(DISTRICTS, SIZE, strict=True):
        target = size * 1000 + (year - 2023) * 500
        weak = code == WEAK
        completion = rng.uniform(0.80, 0.90) if weak else rng.uniform(0.985, 1.12)
        registered = int(size * 400 * rng.uniform(0.9, 1.1))
        referral_rate = rng.uniform(0.25, 0.35) if weak else rng.uniform(0.45, 0.75)
        trained = int(size * 150 * rng.uniform(0.9, 1.1))
        training_rate = rng.uniform(0.45, 0.55) if weak else rng.uniform(0.6, 0.92)
        hard = int(size * 60 * rng.uniform(0.9, 1.1))
        placement = rng.uniform(0.6, 0.75) if weak else rng.uniform(0.88, 1.0)
        cases = [int(rng.poisson(2.5 if weak else 0.6)) for _ in range(3)]
        incident = 1 if (code == INCIDENT and year == 2024) else 0
        rows.append([code, name, year, int(target * completion), target, *cases,
                     registered, int(registered * referral_rate), trained,
                     int(trained * training_rate), hard, int(hard * placement), incident])
    return rows


DISTRICT_HEADER = [
    "unit_code", "unit_name", "year", "new_jobs", "new_jobs_target", "complaint_cases",
    "administrative_supervision_cases", "judicial_supervision_cases", "job_referral_registered",
    "job_referral_placed", "trained", "trained_employed", "hard_to_employ_registered",
    "hard_to_employ_placed", "adverse_incidents",
]


def experts_for(scheme_code: str) -> list[Expert]:
    rules = expert_rules(load_scheme(scheme_code))
    experts, k = [], 0
    for panel in rules.panels:
        for _ in range(5):
            experts.append(Expert(f"{SURNAMES[k % len(SURNAMES)]}专家{k + 1:02d}", panel.code))
            k += 1
    return experts


def fill_expert_sheet(path: Path, scheme_code: str, year: int, rng: np.random.Generator) -> None:
    """Fill the generated scoring sheet as the experts would (a district's quality plus
    each expert's own leniency plus noise), so the example runs through the real reader."""
    scheme = load_scheme(scheme_code)
    maxima = {i.code: i.max for i in scoring_items(scheme)}
    quality = {code: (0.45 if code == WEAK else rng.uniform(0.7, 0.95)) for code, _ in DISTRICTS}
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    codes = [c.value for c in ws[3]]
    leniency: dict[str, float] = {}
    for row in ws.iter_rows(min_row=4):
        expert, unit = row[1].value, row[2].value
        if not expert:
            continue
        lean = leniency.setdefault(expert, rng.normal(0, 0.05))
        for cell, code in zip(row, codes, strict=False):
            if code in maxima and cell.fill.fgColor.rgb != "00D9D9D9":
                share = np.clip(quality[unit] + lean + rng.normal(0, 0.06), 0, 1)
                if unit == "110112" and code == "B1" and expert.endswith("07"):
                    share = 0.3  # one expert far from the others: the dispersion flag
                cell.value = round(float(share * maxima[code]) * 2) / 2  # half points
    wb.save(path)


def main() -> None:
    rng = np.random.default_rng(20240101)
    for year in (2023, 2024):
        write_csv(f"district-{year}.csv", DISTRICT_HEADER, district_rows(year, rng))

    experts = experts_for("beijing-district-comprehensive")
    write_csv("experts.csv", ["专家", "专业考核小组"], [[e.name, e.panel] for e in experts])
    recusals = [[experts[0].name, "110105", "曾在该区人力社保局任职"],
                [experts[6].name, "110108", "亲属在该区就业服务中心工作"]]
    write_csv("recusals.csv", ["专家", "单位编码", "原因"], recusals)
    from kaoping.scoring.experts import Recusal

    for year in (2023, 2024):
        path = HERE / f"experts-{year}.xlsx"
        write_expert_sheet(load_scheme("beijing-district-comprehensive"), path, experts,
                           DISTRICTS, [Recusal(e, u, r) for e, u, r in recusals])
        fill_expert_sheet(path, "beijing-district-comprehensive", year, rng)

    write_csv("adjustments-2024.csv", ["单位编码", "单位名称", "分值", "事由", "依据文件"], [
        ["110105", "朝阳区", 3, "圆满完成重大活动期间临时招聘保障任务", "京就领办〔2024〕5号"],
        ["110108", "海淀区", 2, "高校毕业生就业专项行动提前完成", "京就领办〔2024〕7号"],
        ["110108", "海淀区", 1.5, "承办全市职业技能竞赛", "京就领办〔2024〕9号"],
        ["110111", "房山区", -2, "汛期受灾群众就业援助任务逾期完成", "京就领办〔2024〕11号"],
    ])

    # Responsibility letters: the new-jobs target with a quarterly plan, actual to 30 June.
    rows = []
    for (code, name), size in zip(DISTRICTS, SIZE, strict=True):
        target = size * 1000 + 500
        plan = [round(target * s) for s in (0.2, 0.3, 0.25)]
        plan.append(target - sum(plan))
        actual = int(target * rng.uniform(0.38, 0.58))
        rows.append([code, name, 2024, "new_jobs", "城镇新增就业人数", target, "越高越好", *plan,
                     actual, "Q2"])
    # The first target of the letters: the registered unemployment rate under a cap, a level
    # target (控制线) that holds or not at any time, never pro-rated (no random draw here, so
    # the other example numbers stay as they were).
    for k, (code, name) in enumerate(DISTRICTS):
        rate = 3.8 if code == WEAK else round(2.4 + 0.07 * k, 2)
        rows.append([code, name, 2024, "registered_unemployment_rate", "城镇登记失业率（%）", 3.5,
                     "越低越好", "", "", "", "", rate, "Q2"])
    write_csv("targets-2024.csv", ["单位编码", "单位名称", "年度", "目标代码", "目标名称", "目标值",
                                   "方向", "第一季度", "第二季度", "第三季度", "第四季度",
                                   "实际完成", "截至期"], rows)

    fund = []
    for (code, name), size in zip(DISTRICTS, SIZE, strict=True):
        planned = size * 120.0
        weak = code == WEAK
        fund.append([code, name, 2024, round(rng.uniform(7, 10)), round(rng.uniform(6, 10)),
                     planned, round(planned * rng.uniform(0.85, 1.05), 1), planned / 2,
                     round(planned / 2 * rng.uniform(0.9, 1.0), 1), planned * 1.5,
                     round(planned * 1.5 * rng.uniform(0.85, 1.0), 1),
                     round(planned * 1.5 * rng.uniform(0.3 if weak else 0.8, 0.98), 1),
                     int(size * 900 * rng.uniform(0.7, 1.2)),
                     round(rng.uniform(-2 if weak else 4, 22), 1), round(rng.uniform(0, 16), 1),
                     round(rng.uniform(0, 20), 1), round(rng.uniform(0, 11), 1),
                     round(rng.uniform(50 if weak else 75, 96), 1), round(rng.uniform(6, 10)),
                     round(rng.uniform(6, 10)), round(rng.uniform(3 if weak else 7, 10))])
    fields = [f.key for f in load_scheme("beijing-fund-performance").fields]
    write_csv("fund-performance-2024.csv", fields, fund)

    institutions = [("G01", "北京市小额贷款担保中心"), ("B01", "北京农商银行"),
                    ("B02", "北京银行"), ("B03", "邮储银行北京分行"),
                    ("C01", "朝阳区信用社区联合会"), ("C02", "海淀区信用社区联合会"),
                    ("C03", "丰台区信用社区联合会"), ("F01", "市妇联创业服务中心")]
    loans = []
    for k, (code, name) in enumerate(institutions):
        planned = 2000.0 + 500 * k
        due = planned * 0.6
        rate = 0.86 if code == "C03" else rng.uniform(0.93, 0.995)
        loans.append([code, name, 2024, round(planned * rng.uniform(0.7, 1.1), 1), planned,
                      int(planned / 10 * rng.uniform(0.7, 1.1)), int(planned / 10),
                      due, round(due * rate, 1), round(rng.uniform(6, 10), 1),
                      round(rng.uniform(6, 10), 1)])
    write_csv("small-loan-2024.csv", [f.key for f in load_scheme("beijing-small-loan").fields],
              loans)

    members = [("M01", "市人力资源和社会保障局"), ("M02", "市财政局"), ("M03", "市教委"),
               ("M04", "市民政局"), ("M05", "市发展改革委"), ("M06", "市总工会")]
    member_targets = [
        ["M01", "市人力资源和社会保障局", 2024, "new_jobs", "城镇新增就业人数", 260000, 1, "越高越好", 268000],
        ["M01", "市人力资源和社会保障局", 2024, "training", "职业技能培训人次", 300000, 1, "越高越好", 285000],
        ["M02", "市财政局", 2024, "fund_release", "就业资金下达率（%）", 95, 2, "越高越好", 97],
        ["M02", "市财政局", 2024, "audit_issues", "审计发现问题（件）", 3, 1, "越低越好", 4],
        ["M03", "市教委", 2024, "graduates", "高校毕业生就业率（%）", 95, 1, "越高越好", 93.1],
        ["M04", "市民政局", 2024, "low_income_jobs", "低保家庭就业人数", 5000, 1, "越高越好", 5150],
        ["M05", "市发展改革委", 2024, "project_jobs", "重大项目带动就业人数", 40000, 1, "越高越好", 36000],
        ["M06", "市总工会", 2024, "aid_cases", "困难职工就业援助人次", 8000, 1, "越高越好", 8000],
    ]
    write_csv("member-targets-2024.csv", ["单位编码", "单位名称", "年度", "目标代码", "目标名称",
                                          "目标值", "权重", "方向", "实际完成"], member_targets)
    write_csv("member-units-2024.csv", ["unit_code", "unit_name", "year", "key_work",
                                        "cooperation"],
              [[c, n, 2024, round(rng.uniform(7, 9.5), 1), round(rng.uniform(6.5, 9.5), 1)]
               for c, n in members])
    write_csv("honours-2024.csv", ["单位编码", "单位名称", "类别", "分配系数"], [
        ["110108", "海淀区", "单位", 1.0],
        ["P001", "张某某（朝阳区职业介绍中心）", "个人", 1.0],
    ])


if __name__ == "__main__":
    main()
