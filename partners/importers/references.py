"""Finding the partner a row of another list names: by its code when the row gives one, else by
its exact name; an unknown name gets the closest registered names as a suggestion."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from core.exports import chunks
from core.imports import columns as cells
from core.imports.base import Importer, Outcome, closest
from partners.models import Partner
from partners.uscc import normalize_uscc

CHUNK = 5000  # values per IN (...) list: SQLite allows 32,766 parameters a statement


class PartnerReferences:
    """Looked up once for all rows: a constant number of queries whatever the file's size."""

    def __init__(self, rows: list[dict], *, name_key: str = "partner", code_key: str = "uscc"):
        self.name_key, self.code_key = name_key, code_key
        codes = sorted({normalize_uscc(cells.text(r.get(code_key))) for r in rows} - {""})
        names = sorted({cells.text(r.get(name_key)) for r in rows} - {""})
        self.by_code: dict[str, Partner] = {}
        self.by_name: dict[str, list[Partner]] = {}
        for chunk in chunks(codes, CHUNK):
            self.by_code.update({p.uscc: p for p in Partner.objects.filter(uscc__in=chunk)})
        for chunk in chunks(names, CHUNK):
            for partner in Partner.objects.filter(name__in=chunk):
                self.by_name.setdefault(partner.name, []).append(partner)
        self.similar = self._similar([n for n in names if n not in self.by_name])

    @staticmethod
    def _similar(unknown: list[str]) -> list[str]:
        """Registered names starting like the unknown ones, for “did you mean”."""
        if not unknown:
            return []
        starts = Q()
        for prefix in {name[:2] for name in unknown}:
            starts |= Q(name__startswith=prefix)
        return list(Partner.objects.filter(starts).values_list("name", flat=True)[:5000])

    def resolve(self, importer: Importer, outcome: Outcome, row: dict) -> Partner | None:
        code = normalize_uscc(cells.text(row.get(self.code_key)))
        name = cells.text(row.get(self.name_key))
        if code:
            partner = self.by_code.get(code)
            if partner is None:
                outcome.reject(
                    importer.column(self.code_key),
                    _("No partner has the code %(code)s.") % {"code": code},
                )
            return partner
        matches = self.by_name.get(name, [])
        if len(matches) == 1:
            return matches[0]
        suggestion = ""
        if matches:
            message = _("Several partners are called “%(name)s”: give the code.")
        else:
            suggestion = closest(name, self.similar)
            message = (
                _("“%(name)s” is not a registered partner; did you mean “%(suggestion)s”?")
                if suggestion
                else _("“%(name)s” is not a registered partner.")
            )
        outcome.reject(
            importer.column(self.name_key),
            message % {"name": name, "suggestion": suggestion},
        )
        return None


class UserReferences:
    """Active users by user name or full name; a full name two people share is ambiguous."""

    def __init__(self):
        self.by_name: dict[str, list[int]] = {}
        self.by_pk = {user.pk: user for user in get_user_model().objects.filter(is_active=True)}
        for user in self.by_pk.values():
            for key in {user.username, user.full_name} - {""}:
                self.by_name.setdefault(key, []).append(user.pk)

    def resolve(self, importer: Importer, outcome: Outcome, row: dict, key: str) -> int | None:
        raw = cells.text(row.get(key))
        if not raw:
            return None
        matches = self.by_name.get(raw, [])
        if len(matches) == 1:
            return matches[0]
        message = (
            _("Several users are called “%(name)s”: write the user name.")
            if matches
            else _("No active user “%(name)s”.")
        )
        outcome.reject(importer.column(key), message % {"name": raw})
        return None
