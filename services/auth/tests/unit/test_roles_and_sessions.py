import pytest

from auth.domain import sessions
from auth.domain.roles import check_role_for
from webdpro_core.errors import Forbidden, Unauthorized, ValidationProblem

ALLOW = frozenset({"founder@webdpro.in"})


def test_super_admin_only_by_allowlisted_email():
    check_role_for("SUPER_ADMIN", "email", "founder@webdpro.in", ALLOW)
    with pytest.raises(Forbidden):
        check_role_for("SUPER_ADMIN", "email", "raj@example.in", ALLOW)
    with pytest.raises(Forbidden):
        check_role_for("SUPER_ADMIN", "sms", "+919876543210", ALLOW)


def test_agents_and_customers_use_a_mobile_merchants_either():
    check_role_for("BUSINESS_OWNER", "sms", "+919876543210", ALLOW)
    check_role_for("BUSINESS_OWNER", "email", "raj@example.in", ALLOW)
    check_role_for("CUSTOMER", "sms", "+919876543210", ALLOW)
    for role in ("CUSTOMER", "DELIVERY_AGENT"):
        with pytest.raises(Forbidden):
            check_role_for(role, "email", "raj@example.in", ALLOW)


def test_unknown_role_is_a_validation_problem():
    with pytest.raises(ValidationProblem) as exc:
        check_role_for("ROOT", "sms", "+919876543210", ALLOW)
    assert exc.value.code == "INVALID_ROLE"


def test_refresh_tokens_rotate_within_their_family():
    first = sessions.new_family()
    second = sessions.rotate(first)
    assert second.family_id == first.family_id
    assert second.digest != first.digest
    assert sessions.parse(str(second)) == second


@pytest.mark.parametrize(
    "raw", ["", "nonsense", "rtf_x.short", "abc.defghijklmnopqrstuvwxyz", "rtf_" + "x" * 300]
)
def test_malformed_refresh_tokens_are_refused(raw):
    with pytest.raises(Unauthorized):
        sessions.parse(raw)
