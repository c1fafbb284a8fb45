# ruff: noqa: RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""Validation and auto-fix of model output, stage by stage.

Every function takes the model's raw answer (text, or already-parsed JSON) and returns
`(validated struct, fixes)` where `fixes` is a list of human-readable notes ("products[2].price_paise: missing,
filled ₹120 from the range"). What cannot be fixed raises `ValidationProblem(code="MODEL_OUTPUT_INVALID")`
whose `errors` (field + message) can be fed back to the model on a retry (`feedback_for`). Unsafe text raises
`Problem(code="MODEL_OUTPUT_UNSAFE")` from `safety.check_output` so the chain moves to the next model.

Model output is data: every string is reduced to plain text (nh3 with no tags allowed, then unescaped —
the renderer escapes it again), unknown fields are dropped, lengths clamped, prices forced to integer paise.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import json_repair
import msgspec
import nh3

from sitegen.domain import safety, vocab
from sitegen.domain.brief import (
    detect_colour,
    detect_payments,
    extract_brief,
    resolve_price_range,
)
from sitegen.domain.offline import (
    MAX_PRODUCTS,
    MIN_PRODUCTS,
    _image_prompt,
    clamp_text,
    nice_price,
    offline_catalog,
    offline_copy,
    seed_for,
    slugify,
    stable_id,
    unique_slug,
)
from sitegen.domain.spec import (
    MAX_PRICE_PAISE,
    PAYMENT_METHODS,
    SECTORS,
    Brief,
    Catalog,
    Category,
    Copy,
    Inventory,
    LocalCopy,
    LText,
    MenuInventory,
    Product,
    SiteSpec,
    SlotInventory,
    StockInventory,
    Variant,
    VariantInventory,
    inventory_mode_for,
)
from webdpro_core.errors import FieldError, ValidationProblem

INVALID = "MODEL_OUTPUT_INVALID"
MIN_MODEL_PRODUCTS = 3  # fewer usable products than this is not worth fixing: ask again / next model
MAX_MODEL_PRODUCTS = 30
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


class Fixes(list[str]):
    def add(self, field: str, message: str) -> None:
        self.append(f"{field}: {message}")


def invalid(
    errors: list[FieldError], detail: str = "The model's answer does not match the schema"
) -> ValidationProblem:
    return ValidationProblem(detail, code=INVALID, errors=errors)


def feedback_for(problem: ValidationProblem) -> str:
    """A message to send back to the model on retry."""
    lines = [f"- {e.field}: {e.message}" for e in problem.errors] or [f"- {problem.detail}"]
    return (
        "Your previous answer could not be used. Fix these problems and answer again with JSON only, "
        "no markdown, no comments:\n" + "\n".join(lines)
    )


# ---- JSON ------------------------------------------------------------------------------------------------
_FENCE = re.compile(r"```(?:json|JSON|js|javascript)?\s*(.*?)(?:```|$)", re.DOTALL)


def parse_model_json(raw: str | bytes | dict | list | None) -> tuple[Any, list[str]]:
    """Parse a model answer that should be JSON: strips markdown fences and chatter, repairs trailing commas,
    single quotes, comments and truncated arrays/objects (json-repair). Returns (value, fixes)."""
    if isinstance(raw, dict | list):
        return raw, []
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    fixes: list[str] = []
    text = (raw or "").strip().lstrip("\ufeff")
    if not text:
        raise invalid([FieldError("$", "the answer was empty; reply with a JSON object")])
    try:
        return json.loads(text), fixes
    except ValueError:
        pass
    m = _FENCE.search(text)
    if m and m.group(1).strip():
        text = m.group(1).strip()
        fixes.append("$: removed markdown code fences")
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start > 0:
        text = text[start:]
        fixes.append("$: removed text before the JSON")
    if start < 0:
        raise invalid([FieldError("$", "no JSON object found in the answer")])
    try:
        value = json.loads(text)
        return value, fixes
    except ValueError:
        pass
    try:
        value = json_repair.loads(text)
    except Exception as exc:  # json-repair is defensive, but never let a parser bug become a 500
        raise invalid([FieldError("$", f"unreadable JSON ({type(exc).__name__})")]) from exc
    if not isinstance(value, dict | list) or not value:
        raise invalid([FieldError("$", "unreadable JSON; reply with a single JSON object")])
    fixes.append("$: repaired malformed JSON (quotes, commas or truncation)")
    return value, fixes


# ---- small coercions -------------------------------------------------------------------------------------
def plain_text(value: Any, limit: int | None = None) -> str:
    """Any value → plain text: tags removed (script/style with their content), entities decoded, whitespace
    collapsed, control characters dropped, clamped at a word boundary."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value) if isinstance(value, int | float) else ""
    text = value
    for _ in range(3):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text or not re.search(r"<[a-zA-Z/!?]", cleaned):
            text = cleaned
            break
        text = cleaned
    text = safety.normalise(text)
    text = re.sub(r"(?i)(?:java|vb)script\s*:|\bdata\s*:(?=\s*\w+/)", "", text)
    return clamp_text(text, limit) if limit else text


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower().replace("-", "_").replace(" ", "_")


def _norm_keys(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {_snake(str(k)): _norm_keys(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_norm_keys(v) for v in obj]
    return obj


def _unwrap(obj: Any, *names: str) -> Any:
    """{"copy": {...}} / {"data": {...}} → {...}"""
    for _ in range(3):
        if isinstance(obj, dict) and len(obj) == 1:
            ((k, v),) = obj.items()
            if k in (*names, "data", "result", "output", "response", "answer") and isinstance(v, dict | list):
                obj = v
                continue
        break
    return obj


def _first(d: dict, *keys: str) -> Any:
    for k in keys:
        if k in d and d[k] not in (None, "", [], {}):
            return d[k]
    return None


_MONEY = re.compile(
    r"^\s*(?:₹|rs\.?|inr)?\s*(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?:/-|rupees?|rs|inr|₹)?\s*$", re.IGNORECASE
)


def _rupees_to_paise(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        d = Decimal(str(value))
    elif isinstance(value, str):
        m = _MONEY.match(value)
        if not m:
            return None
        try:
            d = Decimal(m.group("n").replace(",", ""))
        except InvalidOperation:
            return None
    else:
        return None
    if d <= 0:
        return None
    return int((d * 100).to_integral_value())


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
        return int(value)
    return None


def _ltext(
    value: Any, hi_value: Any, limit: int, field: str, fixes: Fixes, fallback_hi: str | None = None
) -> LText:
    if isinstance(value, dict):
        en = plain_text(_first(value, "en", "english"), limit)
        hi = plain_text(_first(value, "hi", "hindi"), limit) or plain_text(hi_value, limit)
    else:
        en, hi = plain_text(value, limit), plain_text(hi_value, limit)
    if not hi or not _DEVANAGARI.search(hi):
        fixes.add(
            f"{field}.hi",
            "missing or not in Devanagari; "
            + ("used the template" if fallback_hi else "used the English text"),
        )
        hi = fallback_hi or en
    return LText(en=en, hi=hi)


# ---- brief -----------------------------------------------------------------------------------------------
_SECTOR_SYNONYMS = {
    "kirana": "grocery",
    "supermarket": "grocery",
    "vegetables": "grocery",
    "groceries": "grocery",
    "food": "restaurant",
    "cafe": "restaurant",
    "cloud_kitchen": "restaurant",
    "dhaba": "restaurant",
    "sweets": "bakery",
    "sweet_shop": "bakery",
    "cakes": "bakery",
    "confectionery": "bakery",
    "doctor": "clinic",
    "dental": "clinic",
    "hospital": "clinic",
    "healthcare": "clinic",
    "medical": "pharmacy",
    "chemist": "pharmacy",
    "medical_store": "pharmacy",
    "drugstore": "pharmacy",
    "online_brand": "fashion",
    "clothing": "fashion",
    "apparel": "fashion",
    "boutique": "fashion",
    "gadgets": "electronics",
    "mobile": "electronics",
    "mobiles": "electronics",
    "beauty": "salon",
    "parlour": "salon",
    "parlor": "salon",
    "spa": "salon",
    "barber": "salon",
}
_DELIVERY_SYNONYMS = {
    "local_delivery": "local_delivery",
    "delivery": "local_delivery",
    "home_delivery": "local_delivery",
    "local": "local_delivery",
    "pickup": "pickup",
    "takeaway": "pickup",
    "store_pickup": "pickup",
    "delivery_and_pickup": "delivery_and_pickup",
    "both": "delivery_and_pickup",
    "shipping": "shipping",
    "pan_india": "shipping",
    "courier": "shipping",
    "in_store": "in_store",
    "appointment": "in_store",
    "walk_in": "in_store",
}


def validate_brief(raw: Any, prompt: str) -> tuple[Brief, list[str]]:
    """A model's brief overlaid on the rule-based one: anything missing or invalid falls back to the rules."""
    value, parse_fixes = parse_model_json(raw)
    fixes = Fixes(parse_fixes)
    d = _unwrap(_norm_keys(value), "brief")
    if not isinstance(d, dict):
        raise invalid([FieldError("$", "expected a JSON object with the brief's fields")])
    base = extract_brief(prompt)
    out: dict[str, Any] = msgspec.structs.asdict(base)

    name = plain_text(_first(d, "name", "store_name", "business_name"), 60)
    if name:
        out["name"] = name
    else:
        fixes.add("name", f"missing; used {base.name!r}")

    sector_raw = str(_first(d, "sector", "category", "business_type", "type") or "").strip().lower()
    sector = _snake(sector_raw) if sector_raw else ""
    sector = sector if sector in SECTORS else _SECTOR_SYNONYMS.get(sector, "")
    if sector:
        out["sector"] = sector
        if sector != base.sector:
            out["sector_detected"] = True
    else:
        fixes.add("sector", f"missing or unknown ({sector_raw!r}); used {base.sector!r}")
    out["inventory_mode"] = inventory_mode_for(out["sector"])

    city = plain_text(_first(d, "city", "location_city"), 60)
    if city:
        canon = next((c for c, _h, aliases in vocab.CITIES if city.lower() in aliases or city == c), None)
        out["city"] = canon or city
    loc = plain_text(_first(d, "location", "address", "area"), 120)
    if loc:
        out["location"] = loc
    prods = _first(d, "products", "products_mentioned", "items", "services")
    if isinstance(prods, list):
        items = [
            plain_text(p if isinstance(p, str) else (p or {}).get("name") if isinstance(p, dict) else "", 60)
            for p in prods
        ]
        out["products"] = [p for p in items if p][:20] or base.products

    lo = _int(_first(d, "price_min_paise")) or _rupees_to_paise(
        _first(d, "price_min", "min_price", "price_min_inr")
    )
    hi = _int(_first(d, "price_max_paise")) or _rupees_to_paise(
        _first(d, "price_max", "max_price", "price_max_inr")
    )
    pr = d.get("price_range")
    if isinstance(pr, dict):
        lo = lo or _rupees_to_paise(_first(pr, "min", "min_inr")) or _int(pr.get("min_paise"))
        hi = hi or _rupees_to_paise(_first(pr, "max", "max_inr")) or _int(pr.get("max_paise"))
    if base.price_range_stated:
        pass  # the merchant's own numbers win over the model's reading of them
    elif lo or hi:
        if lo and hi and lo > hi:
            lo, hi = hi, lo
            fixes.add("price_range", "min above max; swapped")
        if (lo and not 100 <= lo <= MAX_PRICE_PAISE) or (hi and not 100 <= hi <= MAX_PRICE_PAISE):
            fixes.add("price_range", "absurd; used the sector's range")
        else:
            out["price_min_paise"], out["price_max_paise"] = resolve_price_range(out["sector"], lo, hi)
    if not base.price_range_stated and not (lo or hi) and out["sector"] != base.sector:
        out["price_min_paise"], out["price_max_paise"] = resolve_price_range(out["sector"], None, None)

    langs = _first(d, "languages", "language")
    if isinstance(langs, str):
        langs = [langs]
    if isinstance(langs, list):
        norm = []
        for lang in langs:
            code = {"english": "en", "hindi": "hi"}.get(
                str(lang).strip().lower(), str(lang).strip().lower()[:2]
            )
            if code in ("en", "hi") and code not in norm:
                norm.append(code)
        if norm:
            out["languages"] = norm

    pays = _first(d, "payment_methods", "payments", "payment")
    if isinstance(pays, str):
        pays = [pays]
    if isinstance(pays, list):
        methods: set[str] = set()
        for p in pays:
            s = str(p).strip()
            if s.upper() in PAYMENT_METHODS:
                methods.add(s.upper())
            else:
                found, stated = detect_payments(s)
                if stated:
                    methods.update(found)
        if methods:
            out["payment_methods"] = [m for m in PAYMENT_METHODS if m in methods]
        else:
            fixes.add("payment_methods", "none recognised; used the prompt's")

    colour = str(_first(d, "theme_colour", "theme_color", "colour", "color", "theme") or "").strip()
    if colour:
        hexv = detect_colour(colour if colour.startswith("#") else f"{colour} theme")
        if hexv:
            out["theme_colour"] = hexv
        else:
            fixes.add("theme_colour", f"not a colour ({colour[:20]!r}); used {base.theme_colour}")
    if base.theme_colour_stated:
        out["theme_colour"] = base.theme_colour

    dm = _snake(str(_first(d, "delivery_mode", "delivery") or ""))
    if dm:
        if dm in _DELIVERY_SYNONYMS:
            out["delivery_mode"] = _DELIVERY_SYNONYMS[dm]
        else:
            fixes.add("delivery_mode", f"unknown ({dm[:20]!r}); used {base.delivery_mode!r}")

    safety.check_output([out["name"], *(out["products"] or []), out.get("location") or ""], field="brief")
    try:
        return msgspec.convert(out, Brief), list(fixes)
    except msgspec.ValidationError as exc:  # should not happen: every field above is coerced
        raise invalid([FieldError("brief", str(exc))]) from exc


# ---- copy ------------------------------------------------------------------------------------------------
_COPY_LIMITS = {
    "tagline": 120,
    "about": 1500,
    "seo_title": 60,
    "meta_description": 160,
    "hero_heading": 90,
    "cta": 30,
}
_COPY_ALIASES = {
    "tagline": ("tagline", "slogan"),
    "about": ("about", "about_us", "description", "about_text"),
    "seo_title": ("seo_title", "title", "meta_title", "page_title"),
    "meta_description": ("meta_description", "seo_description", "description_meta", "meta"),
    "hero_heading": ("hero_heading", "headline", "hero_title", "heading", "hero"),
    "cta": ("cta", "call_to_action", "button", "cta_text"),
}


def validate_copy(raw: Any, brief: Brief, seed: int | None = None) -> tuple[Copy, list[str]]:
    value, parse_fixes = parse_model_json(raw)
    fixes = Fixes(parse_fixes)
    d = _unwrap(_norm_keys(value), "copy", "seo", "content")
    if not isinstance(d, dict):
        raise invalid([FieldError("$", 'expected a JSON object {"en": {...}, "hi": {...}}')])
    en_src = d.get("en") or d.get("english")
    hi_src = d.get("hi") or d.get("hindi")
    if not isinstance(en_src, dict):
        en_src = {k: v for k, v in d.items() if not isinstance(v, dict)}
    if not isinstance(hi_src, dict):
        hi_src = {k[:-3]: v for k, v in d.items() if isinstance(k, str) and k.endswith("_hi")}
    template = offline_copy(brief, seed)
    errors: list[FieldError] = []
    langs: dict[str, LocalCopy] = {}
    for lang, src, tmpl in (("en", en_src, template.en), ("hi", hi_src, template.hi)):
        fields: dict[str, str] = {}
        for key, limit in _COPY_LIMITS.items():
            raw_v = _first(src, *_COPY_ALIASES[key])
            text = plain_text(raw_v)
            if text and lang == "hi" and not _DEVANAGARI.search(text):
                fixes.add(f"{lang}.{key}", "not in Devanagari; used the template")
                text = ""
            elif raw_v is not None and not text:
                fixes.add(f"{lang}.{key}", "empty after removing markup; used the template")
            if len(text) > limit:
                fixes.add(f"{lang}.{key}", f"{len(text)} characters; clamped to {limit}")
                text = clamp_text(text, limit)
            if not text:
                if raw_v is None:
                    if lang == "en" and key in ("tagline", "about"):
                        errors.append(FieldError(f"en.{key}", "required: a plain-text string"))
                    else:
                        fixes.add(f"{lang}.{key}", "missing; used the template")
                text = getattr(tmpl, key)
            fields[key] = text
        langs[lang] = LocalCopy(**fields)
    if len(errors) == 2:  # nothing usable in English: worth a retry rather than a silent template
        raise invalid(errors)
    for e in errors:
        fixes.add(e.field, "missing; used the template")
    copy = Copy(en=langs["en"], hi=langs["hi"])
    safety.check_output([v for lc in (copy.en, copy.hi) for v in msgspec.structs.astuple(lc)], field="copy")
    return copy, list(fixes)


# ---- catalog ---------------------------------------------------------------------------------------------
def range_price(brief: Brief, key: str) -> int:
    """A deterministic price inside the brief's range for an item (log-uniform by a hash of its name)."""
    lo, hi = brief.price_min_paise, brief.price_max_paise
    h = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    # bias to the lower-middle of the range, where most of a small shop's catalogue sits
    frac = h * 0.6 + 0.1
    value = int(lo * (hi / lo) ** frac) if lo > 0 else int(hi * frac)
    return min(max(nice_price(value, random.Random(key)), lo), hi)


def _price(brief: Brief, p: dict, field: str, fixes: Fixes, key: str) -> int:
    lo, hi = brief.price_min_paise, brief.price_max_paise
    sane_lo, sane_hi = max(100, lo // 4), min(MAX_PRICE_PAISE, hi * 4)
    paise = None
    if (v := _int(p.get("price_paise"))) is not None:
        paise = v
        if not sane_lo <= v <= sane_hi and sane_lo <= v * 100 <= sane_hi:
            paise = v * 100
            fixes.add(field, f"{v} looked like rupees; read as ₹{v}")
    else:
        raw = _first(p, "price", "price_inr", "price_rupees", "selling_price", "rate", "amount")
        if isinstance(raw, dict):
            raw = _first(raw, "amount", "value", "price")
        v = _rupees_to_paise(raw)
        if v is not None:
            paise = v
            if not sane_lo <= v <= sane_hi and sane_lo <= v // 100 <= sane_hi and v % 10000 == 0:
                paise = v // 100
                fixes.add(field, "looked like paise given as rupees; divided by 100")
    if paise is None:
        filled = range_price(brief, key)
        given = _first(
            p, "price_paise", "price", "price_inr", "price_rupees", "selling_price", "rate", "amount"
        )
        what = "missing" if given is None else f"not a positive amount ({str(given)[:20]!r})"
        fixes.add(field, f"{what}; filled ₹{filled // 100} from the range")
        return filled
    if not sane_lo <= paise <= sane_hi:
        filled = range_price(brief, key)
        fixes.add(field, f"absurd (₹{paise / 100:,.0f}); filled ₹{filled // 100} from the range")
        return filled
    if brief.price_range_stated and not lo <= paise <= hi:
        clamped = min(max(paise, lo), hi)
        fixes.add(field, f"₹{paise / 100:g} outside the merchant's range; set to ₹{clamped / 100:g}")
        return clamped
    return paise


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        s = value.strip().lower()
        if s in ("veg", "vegetarian", "yes", "true", "1", "available", "pure veg", "jain"):
            return True
        if s in ("non-veg", "nonveg", "non veg", "non-vegetarian", "no", "false", "0", "sold out", "egg"):
            return False
    return default


def _minutes(value: Any, default: int) -> int:
    if (v := _int(value)) is not None:
        return min(max(v, 5), 480)
    if isinstance(value, str):
        m = re.search(r"(\d+(?:\.\d+)?)\s*(h|hr|hrs|hour|hours|min|mins|minutes|m)?", value, re.IGNORECASE)
        if m:
            n = float(m.group(1))
            if (m.group(2) or "").lower().startswith("h"):
                n *= 60
            return min(max(int(n), 5), 480)
    return default


def _inventory(
    brief: Brief, p: dict, pid: str, price: int, field: str, fixes: Fixes
) -> tuple[Inventory, str | None]:
    """(inventory, unit override)."""
    mode = brief.inventory_mode
    inv = p.get("inventory") if isinstance(p.get("inventory"), dict) else {}
    src = {**p, **inv}
    if mode == "stock":
        qty = _int(_first(src, "stock_qty", "stock", "quantity", "qty", "inventory_count"))
        if qty is None or not 0 <= qty <= 100_000:
            qty = 50
        return StockInventory(
            stock_qty=qty, low_stock_threshold=max(3, qty // 8), reorder_qty=max(3, qty // 8) * 4
        ), None
    if mode == "menu":
        veg_raw = _first(src, "veg", "is_veg", "vegetarian", "type", "diet")
        return MenuInventory(
            available=_bool(_first(src, "available", "in_stock"), True),
            veg=_bool(veg_raw, True),
            prep_minutes=min(max(_minutes(_first(src, "prep_minutes", "prep_time"), 20), 1), 240),
        ), None
    if mode == "slots":
        minutes = _minutes(_first(src, "duration_minutes", "duration", "time", "unit"), 30)
        return SlotInventory(
            duration_minutes=minutes,
            capacity_per_slot=1 if brief.sector == "clinic" else 2,
            opens="10:00",
            closes="20:00" if brief.sector == "salon" else "19:00",
        ), f"{minutes} min"
    raw_variants = _first(src, "variants", "skus", "options")
    variants: list[Variant] = []
    base = re.sub(r"[^A-Z0-9]", "", slugify(str(p.get("name") or "item")).upper())[:10] or "ITEM"
    seen: set[str] = set()
    for i, v in enumerate(raw_variants if isinstance(raw_variants, list) else []):
        if not isinstance(v, dict):
            continue
        size = plain_text(_first(v, "size", "storage", "capacity"), 20) or None
        colour = plain_text(_first(v, "colour", "color", "shade"), 30) or None
        sku = re.sub(r"[^A-Z0-9-]", "", str(v.get("sku") or "").upper())[:48]
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{1,47}", sku) or sku in seen:
            sku = "-".join(
                x
                for x in (
                    base,
                    re.sub(r"[^A-Z0-9]", "", (size or "").upper())[:8],
                    re.sub(r"[^A-Z0-9]", "", (colour or "").upper())[:4],
                    str(i + 1),
                )
                if x
            )
        seen.add(sku)
        vprice = _rupees_to_paise(_first(v, "price", "price_inr")) or _int(v.get("price_paise"))
        if vprice is not None and not 100 <= vprice <= MAX_PRICE_PAISE:
            vprice = None
        stock = _int(_first(v, "stock_qty", "stock", "quantity"))
        variants.append(
            Variant(
                id=stable_id("var", pid, i, size, colour),
                sku=sku,
                size=size,
                colour=colour,
                price_paise=vprice,
                stock_qty=stock if stock is not None and 0 <= stock <= 100_000 else 10,
            )
        )
        if len(variants) == 24:
            break
    if not variants:
        fixes.add(f"{field}.variants", "missing; added one standard variant")
        variants = [
            Variant(id=stable_id("var", pid, "std"), sku=f"{base}-STD", size="Standard", stock_qty=10)
        ]
    return VariantInventory(variants=variants), None


def _name_key(name: str) -> str:
    """ "Tomatoes (Desi)" and "tomato" are the same product."""
    words = re.sub(r"\(.*?\)", " ", name.lower()).split()
    return " ".join(re.sub(r"(?:es|s)$", "", w) if len(w) > 3 else w for w in words)


_DEFAULT_UNIT = {"stock": "1 pc", "menu": "1 plate", "slots": "30 min", "variants": "1 pc"}


def validate_catalog(raw: Any, brief: Brief, seed: int | None = None) -> tuple[Catalog, list[str]]:
    seed = seed_for(brief.prompt) if seed is None else seed
    value, parse_fixes = parse_model_json(raw)
    fixes = Fixes(parse_fixes)
    d = _unwrap(_norm_keys(value), "catalog")
    if isinstance(d, list):
        d = {"products": d}
    if not isinstance(d, dict):
        raise invalid([FieldError("$", 'expected {"categories": [...], "products": [...]}')])
    raw_products = _first(d, "products", "items", "menu", "services", "catalog")
    if not isinstance(raw_products, list) or not raw_products:
        raise invalid([FieldError("products", "required: a non-empty array of products")])

    # categories by any name/id/slug the products may use
    cats: list[Category] = []
    cat_lookup: dict[str, Category] = {}
    ctaken: set[str] = set()

    def category(name: Any, name_hi: Any = None, *aliases: Any) -> Category:
        en = plain_text(name.get("en") if isinstance(name, dict) else name, 60) or "More"
        key = en.lower()
        if key in cat_lookup:
            return cat_lookup[key]
        hi_src = name.get("hi") if isinstance(name, dict) else name_hi
        hi = plain_text(hi_src, 60)
        if not _DEVANAGARI.search(hi):
            hi = en
        c = Category(
            id=stable_id("cat", seed, key),
            slug=unique_slug(slugify(en, "category"), ctaken),
            name=LText(en=en, hi=hi),
        )
        if len(cats) >= 12:
            return cats[-1]
        cats.append(c)
        for k in (key, *(str(a).lower() for a in aliases if a)):
            cat_lookup[k] = c
        return c

    for i, c in enumerate(d.get("categories") or []):
        if isinstance(c, str):
            category(c)
        elif isinstance(c, dict):
            category(
                _first(c, "name", "title", "en") or f"Category {i + 1}",
                _first(c, "name_hi", "hi"),
                c.get("id"),
                c.get("slug"),
            )

    products: list[Product] = []
    errors: list[FieldError] = []
    ptaken: set[str] = set()
    names: set[str] = set()
    for i, p in enumerate(raw_products[:60]):
        field = f"products[{i}]"
        if not isinstance(p, dict):
            errors.append(FieldError(field, "must be an object"))
            continue
        name_v = _first(p, "name", "title", "product_name", "item")
        name = _ltext(name_v, _first(p, "name_hi", "hindi_name", "title_hi"), 80, f"{field}.name", fixes)
        if not name.en:
            errors.append(FieldError(f"{field}.name", "required: a plain-text product name"))
            continue
        if _name_key(name.en) in names:
            fixes.add(field, f"duplicate of {name.en!r}; dropped")
            continue
        if len(products) >= MAX_MODEL_PRODUCTS:
            fixes.add(field, f"more than {MAX_MODEL_PRODUCTS} products; dropped")
            continue
        names.add(_name_key(name.en))
        pid = stable_id("prd", seed, i, name.en)
        price = _price(brief, p, f"{field}.price_paise", fixes, f"{seed}:{name.en}")
        mrp = _rupees_to_paise(_first(p, "mrp", "mrp_inr", "original_price")) or _int(p.get("mrp_paise"))
        if mrp is not None and not price < mrp <= min(MAX_PRICE_PAISE, price * 3):
            mrp = None
        cat_v = _first(p, "category", "category_name", "category_id", "section")
        cat = category(cat_v if cat_v is not None else "More", _first(p, "category_hi"))
        desc_v = _first(p, "description", "desc", "details")
        desc = _ltext(desc_v, _first(p, "description_hi", "desc_hi"), 600, f"{field}.description", fixes)
        if not desc.en:
            desc = LText(
                en=f"{name.en} from {brief.name}.",
                hi=desc.hi if desc.hi != desc.en else f"{name.hi} — {brief.name}",
            )
            fixes.add(f"{field}.description", "missing; wrote a short one")
        unit = plain_text(_first(p, "unit", "pack_size", "size", "quantity_unit", "serving"), 30)
        inventory, unit_override = _inventory(brief, p, pid, price, field, fixes)
        unit = unit_override or unit or _DEFAULT_UNIT[brief.inventory_mode]
        prompt = plain_text(_first(p, "image_prompt", "image", "image_description"), 400) or _image_prompt(
            brief, name.en, unit
        )
        products.append(
            Product(
                id=pid,
                slug=unique_slug(slugify(name.en, "product"), ptaken),
                name=name,
                description=desc,
                price_paise=price,
                mrp_paise=mrp,
                unit=unit,
                category_id=cat.id,
                image_prompt=prompt,
                image_id=stable_id("img", pid),
                inventory=inventory,
            )
        )
    if len(products) < MIN_MODEL_PRODUCTS:
        raise invalid(
            errors or [FieldError("products", f"need at least {MIN_MODEL_PRODUCTS} valid products")]
        )
    if len(products) < MIN_PRODUCTS:
        extra = [p for p in offline_catalog(brief, seed).products if _name_key(p.name.en) not in names]
        extra_cats = {c.id: c for c in offline_catalog(brief, seed).categories}
        for p in extra[: MIN_PRODUCTS - len(products)]:
            c = category(extra_cats[p.category_id].name.en, extra_cats[p.category_id].name.hi)
            products.append(msgspec.structs.replace(p, category_id=c.id, slug=unique_slug(p.slug, ptaken)))
            fixes.add("products", f"only a few products; added {p.name.en!r} from the template")
    for e in errors:
        fixes.add(e.field, f"{e.message}; dropped")
    used = {p.category_id for p in products}
    categories = [c for c in cats if c.id in used]
    safety.check_output(
        [t for p in products for t in (p.name.en, p.name.hi, p.description.en, p.description.hi)]
        + [c.name.en for c in categories],
        field="catalog",
    )
    products = products[: max(MAX_PRODUCTS, MAX_MODEL_PRODUCTS)]
    return Catalog(inventory_mode=brief.inventory_mode, categories=categories, products=products), list(fixes)


# ---- whole specs -----------------------------------------------------------------------------------------
def load_site_spec(raw: bytes | str | dict) -> SiteSpec:
    """Decode a stored spec (JSON) with every constraint checked."""
    try:
        if isinstance(raw, dict):
            return msgspec.convert(raw, SiteSpec)
        return msgspec.json.decode(raw, type=SiteSpec)
    except msgspec.ValidationError as exc:
        raise invalid([FieldError("spec", str(exc))], "The stored site spec is not valid") from exc
