"""API tokens: issue, use, revoke, each through one audited action (issue 11).

Every issue and revocation writes an evaluation-log entry in its transaction; so does every
refused use of a token (unknown, expired, revoked, or its owner deactivated), with the first
eight characters of the key's digest so that repeated attempts can be told apart without
storing the key.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.web.accounts.models import ApiToken
from kaoping.web.audit.log import record
from kaoping.web.common import ActionError


def token_lifetime() -> timedelta | None:
    days = int(getattr(settings, "KAOPING_TOKEN_DAYS", 90) or 0)
    return timedelta(days=days) if days > 0 else None


@transaction.atomic
def do_issue_token(user, name: str, *, acting_user) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear key is returned once."""
    lifetime = token_lifetime()
    expires_at = timezone.now() + lifetime if lifetime else None
    token, key = ApiToken.issue(user, name=(name or "api")[:80], expires_at=expires_at)
    record(
        "accounts.token_issue",
        acting_user,
        obj=token,
        data={
            "username": user.username,
            "name": token.name,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, key


@transaction.atomic
def do_revoke_token(token: ApiToken, *, acting_user, reason: str = "") -> None:
    """Revoke one token: by its owner, an administrator, or a password change."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    is_owner = acting_user is not None and acting_user.pk == token.user_id
    if acting_user is not None and not (is_owner or acting_user.is_superuser):
        raise ActionError(_("Only the token's owner or an administrator can revoke it."))
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "accounts.token_revoke",
        acting_user,
        obj=token,
        data={
            "username": token.user.username,
            "name": token.name,
            "reason": reason or ("owner" if is_owner else "administrator"),
        },
    )


def revoke_all_tokens(user, *, acting_user, reason: str) -> int:
    """Revoke every live token of ``user`` (e.g. after his password changed)."""
    live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in live:
        do_revoke_token(token, acting_user=None, reason=reason)
    return len(live)


def user_of_token(key: str, ip: str = ""):
    """The active user a bearer key stands for, or None (and a log entry saying why)."""
    digest = ApiToken.digest_of(key)
    token = ApiToken.objects.select_related("user").filter(digest=digest).first()
    now = timezone.now()
    refusal = "unknown" if token is None else token.refusal(now)
    if refusal is not None:
        owner = token.user.username if token is not None else ""
        record(
            "api.token_refused",
            None,
            obj=token,
            actor_name=owner,
            data={"reason": refusal, "digest": digest[:8], "ip": ip},
        )
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # not every request
    return token.user
