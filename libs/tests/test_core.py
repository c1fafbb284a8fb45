import msgspec
import pytest

from webdpro_core import clock, money
from webdpro_core.errors import TooManyRequests, ValidationProblem
from webdpro_core.ids import new_id
from webdpro_core.settings import BaseSettings, load


def test_basis_points_round_half_up_in_integer_paise():
    assert money.basis_points_of(10_000, 250) == 250
    assert money.basis_points_of(199, 250) == 5  # 4.975 → 5
    assert money.basis_points_of(1, 4_999) == 0  # 0.4999 → 0
    assert money.basis_points_of(1, 5_000) == 1  # 0.5 → 1
    with pytest.raises(ValueError):
        money.basis_points_of(-1, 10)


def test_ids_are_prefixed_and_sortable():
    a, b = new_id("ord"), new_id("ord")
    assert a.startswith("ord_") and len(a) == 30
    assert a != b


def test_iso_timestamps_are_utc_with_z():
    stamp = clock.iso()
    assert stamp.endswith("Z")
    assert clock.parse_iso(stamp).tzinfo is not None


def test_settings_come_from_the_environment_with_types():
    class S(BaseSettings, frozen=True, kw_only=True):
        port: int = 1
        flag: bool = False

    s = load(
        S,
        {
            "WEBDPRO_PORT": "8101",
            "WEBDPRO_FLAG": "true",
            "AWS_ENDPOINT_URL": "http://x:1",
            "WEBDPRO_ENV": "prod",
        },
    )
    assert (s.port, s.flag, s.aws_endpoint_url, s.is_local) == (8101, True, "http://x:1", False)
    with pytest.raises(msgspec.ValidationError):
        load(S, {"WEBDPRO_PORT": "eighty"})


def test_problems_carry_code_field_and_headers():
    p = ValidationProblem("bad phone", code="INVALID_PHONE", field="destination").to_dict("/x")
    assert (
        p["status"] == 422
        and p["code"] == "INVALID_PHONE"
        and p["errors"] == [{"field": "destination", "message": "bad phone"}]
    )
    t = TooManyRequests("slow down", retry_after=12)
    assert t.status == 429 and t.headers["Retry-After"] == "12"


def test_problem_extension_members_never_replace_standard_ones():
    from webdpro_core.errors import Conflict

    p = Conflict(
        "curam.in is taken",
        code="DOMAIN_UNAVAILABLE",
        extra={"alternatives": ["curam.com"], "status": 200, "code": "X"},
    ).to_dict()
    assert p["alternatives"] == ["curam.com"]
    assert p["status"] == 409 and p["code"] == "DOMAIN_UNAVAILABLE"
    assert "alternatives" not in Conflict("plain").to_dict()
