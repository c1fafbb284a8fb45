import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from webdpro_core.errors import Unauthorized
from webdpro_tenancy import KeySet, TokenVerifier

ISS = "https://auth.test"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signing():
    key = _key()
    keyset = KeySet()
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    keyset.load({"keys": [{**jwk, "kid": "k1"}]})
    return key, keyset


def _claims(**over):
    now = int(time.time())
    base = {
        "iss": ISS,
        "sub": "usr_1",
        "iat": now,
        "exp": now + 900,
        "token_use": "access",
        "cognito:groups": ["BUSINESS_OWNER"],
        "custom:tenant_id": "tnt_1",
        "phone_number": "+919876543210",
    }
    base.update(over)
    return base


async def test_a_valid_token_gives_the_caller(signing):
    key, keyset = signing
    token = jwt.encode(_claims(), key, algorithm="RS256", headers={"kid": "k1"})
    caller = await TokenVerifier(issuer=ISS, keys=keyset).verify(token)
    assert caller.sub == "usr_1" and caller.tenant_id == "tnt_1" and caller.has("BUSINESS_OWNER")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (
            lambda k: jwt.encode(
                _claims(exp=int(time.time()) - 60), k, algorithm="RS256", headers={"kid": "k1"}
            ),
            "TOKEN_EXPIRED",
        ),
        (lambda k: jwt.encode(_claims(), _key(), algorithm="RS256", headers={"kid": "k1"}), "TOKEN_INVALID"),
        (lambda k: jwt.encode(_claims(), k, algorithm="RS256", headers={"kid": "other"}), "TOKEN_INVALID"),
        (
            lambda k: jwt.encode(_claims(iss="https://evil"), k, algorithm="RS256", headers={"kid": "k1"}),
            "TOKEN_INVALID",
        ),
        (
            lambda k: jwt.encode(_claims(token_use="refresh"), k, algorithm="RS256", headers={"kid": "k1"}),
            "TOKEN_INVALID",
        ),
        (
            lambda k: jwt.encode(
                _claims(), "secret-secret-secret-secret-32b!", algorithm="HS256", headers={"kid": "k1"}
            ),
            "TOKEN_INVALID",
        ),
        (lambda k: "not.a.jwt", "TOKEN_INVALID"),
    ],
    ids=["expired", "forged-signature", "unknown-kid", "wrong-issuer", "not-access", "hs256", "garbage"],
)
async def test_bad_tokens_are_refused_with_a_stable_code(signing, make, code):
    key, keyset = signing
    with pytest.raises(Unauthorized) as exc:
        await TokenVerifier(issuer=ISS, keys=keyset).verify(make(key))
    assert exc.value.code == code


async def test_alg_none_is_refused(signing):
    _, keyset = signing
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "k1"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).rstrip(b"=")
    with pytest.raises(Unauthorized):
        await TokenVerifier(issuer=ISS, keys=keyset).verify(f"{header.decode()}.{body.decode()}.")


def test_service_tokens_verify_only_with_the_same_key_and_until_expiry():
    from webdpro_tenancy import ServiceTokens

    orders = ServiceTokens(b"k" * 32, "orders")
    catalog = ServiceTokens(b"k" * 32, "catalog")
    assert catalog.verify(orders.issue()) == "orders"
    with pytest.raises(Unauthorized):
        ServiceTokens(b"x" * 32, "catalog").verify(orders.issue())
    with pytest.raises(Unauthorized) as exc:
        catalog.verify(orders.issue(ttl_seconds=-1))
    assert exc.value.code == "SERVICE_TOKEN_EXPIRED"
    forged = orders.issue().replace("orders", "admin")
    with pytest.raises(Unauthorized):
        catalog.verify(forged)


def test_the_outgoing_header_reuses_one_valid_token():
    from webdpro_tenancy import ServiceTokens

    orders = ServiceTokens(b"k" * 32, "orders")
    first = orders.header()
    assert orders.header() is first
    token = first["authorization"].removeprefix("Bearer ")
    assert ServiceTokens(b"k" * 32, "catalog").verify(token) == "orders"
