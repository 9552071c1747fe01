"""Builds the demo data set of the source articles.

Idempotent: every object is looked up by its natural key first and only what is missing is
created, so a second run changes nothing. Generated values come from random generators seeded
per object, so they are the same on every machine and every run.
"""

from collections import Counter

from django.db import transaction

from partners.demo import catalogue, doubling, engagement, organisations, pipeline
from partners.demo.context import DemoSet


@transaction.atomic
def load_demo_data() -> Counter:
    """Build whatever is missing; return how many objects of each kind were created."""
    demo = DemoSet()
    catalogue.build_catalogue(demo)
    organisations.build_partners(demo)
    organisations.build_roster(demo)
    organisations.build_recognitions(demo)
    organisations.build_work_camps(demo)
    organisations.build_targets(demo)
    organisations.build_change_requests(demo)
    pipeline.build_projects(demo)
    pipeline.build_pipeline_targets(demo)
    doubling.build_doubling_indicators(demo)
    engagement.build_engagement(demo)
    return demo.created
