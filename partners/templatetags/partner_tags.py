"""Template filters of the partner pages."""

from django import template

from partners.validators import mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    """138****1234, as the API shows a phone number to those who may not see it whole."""
    return mask_phone(value)
