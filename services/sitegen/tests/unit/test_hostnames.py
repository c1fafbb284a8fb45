import pytest

from sitegen.domain.hostnames import alternatives, normalise_hostname, subdomain_host, subdomain_slug
from webdpro_core.errors import ValidationProblem


def _code(exc: pytest.ExceptionInfo) -> str:
    return exc.value.code


@pytest.mark.parametrize("q", ["curam", " Curam ", "curam-fresh", "abc", "a1b2c3", "x" * 40])
def test_valid_slugs(q):
    assert subdomain_slug(q) == q.strip().lower()


@pytest.mark.parametrize(
    "q", ["ab", "x" * 41, "-curam", "curam-", "cu ram", "cu_ram", "curam.in", "", "cu--ram"]
)
def test_invalid_slugs(q):
    with pytest.raises(ValidationProblem) as exc:
        subdomain_slug(q)
    assert _code(exc) == "INVALID_SUBDOMAIN"


@pytest.mark.parametrize("q", ["www", "API", "admin", "shop", "webdpro", "localhost", "dashboard"])
def test_reserved_words(q):
    with pytest.raises(ValidationProblem) as exc:
        subdomain_slug(q, field="domain.name")
    assert _code(exc) == "SUBDOMAIN_RESERVED"
    assert exc.value.errors[0].field == "domain.name"


def test_subdomain_host():
    assert subdomain_host("curam", "localhost") == "curam.localhost"
    assert subdomain_host("curam", "WebdPro.in.") == "curam.webdpro.in"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("curamfresh.in", "curamfresh.in"),
        ("CuramFresh.CO.IN.", "curamfresh.co.in"),
        ("https://curam.store", "curam.store"),
        ("करम.भारत", "xn--11b4cf.xn--h2brj9c"),
    ],
)
def test_normalise_hostname(name, expected):
    assert normalise_hostname(name) == expected


@pytest.mark.parametrize(
    "name", ["curam", "-curam.in", "curam-.in", "cu ram.in", "curam.1n", "a" * 64 + ".in", ""]
)
def test_invalid_hostnames(name):
    with pytest.raises(ValidationProblem) as exc:
        normalise_hostname(name)
    assert _code(exc) == "INVALID_DOMAIN"


def test_alternatives_are_valid_distinct_slugs():
    alts = alternatives("curam", "Mumbai")
    assert alts[0] == "curam-mumbai"
    assert "curam-2" in alts
    assert len(alts) == len(set(alts))
    for a in alts:
        assert subdomain_slug(a) == a
    assert all(len(a) <= 40 for a in alternatives("x" * 40, "Navi Mumbai"))
