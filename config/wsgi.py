"""The WSGI application, with the objects of the loaded app moved out of the collector's way.

Loading the app loads pypinyin's dictionaries (``core.search_text``): about 200,000 lists that
live as long as the process. Python's collector walks every tracked object at each full
collection, and a worker that serves lists of model instances runs one every few dozen
requests: at ten times district scale those pauses were 60-150 ms, the slowest twentieth of the
interaction list's requests (``docs/BENCHMARKS.md``, seventh round). ``gc.freeze()`` after
loading moves what exists now to a generation the collector no longer visits; garbage made
while loading is collected first, so nothing is kept that a collection would have freed.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from core.checks import require_secret_key  # noqa: E402 - needs the apps loaded above

require_secret_key()

gc.collect()
gc.freeze()
