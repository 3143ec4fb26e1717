"""Units (被评价单位) in their hierarchy: province → city → county/district, any depth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("province / municipality")
    CITY = "city", _("city")
    COUNTY = "county", _("county / district")
    OTHER = "other", _("other unit")


class Unit(models.Model):
    # Text, not a number: administrative codes keep their leading zeros.
    code = models.CharField(_("unit code"), max_length=40, unique=True)
    name = models.CharField(_("unit name"), max_length=120)
    level = models.CharField(
        _("level"), max_length=20, choices=UnitLevel.choices, default=UnitLevel.COUNTY
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return gettext("{name} ({code})").format(name=self.name, code=self.code)

    def ancestors(self) -> list[Unit]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def descendants(self) -> list[Unit]:
        found, frontier = [], [self]
        while frontier:
            children = list(Unit.objects.filter(parent__in=frontier))
            found += children
            frontier = children
        return found
