"""The benchmark's baseline: the app's WSGI application with one extra path answered beside
Django, in the same server process, by one hand-written SQL query serialised with orjson.

``/bench/baseline/partners/`` returns what ``/api/v1/partners/?page_size=50`` returns for its
first page (the same 50 partners by name, the same fields, the same nesting and the total
count), so that the list endpoint's throughput divided by this one's says what Django, DRF,
django-filter and the serializers cost. Served only when gunicorn is started on
``bench.baseline:application`` (``make bench``); the deployed app never has it.
"""

import orjson
from django.conf import settings
from django.db import connection

from config.wsgi import application as django_application

PATH = "/bench/baseline/partners/"
PAGE_SIZE = 50

# One statement: the page of partners with their industries, tags, carrier and steward
# nested as JSON by PostgreSQL, and the count up to the list's limit (core/pagination.py), as
# DRF's paginated answer holds them.
PAGE_SQL = """
WITH page AS (
    SELECT p.id, p.uscc, p.name, p.short_name, p.organisation_type, p.status,
           p.carrier_id, p.steward_id, p.in_doubling_catalogue, p.joined_on, p.version
    FROM partners_partner p
    WHERE p.archived_at IS NULL
    ORDER BY p.name, p.id
    LIMIT %(limit)s
)
SELECT
    (SELECT count(*) FROM (SELECT 1 FROM partners_partner WHERE archived_at IS NULL
                           LIMIT %(count_limit)s + 1) counted),
    coalesce(json_agg(json_build_object(
        'id', page.id, 'uscc', page.uscc, 'name', page.name, 'short_name', page.short_name,
        'organisation_type', page.organisation_type, 'status', page.status,
        'industries', coalesce((
            SELECT json_agg(json_build_object('id', i.id, 'name', i.name, 'kind', i.kind)
                            ORDER BY i.position, i.name)
            FROM partners_partner_industries pi JOIN chains_industry i ON i.id = pi.industry_id
            WHERE pi.partner_id = page.id), '[]'::json),
        'tags', coalesce((
            SELECT json_agg(json_build_object('id', t.id, 'name', t.name) ORDER BY t.name)
            FROM partners_partner_tags pt JOIN partners_qualificationtag t
                 ON t.id = pt.qualificationtag_id
            WHERE pt.partner_id = page.id), '[]'::json),
        'carrier', (SELECT json_build_object('id', c.id, 'name', c.name, 'kind', c.kind)
                    FROM partners_carrier c WHERE c.id = page.carrier_id),
        'steward', (SELECT json_build_object('id', u.id, 'username', u.username,
                                             'full_name', u.full_name)
                    FROM accounts_user u WHERE u.id = page.steward_id),
        'in_doubling_catalogue', page.in_doubling_catalogue,
        'joined_on', page.joined_on, 'version', page.version
    ) ORDER BY page.name, page.id), '[]'::json)::text
FROM page
"""


def baseline_page(host: str) -> bytes:
    """The first page as DRF's paginated JSON (``count``, ``count_exact``, ``next``,
    ``previous``, ``results``), from one query."""
    limit = settings.LIST_COUNT_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, {"limit": PAGE_SIZE, "count_limit": limit})
        counted, results = cursor.fetchone()
    count = min(counted, limit)
    following = f"http://{host}/api/v1/partners/?page=2&page_size={PAGE_SIZE}"
    body = {
        "count": count,
        "count_exact": counted <= limit,
        "next": following if count > PAGE_SIZE else None,
        "previous": None,
        "results": orjson.Fragment(results),
    }
    return orjson.dumps(body)


def application(environ, start_response):
    if environ.get("PATH_INFO") != PATH:
        return django_application(environ, start_response)
    try:
        body = baseline_page(environ.get("HTTP_HOST", "localhost"))
    finally:
        connection.close_if_unusable_or_obsolete()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]
