# ruff: noqa: RUF001, RUF002, RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""Rule-based, deterministic extraction of a `Brief` from a merchant's one-sentence prompt.

Understands English, Hinglish and common Hindi (Devanagari) words:
"Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme" →
name "Curam", sector grocery (detected from "vegetables"), city Mumbai, COD + UPI, green, local delivery.

This is the first link of the brief stage and also the fallback that fills what a model's brief leaves out.
It does not screen the prompt: call `safety.check_prompt` first.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from sitegen.domain import vocab
from sitegen.domain.safety import normalise
from sitegen.domain.spec import (
    MAX_PRICE_PAISE,
    PAYMENT_METHODS,
    Brief,
    inventory_mode_for,
)

_W = r"(?:^|(?<=[^\w]))"
_E = r"(?=$|[^\w])"


def _word_re(alts: str) -> re.Pattern[str]:
    return re.compile(_W + r"(?:" + alts + r")" + _E, re.IGNORECASE)


_SECTOR_RES = {sector: [(_word_re(p), w) for p, w in pats] for sector, pats in vocab.SECTOR_KEYWORDS.items()}
_CITY_RES = [
    (canonical, _word_re("|".join(re.escape(a).replace(r"\ ", r"\s+") for a in aliases)))
    for canonical, _hi, aliases in vocab.CITIES
]
_COLOUR_ALT = "|".join(
    re.escape(c).replace(r"\ ", r"\s+") for c in sorted(vocab.COLOURS, key=len, reverse=True)
)
_COLOUR_WORD = _word_re(_COLOUR_ALT)
_COLOUR_IN_CONTEXT = re.compile(
    _W
    + rf"(?P<c1>{_COLOUR_ALT})(?:\s+(?:and|&|\+|aur)\s+(?:white|{_COLOUR_ALT}))?\s*(?:-\s*)?{vocab.COLOUR_CONTEXT}"
    + _E
    + rf"|{vocab.COLOUR_CONTEXT}\s*(?:is|:|-|=|of|in|should\s+be|ho|hona)?\s*(?P<c2>{_COLOUR_ALT})"
    + _E,
    re.IGNORECASE,
)
_HEX = re.compile(r"#(?P<h>[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_PAYMENT_RES = [(_word_re(p), m) for p, m in vocab.PAYMENT_WORDS.items()]
_ONLINE_NEAR_PAYMENT = re.compile(
    r"(?:cash|upi|cod|cards?)\s*(?:[+/&,]|or|and|aur)\s*online"
    + _E
    + r"|"
    + _W
    + r"online\s*(?:[+/&,]|or|and|aur)\s*(?:cash|upi|cod|cards?)",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"(?:no|without|not|except|bina)\s+$", re.IGNORECASE)
_DELIVERY_RES = [(_word_re(p), m) for p, m in vocab.DELIVERY_WORDS]
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")

_CUR = r"(?:₹|rs\.?|inr|rupees?|rupaye|rupaiye|rupay|rupiya|रुपये|रुपए|/-)"
_NUM = r"\d[\d,]*(?:\.\d{1,2})?\s*(?:k|thousand|hazaa?r|lakh|lac)?"
_RANGE = re.compile(
    rf"(?P<c0>{_CUR})?\s*(?P<a>{_NUM})\s*(?P<c1>{_CUR})?\s*(?:-|–|—|to|se|till|upto|up\s+to)\s*"
    rf"(?P<c2>{_CUR})?\s*(?P<b>{_NUM})\s*(?P<c3>{_CUR})?",
    re.IGNORECASE,
)
_UNDER = re.compile(
    rf"(?:under|below|upto|up\s+to|within|less\s+than|max(?:imum)?|not\s+more\s+than|budget(?:\s+of)?)\s*"
    rf"(?P<c0>{_CUR})?\s*(?P<a>{_NUM})\s*(?P<c1>{_CUR})?"
    rf"|(?P<c2>{_CUR})?\s*(?P<b>{_NUM})\s*(?P<c3>{_CUR})?\s*(?:tak|se\s+kam|तक|and\s+below|or\s+less)",
    re.IGNORECASE,
)
_ABOVE = re.compile(
    rf"(?:above|over|from|starting(?:\s+(?:at|from))?|min(?:imum)?|more\s+than)\s*"
    rf"(?P<c0>{_CUR})?\s*(?P<a>{_NUM})\s*(?P<c1>{_CUR})?"
    rf"|(?P<c2>{_CUR})?\s*(?P<b>{_NUM})\s*(?P<c3>{_CUR})?\s*(?:se\s+upar|and\s+above|onwards|\+)",
    re.IGNORECASE,
)
_PRICE_WORDS = re.compile(
    r"\b(?:price|prices|priced|range|budget|daam|dam|keemat|kimat|rate|rates)\b|कीमत|दाम"
)

_NAME_EXPLICIT = re.compile(
    r"(?:called|named|name\s+is|naam(?:\s+hai)?|store\s+name|shop\s+name|brand\s+name)\s*[:\-]?\s*"
    r"[\"'“‘]?(?P<n>[^,.;:|\"”’–—()\n]{2,50}?)[\"”’']?"
    r"(?=\s*(?:$|[,.;:|–—()]|\s-\s|\s(?:selling|sells|with|in|at|for|that|which|who|offering|serving|near|hai|he|and|aur)\b))",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"\s*[–—|]\s*|\s+-\s+|\s*(?:[;\n]|(?<!\d),|,(?!\d))\s*|:\s+|(?<![DdMmSs]r)(?<![Ss]t)(?<![Mm]rs)\.\s+"
)
_DESCRIPTOR_START = re.compile(
    r"^(?:i|i'm|im|a|an|the|my|we|our|create|make|build|need|want|please|hi|hello|mera|meri|mere|hamara|"
    r"hamari|ek|store|shop|website|online|new|start|setup|set\s+up)\b",
    re.IGNORECASE,
)
_TRAILING_PLACE = re.compile(r"\s+(?:in|at|from|near|,)\s+.*$", re.IGNORECASE)
_ADJ = (
    r"(?:fresh|organic|homemade|home[-\s]made|handmade|eggless|pure|daily|premium|local|veg|vegan|healthy|"
    r"traditional|designer|branded|kids|men'?s|women'?s|ethnic|bridal|herbal|ayurvedic)"
)
_FILLER = re.compile(
    r"\b(?:i|we|want|need|a|an|the|my|our|store|shop|website|site|online|for|with|and|in|at|of|selling|sell|sells|"
    r"offering|serving|theme|colou?r|based|located|called|named|also|all|types|type|kinds|variety|quality|"
    r"best|good|great|cheap|affordable|please|make|create|build|new|hai|ka|ki|ke|me|mein|aur|wala|wali|wale|"
    r"available|payment|payments|pay|accepted|accept|only|near|area|prices?|range|rate|mera|meri|mere|hamara|"
    r"hamari|chahiye|chaiye|sasta|sasti|accha|achha|acchi|website|site|hindi|english|me|mein|hai|hain|se|tak|"
    r"rupees?|rupaye)\b",
    re.IGNORECASE,
)


def _first_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


# ---- sector ----------------------------------------------------------------------------------------------
def detect_sector(text: str) -> tuple[str, bool]:
    """(sector, detected). `detected` is False when the prompt names the sector outright."""
    scores: dict[str, int] = {}
    first_pos: dict[str, int] = {}
    stated: dict[str, bool] = {}
    for sector, pats in _SECTOR_RES.items():
        for rx, weight in pats:
            for m in rx.finditer(text):
                scores[sector] = scores.get(sector, 0) + weight
                first_pos[sector] = min(first_pos.get(sector, 10**6), m.start())
                if weight >= 6:
                    stated[sector] = True
    if not scores:
        return "grocery", True
    best = sorted(scores, key=lambda s: (-scores[s], first_pos[s], s))[0]
    return best, not stated.get(best, False)


# ---- city / location -------------------------------------------------------------------------------------
def detect_city(text: str) -> tuple[str | None, re.Match[str] | None]:
    best: tuple[int, str, re.Match[str]] | None = None
    for canonical, rx in _CITY_RES:
        m = rx.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), canonical, m)
    if best is None:
        return None, None
    return best[1], best[2]


def _location(text: str, city: str | None, m: re.Match[str] | None) -> str | None:
    """The city with a short capitalised locality when the prompt gives one ("Andheri West, Mumbai")."""
    if city is None or m is None:
        return None
    clauses = _SEPARATORS.split(text)
    pos = 0
    idx = 0
    for i, clause in enumerate(clauses):
        found = text.find(clause, pos)
        if found <= m.start() < found + len(clause) + 1:
            idx = i
            break
        pos = max(pos, found + len(clause))
    own = clauses[idx].replace(m.group(0), " ")
    own = re.sub(r"\b(?:in|at|from|near|based|located|mein|me)\b", " ", own, flags=re.IGNORECASE).strip(" ,-")
    candidates = [own] if own else ([clauses[idx - 1]] if idx >= 2 else [])
    for clause in candidates:
        words = clause.split()
        if (
            clause
            and len(clause) <= 40
            and 1 <= len(words) <= 3
            and all(w[:1].isupper() for w in words)
            and not any(rx.search(clause) for pats in _SECTOR_RES.values() for rx, _w in pats)
            and not _PRICE_WORDS.search(clause.lower())
            and not re.search(r"\d{3,}", clause)
        ):
            return f"{clause}, {city}"
    return city


# ---- payments, delivery, colour, language ------------------------------------------------------------------
def detect_payments(text: str) -> tuple[list[str], bool]:
    found: set[str] = set()
    excluded: set[str] = set()
    for rx, method in _PAYMENT_RES:
        for m in rx.finditer(text):
            if _NEGATED.search(text[max(0, m.start() - 10) : m.start()]):
                excluded.add(method)
            else:
                found.add(method)
    if _ONLINE_NEAR_PAYMENT.search(text):
        found.add("ONLINE")
    if re.search(r"\b(?:prepaid|online)\s+only\b|\bonly\s+(?:prepaid|online)\b", text, re.IGNORECASE):
        excluded.add("COD")
    found -= excluded
    if not found:
        methods = [m for m in PAYMENT_METHODS if m not in excluded] or ["UPI", "ONLINE"]
        return methods, False
    return [m for m in PAYMENT_METHODS if m in found], True


def detect_delivery(text: str, sector: str) -> tuple[str, bool]:
    modes = {mode for rx, mode in _DELIVERY_RES if rx.search(text)}
    if "shipping" in modes:
        return "shipping", True
    if "local_delivery" in modes and "pickup" in modes:
        return "delivery_and_pickup", True
    for mode in ("local_delivery", "pickup", "in_store"):
        if mode in modes:
            return mode, True
    return vocab.SECTOR_PROFILES[sector].delivery_mode, False


def detect_colour(text: str) -> str | None:
    m = _HEX.search(text)
    if m:
        h = m.group("h").lower()
        return "#" + (h if len(h) == 6 else "".join(c * 2 for c in h))
    m = _COLOUR_IN_CONTEXT.search(text)
    if m:
        name = m.group("c1") or m.group("c2")
        return vocab.COLOURS[re.sub(r"\s+", " ", name.lower())]
    # a clause that is only a colour ("…, green, …")
    for clause in _SEPARATORS.split(text):
        c = clause.strip().lower()
        if c and re.sub(r"\s+", " ", c) in vocab.COLOURS:
            return vocab.COLOURS[re.sub(r"\s+", " ", c)]
    return None


def detect_languages(text: str) -> list[str]:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    dev = sum(1 for ch in letters if "\u0900" <= ch <= "\u097f")
    if letters and dev / len(letters) > 0.5:
        return ["hi", "en"]
    if re.search(
        r"\b(?:only\s+hindi|hindi\s+only|hindi\s+(?:me|mein|first)|in\s+hindi(?!\s+(?:and|&|\+)))\b",
        text,
        re.IGNORECASE,
    ) or re.search(r"हिंदी\s+में|हिन्दी\s+में", text):
        return ["hi", "en"]
    if dev or re.search(r"\b(?:hindi|bilingual)\b|हिंदी|हिन्दी", text, re.IGNORECASE):
        return ["en", "hi"]
    return ["en"]


# ---- price range -----------------------------------------------------------------------------------------
def _to_paise(raw: str) -> int | None:
    s = raw.lower().replace(",", "").strip()
    mult = Decimal(1)
    for suffix, m in (
        ("thousand", 1000),
        ("hazaar", 1000),
        ("hazar", 1000),
        ("lakh", 100_000),
        ("lac", 100_000),
        ("k", 1000),
    ):
        if s.endswith(suffix):
            s, mult = s[: -len(suffix)].strip(), Decimal(m)
            break
    try:
        value = Decimal(s) * mult * 100
    except InvalidOperation:
        return None
    if value <= 0 or value > MAX_PRICE_PAISE:
        return None
    return int(value)


def _has_currency(m: re.Match[str]) -> bool:
    return any(m.groupdict().get(g) for g in ("c0", "c1", "c2", "c3"))


def detect_price_range(text: str) -> tuple[int | None, int | None]:
    """(min, max) in paise as stated; either may be None. Needs a currency marker or a price word nearby."""
    for clause in _SEPARATORS.split(text):
        price_context = bool(_PRICE_WORDS.search(clause.lower()))
        m = _RANGE.search(clause)
        if m and (_has_currency(m) or price_context):
            a, b = _to_paise(m.group("a")), _to_paise(m.group("b"))
            if a and b and a != b:
                return min(a, b), max(a, b)
        m = _UNDER.search(clause)
        if m and (_has_currency(m) or price_context):
            v = _to_paise(m.group("a") or m.group("b"))
            if v:
                return None, v
        m = _ABOVE.search(clause)
        if m and (_has_currency(m) or price_context):
            v = _to_paise(m.group("a") or m.group("b"))
            if v:
                return v, None
    return None, None


def resolve_price_range(sector: str, lo: int | None, hi: int | None) -> tuple[int, int]:
    prof = vocab.SECTOR_PROFILES[sector]
    if lo is None and hi is None:
        return prof.price_min_paise, prof.price_max_paise
    if lo is None:
        assert hi is not None
        lo = prof.price_min_paise if prof.price_min_paise * 2 <= hi else max(100, hi // 10)
    if hi is None:
        hi = min(MAX_PRICE_PAISE, max(prof.price_max_paise, lo * 5))
    lo = max(100, lo)
    hi = min(MAX_PRICE_PAISE, max(hi, lo + 100))
    return lo, hi


# ---- name and products -----------------------------------------------------------------------------------
def _is_descriptive(candidate: str) -> bool:
    """True when a clause describes the shop ("fresh vegetables") rather than naming it ("Curam")."""
    if _DESCRIPTOR_START.match(candidate):
        return True
    has_capital = any(w[:1].isupper() for w in candidate.split())
    has_keyword = any(rx.search(candidate) for pats in _SECTOR_RES.values() for rx, _w in pats)
    if has_keyword and not has_capital and not _DEVANAGARI.search(candidate):
        return True
    if detect_city(candidate)[0] and len(candidate.split()) <= 2:
        return True
    return bool(_PAYMENT_RES[0][0].fullmatch(candidate) or _COLOUR_WORD.fullmatch(candidate))


_SMALL_WORDS = {"of", "and", "the", "in", "on", "at", "by", "for", "&", "da", "di", "ka", "ki", "ke", "se"}


def _tidy_name(candidate: str) -> str:
    name = candidate.strip(" '\"“”‘’.-–—")
    name = re.sub(r"\s+", " ", name)
    # "curam" → "Curam", "Sweet Crumbs bakery" → "Sweet Crumbs Bakery"; keep "of", "iStore", "TechZone"
    name = " ".join(
        w[:1].upper() + w[1:] if w.islower() and (i == 0 or w not in _SMALL_WORDS) else w
        for i, w in enumerate(name.split())
    )
    return name[:60].strip()


def detect_name(text: str, sector: str, city: str | None) -> str:
    m = _NAME_EXPLICIT.search(text)
    if m:
        n = _tidy_name(m.group("n"))
        if n and not _DESCRIPTOR_START.match(n):
            return n
    first = _SEPARATORS.split(text, maxsplit=1)[0]
    if first == text and "-" in text:  # "Curam-fresh vegetables" with no other separator
        first = text.split("-", 1)[0]
    first = _TRAILING_PLACE.sub("", first).strip()
    if 0 < len(first) <= 50 and len(first.split()) <= 6 and not _is_descriptive(first):
        n = _tidy_name(first)
        if re.search(r"\w", n):
            return n
    prof = vocab.SECTOR_PROFILES[sector]
    return f"{city} {prof.name_suffix}" if city else f"My {prof.name_suffix}"


def detect_products(text: str, name: str, location: str | None = None) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def add(item: str) -> None:
        item = re.sub(r"\s+", " ", item).strip(" ,.-+&/")
        key = item.lower()
        if (
            2 <= len(item) <= 60
            and key not in seen
            and key != name.lower()
            and not any(key in f.lower() for f in found)
        ):
            seen.add(key)
            found.append(item)

    # 1. product words of any sector, with a leading adjective when present ("fresh vegetables")
    spans: list[tuple[int, str]] = []
    for pats in _SECTOR_RES.values():
        for rx, weight in pats:
            if weight >= 6:
                continue
            for m in rx.finditer(text):
                start = m.start()
                adj = re.search(_ADJ + r"\s+$", text[max(0, start - 20) : start], re.IGNORECASE)
                if adj:
                    start -= len(adj.group(0))
                spans.append((start, text[start : m.end()]))
    for _pos, item in sorted(spans):
        add(item.lower() if not item.isupper() else item)
    # 2. short leftover clauses ("handmade candles") once everything recognised is removed
    for i, clause in enumerate(_SEPARATORS.split(text)):
        if i == 0 and name and clause.strip().lower().startswith(name.lower()):
            continue
        if location and clause.strip() and clause.strip().lower() in location.lower():
            continue
        rest = clause
        for rx in [_COLOUR_IN_CONTEXT, _COLOUR_WORD, _RANGE, _UNDER, _ABOVE, _HEX]:
            rest = rx.sub(" ", rest)
        for _c, rx in _CITY_RES:
            rest = rx.sub(" ", rest)
        for rx, _m in _PAYMENT_RES + _DELIVERY_RES:
            rest = rx.sub(" ", rest)
        for pats in _SECTOR_RES.values():
            for rx, _w in pats:
                rest = rx.sub(" ", rest)
        rest = _FILLER.sub(" ", rest)
        rest = re.sub(
            r"\b(?:hindi|english|bilingual|language|website)\b|[^\w\s'-]", " ", rest, flags=re.IGNORECASE
        )
        rest = re.sub(r"\s+", " ", rest).strip(" -'")
        if re.search(r"[a-zA-Z\u0900-\u097F]{3,}", rest) and len(rest.split()) <= 4:
            add(rest.lower())
    return found[:10]


# ---- the brief -------------------------------------------------------------------------------------------
def extract_brief(prompt: str) -> Brief:
    """Deterministic rule-based brief. Every field has a sensible value; `*_stated`/`sector_detected` say
    which were read from the prompt and which were inferred or defaulted."""
    text = normalise(prompt)[:1000] or "store"
    sector, detected = detect_sector(text)
    city, city_match = detect_city(text)
    lo, hi = detect_price_range(text)
    stated_range = lo is not None or hi is not None
    pmin, pmax = resolve_price_range(sector, lo, hi)
    payments, _ = detect_payments(text)
    delivery, _ = detect_delivery(text, sector)
    colour = detect_colour(text)
    name = detect_name(text, sector, city)
    location = _location(text, city, city_match)
    return Brief(
        prompt=text,
        name=name,
        sector=sector,  # type: ignore[arg-type]
        sector_detected=detected,
        inventory_mode=inventory_mode_for(sector),
        city=city,
        location=location,
        products=detect_products(text, name, location),
        price_min_paise=pmin,
        price_max_paise=pmax,
        price_range_stated=stated_range,
        languages=detect_languages(text),  # type: ignore[arg-type]
        payment_methods=payments,  # type: ignore[arg-type]
        theme_colour=colour or vocab.SECTOR_PROFILES[sector].colour,
        theme_colour_stated=colour is not None,
        delivery_mode=delivery,  # type: ignore[arg-type]
    )
