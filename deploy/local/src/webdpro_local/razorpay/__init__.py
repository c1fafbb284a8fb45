"""A local Razorpay: a real HTTP server speaking Razorpay's REST contract, so that the payments service's client
(httpx, or the official SDK with `razorpay.Client(auth=(key_id, key_secret), base_url=URL)`) cannot tell it from
`https://api.razorpay.com`. State lives in memory; one process, one event loop.

Entry: `python -m webdpro_local.razorpay` (granian, ASGI, 1 worker). `make run` starts it (local platform).

Environment (all optional)
  WEBDPRO_RAZORPAY_PORT=4578, WEBDPRO_RAZORPAY_HOST=127.0.0.1
  WEBDPRO_RAZORPAY_KEY_ID=rzp_test_webdpro, WEBDPRO_RAZORPAY_KEY_SECRET=webdpro_local_secret   (HTTP Basic)
  WEBDPRO_RAZORPAY_WEBHOOK_URL=<comma list, none by default>, WEBDPRO_RAZORPAY_WEBHOOK_SECRET=webdpro_webhook_secret
  WEBDPRO_RAZORPAY_WEBHOOK_TIMEOUT=5 (seconds), WEBDPRO_RAZORPAY_WEBHOOK_RETRY_DELAYS=0.2,0.5,1,2,4 (→ 6 tries)
  WEBDPRO_RAZORPAY_AUTO_CAPTURE=true (checkout payments captured at once; an order's `payment_capture` overrides)
  WEBDPRO_RAZORPAY_PUBLIC_URL (default: the Host the browser used) — origin named in checkout.js and short_url
  WEBDPRO_RAZORPAY_ACCOUNT_ID (default derived from the key id) — the merchant's `acc_…` in every event
  WEBDPRO_RAZORPAY_SUBSCRIPTION_RETRIES=3, WEBDPRO_RAZORPAY_SUBSCRIPTION_RETRY_SECONDS=86400 (emulator clock)

Razorpay API (Basic auth; errors are Razorpay's `{"error":{code, description, source, step, reason, metadata,
field?}}` with 400 for bad input and unknown ids, 401 for credentials, 5xx for faults)
  POST /v1/orders {amount ≥ 100, currency INR, receipt ≤ 40, notes ≤ 15, partial_payment, payment_capture,
       transfers[]}  · GET /v1/orders?receipt=&count=&skip=&from=&to= · GET /v1/orders/{id} ·
       GET /v1/orders/{id}/payments                                                 created → attempted → paid
  GET /v1/payments[/{id}] · POST /v1/payments/{id}/capture {amount, currency}
  POST /v1/payments/{id}/refund {amount, speed, notes, receipt, reverse_all} + X-Refund-Idempotency ·
       GET /v1/refunds[/{id}] · GET /v1/payments/{id}/refunds[/{refund_id}]
  POST /v2/accounts (type route) · GET /v2/accounts/{id}
  POST /v1/payments/{id}/transfers {transfers:[{account, amount, currency, notes, linked_account_notes,
       on_hold, on_hold_until}]} · GET /v1/payments/{id}/transfers · POST /v1/transfers + X-Transfer-Idempotency ·
       GET /v1/transfers[?recipient_settlement_id=] · GET|PATCH /v1/transfers/{id} {on_hold, on_hold_until} ·
       POST|GET /v1/transfers/{id}/reversals {amount, notes}
  GET /v1/settlements (header X-Razorpay-Account: acc_… → that linked account's) · GET /v1/settlements/{id}
  POST|GET /v1/plans[/{id}] · POST|GET /v1/subscriptions[/{id}] · POST /v1/subscriptions/{id}/cancel

Browser (no auth, CORS open): GET /v1/checkout.js (see checkout.py) · GET /checkout/{order_id}?key=&name=&
  callback_url= (hosted test page) · POST /checkout/{order_id}/pay {method: upi|card|netbanking|wallet,
  outcome: success|failure, vpa?, email?, contact?, notes?, error_reason?} → 200 {razorpay_payment_id,
  razorpay_order_id, razorpay_signature} or 400 {"error":{…, "metadata":{payment_id, order_id}}} ·
  GET /subscriptions/{id} (the short_url page) · POST /checkout/subscriptions/{id}/pay → {razorpay_payment_id,
  razorpay_subscription_id, razorpay_signature}. Signatures: hex HMAC-SHA256 with the key secret of
  `order_id|payment_id` (orders) and `payment_id|subscription_id` (subscriptions).

Webhooks (see webhooks.py): payment.authorized, payment.captured, payment.failed, order.paid, refund.created,
  refund.processed, refund.failed, transfer.processed, transfer.failed, settlement.processed, subscription.authenticated /
  activated / charged / pending / halted / cancelled / completed.

Control API (no auth)
  GET  /_emulator/health                         {ok, key_id, account_id, now}
  POST /_emulator/reset                          empty every table, the webhook log and the faults; clock back
  POST /_emulator/faults | GET | DELETE          see faults.py (next_n_requests/status/delay_ms/paths/process;
                                                 webhooks duplicate/reorder/drop; refunds;
                                                 transfers; subscription_charges)
  POST /_emulator/webhooks {url, secret?, add?, retry_delays?, timeout?} | GET | DELETE   delivery targets
  GET  /_emulator/webhooks/log[?event=]          {items:[{seq, event_id, event, url, copy, state, attempts:[{at,
                                                 status, error, response, elapsed_ms}], body, payload,
                                                 signature}], idle}
  POST /_emulator/settlements/run                settle released transfers per linked account → settlement.processed
  POST /_emulator/subscriptions/{id}/authenticate {method?, outcome?}
  POST /_emulator/clock/advance {"seconds": n}   renewals fall due, holds expire, pending refunds settle
  GET  /_emulator/clock · GET /_emulator/state   (every table, for debugging)

Tests: `with running_razorpay(webhook_url=…) as rzp:` starts one on a free port and yields a RazorpayControl
(`.url`, `.pay()`, `.authenticate()`, `.set_webhook()`, `.fault()`, `.webhook_faults()`, `.webhook_log()`,
`.wait_webhooks()`, `.advance()`, `.run_settlements()`, `.reset()`, `.sdk()`).
"""

from __future__ import annotations

from webdpro_local.razorpay.config import (
    DEFAULT_KEY_ID,
    DEFAULT_KEY_SECRET,
    DEFAULT_PORT,
    DEFAULT_WEBHOOK_SECRET,
)
from webdpro_local.razorpay.control import RazorpayControl, platform_env, running_razorpay

__all__ = [
    "DEFAULT_KEY_ID",
    "DEFAULT_KEY_SECRET",
    "DEFAULT_PORT",
    "DEFAULT_WEBHOOK_SECRET",
    "RazorpayControl",
    "platform_env",
    "running_razorpay",
]
