"""Estimated AI cost from summed usage and a price table (USD list prices, converted to paise).

The table is a setting: "prefix=input_per_1k:output_per_1k:per_image;…" (USD). The longest matching prefix of
the model id wins (after dropping an inference-profile prefix such as "us." or "apac."); "offline" and
"safety" (sitegen's own generator and screen) cost nothing; unknown models are priced by `default`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Price:
    input_per_1k: float = 0.0
    output_per_1k: float = 0.0
    per_image: float = 0.0


_PROFILE = re.compile(r"^(?:us|eu|apac|jp|au|ca|us-gov|global)\.")


def parse_prices(spec: str) -> dict[str, Price]:
    out: dict[str, Price] = {}
    for part in spec.split(";"):
        if "=" not in part:
            continue
        prefix, _, nums = part.partition("=")
        values = [float(x) if x.strip() else 0.0 for x in nums.split(":")] + [0.0, 0.0, 0.0]
        out[prefix.strip().lower()] = Price(values[0], values[1], values[2])
    return out


def price_for(prices: dict[str, Price], model_id: str) -> Price:
    mid = _PROFILE.sub("", model_id.rsplit("/", 1)[-1].lower())
    best = max((k for k in prices if k != "default" and mid.startswith(k)), key=len, default=None)
    if best is not None:
        return prices[best]
    return prices.get("default", Price())


def cost_paise(
    prices: dict[str, Price],
    model_id: str,
    *,
    input_tokens: int,
    output_tokens: int,
    images: int,
    usd_to_paise: int,
) -> int:
    p = price_for(prices, model_id)
    usd = input_tokens / 1000 * p.input_per_1k + output_tokens / 1000 * p.output_per_1k + images * p.per_image
    return math.ceil(round(usd * usd_to_paise, 6))
