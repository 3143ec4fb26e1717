from django.core.management.base import BaseCommand

from kaoping.web.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo (Beijing's 16 districts, rounds 2023 and 2024, demo users); idempotent."

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(f"演示账号 / demo accounts (密码 / password: {DEMO_PASSWORD})")
        for username, role, unit in accounts:
            self.stdout.write(f"  {username:<10} {role}{('  ' + unit) if unit else ''}")
        self.stdout.write("http://127.0.0.1:8000/")
