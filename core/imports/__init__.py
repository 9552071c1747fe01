"""Importing spreadsheets: the shared machinery (reading files, finding headers, checking rows,
the batch record, preview and confirmation). Each app registers the importers of its own data
in its ``importers.py``."""
