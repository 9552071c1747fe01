"""Importing the partner list: one row per enterprise with its primary contact person.

A row updates the partner with the same unified social credit code, or, when the row has no
code, the partner with exactly the same name (noted in the preview). Empty cells leave existing
values alone. A row that changes nothing is reported unchanged and writes nothing, so importing
the same file twice changes nothing the second time.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import is_staff_member
from chains.models import Industry
from core.audit import bulk_record_history
from core.imports import columns as cells
from core.imports.base import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Counts,
    Importer,
    Outcome,
    choice_labels,
    choice_value,
    register,
    unknown_name_message,
)
from core.imports.columns import Column
from core.imports.services import import_reason
from core.searchable import fill_search_keys
from partners.importers.references import UserReferences, chunks
from partners.models import ContactPerson, OrganisationType, Partner
from partners.services.organisations import partner_contacts_key_refresh
from partners.uscc import check_digit_error, normalize_uscc, validate_uscc_format
from partners.validators import validate_phone

PARTNER_FIELDS = (
    "name",
    "short_name",
    "organisation_type",
    "address",
    "registered_capital",
    "established_on",
    "joined_on",
    "in_doubling_catalogue",
    "steward_id",
)
CONTACT_FIELDS = ("title", "phone", "email")


@dataclass
class Lookups:
    by_uscc: dict[str, Partner] = field(default_factory=dict)
    by_name: dict[str, list[Partner]] = field(default_factory=dict)
    industries: dict[str, int] = field(default_factory=dict)
    users: UserReferences | None = None
    contacts: dict[tuple[int, str], ContactPerson] = field(default_factory=dict)
    industry_ids: dict[int, set[int]] = field(default_factory=dict)
    with_primary: set[int] = field(default_factory=set)


@register
class PartnerImporter(Importer):
    kind = "partners"
    label = gettext_lazy("Partners")
    permission = "partners.add_partner"
    key_columns = ("match_key",)
    columns = [
        Column(
            "name",
            gettext_lazy("Company name"),
            ("企业名称", "单位名称", "名称", "企业全称", "公司名称"),
            required=True,
            help=gettext_lazy("The registered full name."),
        ),
        Column(
            "uscc",
            gettext_lazy("Unified social credit code"),
            ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "USCC"),
            help=gettext_lazy(
                "18 characters. Needed to add a new partner; rows without it update the "
                "partner of the same name."
            ),
        ),
        Column("short_name", gettext_lazy("Short name"), ("企业简称", "简称")),
        Column(
            "organisation_type",
            gettext_lazy("Organisation type"),
            ("企业类型", "单位性质", "企业性质", "单位类型"),
            help=gettext_lazy("Needed for a new partner: one of the types listed in the system."),
        ),
        Column(
            "industries",
            gettext_lazy("Industries"),
            ("所属行业", "行业", "行业领域", "产业领域"),
            help=gettext_lazy("Industry names separated by 、 or commas."),
        ),
        Column("address", gettext_lazy("Address"), ("地址", "注册地址", "办公地址", "企业地址")),
        Column(
            "registered_capital",
            gettext_lazy("Registered capital (10,000 yuan)"),
            ("注册资本（万元）", "注册资本(万元)", "注册资本"),
        ),
        Column("established_on", gettext_lazy("Established on"), ("成立日期", "成立时间")),
        Column(
            "joined_on",
            gettext_lazy("Joined the partner plan on"),
            ("加入日期", "加入时间", "入选时间", "入库时间"),
            help=gettext_lazy("A date such as 2024-03-29; needed for a new partner."),
        ),
        Column(
            "in_doubling_catalogue",
            gettext_lazy("Doubling-plan catalogue"),
            ("倍增目录企业", "倍增目录", "是否倍增目录企业"),
            help=gettext_lazy("是 or 否."),
        ),
        Column(
            "steward",
            gettext_lazy("Steward"),
            ("服务专员", "服务管家", "联系干部", "专员"),
            help=gettext_lazy("The staff member's user name or full name."),
        ),
        Column("contact_name", gettext_lazy("Contact person"), ("联系人", "联系人姓名")),
        Column("contact_title", gettext_lazy("Contact's title"), ("联系人职务", "职务")),
        Column(
            "contact_phone",
            gettext_lazy("Contact's phone"),
            ("联系电话", "联系方式", "手机", "电话", "手机号"),
        ),
        Column("contact_email", gettext_lazy("Contact's e-mail"), ("电子邮箱", "邮箱", "Email")),
    ]

    def prepare(self, rows: list[dict]) -> Lookups:
        lookups = Lookups()
        codes = sorted({normalize_uscc(cells.text(r.get("uscc"))) for r in rows} - {""})
        names = sorted({cells.text(r.get("name")) for r in rows} - {""})
        for chunk in chunks(codes):
            for partner in Partner.objects.filter(uscc__in=chunk):
                lookups.by_uscc[partner.uscc] = partner
        for chunk in chunks(names):
            for partner in Partner.objects.filter(name__in=chunk):
                lookups.by_name.setdefault(partner.name, []).append(partner)
        lookups.industries = dict(Industry.objects.values_list("name", "pk"))
        lookups.users = UserReferences()
        self._prepare_related(lookups)
        return lookups

    def _prepare_related(self, lookups: Lookups) -> None:
        known = {p.pk for p in lookups.by_uscc.values()}
        known |= {p.pk for group in lookups.by_name.values() for p in group}
        through = Partner.industries.through.objects
        contacts = ContactPerson.objects
        for chunk in chunks(sorted(known)):
            for partner_id, industry_id in through.filter(partner_id__in=chunk).values_list(
                "partner_id", "industry_id"
            ):
                lookups.industry_ids.setdefault(partner_id, set()).add(industry_id)
            for contact in contacts.filter(partner_id__in=chunk):
                lookups.contacts[(contact.partner_id, contact.name)] = contact
                if contact.is_primary:
                    lookups.with_primary.add(contact.partner_id)

    def check_row(self, outcome: Outcome, row: dict, lookups: Lookups) -> None:
        values = self._values(outcome, row, lookups)
        outcome.values = values
        target = self._match(outcome, values, lookups)
        if target is None and outcome.action != "reject":
            self._require_for_new(outcome, values)
        outcome.target = target
        if outcome.action == "reject":
            return
        if target is None:
            values["contact"] = self._contact_changes(None, values, lookups)
        if target is not None:
            changed = self._changes(target, values, lookups)
            outcome.action = UPDATE if changed else UNCHANGED
            outcome.values["changes"] = changed

    def _values(self, outcome: Outcome, row: dict, lookups: Lookups) -> dict:
        parse = self.parse
        values = {
            "name": parse(outcome, row, "name", cells.text, max_length=128),
            "short_name": parse(outcome, row, "short_name", cells.text, max_length=32),
            "address": parse(outcome, row, "address", cells.text),
            "registered_capital": parse(outcome, row, "registered_capital", cells.amount),
            "established_on": parse(outcome, row, "established_on", cells.date),
            "joined_on": parse(outcome, row, "joined_on", cells.date),
            "contact_name": parse(outcome, row, "contact_name", cells.text, max_length=32),
            "contact_title": parse(outcome, row, "contact_title", cells.text, max_length=64),
        }
        if cells.text(row.get("in_doubling_catalogue")):
            values["in_doubling_catalogue"] = parse(
                outcome, row, "in_doubling_catalogue", cells.yes_no
            )
        values["uscc"] = self._uscc(outcome, row)
        values["organisation_type"] = self._organisation_type(outcome, row)
        values["industry_ids"] = self._industries(outcome, row, lookups)
        values["steward_id"] = lookups.users.resolve(self, outcome, row, "steward")
        values["contact_phone"] = self._phone(outcome, row)
        values["contact_email"] = self._email(outcome, row)
        values["match_key"] = values["uscc"] or values["name"]
        return values

    def _uscc(self, outcome: Outcome, row: dict) -> str:
        code = normalize_uscc(cells.text(row.get("uscc")))
        if not code:
            return ""
        try:
            validate_uscc_format(code)
        except ValidationError as error:
            outcome.reject(self.column("uscc"), " ".join(error.messages))
            return ""
        mistake = check_digit_error(code)
        if mistake is not None:
            outcome.reject(self.column("uscc"), " ".join(mistake.messages))
            return ""
        return code

    def _organisation_type(self, outcome: Outcome, row: dict) -> str:
        raw = cells.text(row.get("organisation_type"))
        value = choice_value(raw, OrganisationType) if raw else ""
        if value is None:
            outcome.reject(
                self.column("organisation_type"),
                unknown_name_message(_("organisation type"), raw, choice_labels(OrganisationType)),
            )
        return value or ""

    def _industries(self, outcome: Outcome, row: dict, lookups: Lookups) -> list[int]:
        ids = []
        for name in cells.split_names(row.get("industries"), lookups.industries):
            if name in lookups.industries:
                ids.append(lookups.industries[name])
            else:
                outcome.reject(
                    self.column("industries"),
                    unknown_name_message(_("industry"), name, lookups.industries),
                )
        return ids

    def _phone(self, outcome: Outcome, row: dict) -> str:
        raw = cells.text(row.get("contact_phone"), max_length=32)
        if raw:
            try:
                validate_phone(raw)
            except ValidationError as error:
                outcome.reject(self.column("contact_phone"), " ".join(error.messages))
        return raw

    def _email(self, outcome: Outcome, row: dict) -> str:
        raw = cells.text(row.get("contact_email"), max_length=254)
        if raw:
            try:
                validate_email(raw)
            except ValidationError:
                outcome.reject(
                    self.column("contact_email"),
                    _("“%(value)s” is not an e-mail address.") % {"value": raw},
                )
        return raw

    def _match(self, outcome: Outcome, values: dict, lookups: Lookups) -> Partner | None:
        code, name = values["uscc"], values["name"]
        if code:
            target = lookups.by_uscc.get(code)
            namesakes = [p for p in lookups.by_name.get(name, []) if p.uscc != code]
            if target is None and namesakes:
                outcome.reject(
                    self.column("uscc"),
                    _(
                        "A partner of this name already exists with the code %(code)s; "
                        "check the code."
                    )
                    % {"code": namesakes[0].uscc},
                )
            return target
        if outcome.action == "reject" or not name:
            return None
        namesakes = lookups.by_name.get(name, [])
        if len(namesakes) == 1:
            outcome.notes.append(_("No code given: matched to the partner of the same name."))
            return namesakes[0]
        outcome.reject(
            self.column("uscc"),
            _("Several partners have this name: give the code.")
            if namesakes
            else _("A new partner needs its unified social credit code."),
        )
        return None

    def _require_for_new(self, outcome: Outcome, values: dict) -> None:
        for key in ("organisation_type", "joined_on"):
            if not values.get(key):
                outcome.reject(self.column(key), _("Needed to add a new partner."))

    def _changes(self, partner: Partner, values: dict, lookups: Lookups) -> dict:
        """The fields the row would change: empty cells change nothing."""
        changes = {
            name: values[name]
            for name in PARTNER_FIELDS
            if values.get(name) not in (None, "") and getattr(partner, name) != values[name]
        }
        current = lookups.industry_ids.get(partner.pk, set())
        if values["industry_ids"] and set(values["industry_ids"]) != current:
            changes["industry_ids"] = values["industry_ids"]
        contact = self._contact_changes(partner, values, lookups)
        if contact:
            changes["contact"] = contact
        return changes

    def _contact_changes(self, partner: Partner | None, values: dict, lookups: Lookups) -> dict:
        """What the row does to its partner's contact person, found among the contacts looked up
        in ``prepare``: nothing, a new contact (primary if the partner has none yet), or the
        changed fields of the contact of that name."""
        name = values.get("contact_name")
        if not name:
            return {}
        given = {f: values[f"contact_{f}"] for f in CONTACT_FIELDS if values.get(f"contact_{f}")}
        existing = lookups.contacts.get((partner.pk, name)) if partner else None
        if existing is None:
            primary = partner is None or partner.pk not in lookups.with_primary
            return {"existing": None, "name": name, "fields": given, "primary": primary}
        changed = {f: v for f, v in given.items() if getattr(existing, f) != v}
        return {"existing": existing, "fields": changed} if changed else {}

    def write(self, outcomes: list[Outcome], batch) -> Counts:
        writer = PartnerWriter(self.actor, batch)
        for outcome in outcomes:
            if outcome.action == CREATE:
                writer.add(outcome.values)
            else:
                writer.change(outcome.target, outcome.values["changes"])
        return writer.save()


class PartnerWriter:
    """Collects the rows' writes and saves them in bulk, with their audit entries."""

    def __init__(self, actor, batch):
        self.actor = actor
        self.reason = import_reason(batch)
        self.now = timezone.now()
        self.new: list[tuple[Partner, dict]] = []
        self.changed: list[tuple[Partner, dict]] = []

    def add(self, values: dict) -> None:
        steward = values["steward_id"]
        if steward is None and is_staff_member(self.actor):
            steward = self.actor.pk
        partner = Partner(
            uscc=values["uscc"],
            **{f: values[f] for f in PARTNER_FIELDS if values.get(f) not in (None, "")},
        )
        partner.steward_id = steward
        self.new.append((partner, values))

    def change(self, partner: Partner, changes: dict) -> None:
        for name in PARTNER_FIELDS:
            if name in changes:
                setattr(partner, name, changes[name])
        self.changed.append((partner, changes))

    def save(self) -> Counts:
        created = [p for p, _v in self.new]
        fill_search_keys(created)
        for partner, values in self.new:
            # Its one contact's key, as ``partner_contacts_key_refresh`` would write it once
            # the contact is: writing 10,000 partners' rows a second time took 5 s.
            if values.get("contact"):
                contact = ContactPerson(name=values["contact"]["name"])
                partner.contacts_search_key = contact.compute_search_key()
        Partner.objects.bulk_create(created, batch_size=1000)
        updated = [p for p, c in self.changed if set(c) - {"contact"}]
        for partner in updated:
            partner.version += 1
            partner.updated_at = self.now
        fill_search_keys(updated)
        Partner.objects.bulk_update(
            updated, [*PARTNER_FIELDS, "search_key", "version", "updated_at"], batch_size=1000
        )
        self._save_industries()
        self._save_contacts()
        bulk_record_history(Partner, created, created=True, user=self.actor, reason=self.reason)
        bulk_record_history(Partner, updated, created=False, user=self.actor, reason=self.reason)
        return Counts(created=len(created), updated=len(self.changed))

    def _save_industries(self) -> None:
        through = Partner.industries.through
        replaced = [p.pk for p, c in self.changed if "industry_ids" in c]
        through.objects.filter(partner_id__in=replaced).delete()
        rows = [(p, v["industry_ids"]) for p, v in self.new]
        rows += [(p, c["industry_ids"]) for p, c in self.changed if "industry_ids" in c]
        through.objects.bulk_create(
            [through(partner_id=p.pk, industry_id=i) for p, ids in rows for i in ids],
            batch_size=2000,
        )

    def _save_contacts(self) -> None:
        plans = [(p, v["contact"]) for p, v in self.new if v.get("contact")]
        plans += [(p, c["contact"]) for p, c in self.changed if "contact" in c]
        new_contacts, changed_contacts = [], []
        for partner, plan in plans:
            contact = plan["existing"]
            if contact is None:
                contact = ContactPerson(
                    partner=partner, name=plan["name"], is_primary=plan["primary"], **plan["fields"]
                )
                new_contacts.append(contact)
            else:
                for key, value in plan["fields"].items():
                    setattr(contact, key, value)
                contact.version += 1
                changed_contacts.append(contact)
        fill_search_keys(new_contacts)
        ContactPerson.objects.bulk_create(new_contacts, batch_size=1000)
        ContactPerson.objects.bulk_update(
            changed_contacts, [*CONTACT_FIELDS, "version"], batch_size=1000
        )
        # A changed contact keeps its name (a row names it), a new partner holds its contact's
        # key already (``save``): only partners that were there and gain a contact change.
        created = {partner.pk for partner, _values in self.new}
        partner_contacts_key_refresh({c.partner_id for c in new_contacts} - created)
        kwargs = {"user": self.actor, "reason": self.reason}
        bulk_record_history(ContactPerson, new_contacts, created=True, **kwargs)
        bulk_record_history(ContactPerson, changed_contacts, created=False, **kwargs)
