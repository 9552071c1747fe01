"""Field validators for partner data that the database alone cannot express."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(?P<area>0\d{2,3}-?)?(?P<number>[2-9]\d{6,7})(?:-\d{1,6})?$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (13812345678, +8613812345678) or a landline with optional area
    code and extension (010-63812345, 63812345-802). Spaces are ignored."""
    compact = re.sub(r"\s", "", value or "")
    if MOBILE.match(compact) or LANDLINE.match(compact):
        return
    raise ValidationError(
        _(
            "“%(value)s” is not a valid phone number: use an 11-digit mobile number or a "
            "landline such as 010-63812345."
        ),
        code="phone_invalid",
        params={"value": value},
    )


def mask_phone(value: str) -> str:
    """138****1234 for a mobile number; a landline keeps its area code and last four digits."""
    compact = re.sub(r"\s", "", value or "")
    if not compact:
        return ""
    if MOBILE.match(compact):
        return f"{compact[-11:-8]}****{compact[-4:]}"
    landline = LANDLINE.match(compact)
    if landline:
        return f"{landline['area'] or ''}****{landline['number'][-4:]}"
    return "****"
