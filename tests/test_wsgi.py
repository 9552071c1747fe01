"""The served application (``config.wsgi``)."""

import gc

from pypinyin.constants import PHRASES_DICT


def test_the_loaded_app_is_kept_out_of_the_collectors_full_collections():
    """pypinyin's dictionaries, loaded with the app, are frozen: a full collection in a worker
    no longer walks their 200,000 lists (60-150 ms pauses at ten times district scale)."""
    import config.wsgi  # noqa: F401 - loading the application is what is tested

    readings = next(iter(PHRASES_DICT.values()))
    assert gc.is_tracked(readings)
    assert not any(tracked is readings for tracked in gc.get_objects())
