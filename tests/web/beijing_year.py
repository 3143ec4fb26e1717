"""Steps of a Beijing assessment year shared by the web tests: the letters' targets from the
example file, and every expert item of every unit scored by the scheme's professional groups.
"""

from __future__ import annotations

from kaoping.scoring.experts import expert_rules, scoring_items
from kaoping.web.experts import expert_actions, office_actions
from kaoping.web.letters.actions import do_import_targets

from .conftest import EXAMPLES

TARGETS = EXAMPLES / "beijing" / "targets-2024.csv"


def import_targets(world, round) -> int:
    return do_import_targets(round, TARGETS.read_bytes(), TARGETS.name, acting_user=world.office)


def expert_value(unit_index: int, item_max: float) -> float:
    """A plausible score: 60%..95% of the item's maximum, varying by unit."""
    return round(item_max * (0.6 + 0.05 * (unit_index % 8)), 1)


def score_every_item(world, round, skip_panels=(), overrides=None):
    """Each of the scheme's professional groups formed, expert1 and expert2 scoring every item
    of every unit (``overrides[(username, unit_code, item)]`` wins), then closed."""
    scheme = round.scheme()
    maxima = {i.code: i.max for i in scoring_items(scheme)}
    units = list(round.units.order_by("code"))
    groups = []
    panels = [(p.code, p.name, list(p.items)) for p in expert_rules(scheme).panels]
    if not panels:  # a scheme without professional groups: one group for every item
        panels = [("all", "考核小组", list(maxima))]
    for code, name, items in panels:
        if code in skip_panels:
            continue
        group = office_actions.do_create_group(
            round, name=name, items=items, acting_user=world.office
        )
        office_actions.do_add_members(
            group, [world.expert1, world.expert2], acting_user=world.office
        )
        office_actions.do_assign(
            group, [world.expert1, world.expert2], units, acting_user=world.office
        )
        for expert in (world.expert1, world.expert2):
            entries = {}
            for i, unit in enumerate(units):
                for item in items:
                    key = (expert.username, unit.code, item)
                    value = (overrides or {}).get(key, expert_value(i, maxima[item]))
                    entries[(unit.pk, item)] = value
            expert_actions.do_save_scores(group, entries, acting_user=expert, submit=True)
        groups.append(office_actions.do_close_group(group, acting_user=world.office))
    return groups
