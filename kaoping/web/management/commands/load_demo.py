from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaoping.web.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    @property
    def help(self) -> str:  # read when the command runs, in the active language
        return _(
            "Load the demo (Beijing's 16 districts, rounds 2023 and 2024, demo users); idempotent."
        )

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(_("demo accounts (password: %(password)s)") % {"password": DEMO_PASSWORD})
        for username, role, unit in accounts:
            self.stdout.write(f"  {username:<10} {role}{('  ' + unit) if unit else ''}")
        self.stdout.write("http://127.0.0.1:8000/")
