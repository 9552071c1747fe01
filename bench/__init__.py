"""The benchmarks: scripts run from the project's folder as modules (``python -m bench.load``,
through the Makefile's targets), never imported by the app."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(**environment: str) -> None:
    """Django for a benchmark run as a script: the project's settings with DEBUG off, a
    SECRET_KEY of its own, and ``environment``'s defaults; nothing where Django is already set
    up (the smoke tests import the scripts)."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    defaults = {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "benchmark-only"}
    for name, value in {**defaults, **environment}.items():
        os.environ.setdefault(name, value)
    os.environ["DEBUG"] = "0"
    django.setup()
