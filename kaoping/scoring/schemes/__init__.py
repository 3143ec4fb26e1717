"""Evaluation schemes (评价方案): the published indicator tree, weights, standards and rules.

``model`` says what a scheme is; ``documents`` reads scheme files (TOML, built-in schemes,
``extends``) into documents; ``validation`` checks a document and builds the model;
``loader`` does both; ``builtin/`` holds the schemes shipped with Kaoping (``kaoping schemes``
lists them).
"""

from kaoping.scoring.schemes.documents import (
    builtin_scheme_codes,
    resolved_document,
    scheme_fingerprint,
    scheme_text,
)
from kaoping.scoring.schemes.loader import load_scheme
from kaoping.scoring.schemes.model import (
    DIRECTIONS,
    EXTENSION_SECTIONS,
    FIELD_TYPES,
    KINDS,
    NA_POLICIES,
    NUMERIC_TYPES,
    OBJECT_KINDS,
    SD_KINDS,
    STANDARD_BASES,
    CheckRule,
    FieldSpec,
    GradeBand,
    GroupSpec,
    IndicatorSpec,
    Scheme,
    ScoringRules,
    Standards,
)
from kaoping.scoring.schemes.validation import scheme_from_dict, with_weights

__all__ = [
    "DIRECTIONS",
    "EXTENSION_SECTIONS",
    "FIELD_TYPES",
    "KINDS",
    "NA_POLICIES",
    "NUMERIC_TYPES",
    "OBJECT_KINDS",
    "SD_KINDS",
    "STANDARD_BASES",
    "CheckRule",
    "FieldSpec",
    "GradeBand",
    "GroupSpec",
    "IndicatorSpec",
    "Scheme",
    "ScoringRules",
    "Standards",
    "builtin_scheme_codes",
    "load_scheme",
    "resolved_document",
    "scheme_fingerprint",
    "scheme_from_dict",
    "scheme_text",
    "with_weights",
]
