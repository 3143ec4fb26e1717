"""The scoring core: schemes, formulas, normalisation, evaluation, explanation.

Pure Python and numpy; it never imports Django (a test enforces it), so the command line,
the reports and the web application all compute the same numbers.

Examples
--------
>>> from kaoping.scoring import load_scheme, evaluate, explain
>>> from kaoping.tables import read_base_data                         # doctest: +SKIP
>>> scheme = load_scheme("mof-2012")
>>> result = evaluate(scheme, read_base_data("examples/mof-2012-demo.csv", scheme))  # doctest: +SKIP
>>> print(explain(result, "110101").render("zh"))                   # doctest: +SKIP
"""

from kaoping.scoring.assessment import Assessment, AssessmentResult, RewardFund, assess
from kaoping.scoring.data import BaseData, UnitRef
from kaoping.scoring.evaluation import (
    Adjustment,
    EvaluationResult,
    competition_ranks,
    evaluate,
    weighted_mean,
)
from kaoping.scoring.explanation import Explanation, explain
from kaoping.scoring.messages import DataError, KaopingError, Problem, SchemeError
from kaoping.scoring.normalisation import NORMALISATIONS, normalisation, normalise
from kaoping.scoring.schemes import Scheme, builtin_scheme_codes, load_scheme, scheme_from_dict
from kaoping.scoring.serialise import ranking_rows, result_to_dict

__all__ = [
    "NORMALISATIONS",
    "Adjustment",
    "Assessment",
    "AssessmentResult",
    "BaseData",
    "DataError",
    "EvaluationResult",
    "Explanation",
    "KaopingError",
    "Problem",
    "RewardFund",
    "Scheme",
    "SchemeError",
    "UnitRef",
    "assess",
    "builtin_scheme_codes",
    "competition_ranks",
    "evaluate",
    "explain",
    "load_scheme",
    "normalisation",
    "normalise",
    "ranking_rows",
    "result_to_dict",
    "scheme_from_dict",
    "weighted_mean",
]
