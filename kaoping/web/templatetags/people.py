"""``{{ user|person }}``: the name people know someone by (full name, else the user name)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
