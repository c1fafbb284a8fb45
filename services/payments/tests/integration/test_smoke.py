import pytest

pytestmark = pytest.mark.integration


async def test_checkout_pay_verify(world, rzp, events, payments):
    tenant, merchant = world.merchant()
    phone, customer = world.customer()
    order_id, answer = await world.checkout(tenant, 11_550, phone=phone)
    assert answer["keyId"] == "rzp_test_webdpro" and answer["amountPaise"] == 11_550, answer
    paid = rzp.pay(answer["razorpayOrderId"])
    r = await world.post(
        "/verify",
        {
            "orderId": order_id,
            "razorpayPaymentId": paid["razorpay_payment_id"],
            "razorpayOrderId": paid["razorpay_order_id"],
            "razorpaySignature": paid["razorpay_signature"],
        },
        customer,
    )
    assert r.status_code == 200, r.text + payments.tail()
    captured = await events.wait("payment.captured", "order_id", order_id)
    assert captured.data["amount_paise"] == 11_550
    await events.settle(2)
    assert len(events.of("order_id", order_id, "payment.captured")) == 1, payments.tail()
    bal = await world.get("/balance", merchant)
    assert bal.status_code == 200, bal.text
    print(bal.json())
