"""Importers of the partners app, registered by kind when the app is ready."""

from partners.importers import interactions, partners

__all__ = ["interactions", "partners"]
