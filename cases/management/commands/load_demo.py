from django.core.management.base import BaseCommand

from cases.demo import demo_load, demo_users_table


class Command(BaseCommand):
    help = "Create (or complete) the demo cases DEMO-1 and DEMO-2 and their demo users. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password of the demo users (default: PARALLAX_DEMO_PASSWORD)")

    def handle(self, *args, password=None, **options):
        demo = demo_load(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo cases ready: {demo.case.reference}, {demo.other_case.reference}"))
        for line in demo.log:
            self.stdout.write(f"  {line}")
        for username, role, agency in demo_users_table():
            self.stdout.write(f"  {username:<18} {role} ({agency})")
