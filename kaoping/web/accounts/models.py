"""Roles and memberships: which user acts as office, agency, expert, committee or unit.

A user may hold several memberships (an official can be both office staff and a committee
member); a unit membership ties the user to exactly one unit, whose data is all he sees.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("system administrator")
    OFFICE = "office", _("evaluation office")
    AGENCY = "agency", _("evaluation agency / work group")
    EXPERT = "expert", _("expert")
    COMMITTEE = "committee", _("committee / leading group")
    # The leading group (领导小组) approves the award proposal and sets the reward fund: a step
    # of its own after the committee's review (articles 20-23 of the Beijing measures).
    LEADING_GROUP = "leading_group", _("leading group")
    UNIT = "unit", _("evaluated unit")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("unit")
    )
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # A unit member must name his unit; nobody else is tied to one.
            models.CheckConstraint(
                condition=(models.Q(role="unit", unit__isnull=False) | ~models.Q(role="unit")),
                name="unit_membership_has_unit",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" · {self.unit}" if self.unit_id else ""
        return f"{self.user} · {self.get_role_display()}{suffix}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored.

    Issued, refused and revoked only through :mod:`kaoping.web.accounts.tokens`, which logs
    each. A token expires (``KAOPING_TOKEN_DAYS``), can be revoked by its owner or an
    administrator, and is revoked when its owner's password changes.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80, default="api")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "api", expires_at=None) -> tuple[ApiToken, str]:
        """Create a token; the clear key is returned once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, digest=cls.digest_of(key), expires_at=expires_at
        )
        return token, key

    def refusal(self, now) -> str | None:
        """Why this token cannot be used now (``revoked``, ``expired``, ``inactive``)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        if not self.user.is_active:
            return "inactive"
        return None


class AccountSecurity(models.Model):
    """Per-account security state: whether the password is an initial one to be changed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security"
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    @classmethod
    def of(cls, user) -> AccountSecurity:
        security, _created = cls.objects.get_or_create(user=user)
        return security


class LoginFailure(models.Model):
    """One failed login (user name as typed, client address, time): the lockout counts these."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "at"], name="login_failure_window")]
