from django.core.management.base import BaseCommand, CommandError

from accounts.services import DemoAccount, demo_users_create
from partners.demo.reference import DEMO_CHAIN_LEADER_PARTNER
from partners.models import Partner


def print_logins(stdout, accounts: list[DemoAccount]) -> None:
    stdout.write("演示账号 / demo accounts (http://127.0.0.1:8000/):")
    for account in accounts:
        secret = account.password or "（已存在，密码不再显示；用 --reset 重置）"
        stdout.write(f"  {account.role:<14} 用户名 {account.username:<12} 密码 {secret}")


class Command(BaseCommand):
    help = "Create one demo account per role and print the logins of new ones once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Give every demo account a new password."
        )

    def handle(self, *args, reset: bool = False, **options):
        partner = Partner.objects.filter(name=DEMO_CHAIN_LEADER_PARTNER).first()
        if partner is None:
            raise CommandError("The demo chain-leader partner is missing: run load_demo first.")
        accounts = demo_users_create(chain_leader_partner=partner, reset_passwords=reset)
        print_logins(self.stdout, accounts)
