"""Loading an evaluation scheme (评价方案): its file read, then validated into a Scheme.

The two steps have their own modules: :mod:`~kaoping.scoring.schemes.documents` (files,
TOML, built-in schemes, ``extends``) and :mod:`~kaoping.scoring.schemes.validation` (every
rule, and building the model).
"""

from __future__ import annotations

from pathlib import Path

from kaoping.scoring.schemes.documents import read_document
from kaoping.scoring.schemes.model import Scheme
from kaoping.scoring.schemes.validation import scheme_from_dict

__all__ = ["load_scheme"]


def load_scheme(code_or_path: str | Path) -> Scheme:
    """Load a built-in scheme by code, or a scheme file by path.

    Raises
    ------
    SchemeError
        With every problem found, each naming the file and the item at fault.

    Examples
    --------
    >>> scheme = load_scheme("mof-2012")
    >>> scheme.code, len(scheme.indicators)
    ('mof-2012', 12)
    """
    raw, name = read_document(code_or_path)
    return scheme_from_dict(raw, path=name)
