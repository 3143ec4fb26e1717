"""Problems found in schemes and base data, and their messages in Chinese and English.

Every rule that rejects input raises or reports a :class:`Problem`: a message code plus the
place (file, row as the user sees it, column header) and the offending value. The text is
rendered late, in the user's language, so the command line (``--lang``) and the web
application (Django's active language) show the same message for the same rule.

The scoring core cannot use Django's i18n, so the catalogue lives here, as plain dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The language helpers live with the catalogue reader; re-exported for existing callers.
from kaoping.scoring.i18n import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from kaoping.scoring.i18n import LANGUAGES as LANGUAGES
from kaoping.scoring.i18n import language_from_environment as language_from_environment

# Each entry: code -> (Chinese template, English template). Templates use str.format with
# the problem's params plus ``value`` and ``expected`` when given.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- scheme files -------------------------------------------------------------
    "scheme.unreadable": ("无法读取方案文件：{reason}", "cannot read the scheme file: {reason}"),
    "scheme.toml": (
        "方案文件格式错误（TOML）：{reason}",
        "the scheme file is not valid TOML: {reason}",
    ),
    "scheme.not_found": (
        "找不到方案“{code}”；可用的内置方案：{available}",
        "no scheme “{code}”; built-in schemes: {available}",
    ),
    "scheme.missing_key": ("缺少必填项“{key}”", "the required item “{key}” is missing"),
    "scheme.bad_type": ("“{key}”应为{expected}", "“{key}” should be {expected}"),
    "scheme.bad_choice": (
        "“{key}”的值“{value}”无效，应为：{expected}",
        "“{key}” is “{value}”, expected one of: {expected}",
    ),
    "scheme.unknown_key": ("未知的项“{key}”", "unknown item “{key}”"),
    "scheme.duplicate_code": ("编码“{code}”重复", "the code “{code}” is used twice"),
    "scheme.unknown_parent": (
        "“{code}”的上级“{parent}”不存在",
        "the parent “{parent}” of “{code}” does not exist",
    ),
    "scheme.cycle": (
        "指标组“{code}”的上下级关系形成循环",
        "the group “{code}” is its own ancestor",
    ),
    "scheme.empty_group": ("指标组“{code}”没有下级指标", "the group “{code}” has no indicators"),
    "scheme.no_indicators": ("方案没有任何指标", "the scheme has no indicators"),
    "scheme.weights_sum": (
        "“{parent}”下各项权重之和为 {total}，应为 100%（{children}）",
        "the weights under “{parent}” sum to {total}, expected 100% ({children})",
    ),
    "scheme.weight_range": (
        "“{code}”的权重 {value} 无效，应大于 0",
        "the weight {value} of “{code}” is invalid, expected more than 0",
    ),
    "scheme.constraint": (
        "权重约束“{rule}”不成立（{detail}）",
        "the weight constraint “{rule}” does not hold ({detail})",
    ),
    "scheme.constraint_syntax": (
        "权重约束“{rule}”无法理解：{reason}",
        "cannot read the weight constraint “{rule}”: {reason}",
    ),
    "scheme.formula": (
        "指标“{code}”的公式“{formula}”有误：{reason}",
        "the formula “{formula}” of “{code}” is wrong: {reason}",
    ),
    "scheme.bounds": (
        "字段“{key}”的下限 {min} 大于上限 {max}",
        "the field “{key}” has its minimum {min} above its maximum {max}",
    ),
    "scheme.standards": (
        "指标“{code}”的标准有误：{reason}",
        "the standards of “{code}” are wrong: {reason}",
    ),
    "scheme.grades": ("等级划分有误：{reason}", "the grade bands are wrong: {reason}"),
    "scheme.normalisation_param": (
        "指标“{code}”的标准化参数有误：{reason}",
        "the normalisation parameters of “{code}” are wrong: {reason}",
    ),
    "scheme.extends_unknown": (
        "继承的方案“{code}”不存在；可用的内置方案：{available}，或写方案文件路径",
        "the extended scheme “{code}” does not exist; built-in schemes: {available}, or a path",
    ),
    "scheme.extends_cycle": (
        "方案继承形成循环：{chain}",
        "the schemes extend each other in a cycle: {chain}",
    ),
    "scheme.notice_rule_dropped": (
        "派生方案去掉了财社〔2012〕17号通知的权重规则 {rule}；若本方案不是按该通知开展的评价，"
        "请在 [scheme] 中写明 notice_rules = false",
        "the derived scheme drops the notice's weight rule {rule}; if it is not a "
        "财社〔2012〕17号 evaluation, say notice_rules = false in [scheme]",
    ),
    "scheme.not_overridable": (
        "继承其他方案的文件不能包含“{key}”（只能覆盖 scheme、weights、standards、scoring、"
        "grades、constraints）",
        "a file that extends another scheme cannot hold “{key}” (only scheme, weights, "
        "standards, scoring, grades, constraints)",
    ),
    # --- formulas (reasons inside scheme.formula) -----------------------------------
    "formula.syntax": ("语法错误，位置 {position}", "syntax error at position {position}"),
    "formula.unknown_name": (
        "使用了未声明的字段“{name}”",
        "uses the undeclared field “{name}”",
    ),
    "formula.unknown_function": (
        "不支持函数“{name}”（可用：sum、min、max、abs）",
        "unsupported function “{name}” (available: sum, min, max, abs)",
    ),
    "formula.not_allowed": (
        "不允许的写法“{what}”（只允许 + - * / 、括号、数字、字段名和 sum/min/max/abs）",
        "“{what}” is not allowed (only + - * /, parentheses, numbers, fields, sum/min/max/abs)",
    ),
    "formula.arity": (
        "函数“{name}”的参数个数不对",
        "wrong number of arguments to “{name}”",
    ),
    # --- base-data tables ---------------------------------------------------------
    "data.unreadable": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "data.unsupported_format": (
        "不支持的文件类型“{suffix}”，请使用 .xlsx、.csv 或 Unicode 文本（.txt）",
        "unsupported file type “{suffix}”, use .xlsx, .csv or Unicode text (.txt)",
    ),
    "data.encoding": (
        "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV，或 .xlsx",
        "unknown text encoding: save as UTF-8 or GB18030 CSV, or as .xlsx",
    ),
    "data.empty": ("文件没有任何数据行", "the file has no data rows"),
    "data.too_large": (
        "工作表“{sheet}”的使用范围 {range} 过大，无法读取；请删除表格右侧和下方多余的行和列"
        "（选中后右键“删除”，而不是“清除内容”）后保存，再上传",
        "the used range {range} of the sheet “{sheet}” is too large to read: delete the rows "
        "and columns right of and below the table (delete them, not just their contents), "
        "save, and upload again",
    ),
    "data.file_too_big": (
        "文件大小为 {size} MB，超过基础数据表的上限 {limit} MB",
        "the file is {size} MB, more than the {limit} MB a base-data table may have",
    ),
    "data.zip_bomb": (
        "工作簿解压后远大于任何基础数据表（{reason}），未打开；请在 Excel 中另存后再试",
        "the workbook would expand far beyond any base-data table ({reason}); it was not "
        "opened: save it again from Excel and retry",
    ),
    "data.too_many_strings": (
        "工作簿的共享字符串表有 {strings} 项以上，超过上限 {limit}，未读取",
        "the workbook's shared-strings table has more than {strings} entries (limit {limit})",
    ),
    "data.too_many_cells": (
        "文件约有 {cells} 个单元格，超过上限 {limit}；请只保留基础数据表本身",
        "the file has about {cells} cells, more than the limit of {limit}: keep only the table",
    ),
    "data.too_many_columns": (
        "表格有 {columns} 列，超过上限 {limit} 列；基础数据表每个字段一列，请删除多余的列",
        "the table has {columns} columns, more than the limit of {limit}: one column per "
        "field, delete the others",
    ),
    "data.no_visible_sheet": (
        "工作簿中没有可见的工作表（隐藏的工作表不会被读取）；请取消隐藏“基础数据”工作表",
        "the workbook has no visible worksheet (hidden sheets are never read): unhide the "
        "sheet “基础数据”",
    ),
    # --- plausibility (warnings: kaoping.tables.plausibility) -------------------------
    "plausibility.range": (
        "{unit}：值 {value} 超出通常范围 {min}～{max}{hint}",
        "{unit}: the value {value} is outside the usual range {min}–{max}{hint}",
    ),
    "plausibility.people_without_money": (
        "{unit}：有 {value} 人享受，但“{other}”为 0",
        "{unit}: {value} people benefited, but “{other}” is 0",
    ),
    "plausibility.money_without_people": (
        "{unit}：支出 {value}，但享受人数“{other}”为 0",
        "{unit}: {value} was spent, but the number of people “{other}” is 0",
    ),
    "plausibility.share": (
        "{unit}：值 {value} 大于“{whole}”（占 {share}），比例超过 100%",
        "{unit}: the value {value} exceeds “{whole}” ({share}), a share over 100%",
    ),
    "plausibility.previous": (
        "{unit}：填报的上年数 {value} 与上年基础数据 {last_year} 不一致",
        "{unit}: last year's figure {value} differs from last year's data {last_year}",
    ),
    "plausibility.outlier": (
        "{unit}：值 {value} 与其他单位相差悬殊（稳健 z = {z}，阈值 {limit}），请核对单位和小数点",
        "{unit}: the value {value} is far from the other units' (robust z = {z}, limit "
        "{limit}): check the unit of measure and the decimal point",
    ),
    "plausibility.all_zero": (
        "{unit}：所有金额均为 0，该单位将只按其余指标排名定级",
        "{unit}: every amount is 0; the unit would be ranked on its other indicators alone",
    ),
    "plausibility.year": (
        "{unit}：年度为 {value}，与本轮评价年度 {round_year} 不符",
        "{unit}: the year is {value}, not the round's year {round_year}",
    ),
    "scheme.plausibility_field": (
        "合理性检查的“{key}”应为方案中的字段，而不是“{field}”",
        "the plausibility check's “{key}” must be a field of the scheme, not “{field}”",
    ),
    "data.no_header": (
        "找不到表头行：前 10 行中没有一行主要由方案的字段名称或代码组成（例如{examples}）",
        "no header row: none of the first 10 rows names mostly fields of the scheme "
        "(such as {examples})",
    ),
    "data.missing_column": (
        "缺少列“{label}”（{key}）",
        "the column “{label}” ({key}) is missing",
    ),
    "data.evaluator_column": (
        "列“{column}”由评价机构按单位设定（物价矫正系数表，--price-factors），不能由被评价单位在基础数据中填报；请删除该列",
        "the column “{column}” is set per unit by the evaluator (price factor table, "
        "--price-factors), not by the evaluated unit: delete it from the base data",
    ),
    "data.unknown_column": (
        "无法识别的列“{column}”，应为方案中的字段",
        "unknown column “{column}”, expected a field of the scheme",
    ),
    "data.duplicate_column": (
        "列“{column}”与前面的列“{first}”是同一字段，请删除其中一列",
        "the column “{column}” is the same field as the earlier column “{first}”: delete one",
    ),
    "data.unnamed_column": (
        "该列有数据（如“{value}”）但没有表头，请填写字段名称或删除该列",
        "this column holds data (such as “{value}”) but has no header: name it or delete it",
    ),
    "data.required": (
        "必填，不能为空，应为{expected}",
        "is required and empty: expected {expected}",
    ),
    "data.not_a_number": (
        "值“{value}”不是数字，应为{expected}",
        "“{value}” is not a number, expected {expected}",
    ),
    "data.below_min": (
        "值 {value} 小于下限，应为{expected}",
        "{value} is below the minimum, expected {expected}",
    ),
    "data.above_max": (
        "值 {value} 大于上限，应为{expected}",
        "{value} is above the maximum, expected {expected}",
    ),
    "data.not_integer": (
        "值 {value} 不是整数，应为{expected}",
        "{value} is not a whole number, expected {expected}",
    ),
    "data.duplicate_unit": (
        "单位编码“{value}”重复（第 {first_row} 行已有）",
        "the unit code “{value}” is repeated (already on row {first_row})",
    ),
    "data.check_failed": (
        "{rule_label}：{left_value} 应{op_text} {right_value}",
        "{rule_label}: {left_value} should be {op_text} {right_value}",
    ),
    "data.too_many": (
        "问题过多，仅显示前 {shown} 条（共 {total} 条）",
        "too many problems: showing the first {shown} of {total}",
    ),
    "data.year_mismatch": (
        "年度 {value} 与其他行不一致，应为 {expected}",
        "the year {value} differs from the other rows, expected {expected}",
    ),
    # --- evaluation -----------------------------------------------------------------
    "eval.zero_denominator": ("分母为零，不适用", "zero denominator: not applicable"),
    "eval.missing_value": ("基础数据缺失，不适用", "base data missing: not applicable"),
    "eval.not_finite": ("计算结果不是有限数值，不适用", "the result is not a finite number"),
    "eval.no_applicable": (
        "指标“{code}”对所有单位都不适用",
        "the indicator “{code}” is not applicable to any unit",
    ),
    "eval.sd_zero": (
        "指标“{code}”各单位取值相同（标准差为 0），标准分均记为 0",
        "all units have the same value of “{code}” (sd 0): every z-score is 0",
    ),
    "eval.geometric_nonpositive": (
        "单位“{unit}”在“{group}”下有不大于 0 的得分，几何平均无法计算；"
        "请改用得分为正的标准化（如极差法映射到 1～100）或算术平均",
        "the unit “{unit}” has a score of 0 or below under “{group}”: a geometric mean needs "
        "positive scores (normalise onto positive scores, e.g. min-max onto 1-100, or use the "
        "arithmetic mean)",
    ),
    "eval.few_units": (
        "指标 {codes} 只有 {n} 个单位参与标准化：两个单位时标准得分只能是 +1 或 −1（得 {high} 或 {low} 分），"
        "一个单位时为 0（得 {base} 分），得分只表示谁高谁低，不反映差距大小；请至少 3 个单位一起评价，"
        "或改用目标值、功效系数等不依赖其他单位的计分方法",
        "the indicators {codes} are standardised over only {n} unit(s): with two units every "
        "z is +1 or −1 ({high} or {low} points), with one it is 0 ({base} points); the scores "
        "then say who is ahead, not by how much. Evaluate at least 3 units together, or use a "
        "target or efficacy normalisation that does not depend on the other units",
    ),
    "eval.unit_all_na": (
        "单位“{unit}”没有任何可计算的指标",
        "the unit “{unit}” has no applicable indicator",
    ),
    "eval.unknown_unit": ("找不到单位“{unit}”", "no unit “{unit}”"),
    "eval.no_units": ("没有被评价单位", "there are no units to evaluate"),
    "eval.target_missing": (
        "目标值缺失或不大于 0，不适用",
        "the target is missing or not above 0: not applicable",
    ),
    # --- Beijing assessment ---
    "assessment.section": (
        "方案的 [{section}] 配置有误：{reason}",
        "the [{section}] section of the scheme is wrong: {reason}",
    ),
    "assessment.condition": (
        "条件“{condition}”无法理解：{reason}",
        "cannot read the condition “{condition}”: {reason}",
    ),
    "assessment.missing_column": (
        "缺少列“{label}”",
        "the column “{label}” is missing",
    ),
    "assessment.not_a_number": (
        "值“{value}”不是数字，应为{expected}",
        "“{value}” is not a number, expected {expected}",
    ),
    "assessment.required": (
        "必填，不能为空，应为{expected}",
        "is required and empty: expected {expected}",
    ),
    "assessment.unknown_unit": (
        "单位编码“{value}”不在本轮被考核单位中",
        "the unit code “{value}” is not among the units of this round",
    ),
    "targets.duplicate": (
        "单位“{unit}”的目标“{key}”重复（第 {first_row} 行已有）",
        "the target “{key}” of “{unit}” is repeated (already on row {first_row})",
    ),
    "targets.not_positive": (
        "目标值 {value} 无效，应大于 0",
        "the target {value} is invalid, expected more than 0",
    ),
    "targets.plan_periods": (
        "分解计划应为 4 个季度或 12 个月，实为 {count} 期",
        "a decomposition plan has 4 quarters or 12 months, not {count} periods",
    ),
    "targets.plan_sum": (
        "单位“{unit}”目标“{key}”的分解计划合计 {total}，与目标值 {target} 不一致",
        "the plan of “{unit}” for “{key}” sums to {total}, not to the target {target}",
    ),
    "targets.bad_period": (
        "截至期“{value}”无效，应为 Q1～Q4（季度）或 1～12（月）",
        "the period “{value}” is invalid, expected Q1 to Q4 or a month 1 to 12",
    ),
    "targets.missing": (
        "单位“{unit}”没有“{key}”的目标值（目标责任书）",
        "the unit “{unit}” has no target for “{key}” (responsibility letter)",
    ),
    "targets.bad_kind": (
        "目标类型“{value}”无效，应为 累计 或 控制线",
        "the target kind “{value}” is invalid, expected cumulative or level",
    ),
    "targets.level_plan": (
        "单位“{unit}”的目标“{key}”是控制线（上限或下限，任何时点都须达到），不按季度分解，请删除分解计划",
        "the target “{key}” of “{unit}” is a level (a cap or floor that holds at any time): "
        "it has no decomposition plan",
    ),
    "targets.bad_weight": (
        "目标权重 {value} 无效，应大于 0",
        "the target weight {value} is invalid, expected more than 0",
    ),
    "experts.score_range": (
        "专家“{expert}”给单位“{unit}”的“{item}”打分 {value}，超出范围，应在 0～{max} 分之间",
        "expert “{expert}” gave “{unit}” {value} for “{item}”, expected 0 to {max}",
    ),
    "experts.recused": (
        "专家“{expert}”须回避单位“{unit}”（{reason}），其打分无效，请删除",
        "expert “{expert}” is recused from “{unit}” ({reason}); delete the score",
    ),
    "experts.duplicate": (
        "专家“{expert}”对单位“{unit}”的“{item}”重复打分（第 {first_row} 行已有）",
        "expert “{expert}” scored “{item}” of “{unit}” twice (already on row {first_row})",
    ),
    "experts.unknown_item": (
        "“{item}”不是方案中的定性指标（可打分的指标：{expected}）",
        "“{item}” is not a qualitative indicator of the scheme (expected one of {expected})",
    ),
    "experts.no_items": (
        "方案“{scheme}”没有需要专家打分的定性指标",
        "the scheme “{scheme}” has no qualitative indicator for experts to score",
    ),
    "experts.no_scores": (
        "单位“{unit}”的“{item}”没有任何专家打分",
        "no expert scored “{item}” of “{unit}”",
    ),
    "experts.dispersion": (
        "单位“{unit}”的“{item}”专家意见分歧较大：{measure} {spread} 超过阈值 {limit}（满分 {max} 的 {threshold}%）",
        "experts disagree on “{item}” of “{unit}”: {measure} {spread} above {limit} "
        "({threshold}% of the maximum {max})",
    ),
    # --- one assessment (kaoping.scoring.assessment) ---
    "experts.wrong_panel": (
        "专家“{expert}”以“{value}”小组名义给单位“{unit}”的“{item}”打分，但该项目由“{panel}”评分，打分无效",
        "expert “{expert}” scored “{item}” of “{unit}” for the panel “{value}”, but the item "
        "belongs to the panel “{panel}”: the score is refused",
    ),
    "assessment.item_without_panel": (
        "专家评分项目“{item}”不属于任何专业考核小组（方案 [experts.panels]），无人评分",
        "the expert-scored item “{item}” belongs to no panel ([experts.panels]): nobody scores it",
    ),
    "assessment.item_unscored": (
        "专家评分项目“{item}”有 {count} 个单位没有得分：{units}{hint}",
        "the expert-scored item “{item}” has no score for {count} unit(s): {units}{hint}",
    ),
    "assessment.price_factor_unused": (
        "方案“{scheme}”没有物价矫正系数（price_factor），不能使用系数表",
        "the scheme “{scheme}” has no price correction factor (price_factor)",
    ),
    "assessment.price_factor_range": (
        "单位“{unit}”的物价矫正系数 {value} 无效，应在 {min}～{max} 之间",
        "the price correction factor {value} of “{unit}” is invalid, expected {min} to {max}",
    ),
    "robustness.not_applicable": (
        "指标 {codes} 对所有单位都不适用，稳健性分析会把它们悄悄排除在外；请补齐数据（或专家评分）后再分析",
        "the indicators {codes} apply to no unit; the analysis would silently leave them "
        "out: complete the data (or expert scores) first",
    ),
    "assessment.bad_json": (
        "不是 kaoping awards 输出的 JSON 文件：{reason}",
        "not a JSON file written by kaoping awards: {reason}",
    ),
    "assessment.previous_experts": (
        "--previous-experts 应与 --previous 一一对应（{n} 个上期数据表，{m} 个评分表）",
        "give one --previous-experts per --previous file ({n} data files, {m} sheets)",
    ),
    "assessment.duplicate_unit": (
        "单位编码“{value}”重复（第 {first_row} 行已有）",
        "the unit code “{value}” is repeated (already on row {first_row})",
    ),
    "adjustments.over_limit": (
        "单位“{unit}”的加减分合计 {total} 分，超出方案规定的 ±{limit} 分",
        "the bonus/deduction points of “{unit}” total {total}, beyond the scheme's ±{limit}",
    ),
    "adjustments.item_limit": (
        "单项加减分 {value} 分超出方案规定的单项上限 ±{limit} 分",
        "a single entry of {value} points exceeds the scheme's ±{limit} per entry",
    ),
    "adjustments.no_reason": (
        "加减分必须写明事由（第十一条：临时性工作的重要程度和完成情况）",
        "a bonus or deduction needs its reason (article 11)",
    ),
    "adjustments.no_reference": (
        "加减分必须注明依据文件（方案要求 require_reference）",
        "a bonus or deduction needs its document reference (the scheme requires it)",
    ),
    "adjustments.zero": ("加减分为 0，无需录入", "0 points: nothing to enter"),
    "awards.criticism_fail": (
        "综合考核不合格：总分 {total} 低于合格线 {pass_line}",
        "failed the assessment: total {total} below the pass line {pass_line}",
    ),
    "awards.criticism_veto": ("一票否决：{label}", "veto: {label}"),
    "awards.no_total": ("没有可计算的总分", "no total could be computed"),
    "awards.requirement": ("未获综合奖：{label}", "no comprehensive award: {label}"),
    "allocation.negative_total": (
        "奖励资金总额 {value} 无效，不能为负数",
        "the reward fund total {value} is invalid: it cannot be negative",
    ),
    "allocation.individual": (
        "“{name}”是个人：奖励资金不得以任何方式发放给个人（第二十三条），个人只授予荣誉和证书",
        "“{name}” is an individual: the reward fund is never paid to individuals (article 23); "
        "individuals receive honours and certificates only",
    ),
    "allocation.not_in_register": (
        "“{name}”（{value}）不是本轮被考核单位，不能分配奖励资金（第二十三条）",
        "“{name}” ({value}) is not a unit of this round's register: it cannot share the "
        "reward fund (article 23)",
    ),
    "allocation.no_register": (
        "手工编制的获奖名单需要用 --units 给出本轮被考核单位名单（或基础数据表），以核对领取资金的单位",
        "a hand-made list of winners needs the round's register (--units: a unit list or "
        "the base data) to check who receives money",
    ),
    "allocation.no_recipients": (
        "没有获奖单位，无法分配奖励资金 {value} 元",
        "no award-winning unit to share the reward fund of {value} yuan",
    ),
    "allocation.fractional_total": (
        "奖励资金总额 {value} 含角分，按元分配时应为整数；请改用 --precision fen",
        "the total {value} has fen but the allocation is in whole yuan: use --precision fen",
    ),
    "allocation.bad_coefficient": (
        "“{name}”的分配系数 {value} 无效，应为不小于 0 的数字",
        "the coefficient {value} of “{name}” is invalid, expected a number of 0 or more",
    ),
    "allocation.zero_weight": (
        "所有获奖单位的分配系数之和为 0，无法分配",
        "the coefficients of all award winners sum to 0: nothing to share by",
    ),
    "comparison.too_few": (
        "比较至少需要两期考核结果，实为 {count} 期",
        "a comparison needs at least two rounds, got {count}",
    ),
    "comparison.duplicate_period": ("期次“{value}”重复", "the period “{value}” is given twice"),
    "comparison.bad_period": (
        "期次“{value}”无法识别，应为年度（2024）、季度（2024-Q2）或月份（2024-06）",
        "cannot read the period “{value}”: expected 2024, 2024-Q2 or 2024-06",
    ),
    # --- robustness ---
    "robustness.bad_option": (
        "选项“{option}”的值“{value}”无效，应为{expected}",
        "the option “{option}” is “{value}”, expected {expected}",
    ),
    "robustness.units": (
        "排名稳健性分析需要 2 到 {max} 个单位，实为 {n} 个",
        "the robustness analysis needs 2 to {max} units, got {n}",
    ),
    "robustness.geometric_nonpositive": (
        "备选“{choice}”下有不大于 0 的得分（最小 {min}），几何平均无法计算；"
        "请改用得分为正的标准化（如 minmax:1-100 或 zscore:10,2）",
        "under the alternative “{choice}” some scores are 0 or below (lowest {min}): a geometric "
        "mean needs positive scores (use e.g. minmax:1-100 or zscore:10,2)",
    ),
    "robustness.no_expert_scores": (
        "要重抽专家评分，需要专家评分表（--experts）",
        "resampling the experts needs the expert score sheets (--experts)",
    ),
    "robustness.mixed_aggregation": (
        "方案在不同层级混用算术与几何平均，稳健性分析需统一的加总方法；请用 --aggregations 指定",
        "the scheme mixes arithmetic and geometric means across levels; the robustness "
        "analysis needs one method for the whole tree: give --aggregations",
    ),
    "robustness.redundant": (
        "备选“{first}”与“{second}”对每个单位的排名完全相同（得分只差一个线性变换），"
        "同时列出会让它被多抽一倍；请去掉其中一个",
        "the alternatives “{first}” and “{second}” rank every unit the same (their scores differ "
        "by one linear map), so listing both would draw it twice as often: drop one",
    ),
    "robustness.constraints": (
        "权重扰动 {spread} 时，重抽 {rounds} 轮后仍有权重不满足方案的权重约束“{rule}”；请减小 --weight-spread",
        "with weights perturbed by {spread}, some still break the scheme's weight constraint "
        "“{rule}” after {rounds} redraws: use a smaller --weight-spread",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scheme, a table or an evaluation, and where it is.

    Parameters
    ----------
    code : str
        Key in :data:`CATALOGUE`.
    file : str, optional
        File name as the user knows it.
    row : int, optional
        Row number as the user sees it in the spreadsheet (header is row 1).
    column : str, optional
        Column header as written in the file, or the scheme item at fault.
    value : object, optional
        The offending value.
    expected : str, optional
        What would have been accepted, already in the user's language or language-neutral.
    params : mapping
        Further values for the message template.
    severity : {"error", "warning"}
    """

    code: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "error"

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message alone, without its place."""
        zh, en = CATALOGUE.get(self.code, (self.code, self.code))
        template = en if lang == "en" else zh
        values = {k: _localise(v, lang) for k, v in self.params.items()}
        values.setdefault("value", _show(self.value))
        values.setdefault("expected", _localise(self.expected, lang))
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template

    def place(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Where the problem is: file, row and column, in the user's language."""
        parts = []
        if lang == "en":
            if self.file:
                parts.append(f"file {self.file}")
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column:
                parts.append(f"column “{self.column}”")
            return ", ".join(parts)
        if self.file:
            parts.append(f"文件 {self.file}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"“{self.column}”列" if self.row is not None else f"“{self.column}”")
        return " ".join(parts)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Place and message in one line, as shown to users."""
        place = self.place(lang)
        sep = ": " if lang == "en" else "："
        return f"{place}{sep}{self.text(lang)}" if place else self.text(lang)

    def as_dict(self, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": _json_safe(self.value),
            "message": self.render(lang),
        }


class KaopingError(Exception):
    """Input that cannot be used, with every problem found (not only the first)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(self.render(DEFAULT_LANGUAGE))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class SchemeError(KaopingError):
    """The scheme file is invalid."""


class DataError(KaopingError):
    """The base-data table is invalid."""


class Bilingual(str):
    """A text known in both languages, chosen at render time (e.g. a field label)."""

    en: str

    def __new__(cls, zh: str, en: str | None = None) -> Bilingual:
        obj = super().__new__(cls, zh)
        obj.en = en or zh
        return obj

    def pick(self, lang: str) -> str:
        return self.en if lang == "en" else str(self)


def _localise(value: Any, lang: str) -> Any:
    if isinstance(value, Bilingual):
        return value.pick(lang)
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[1] if lang == "en" else value[0]
    return "" if value is None else value


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
