"""Importers of the partners app, registered by kind when the app is ready."""

from partners.importers import doubling, interactions, partners

__all__ = ["doubling", "interactions", "partners"]
