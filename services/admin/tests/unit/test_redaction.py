"""The audit summary keeps ids, amounts and closed-vocabulary fields, and nothing that identifies a person."""

from admin.domain.redaction import allowed, summarize, trace_id

PII_PAYLOAD = {
    "order_id": "ord_1",
    "store_id": "sto_1",
    "tenant_id": "tnt_1",
    "amount_paise": 45_000,
    "delivery_fee_paise": 3_000,
    "status": "CONFIRMED",
    "reason": "customer +919812345678 asked, mail raj@example.com",
    "kind": "COD_COLLECTED",
    "stage": "brief",
    "model_id": "amazon.nova-lite-v1:0",
    "input_tokens": 120,
    "output_tokens": 80,
    # personal data, in every shape the platform's events carry it
    "phone_number": "+919812345678",
    "customer_phone": "9812345678",
    "customer_phone_hash": "ab12cd",
    "email": "raj@example.com",
    "contact_email": "owner@curam.in",
    "delivery_address": {"line1": "12 MG Road", "city": "Mumbai", "pincode": "400050"},
    "address": "12 MG Road, Mumbai",
    "customer_name": "Priya Sharma",
    "name": "Priya Sharma",
    "contact_name": "Raj",
    "upi_id": "priya@okicici",
    "value": "+919812345678",
    "prompt": "A vegetable shop for Priya at 12 MG Road",
    "items": [{"product_id": "prd_1", "name": "Tomato"}],
    "timeline_entry": {"status": "CONFIRMED", "by": "+919812345678"},
}


def test_a_payload_full_of_pii_keeps_only_ids_amounts_and_closed_fields():
    out = summarize(PII_PAYLOAD)
    assert out == {
        "order_id": "ord_1",
        "store_id": "sto_1",
        "tenant_id": "tnt_1",
        "amount_paise": 45_000,
        "delivery_fee_paise": 3_000,
        "status": "CONFIRMED",
        "reason": "customer [redacted] asked, mail [redacted]",
        "kind": "COD_COLLECTED",
        "stage": "brief",
        "model_id": "amazon.nova-lite-v1:0",
        "input_tokens": 120,
        "output_tokens": 80,
    }
    text = repr(out)
    for secret in ("9812345678", "example.com", "MG Road", "Priya", "Raj", "okicici", "400050"):
        assert secret not in text


def test_the_allow_list_refuses_identity_keys_even_when_they_end_like_an_id():
    assert allowed("order_id") and allowed("refund_id") and allowed("platform_cut_paise")
    for key in ("upi_id", "phone_number", "email", "customer_email_id", "delivery_address", "name", "value"):
        assert not allowed(key), key


def test_long_free_text_is_cut():
    assert len(summarize({"reason": "x" * 1000})["reason"]) == 200


def test_nothing_and_non_dict_data_give_an_empty_summary():
    assert summarize(None) == {}
    assert summarize({}) == {}


def test_trace_id_is_the_32_hex_of_a_w3c_traceparent():
    assert (
        trace_id("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        == "4bf92f3577b34da6a3ce929d0e0e4736"
    )
    assert (
        trace_id("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")
        == "4bf92f3577b34da6a3ce929d0e0e4736"
    )
    assert trace_id(None) is None
    assert trace_id("") is None
    assert trace_id("garbage") is None
    assert trace_id("00-00000000000000000000000000000000-00f067aa0ba902b7-01") is None
    assert trace_id("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01") is None  # 31 hex
