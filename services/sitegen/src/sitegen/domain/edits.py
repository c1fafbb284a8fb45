"""Inline edits of a draft: which paths a merchant may change, and how a value is cleaned before it lands.

Paths (dotted): `name`, `copy.<en|hi>.<tagline|about|seoTitle|metaDescription|heroHeading|cta>`,
`products.<productId>.<name.en|name.hi|description.en|description.hi|unit|pricePaise|mrpPaise>`,
`theme.brand`, `contact.<phone|email|address|hours>`. Text is reduced to plain text (a `<script>` or a
`javascript:` URL in an edit is rendered inert); prices are positive integer paise.
"""

from __future__ import annotations

import re
from typing import Any

from sitegen.domain import safety
from sitegen.domain.colour import theme_from
from sitegen.domain.spec import MAX_PRICE_PAISE
from sitegen.domain.validate import plain_text
from webdpro_core.errors import ValidationProblem

_COPY_FIELDS = {
    "tagline": ("tagline", 120),
    "about": ("about", 1500),
    "seoTitle": ("seo_title", 60),
    "metaDescription": ("meta_description", 160),
    "heroHeading": ("hero_heading", 90),
    "cta": ("cta", 30),
}
_PRODUCT_TEXT = {"name.en": 80, "name.hi": 80, "description.en": 600, "description.hi": 600, "unit": 30}
_CONTACT = {"phone": 16, "email": 120, "address": 200, "hours": 80}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _bad(path: str, message: str, code: str = "INVALID_EDIT") -> ValidationProblem:
    return ValidationProblem(message, code=code, field=path)


def _text(path: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise _bad(path, "must be text")
    text = plain_text(value, limit)
    if not text.strip():
        raise _bad(path, "must not be empty")
    safety.check_output([text], field=path)
    return text


def _paise(path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, "must be an integer amount in paise (₹12.50 = 1250)", "INVALID_PRICE")
    if value < 100 or value > MAX_PRICE_PAISE:
        raise _bad(path, f"must be between 100 and {MAX_PRICE_PAISE} paise", "INVALID_PRICE")
    return value


def apply_edit(spec: dict[str, Any], path: str, value: Any) -> str:
    """Apply one edit to the spec's builtins (snake_case) in place; returns a short summary."""
    parts = path.split(".")
    if path == "name":
        spec["brief"]["name"] = _text(path, value, 80)
        return "name"
    if parts[0] == "copy" and len(parts) == 3 and parts[1] in ("en", "hi") and parts[2] in _COPY_FIELDS:
        key, limit = _COPY_FIELDS[parts[2]]
        spec["copy"][parts[1]][key] = _text(path, value, limit)
        return path
    if parts[0] == "products" and len(parts) >= 3:
        product = next((p for p in spec["catalog"]["products"] if p["id"] == parts[1]), None)
        if product is None:
            raise _bad(path, "no such product in this draft", "UNKNOWN_EDIT_PATH")
        rest = ".".join(parts[2:])
        if rest in ("pricePaise", "price_paise"):
            product["price_paise"] = _paise(path, value)
            return path
        if rest in ("mrpPaise", "mrp_paise"):
            product["mrp_paise"] = None if value is None else _paise(path, value)
            return path
        if rest in _PRODUCT_TEXT:
            target = product
            *head, last = rest.split(".")
            for key in head:
                target = target[key]
            target[last] = _text(path, value, _PRODUCT_TEXT[rest])
            return path
    if path == "theme.brand":
        if not isinstance(value, str) or not _HEX.match(value):
            raise _bad(path, "must be a colour like #16a34a")
        theme = theme_from(value.lower())
        spec["theme"] = {k: getattr(theme, k) for k in theme.__struct_fields__}
        spec["brief"]["theme_colour"] = value.lower()
        return path
    if parts[0] == "contact" and len(parts) == 2 and parts[1] in _CONTACT:
        spec["contact"][parts[1]] = None if value in (None, "") else _text(path, value, _CONTACT[parts[1]])
        return path
    raise _bad(path, "this part of the site cannot be edited", "UNKNOWN_EDIT_PATH")


def text_at(spec: dict[str, Any], path: str) -> str:
    """The current text at an editable text path (for rewrites)."""
    parts = path.split(".")
    if path == "name":
        return spec["brief"]["name"]
    if parts[0] == "copy" and len(parts) == 3 and parts[1] in ("en", "hi") and parts[2] in _COPY_FIELDS:
        return spec["copy"][parts[1]][_COPY_FIELDS[parts[2]][0]]
    if parts[0] == "products" and len(parts) >= 3 and ".".join(parts[2:]) in _PRODUCT_TEXT:
        product = next((p for p in spec["catalog"]["products"] if p["id"] == parts[1]), None)
        if product is not None:
            value: Any = product
            for key in parts[2:]:
                value = value[key]
            return value
    raise _bad(path, "only text can be rewritten", "UNKNOWN_EDIT_PATH")


def rewrite_offline(text: str, instruction: str) -> str:
    """The offline stand-in for the text model's rewrite: deterministic, modest, never invents facts."""
    wish = instruction.lower()
    sentences = [s.strip() for s in re.split(r"(?<=[.!?।])\s+", text) if s.strip()]
    if any(w in wish for w in ("short", "concise", "brief", "छोटा")) and sentences:
        return sentences[0]
    if any(w in wish for w in ("exciting", "energetic", "fun", "catchy")):
        return text.rstrip(".!") + "!"
    if any(w in wish for w in ("formal", "professional")):
        return text.replace("!", ".").replace("Hey", "Welcome")
    if any(w in wish for w in ("upper", "capital")):
        return text.upper()
    if any(w in wish for w in ("title",)):
        return text.title()
    return text
