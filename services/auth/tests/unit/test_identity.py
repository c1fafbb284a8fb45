import pytest

from auth.domain.identity import mask, normalize, normalize_email, normalize_phone
from webdpro_core.errors import ValidationProblem


@pytest.mark.parametrize(
    "raw",
    ["9876543210", "+91 98765 43210", "098765-43210", "919876543210", "0091 9876543210", "+91-98765-43210"],
)
def test_indian_mobiles_in_every_common_spelling_become_e164(raw):
    assert normalize_phone(raw) == "+919876543210"


def test_other_countries_keep_their_e164_number():
    assert normalize_phone("+14155550123") == "+14155550123"


@pytest.mark.parametrize(
    "raw", ["", "12345", "5876543210", "+91 12345 67890", "+0123456789", "abcdefghij", "+9198765432101"]
)
def test_malformed_phones_are_refused_with_a_code_and_field(raw):
    with pytest.raises(ValidationProblem) as exc:
        normalize_phone(raw)
    assert exc.value.code == "INVALID_PHONE"
    assert exc.value.errors[0].field == "destination"


def test_emails_are_validated_and_lowercased():
    assert normalize_email("Raj.Kumar@Example.IN") == "raj.kumar@example.in"
    for bad in ["raj", "raj@", "@x.in", "raj@x", "a b@x.in", "x" * 65 + "@x.in"]:
        with pytest.raises(ValidationProblem):
            normalize_email(bad)


def test_channel_is_inferred_and_checked():
    assert normalize("raj@example.in") == ("email", "raj@example.in")
    assert normalize("9876543210") == ("sms", "+919876543210")
    with pytest.raises(ValidationProblem):
        normalize("raj@example.in", "sms")


def test_masking_hides_the_middle():
    assert mask("+919876543210") == "+91******3210"
    assert mask("raj@example.in") == "r***@example.in"
