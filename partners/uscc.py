"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet; the 18th is a check character computed over the
first 17 with fixed weights, modulo 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
FORMAT_REGEX = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


def normalize_uscc(value: str) -> str:
    """Upper-case and strip surrounding white space; nothing else is forgiven."""
    return (value or "").strip().upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc_format(value: str) -> None:
    """Length and alphabet; raises ValidationError naming what is wrong."""
    code = normalize_uscc(value)
    if len(code) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="uscc_length",
            params={"length": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed in a unified social "
                    "credit code: only digits and the letters ABCDEFGHJKLMNPQRTUWXY are."
                ),
                code="uscc_character",
                params={"position": position, "char": char},
            )


def check_digit_error(value: str) -> ValidationError | None:
    """The error for a wrong check character of a well-formed code, or None if it is right."""
    code = normalize_uscc(value)
    expected = check_character(code[:17])
    if code[17] == expected:
        return None
    return ValidationError(
        _("The check character is wrong: expected “%(expected)s”, got “%(given)s”."),
        code="uscc_check_digit",
        params={"expected": expected, "given": code[17]},
    )


def validate_uscc(value: str, *, allow_bad_check_digit: bool = False) -> str:
    """Validate and return the normalised code.

    ``allow_bad_check_digit`` lets through a code whose only fault is the check character
    (some real pilot-era codes); the caller must be entitled to that override and record it.
    """
    validate_uscc_format(value)
    error = check_digit_error(value)
    if error is not None and not allow_bad_check_digit:
        raise error
    return normalize_uscc(value)


def with_check_character(first17: str) -> str:
    """Complete 17 characters into a valid code (used to generate synthetic demo codes)."""
    return first17 + check_character(first17)
