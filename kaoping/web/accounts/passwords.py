"""Password rules for a government system (issue 11), as Django password validators.

Chinese government systems are assessed against GB/T 22239 (等级保护), which asks for
passwords of a minimum length mixing character classes, changed periodically. Django's own
validators give the length, the common-password list and the all-digits rule; these add:

* ``ComplexityValidator``: at least three of the four classes upper case, lower case,
  digits and symbols;
* ``NotUserNameValidator``: the user name (or its reverse) never appears in the password,
  whatever the case (Django's similarity check only refuses passwords *close to* it);
* ``PublishedPasswordValidator``: never a password printed in the README or the demo.

Expiry (``KAOPING_PASSWORD_MAX_AGE_DAYS``, off by default) is checked at login:
:func:`password_expired`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DEMO_PASSWORD = "kaoping-demo"  # published in the README: the demo's accounts only
PUBLISHED_PASSWORDS = frozenset({DEMO_PASSWORD})


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters ``password`` mixes.

    >>> character_classes("kaoping-demo"), character_classes("Kaoping-2024")
    (2, 4)
    """
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class ComplexityValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must mix at least %(count)d of: upper-case letters, lower-case "
            "letters, digits and symbols."
        ) % {"count": self.min_classes}


class NotUserNameValidator:
    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").casefold()
        folded = password.casefold()
        if len(name) >= 3 and (name in folded or name[::-1] in folded):
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("The password must not contain the user name.")


class PublishedPasswordValidator:
    def validate(self, password, user=None):
        if password in PUBLISHED_PASSWORDS:
            raise ValidationError(self.get_help_text(), code="password_published")

    def get_help_text(self):
        return _("The password must not be the published demonstration password.")


def max_age() -> timedelta | None:
    days = int(getattr(settings, "KAOPING_PASSWORD_MAX_AGE_DAYS", 0) or 0)
    return timedelta(days=days) if days > 0 else None


def password_expired(user, changed_at) -> bool:
    """Whether ``user``'s password is older than the configured maximum age (if any).

    A password never changed counts from the day the account was created.
    """
    limit = max_age()
    if limit is None:
        return False
    since = changed_at or getattr(user, "date_joined", None)
    return since is not None and timezone.now() - since > limit
