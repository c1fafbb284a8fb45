import pytest

from orders.domain import idempotency as idem
from orders.domain.order import CheckoutCommand, Wanted
from webdpro_core.errors import Conflict, Problem


def _cmd(**over):
    base = {
        "items": (Wanted("prd_1", 2), Wanted("prd_2", 1, variant_id="v1")),
        "payment_method": "COD",
        "delivery_address": {"name": "Asha", "line1": "1 MG Road", "city": "Mumbai", "pincode": "400001"},
    }
    base.update(over)
    return CheckoutCommand(**base)


@pytest.mark.parametrize("key", [None, "", "   "])
def test_a_missing_key_is_400(key):
    with pytest.raises(Problem) as err:
        idem.check_key(key)
    assert err.value.status == 400 and err.value.code == "IDEMPOTENCY_KEY_REQUIRED"
    assert err.value.errors[0].field == "Idempotency-Key"


@pytest.mark.parametrize("key", ["has space", "x" * 256, "naïve"])
def test_a_malformed_key_is_400(key):
    with pytest.raises(Problem) as err:
        idem.check_key(key)
    assert err.value.code == "IDEMPOTENCY_KEY_INVALID"


def test_fingerprint_is_stable_and_sees_every_meaningful_difference():
    fp = idem.fingerprint("sto_1", _cmd())
    reordered = _cmd(
        delivery_address={"pincode": "400001", "city": "Mumbai", "line1": "1 MG Road", "name": "Asha"}
    )
    assert idem.fingerprint("sto_1", reordered) == fp
    assert idem.fingerprint("sto_2", _cmd()) != fp
    assert idem.fingerprint("sto_1", _cmd(payment_method="UPI")) != fp
    assert idem.fingerprint("sto_1", _cmd(items=(Wanted("prd_1", 3),))) != fp
    assert idem.fingerprint("sto_1", _cmd(items=None)) != fp


def _record(**over):
    base = {"state": idem.IN_PROGRESS, "fingerprint": "fp", "lease_until": 1_000, "owner": "req_1"}
    base.update(over)
    return base


def test_judge():
    assert idem.judge(_record(state=idem.COMPLETED), "fp", now=5_000) == idem.Verdict.REPLAY
    assert idem.judge(_record(), "fp", now=999) == idem.Verdict.WAIT
    assert idem.judge(_record(), "fp", now=1_000) == idem.Verdict.TAKE_OVER
    with pytest.raises(Conflict) as err:
        idem.judge(_record(state=idem.COMPLETED), "other", now=0)
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED" and err.value.status == 409


def test_still_running_is_409_with_retry_after():
    problem = idem.still_running()
    assert problem.status == 409 and problem.code == "REQUEST_IN_PROGRESS"
    assert problem.headers["Retry-After"] == "1"
