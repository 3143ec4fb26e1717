"""Log logins, failed logins, logouts, password and permission changes (issue 6).

Django sends these signals inside the transaction of the change (the admin saves in
``transaction.atomic``), so each change and its evaluation-log entry are saved together.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from kaoping.web.accounts.models import AccountSecurity, Membership
from kaoping.web.accounts.passwords import password_expired
from kaoping.web.accounts.security import (
    clear_failures,
    client_ip,
    locked_until,
    normalised,
    note_failure,
)
from kaoping.web.accounts.tokens import revoke_all_tokens
from kaoping.web.audit.log import acting_user, record

logger = logging.getLogger("kaoping.auth")
User = get_user_model()
WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")
MUST_CHANGE_KEY = "kaoping_must_change_password"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    ip = client_ip(request)
    clear_failures(user.get_username(), ip)
    record("auth.login", user, data={"ip": ip})
    security = AccountSecurity.objects.filter(user=user).first()
    expired = password_expired(user, security.password_changed_at if security else None)
    if request is not None and hasattr(request, "session"):
        must = bool(security and security.must_change_password) or expired
        request.session[MUST_CHANGE_KEY] = must


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = normalised(credentials.get("username"))
    ip = client_ip(request)
    already_locked = locked_until(username, ip) is not None
    if not already_locked:
        note_failure(username, ip)
    logger.warning(
        "refused login for %r from %s%s", username, ip, " (locked out)" if already_locked else ""
    )
    record(
        "auth.login_failed",
        None,
        actor_name=username,
        data={"username": username, "ip": ip, "locked": locked_until(username, ip) is not None},
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record("auth.logout", user, data={"ip": client_ip(request)})


@receiver(pre_save, sender=User)
def remember_old_flags(sender, instance, update_fields=None, **kwargs):
    """Keep the stored flags and password hash to compare after saving."""
    watched = {*WATCHED_FLAGS, "password"}
    if instance.pk is None or (update_fields is not None and not watched & set(update_fields)):
        instance._kaoping_old = None
        return
    instance._kaoping_old = (
        User.objects.filter(pk=instance.pk).values(*WATCHED_FLAGS, "password").first()
    )


@receiver(post_save, sender=User)
def log_account_change(sender, instance, created, **kwargs):
    actor = acting_user()
    if created:
        record(
            "accounts.user_create",
            actor,
            obj=instance,
            data={"username": instance.username, **_flags(instance)},
        )
        if actor is not None:
            # An account created by an administrator starts with an initial password.
            AccountSecurity.objects.update_or_create(
                user=instance, defaults={"must_change_password": True}
            )
        return
    old = getattr(instance, "_kaoping_old", None)
    if not old:
        return
    changed = {
        f: [old[f], getattr(instance, f)] for f in WATCHED_FLAGS if old[f] != getattr(instance, f)
    }
    if changed:
        record(
            "accounts.permissions_change",
            actor,
            obj=instance,
            data={"username": instance.username, "changed": changed},
        )
    # Django re-hashes a password with the preferred hasher when its owner logs in
    # (``check_password``'s setter saves only the password, the raw one already forgotten):
    # the same password, so not a change that would clear "must change" or end tokens.
    rehash = kwargs.get("update_fields") == frozenset({"password"}) and instance._password is None
    if old["password"] != instance.password and not rehash:
        by_self = actor is None or actor.pk == instance.pk
        # A password set by an administrator is an initial one: its owner must change it.
        AccountSecurity.objects.update_or_create(
            user=instance,
            defaults={"must_change_password": not by_self, "password_changed_at": timezone.now()},
        )
        record(
            "auth.password_change",
            actor,
            obj=instance,
            data={"username": instance.username, "by_self": by_self},
        )
        # A token is as good as the password: a new password ends every token (issue 11).
        revoke_all_tokens(instance, acting_user=actor, reason="password_change")


def _flags(user) -> dict:
    return {f: getattr(user, f) for f in WATCHED_FLAGS}


@receiver(post_save, sender=Membership)
def log_membership_saved(sender, instance, created, **kwargs):
    action = "accounts.membership_add" if created else "accounts.membership_change"
    record(action, acting_user(), unit=instance.unit, obj=instance, data=_membership(instance))


@receiver(post_delete, sender=Membership)
def log_membership_deleted(sender, instance, **kwargs):
    data = _membership(instance)
    unit = instance.unit if instance.unit_id else None
    record("accounts.membership_remove", acting_user(), unit=unit, data=data)


def _membership(m: Membership) -> dict:
    return {
        "username": m.user.username,
        "role": m.role,
        "unit": m.unit_id,
        "organisation": m.organisation,
    }


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def log_permission_sets(sender, instance, action, pk_set, model, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    what = "groups" if model.__name__ == "Group" else "permissions"
    record(
        "accounts.permissions_change",
        acting_user(),
        obj=instance,
        data={"username": instance.username, what: {action[5:]: sorted(pk_set or [])}},
    )
