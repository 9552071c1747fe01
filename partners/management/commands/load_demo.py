import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from partners.demo.builder import load_demo_data


class Command(BaseCommand):
    help = (
        "Load the demo data set of the articles (600 partners, the 2024 roster, camps, projects). "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Also create the demo accounts (the default when DEBUG is on).",
        )

    def handle(self, *args, with_users: bool = False, **options):
        started = time.monotonic()
        created = load_demo_data()
        elapsed = time.monotonic() - started
        summary = (
            "、".join(f"{label} {count}" for label, count in created.items()) or "无（已是最新）"
        )
        self.stdout.write(f"演示数据已就绪，本次新建：{summary}（{elapsed:.1f} 秒）")
        if with_users or settings.DEMO_USERS_WITH_LOAD_DEMO:
            call_command("create_demo_users", stdout=self.stdout)
