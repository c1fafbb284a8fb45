"""A local Hostinger: a real HTTP server speaking the Hostinger public API (domains, billing catalog, WHOIS,
portfolio, nameservers, DNS zones), so the sitegen registrar client cannot tell it from
`https://developers.hostinger.com` — only the base URL differs. State lives in memory; one process, one loop.

Entry: `python -m webdpro_local.registrar` (granian, ASGI, 1 worker).

Environment (all optional)
  WEBDPRO_REGISTRAR_PORT=4579, WEBDPRO_REGISTRAR_HOST=127.0.0.1
  WEBDPRO_REGISTRAR_TOKEN=hostinger_local_token           (Authorization: Bearer <token>)
  WEBDPRO_REGISTRAR_AVAILABILITY_RATE_PER_MINUTE=10        (Hostinger's documented limit; 0 = off)
  WEBDPRO_REGISTRAR_RATE_PER_MINUTE=0                      (every other API request; 0 = off)
  WEBDPRO_REGISTRAR_TAKEN=<comma list>                     (extra taken names "acme" or domains "acme.in")

Hostinger API (Bearer token; JSON; prices in cents of the currency — paise, INR)
  POST /api/domains/v1/availability {domain, tlds[], with_alternatives}
       → [{domain, is_available, is_alternative, restriction}]; `with_alternatives` needs exactly one TLD.
       Rate-limited per token (fixed one-minute window): X-RateLimit-Limit/-Remaining on every answer,
       429 {"message":"Too Many Attempts."} with Retry-After and X-RateLimit-Reset when over.
  GET  /api/billing/v1/catalog?category=DOMAIN|VPS&name=.COM*   → [{id, name, category, prices:[{id, name,
       currency, price, first_period_price, period, period_unit}]}]; price ids `hostingercom-domain-in-inr-1y`
       (1, 2, 3 years) for .in .com .co.in .store .net .org .online .shop
  GET  /api/billing/v1/payment-methods                    one default card (id 1327362)
  GET  /api/domains/v1/whois[?tld=] · POST /api/domains/v1/whois {tld, country, entity_type, whois_details,
       tld_details?} (first_name, last_name, email, phone "+91.9876543210", address, city, zip; state for IN;
       company_name for organizations) · GET|DELETE /api/domains/v1/whois/{id} · GET …/whois/{id}/usage
  POST /api/domains/v1/portfolio {domain, item_id, payment_method_id?, domain_contacts?:{owner_id, admin_id,
       billing_id, tech_id}} → order {id, subscription_id, status:"completed", currency, subtotal, total (18% GST),
       billing_address, created_at, updated_at}; a missing role takes the TLD's first WHOIS profile.
       422 when the domain is taken or already in the portfolio ("Domain x is already registered.").
  GET  /api/domains/v1/portfolio → [{id, domain, type, status, created_at, expires_at}]
  GET  /api/domains/v1/portfolio/{domain} → {domain, status, name_servers, domain_contacts, …}; 404 if not ours
  PUT  /api/domains/v1/portfolio/{domain}/nameservers {ns1, ns2, ns3?, ns4?} → {"message":"Request accepted"}
  GET|PUT|DELETE /api/dns/v1/zones/{domain} · POST /api/dns/v1/zones/{domain}/validate
       records [{name, records:[{content, is_disabled}], ttl, type}]; PUT {overwrite=true, zone:[…]}
  Errors: {"message", "correlation_id", "errors"?: {field: [..]}} — 401 "Unauthenticated", 404, 405, 422
  (Laravel's messages), 429, 5xx (faults).

Taken (deterministic): well-known names (google, amazon, flipkart, myntra, swiggy, zomato, paytm, tata, example,
  test, shop, store, webdpro, … — see catalog.TAKEN_NAMES) in every TLD, any label starting `taken-` or ending
  `-taken`, WEBDPRO_REGISTRAR_TAKEN, names added at runtime, and every domain already in the portfolio.
  Everything else is available. Alternatives: the name under other TLDs, then `<name>online`, `<name>store`,
  `get<name>`, `<name>india`, `the<name>` in the asked TLD — the available ones only.

Control API (no auth)
  GET  /_emulator/health                        {ok, availability_rate_per_minute, rate_per_minute}
  POST /_emulator/reset                         empty portfolio, WHOIS, orders, zones, faults, log, rate windows
  POST /_emulator/faults | GET | DELETE         {next_n_requests, status, delay_ms, paths, methods, process, body,
                                                skip}
                                                (see faults.py)
  GET  /_emulator/log[?path=&method=]           {items:[{seq, at, method, path, query, status, processed,
                                                fault, correlation_id, body, elapsed_ms}]}
  GET  /_emulator/state                         portfolio, orders, whois, zones, taken
  POST /_emulator/config {availability_rate_per_minute?, rate_per_minute?, token?} | GET
  POST /_emulator/taken {"domains": [..]} | GET | DELETE

Tests: `with running_registrar(availability_rate_per_minute=5) as reg:` starts one on a free port and yields a
RegistrarControl (`.url`, `.token`, `.api()`, `.fault()`, `.clear_faults()`, `.take()`, `.configure()`, `.log()`,
`.calls()`, `.state()`, `.orders()`, `.reset()`).
"""

from __future__ import annotations

from webdpro_local.registrar.config import DEFAULT_AVAILABILITY_RATE, DEFAULT_PORT, DEFAULT_TOKEN
from webdpro_local.registrar.control import RegistrarControl, platform_env, running_registrar

__all__ = [
    "DEFAULT_AVAILABILITY_RATE",
    "DEFAULT_PORT",
    "DEFAULT_TOKEN",
    "RegistrarControl",
    "platform_env",
    "running_registrar",
]
