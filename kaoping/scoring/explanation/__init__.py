"""Explanation: the whole derivation of one unit's total, so anyone can re-check it.

raw cells -> formula -> value -> mean, sd -> z -> score -> standards -> effective weight ->
group score -> weighted total -> bonus / deduction -> total, rank, grade.

:func:`explain` returns a structure (used by the command line, the web application and the
reports); :meth:`Explanation.render` prints it in Chinese or English. The structure also
re-adds the contributions, so a test (and a sceptical user) can see they give the total.

The package: :mod:`.steps` and :mod:`.model` (the data model: cells, indicator and group
steps, the explanation), :mod:`.builder` (:func:`explain`, reading an evaluation result),
:mod:`.notation` (how numbers are written inside formulas) and :mod:`.text` (the derivation
as lines of text, through the project's catalogues).
"""

from kaoping.scoring.explanation.builder import explain
from kaoping.scoring.explanation.model import Explanation
from kaoping.scoring.explanation.notation import exact, fmt, operand, pct, signed, substitute
from kaoping.scoring.explanation.steps import Cell, GroupStep, IndicatorStep
from kaoping.scoring.explanation.text import POLICY, REASONS, render_explanation, shown_as

__all__ = [
    "POLICY",
    "REASONS",
    "Cell",
    "Explanation",
    "GroupStep",
    "IndicatorStep",
    "exact",
    "explain",
    "fmt",
    "operand",
    "pct",
    "render_explanation",
    "shown_as",
    "signed",
    "substitute",
]
