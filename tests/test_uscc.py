"""GB 32100-2015 codes: real published ones pass, every kind of bad input is named."""

import pytest
from django.core.exceptions import ValidationError

from partners.uscc import check_character, normalize_uscc, validate_uscc

# Codes as published on the companies' own disclosures.
PUBLISHED_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000802100433B",  # 百度在线网络技术（北京）有限公司
    "91110000710934537G",  # 中国银河证券股份有限公司
]


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_are_valid(code):
    assert validate_uscc(code) == code


def test_lower_case_and_surrounding_spaces_are_normalised():
    assert validate_uscc("  9144030071526726xg \t") == "9144030071526726XG"
    assert normalize_uscc(" 91110108551385082q ") == "91110108551385082Q"


def test_check_character_is_computed_mod_31():
    assert check_character("91110108551385082") == "Q"
    assert check_character("91440300192203821") == "6"


def _error(value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_uscc(value, **kwargs)
    return info.value


@pytest.mark.parametrize("value", ["", "9144030019220382", "9144030019220382161"])
def test_wrong_length_says_how_many_characters(value):
    error = _error(value)
    assert error.code == "uscc_length"
    assert error.params == {"length": len(value)}


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        ("91440300I922038216", 9, "I"),  # I, O, S, V, Z are not in the alphabet
        ("9144030O1922038216", 8, "O"),
        ("91440300192203821S", 18, "S"),
        ("914403001922-38216", 13, "-"),
        ("91440300192203８216", 15, "８"),  # a full-width digit
    ],
)
def test_forbidden_character_is_named_with_its_position(value, position, char):
    error = _error(value)
    assert error.code == "uscc_character"
    assert error.params == {"position": position, "char": char}


def test_wrong_check_character_says_expected_and_given():
    error = _error("914403001922038217")
    assert error.code == "uscc_check_digit"
    assert error.params == {"expected": "6", "given": "7"}
    assert "6" in error.messages[0]
    assert "7" in error.messages[0]


def test_override_lets_only_the_check_character_through():
    assert validate_uscc("914403001922038217", allow_bad_check_digit=True) == "914403001922038217"
    assert _error("91440300I922038217", allow_bad_check_digit=True).code == "uscc_character"
