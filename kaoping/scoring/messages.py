"""The texts of the problems found in schemes, base data and evaluations, by message code.

A :class:`~kaoping.scoring.errors.Problem` names its rule by a code (``"data.below_min"``);
this table maps each code to its English message id, which ``make messages`` extracts into the
project's catalogues (the Chinese text is its ``zh_Hans`` translation). The text is chosen
late, in the user's language: :func:`message_text` reads the catalogue through
:mod:`kaoping.scoring.i18n`, so the command line (``--lang``) and the web application show
the same message for the same rule. Templates use :meth:`str.format` with the problem's
params plus ``value`` and ``expected`` when given.

Examples
--------
>>> message_text("data.empty", "zh"), message_text("data.empty", "en")
('文件没有任何数据行', 'the file has no data rows')
"""

from __future__ import annotations

from kaoping.scoring.i18n import gettext, gettext_noop

__all__ = ["CATALOGUE", "message_text"]

#: Message code -> English message id (translated through the project's catalogues).
CATALOGUE: dict[str, str] = {
    # --- scheme files -------------------------------------------------------------
    "scheme.unreadable": gettext_noop("cannot read the scheme file: {reason}"),
    "scheme.toml": gettext_noop("the scheme file is not valid TOML: {reason}"),
    "scheme.not_found": gettext_noop("no scheme “{code}”; built-in schemes: {available}"),
    "scheme.missing_key": gettext_noop("the required item “{key}” is missing"),
    "scheme.bad_type": gettext_noop("“{key}” should be {expected}"),
    "scheme.bad_choice": gettext_noop("“{key}” is “{value}”, expected one of: {expected}"),
    "scheme.unknown_key": gettext_noop("unknown item “{key}”"),
    "scheme.duplicate_code": gettext_noop("the code “{code}” is used twice"),
    "scheme.unknown_parent": gettext_noop("the parent “{parent}” of “{code}” does not exist"),
    "scheme.cycle": gettext_noop("the group “{code}” is its own ancestor"),
    "scheme.empty_group": gettext_noop("the group “{code}” has no indicators"),
    "scheme.no_indicators": gettext_noop("the scheme has no indicators"),
    "scheme.weights_sum": gettext_noop(
        # xgettext:no-python-format
        "the weights under “{parent}” sum to {total}, expected 100% ({children})"
    ),
    "scheme.weight_range": gettext_noop(
        "the weight {value} of “{code}” is invalid, expected more than 0"
    ),
    "scheme.constraint": gettext_noop("the weight constraint “{rule}” does not hold ({detail})"),
    "scheme.constraint_syntax": gettext_noop(
        "cannot read the weight constraint “{rule}”: {reason}"
    ),
    "scheme.formula": gettext_noop("the formula “{formula}” of “{code}” is wrong: {reason}"),
    "scheme.bounds": gettext_noop(
        "the field “{key}” has its minimum {min} above its maximum {max}"
    ),
    "scheme.standards": gettext_noop("the standards of “{code}” are wrong: {reason}"),
    "scheme.grades": gettext_noop("the grade bands are wrong: {reason}"),
    "scheme.normalisation_param": gettext_noop(
        "the normalisation parameters of “{code}” are wrong: {reason}"
    ),
    "scheme.extends_unknown": gettext_noop(
        "the extended scheme “{code}” does not exist; built-in schemes: {available}, or a path"
    ),
    "scheme.extends_cycle": gettext_noop("the schemes extend each other in a cycle: {chain}"),
    "scheme.notice_rule_dropped": gettext_noop(
        "the derived scheme drops the notice's weight rule {rule}; if it is not a "
        "财社〔2012〕17号 evaluation, say notice_rules = false in [scheme]"
    ),
    "scheme.not_overridable": gettext_noop(
        "a file that extends another scheme cannot hold “{key}” (only scheme, weights, "
        "standards, scoring, grades, constraints)"
    ),
    "scheme.standards_order": gettext_noop(
        "the minimum {minimum} is not worse than the excellent standard {excellent}"
    ),
    # --- formulas (reasons inside scheme.formula) -----------------------------------
    "formula.syntax": gettext_noop("syntax error at position {position}"),
    "formula.unknown_name": gettext_noop("uses the undeclared field “{name}”"),
    "formula.unknown_function": gettext_noop(
        "unsupported function “{name}” (available: sum, min, max, abs)"
    ),
    "formula.not_allowed": gettext_noop(
        "“{what}” is not allowed (only + - * /, parentheses, numbers, fields, sum/min/max/abs)"
    ),
    "formula.arity": gettext_noop("wrong number of arguments to “{name}”"),
    # --- base-data tables ---------------------------------------------------------
    "data.unreadable": gettext_noop("cannot read the file: {reason}"),
    "data.unsupported_format": gettext_noop(
        "unsupported file type “{suffix}”, use .xlsx, .csv or Unicode text (.txt)"
    ),
    "data.encoding": gettext_noop(
        "unknown text encoding: save as UTF-8 or GB18030 CSV, or as .xlsx"
    ),
    "data.empty": gettext_noop("the file has no data rows"),
    "data.too_large": gettext_noop(
        "the used range {range} of the sheet “{sheet}” is too large to read: delete the "
        "rows and columns right of and below the table (delete them, not just their "
        "contents), save, and upload again"
    ),
    "data.file_too_big": gettext_noop(
        "the file is {size} MB, more than the {limit} MB a base-data table may have"
    ),
    "data.zip_bomb": gettext_noop(
        "the workbook would expand far beyond any base-data table ({reason}); it was not "
        "opened: save it again from Excel and retry"
    ),
    "data.too_many_strings": gettext_noop(
        "the workbook's shared-strings table has more than {strings} entries (limit {limit})"
    ),
    "data.too_many_cells": gettext_noop(
        "the file has about {cells} cells, more than the limit of {limit}: keep only the table"
    ),
    "data.too_many_columns": gettext_noop(
        "the table has {columns} columns, more than the limit of {limit}: one column per "
        "field, delete the others"
    ),
    "data.no_visible_sheet": gettext_noop(
        "the workbook has no visible worksheet (hidden sheets are never read): unhide the "
        "sheet “基础数据”"
    ),
    # --- plausibility (warnings: kaoping.tables.plausibility) -------------------------
    "plausibility.range": gettext_noop(
        "{unit}: the value {value} is outside the usual range {min}–{max}{hint}"
    ),
    "plausibility.people_without_money": gettext_noop(
        "{unit}: {value} people benefited, but “{other}” is 0"
    ),
    "plausibility.money_without_people": gettext_noop(
        "{unit}: {value} was spent, but the number of people “{other}” is 0"
    ),
    "plausibility.share": gettext_noop(
        "{unit}: the value {value} exceeds “{whole}” ({share}), a share over 100%"
    ),
    "plausibility.previous": gettext_noop(
        "{unit}: last year's figure {value} differs from last year's data {last_year}"
    ),
    "plausibility.outlier": gettext_noop(
        "{unit}: the value {value} is far from the other units' (robust z = {z}, limit "
        "{limit}): check the unit of measure and the decimal point"
    ),
    "plausibility.all_zero": gettext_noop(
        "{unit}: every amount is 0; the unit would be ranked on its other indicators alone"
    ),
    "plausibility.year": gettext_noop(
        "{unit}: the year is {value}, not the round's year {round_year}"
    ),
    "scheme.plausibility_field": gettext_noop(
        "the plausibility check's “{key}” must be a field of the scheme, not “{field}”"
    ),
    "data.no_header": gettext_noop(
        "no header row: none of the first 10 rows names mostly fields of the scheme (such "
        "as {examples})"
    ),
    "data.missing_column": gettext_noop("the column “{label}” ({key}) is missing"),
    "data.evaluator_column": gettext_noop(
        "the column “{column}” is set per unit by the evaluator (price factor table, "
        "--price-factors), not by the evaluated unit: delete it from the base data"
    ),
    "data.unknown_column": gettext_noop(
        "unknown column “{column}”, expected a field of the scheme"
    ),
    "data.duplicate_column": gettext_noop(
        "the column “{column}” is the same field as the earlier column “{first}”: delete one"
    ),
    "data.unnamed_column": gettext_noop(
        "this column holds data (such as “{value}”) but has no header: name it or delete it"
    ),
    "data.required": gettext_noop("is required and empty: expected {expected}"),
    "data.not_a_number": gettext_noop("“{value}” is not a number, expected {expected}"),
    "data.below_min": gettext_noop("{value} is below the minimum, expected {expected}"),
    "data.above_max": gettext_noop("{value} is above the maximum, expected {expected}"),
    "data.not_integer": gettext_noop("{value} is not a whole number, expected {expected}"),
    "data.duplicate_unit": gettext_noop(
        "the unit code “{value}” is repeated (already on row {first_row})"
    ),
    "data.check_failed": gettext_noop(
        "{rule_label}: {left_value} should be {op_text} {right_value}"
    ),
    "data.too_many": gettext_noop("too many problems: showing the first {shown} of {total}"),
    "data.year_mismatch": gettext_noop(
        "the year {value} differs from the other rows, expected {expected}"
    ),
    # --- evaluation -----------------------------------------------------------------
    "eval.zero_denominator": gettext_noop("zero denominator: not applicable"),
    "eval.missing_value": gettext_noop("base data missing: not applicable"),
    "eval.not_finite": gettext_noop("the result is not a finite number"),
    "eval.no_applicable": gettext_noop("the indicator “{code}” is not applicable to any unit"),
    "eval.sd_zero": gettext_noop(
        "all units have the same value of “{code}” (sd 0): every z-score is 0"
    ),
    "eval.geometric_nonpositive": gettext_noop(
        "the unit “{unit}” has a score of 0 or below under “{group}”: a geometric mean "
        "needs positive scores (normalise onto positive scores, e.g. min-max onto 1-100, or "
        "use the arithmetic mean)"
    ),
    "eval.few_units": gettext_noop(
        "the indicators {codes} are standardised over only {n} unit(s): with two units "
        "every z is +1 or −1 ({high} or {low} points), with one it is 0 ({base} points); "
        "the scores then say who is ahead, not by how much. Evaluate at least 3 units "
        "together, or use a target or efficacy normalisation that does not depend on the "
        "other units"
    ),
    "eval.unit_all_na": gettext_noop("the unit “{unit}” has no applicable indicator"),
    "eval.unknown_unit": gettext_noop("no unit “{unit}”"),
    "eval.no_units": gettext_noop("there are no units to evaluate"),
    "eval.target_missing": gettext_noop("the target is missing or not above 0: not applicable"),
    # --- Beijing assessment ---
    "assessment.section": gettext_noop("the [{section}] section of the scheme is wrong: {reason}"),
    "assessment.condition": gettext_noop("cannot read the condition “{condition}”: {reason}"),
    "assessment.missing_column": gettext_noop("the column “{label}” is missing"),
    "assessment.not_a_number": gettext_noop("“{value}” is not a number, expected {expected}"),
    "assessment.required": gettext_noop("is required and empty: expected {expected}"),
    "assessment.unknown_unit": gettext_noop(
        "the unit code “{value}” is not among the units of this round"
    ),
    "targets.duplicate": gettext_noop(
        "the target “{key}” of “{unit}” is repeated (already on row {first_row})"
    ),
    "targets.not_positive": gettext_noop("the target {value} is invalid, expected more than 0"),
    "targets.plan_periods": gettext_noop(
        "a decomposition plan has 4 quarters or 12 months, not {count} periods"
    ),
    "targets.plan_sum": gettext_noop(
        "the plan of “{unit}” for “{key}” sums to {total}, not to the target {target}"
    ),
    "targets.bad_period": gettext_noop(
        "the period “{value}” is invalid, expected Q1 to Q4 or a month 1 to 12"
    ),
    "targets.missing": gettext_noop(
        "the unit “{unit}” has no target for “{key}” (responsibility letter)"
    ),
    "targets.bad_kind": gettext_noop(
        "the target kind “{value}” is invalid, expected cumulative or level"
    ),
    "targets.level_plan": gettext_noop(
        "the target “{key}” of “{unit}” is a level (a cap or floor that holds at any time): "
        "it has no decomposition plan"
    ),
    "targets.bad_weight": gettext_noop(
        "the target weight {value} is invalid, expected more than 0"
    ),
    "experts.score_range": gettext_noop(
        "expert “{expert}” gave “{unit}” {value} for “{item}”, expected 0 to {max}"
    ),
    "experts.recused": gettext_noop(
        "expert “{expert}” is recused from “{unit}” ({reason}); delete the score"
    ),
    "experts.duplicate": gettext_noop(
        "expert “{expert}” scored “{item}” of “{unit}” twice (already on row {first_row})"
    ),
    "experts.unknown_item": gettext_noop(
        "“{item}” is not a qualitative indicator of the scheme (expected one of {expected})"
    ),
    "experts.no_items": gettext_noop(
        "the scheme “{scheme}” has no qualitative indicator for experts to score"
    ),
    "experts.no_scores": gettext_noop("no expert scored “{item}” of “{unit}”"),
    "experts.dispersion": gettext_noop(
        # xgettext:no-python-format
        "experts disagree on “{item}” of “{unit}”: {measure} {spread} above {limit} "
        "({threshold}% of the maximum {max})"
    ),
    # --- one assessment (kaoping.scoring.assessment) ---
    "experts.wrong_panel": gettext_noop(
        "expert “{expert}” scored “{item}” of “{unit}” for the panel “{value}”, but the "
        "item belongs to the panel “{panel}”: the score is refused"
    ),
    "assessment.item_without_panel": gettext_noop(
        "the expert-scored item “{item}” belongs to no panel ([experts.panels]): nobody scores it"
    ),
    "assessment.item_unscored": gettext_noop(
        "the expert-scored item “{item}” has no score for {count} unit(s): {units}{hint}"
    ),
    "assessment.price_factor_unused": gettext_noop(
        "the scheme “{scheme}” has no price correction factor (price_factor)"
    ),
    "assessment.price_factor_range": gettext_noop(
        "the price correction factor {value} of “{unit}” is invalid, expected {min} to {max}"
    ),
    "robustness.not_applicable": gettext_noop(
        "the indicators {codes} apply to no unit; the analysis would silently leave them "
        "out: complete the data (or expert scores) first"
    ),
    "assessment.bad_json": gettext_noop("not a JSON file written by kaoping awards: {reason}"),
    "assessment.previous_experts": gettext_noop(
        "give one --previous-experts per --previous file ({n} data files, {m} sheets)"
    ),
    "assessment.duplicate_unit": gettext_noop(
        "the unit code “{value}” is repeated (already on row {first_row})"
    ),
    "adjustments.over_limit": gettext_noop(
        "the bonus/deduction points of “{unit}” total {total}, beyond the scheme's ±{limit}"
    ),
    "adjustments.item_limit": gettext_noop(
        "a single entry of {value} points exceeds the scheme's ±{limit} per entry"
    ),
    "adjustments.no_reason": gettext_noop("a bonus or deduction needs its reason (article 11)"),
    "adjustments.no_reference": gettext_noop(
        "a bonus or deduction needs its document reference (the scheme requires it)"
    ),
    "adjustments.zero": gettext_noop("0 points: nothing to enter"),
    "awards.criticism_fail": gettext_noop(
        "failed the assessment: total {total} below the pass line {pass_line}"
    ),
    "awards.criticism_veto": gettext_noop("veto: {label}"),
    "awards.no_total": gettext_noop("no total could be computed"),
    "awards.requirement": gettext_noop("no comprehensive award: {label}"),
    "allocation.negative_total": gettext_noop(
        "the reward fund total {value} is invalid: it cannot be negative"
    ),
    "allocation.individual": gettext_noop(
        "“{name}” is an individual: the reward fund is never paid to individuals (article "
        "23); individuals receive honours and certificates only"
    ),
    "allocation.not_in_register": gettext_noop(
        "“{name}” ({value}) is not a unit of this round's register: it cannot share the "
        "reward fund (article 23)"
    ),
    "allocation.no_register": gettext_noop(
        "a hand-made list of winners needs the round's register (--units: a unit list or "
        "the base data) to check who receives money"
    ),
    "allocation.no_recipients": gettext_noop(
        "no award-winning unit to share the reward fund of {value} yuan"
    ),
    "allocation.fractional_total": gettext_noop(
        "the total {value} has fen but the allocation is in whole yuan: use --precision fen"
    ),
    "allocation.bad_coefficient": gettext_noop(
        "the coefficient {value} of “{name}” is invalid, expected a number of 0 or more"
    ),
    "allocation.zero_weight": gettext_noop(
        "the coefficients of all award winners sum to 0: nothing to share by"
    ),
    "comparison.too_few": gettext_noop("a comparison needs at least two rounds, got {count}"),
    "comparison.duplicate_period": gettext_noop("the period “{value}” is given twice"),
    "comparison.bad_period": gettext_noop(
        "cannot read the period “{value}”: expected 2024, 2024-Q2 or 2024-06"
    ),
    # --- robustness ---
    "robustness.bad_option": gettext_noop(
        "the option “{option}” is “{value}”, expected {expected}"
    ),
    "robustness.units": gettext_noop("the robustness analysis needs 2 to {max} units, got {n}"),
    "robustness.geometric_nonpositive": gettext_noop(
        "under the alternative “{choice}” some scores are 0 or below (lowest {min}): a "
        "geometric mean needs positive scores (use e.g. minmax:1-100 or zscore:10,2)"
    ),
    "robustness.no_expert_scores": gettext_noop(
        "resampling the experts needs the expert score sheets (--experts)"
    ),
    "robustness.mixed_aggregation": gettext_noop(
        "the scheme mixes arithmetic and geometric means across levels; the robustness "
        "analysis needs one method for the whole tree: give --aggregations"
    ),
    "robustness.redundant": gettext_noop(
        "the alternatives “{first}” and “{second}” rank every unit the same (their scores "
        "differ by one linear map), so listing both would draw it twice as often: drop one"
    ),
    "robustness.constraints": gettext_noop(
        "with weights perturbed by {spread}, some still break the scheme's weight "
        "constraint “{rule}” after {rounds} redraws: use a smaller --weight-spread"
    ),
}


def message_text(code: str, lang: str | None) -> str:
    """The message template of ``code`` in ``lang`` (the code itself when it is unknown)."""
    msgid = CATALOGUE.get(code)
    return code if msgid is None else gettext(msgid, lang)
