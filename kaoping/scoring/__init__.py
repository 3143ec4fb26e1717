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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Eager: the function has the name of its module, which importing the module would set on
# the package in its place.
from kaoping.scoring.normalisation import normalisation

if TYPE_CHECKING:
    from kaoping.scoring.assessment import Assessment, AssessmentResult, RewardFund, assess
    from kaoping.scoring.data import BaseData, UnitRef
    from kaoping.scoring.errors import DataError, KaopingError, Problem, SchemeError
    from kaoping.scoring.evaluation import (
        Adjustment,
        EvaluationResult,
        competition_ranks,
        evaluate,
        weighted_mean,
    )
    from kaoping.scoring.explanation import Explanation, explain
    from kaoping.scoring.normalisation import NORMALISATIONS, normalise
    from kaoping.scoring.schemes import Scheme, builtin_scheme_codes, load_scheme, scheme_from_dict
    from kaoping.scoring.serialise import ranking_rows, result_to_dict

# Each name's module, imported when the name is first used (PEP 562): importing one module
# of the package (``kaoping.scoring.errors``) does not load the whole scoring core, so a
# command line that only checks a table starts faster (docs/performance.md).
_MODULE_OF = {
    "Assessment": "kaoping.scoring.assessment",
    "AssessmentResult": "kaoping.scoring.assessment",
    "RewardFund": "kaoping.scoring.assessment",
    "assess": "kaoping.scoring.assessment",
    "BaseData": "kaoping.scoring.data",
    "UnitRef": "kaoping.scoring.data",
    "Adjustment": "kaoping.scoring.evaluation",
    "EvaluationResult": "kaoping.scoring.evaluation",
    "competition_ranks": "kaoping.scoring.evaluation",
    "evaluate": "kaoping.scoring.evaluation",
    "weighted_mean": "kaoping.scoring.evaluation",
    "Explanation": "kaoping.scoring.explanation",
    "explain": "kaoping.scoring.explanation",
    "DataError": "kaoping.scoring.errors",
    "KaopingError": "kaoping.scoring.errors",
    "Problem": "kaoping.scoring.errors",
    "SchemeError": "kaoping.scoring.errors",
    "NORMALISATIONS": "kaoping.scoring.normalisation",
    "normalise": "kaoping.scoring.normalisation",
    "Scheme": "kaoping.scoring.schemes",
    "builtin_scheme_codes": "kaoping.scoring.schemes",
    "load_scheme": "kaoping.scoring.schemes",
    "scheme_from_dict": "kaoping.scoring.schemes",
    "ranking_rows": "kaoping.scoring.serialise",
    "result_to_dict": "kaoping.scoring.serialise",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
