# ruff: noqa: RUF001, RUF002, RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""The deterministic offline generator: the last link of the AI chain (and the local default).

    brief = extract_brief(prompt)
    spec = generate_offline(brief, store_id="sto_…")          # or stage by stage:
    copy = offline_copy(brief, seed); catalog = offline_catalog(brief, seed)
    images = offline_images(brief, catalog, theme); spec = assemble_site(brief, copy, catalog, images, …)

Same brief (same prompt) → identical output: the only randomness is a `random.Random` seeded from a hash of
the normalised prompt (`seed_for`), never the global generator. Ids are derived from the seed too.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

from sitegen.domain import art, vocab
from sitegen.domain.colour import theme_from
from sitegen.domain.safety import normalise
from sitegen.domain.spec import (
    Brief,
    Catalog,
    Category,
    Contact,
    Copy,
    Image,
    ImageSet,
    Inventory,
    LocalCopy,
    LText,
    MenuInventory,
    Product,
    SiteSpec,
    SlotInventory,
    StockInventory,
    Theme,
    Variant,
    VariantInventory,
)
from sitegen.domain.templates import (
    DELIVERY_COPY,
    PAYMENT_LABELS,
    PAYMENT_LABELS_IN_STORE,
    SECTORS,
    ProductT,
)

MIN_PRODUCTS = 8
MAX_PRODUCTS = 20
GENERATOR = "offline-v1"


# ---- determinism helpers ---------------------------------------------------------------------------------
def seed_for(prompt: str) -> int:
    """A stable 48-bit seed from the normalised, case-folded prompt."""
    key = normalise(prompt).casefold().encode("utf-8")
    return int(hashlib.sha256(key).hexdigest()[:12], 16)


def stable_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:20]}"


def slugify(text: str, fallback: str = "item") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-")
    return slug or fallback


def unique_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[:56]}-{n}"
        n += 1
    taken.add(slug)
    return slug


def clamp_text(text: str, limit: int) -> str:
    """Cut at a word boundary so the result fits `limit` characters (no ellipsis, so it stays a clean title)."""
    t = " ".join(text.split())
    if len(t) <= limit:
        return t
    cut = t[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-|&")


def nice_price(paise: int, rng: random.Random) -> int:
    """Round to a shop-like price: ₹5 steps under ₹100, ₹10 steps (sometimes ₹…9) under ₹1,000, ₹50 above."""
    rupees = paise / 100
    if rupees < 100:
        r = max(5, round(rupees / 5) * 5)
    elif rupees < 1000:
        r = round(rupees / 10) * 10
        if rng.random() < 0.4:
            r -= 1
    else:
        r = round(rupees / 50) * 50
        if rng.random() < 0.5:
            r -= 1
    return int(r) * 100


# ---- places and phrases ----------------------------------------------------------------------------------
def _place(brief: Brief) -> tuple[str | None, str | None]:
    if brief.location:
        hi = brief.location
        if brief.city:
            hi = brief.location.replace(brief.city, vocab.city_hi(brief.city) or brief.city)
        return brief.location, hi
    if brief.city:
        return brief.city, vocab.city_hi(brief.city)
    return None, None


def _join(items: list[str], last: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def payment_sentence(brief: Brief) -> tuple[str, str]:
    labels = PAYMENT_LABELS_IN_STORE if brief.delivery_mode == "in_store" else PAYMENT_LABELS
    en = [labels[m][0] for m in brief.payment_methods]
    hi = [labels[m][1] for m in brief.payment_methods]
    return f"Pay by {_join(en, 'or')}.", f"{_join(hi, 'या')} से भुगतान करें।"


def delivery_sentence(brief: Brief) -> tuple[str, str]:
    en_p, en_n, hi_p, hi_n = DELIVERY_COPY[brief.delivery_mode]
    place, place_hi = _place(brief)
    city = brief.city or place
    city_hi = vocab.city_hi(brief.city) if brief.city else place_hi
    if city:
        return en_p.format(place=city), hi_p.format(place_hi=city_hi)
    return en_n, hi_n


# ---- stage: copy -----------------------------------------------------------------------------------------
def offline_copy(brief: Brief, seed: int | None = None) -> Copy:
    seed = seed_for(brief.prompt) if seed is None else seed
    rng = random.Random(seed ^ 0xC0FFEE)
    t = SECTORS[brief.sector]
    prof = vocab.SECTOR_PROFILES[brief.sector]
    place, place_hi = _place(brief)
    city = brief.city
    city_hi = vocab.city_hi(city) if city else None
    tag_en, tag_hi = t.taglines[rng.randrange(len(t.taglines))]
    if city:
        hero_en, hero_hi = t.hero[0].format(place=city), t.hero[1].format(place_hi=city_hi)
    else:
        hero_en, hero_hi = t.hero_noplace
    about_en = t.about[0].format(name=brief.name, in_place=f" in {place}" if place else "")
    about_hi = t.about[1].format(
        name=brief.name,
        place_hi_in=f"{place_hi} में " if place_hi else "",
        place_hi_comma=f", {place_hi}" if place_hi else "",
    )
    pay_en, pay_hi = payment_sentence(brief)
    del_en, del_hi = delivery_sentence(brief)
    if brief.delivery_mode == "in_store":  # the sector's about already says "book a slot and visit"
        about_en, about_hi = f"{about_en} {pay_en}", f"{about_hi} {pay_hi}"
    else:
        about_en, about_hi = f"{about_en} {del_en} {pay_en}", f"{about_hi} {del_hi} {pay_hi}"

    label_en, label_hi = t.seo_label
    focus = _focus_phrase(brief)
    if focus:
        label_en = focus
    seo_en = _seo_title(brief.name, label_en, f" in {city}" if city else "")
    seo_hi = _seo_title(brief.name, label_hi, f" – {city_hi}" if city_hi else "")
    meta_en = _sentences(
        [f"{brief.name}: {tag_en}.", f"{label_en}{' in ' + city if city else ''}.", del_en, pay_en], 160
    )
    meta_hi = _sentences(
        [f"{brief.name}: {tag_hi}।", f"{prof.label_hi}{' – ' + city_hi if city_hi else ''}।", del_hi, pay_hi],
        160,
    )
    return Copy(
        en=LocalCopy(
            tagline=tag_en,
            about=about_en,
            seo_title=seo_en,
            meta_description=meta_en,
            hero_heading=clamp_text(hero_en, 90),
            cta=t.cta[0],
        ),
        hi=LocalCopy(
            tagline=tag_hi,
            about=about_hi,
            seo_title=seo_hi,
            meta_description=meta_hi,
            hero_heading=clamp_text(hero_hi, 90),
            cta=t.cta[1],
        ),
    )


def _sentences(parts: list[str], limit: int) -> str:
    """Whole sentences, as many as fit in `limit` characters."""
    out = ""
    for part in parts:
        candidate = f"{out} {part}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    return out or clamp_text(parts[0], limit)


def _focus_phrase(brief: Brief) -> str | None:
    """ "Fresh Vegetables" when the merchant named what they sell; only short plain phrases of 2+ words."""
    for p in brief.products[:1]:
        if re.fullmatch(r"[A-Za-z][A-Za-z'&-]+(?: [A-Za-z'&-]+){1,3}", p) and len(p) <= 30:
            return " ".join(w[:1].upper() + w[1:] for w in p.split())
    return None


def _seo_title(name: str, label: str, where: str) -> str:
    for candidate in (f"{name} – {label}{where}", f"{name} – {label}", f"{name}{where}", name):
        if len(candidate) <= 60:
            return candidate
    return clamp_text(name, 60)


# ---- stage: catalog --------------------------------------------------------------------------------------
_QTY = re.compile(r"^(?P<q>\d+(?:\.\d+)?)\s*(?P<u>kg|g|l|ml|pcs|pc)$", re.IGNORECASE)


def _scale_unit(unit: str, paise: int, lo: int, hi: int) -> tuple[str, int] | None:
    """Re-pack a weighed item so its price lands in the range: 1 kg at ₹40 → 2 kg at ₹80, 500 g → 250 g."""
    m = _QTY.match(unit)
    if not m:
        return None
    q, u = float(m.group("q")), m.group("u").lower()
    for factor in (2, 3, 5, 0.5, 0.25, 10, 0.2, 0.1):
        price = int(paise * factor)
        if lo <= price <= hi:
            nq, nu = q * factor, u
            if nu == "g" and nq >= 1000:
                nq, nu = nq / 1000, "kg"
            elif nu == "kg" and nq < 1:
                nq, nu = nq * 1000, "g"
            elif nu == "ml" and nq >= 1000:
                nq, nu = nq / 1000, "L"
            elif nu == "l" and nq < 1:
                nq, nu = nq * 1000, "ml"
            if nu == "l":
                nu = "L"
            if nq != int(nq):
                continue
            return f"{int(nq)} {nu}", price
    return None


def _preferred_categories(brief: Brief) -> list[str]:
    t = SECTORS[brief.sector]
    text = " ".join([brief.name, *brief.products]).lower()
    if not text:
        return []
    return [c.key for c in t.categories if re.search(c.match, text, re.IGNORECASE)]


def _choose(brief: Brief, rng: random.Random) -> list[tuple[ProductT, int, str]]:
    """Pick 8–20 templates and price them inside the brief's range. Returns (template, paise, unit)."""
    t = SECTORS[brief.sector]
    lo, hi = brief.price_min_paise, brief.price_max_paise
    preferred = _preferred_categories(brief)
    target = rng.randint(10, min(16, len(t.products)))

    in_range: list[tuple[ProductT, int, str]] = []
    rescued: list[tuple[ProductT, int, str]] = []
    for p in t.products:
        paise = p.rupees * 100
        if lo <= paise <= hi:
            in_range.append((p, paise, p.unit))
            continue
        scaled = _scale_unit(p.unit, paise, lo, hi) if brief.inventory_mode == "stock" else None
        if scaled:
            in_range.append((p, scaled[1], scaled[0]))
        else:
            rescued.append((p, min(max(paise, lo), hi), p.unit))

    def order(items: list[tuple[ProductT, int, str]]) -> list[tuple[ProductT, int, str]]:
        items = list(items)
        rng.shuffle(items)
        return sorted(items, key=lambda it: 0 if it[0].cat in preferred else 1)

    picked = order(in_range)
    if preferred and sum(1 for it in picked if it[0].cat in preferred) >= MIN_PRODUCTS:
        pref = [it for it in picked if it[0].cat in preferred]
        rest = [it for it in picked if it[0].cat not in preferred][:4]
        picked = pref[: MAX_PRODUCTS - len(rest)] + rest
        target = max(target, min(len(picked), MAX_PRODUCTS))
    if len(picked) < MIN_PRODUCTS:
        # closest-priced out-of-range templates, clamped to the range edge
        rescued.sort(key=lambda it: abs(it[0].rupees * 100 - it[1]))
        picked += rescued[: MIN_PRODUCTS - len(picked)]
    picked = picked[: max(MIN_PRODUCTS, min(target, MAX_PRODUCTS))]
    # keep the template's order (grouped by category) for a tidy catalogue
    index = {id(p): i for i, p in enumerate(t.products)}
    picked.sort(key=lambda it: index[id(it[0])])
    return picked


def _inventory(brief: Brief, p: ProductT, rng: random.Random, pid: str, price: int) -> Inventory:
    mode = brief.inventory_mode
    if mode == "stock":
        qty = rng.randint(3, 24) * 5
        threshold = max(3, qty // 8)
        return StockInventory(stock_qty=qty, low_stock_threshold=threshold, reorder_qty=threshold * 4)
    if mode == "menu":
        return MenuInventory(
            available=True, veg=bool(p.extra.get("veg", True)), prep_minutes=int(p.extra.get("prep", 20))
        )
    if mode == "slots":
        minutes = int(re.match(r"\d+", p.unit).group(0)) if re.match(r"\d+", p.unit) else 30  # type: ignore[union-attr]
        opens, closes, days = _hours(brief.sector)
        return SlotInventory(
            duration_minutes=minutes,
            capacity_per_slot=1 if brief.sector == "clinic" else 2,
            opens=opens,
            closes=closes,
            days=days,
        )  # type: ignore[arg-type]
    sizes = list(p.extra.get("sizes") or ["Standard"])
    colours = list(p.extra.get("colours") or [None])
    size_rupees = p.extra.get("size_rupees")
    variants: list[Variant] = []
    base_sku = re.sub(r"[^A-Z0-9]+", "", slugify(p.en).upper())[:10] or "ITEM"
    for si, size in enumerate(sizes[:5]):
        for colour in colours[:3]:
            vprice = None
            if size_rupees and si < len(size_rupees) and si > 0:
                ratio = size_rupees[si] / size_rupees[0]
                vprice = min(int(price * ratio) // 100 * 100, 10_000_000)
            sku_parts = [base_sku, re.sub(r"[^A-Z0-9]+", "", str(size).upper())[:8] or "STD"]
            if colour:
                sku_parts.append(re.sub(r"[^A-Z0-9]+", "", colour.upper())[:4])
            variants.append(
                Variant(
                    id=stable_id("var", pid, size, colour),
                    sku="-".join(sku_parts)[:48],
                    size=str(size)[:20],
                    colour=colour,
                    price_paise=vprice,
                    stock_qty=rng.randint(2, 25),
                )
            )
    return VariantInventory(variants=variants[:24])


def _hours(sector: str) -> tuple[str, str, list[str]]:
    if sector == "salon":
        return "10:00", "20:00", ["tue", "wed", "thu", "fri", "sat", "sun"]
    return "10:00", "19:00", ["mon", "tue", "wed", "thu", "fri", "sat"]


def _image_prompt(brief: Brief, name: str, unit: str) -> str:
    style = SECTORS[brief.sector].image_style
    return clamp_text(f"{name} ({unit}), {style}, square, photorealistic, no text, no logo", 400)


def offline_catalog(brief: Brief, seed: int | None = None) -> Catalog:
    seed = seed_for(brief.prompt) if seed is None else seed
    rng = random.Random(seed)
    t = SECTORS[brief.sector]
    chosen = _choose(brief, rng)
    used_cats = [c for c in t.categories if any(p.cat == c.key for p, _pr, _u in chosen)]
    cat_ids = {c.key: stable_id("cat", seed, c.key) for c in used_cats}
    taken: set[str] = set()
    categories = [
        Category(
            id=cat_ids[c.key],
            slug=unique_slug(slugify(c.en, "category"), taken),
            name=LText(en=c.en, hi=c.hi),
        )
        for c in used_cats
    ]
    cat_by_key = {c.key: c for c in t.categories}
    products: list[Product] = []
    ptaken: set[str] = set()
    lo, hi = brief.price_min_paise, brief.price_max_paise
    for p, paise, unit in chosen:
        price = min(max(nice_price(int(paise * rng.uniform(0.94, 1.06)), rng), lo), hi)
        pid = stable_id("prd", seed, p.en)
        ct = cat_by_key[p.cat]
        i = rng.randrange(len(ct.desc_en))
        mrp = None
        if brief.inventory_mode in ("stock", "variants") and rng.random() < 0.3:
            mrp_candidate = nice_price(int(price * rng.uniform(1.1, 1.25)), rng)
            mrp = mrp_candidate if price < mrp_candidate <= 10_000_000 else None
        products.append(
            Product(
                id=pid,
                slug=unique_slug(slugify(p.en, "product"), ptaken),
                name=LText(en=p.en, hi=p.hi),
                description=LText(
                    en=ct.desc_en[i].format(n=p.en, u=unit), hi=ct.desc_hi[i].format(h=p.hi, u=unit)
                ),
                price_paise=price,
                mrp_paise=mrp,
                unit=unit,
                category_id=cat_ids[p.cat],
                image_prompt=_image_prompt(brief, p.en, unit),
                image_id=stable_id("img", pid),
                inventory=_inventory(brief, p, rng, pid, price),
            )
        )
    return Catalog(inventory_mode=brief.inventory_mode, categories=categories, products=products)


# ---- stage: images ---------------------------------------------------------------------------------------
def build_theme(brief: Brief) -> Theme:
    return theme_from(brief.theme_colour)


def hero_image_id(brief: Brief, seed: int | None = None) -> str:
    seed = seed_for(brief.prompt) if seed is None else seed
    return stable_id("img", seed, "hero")


def hero_prompt(brief: Brief) -> str:
    prof = vocab.SECTOR_PROFILES[brief.sector]
    where = f" in {brief.city}" if brief.city else ""
    things = ", ".join(brief.products[:3]) or prof.label_en
    return clamp_text(
        f"Inviting wide banner photo of an Indian {prof.label_en}{where}: {things}; "
        f"{SECTORS[brief.sector].image_style}; space for a headline, no text",
        400,
    )


def offline_images(
    brief: Brief, catalog: Catalog, theme: Theme | None = None, seed: int | None = None
) -> ImageSet:
    """SVG art for the hero and every product (works for any catalog, model-made or ours)."""
    theme = theme or build_theme(brief)
    colours = (theme.brand, theme.brand_dark, theme.brand_light, theme.accent)
    images = [
        Image(
            id=hero_image_id(brief, seed),
            kind="hero",
            prompt=hero_prompt(brief),
            alt=LText(
                en=f"{brief.name} – {vocab.SECTOR_PROFILES[brief.sector].label_en}",
                hi=f"{brief.name} – {vocab.SECTOR_PROFILES[brief.sector].label_hi}",
            ),
            svg=art.hero_svg(brief.name, brief.name, brief.sector, *colours),
            width=1200,
            height=600,
        )
    ]
    for p in catalog.products:
        images.append(
            Image(
                id=p.image_id or stable_id("img", p.id),
                kind="product",
                product_id=p.id,
                prompt=p.image_prompt or _image_prompt(brief, p.name.en, p.unit),
                alt=LText(en=f"{p.name.en} – {p.unit}", hi=f"{p.name.hi} – {p.unit}"),
                svg=art.product_svg(p.id, p.name.en, brief.sector, *colours),
            )
        )
    return ImageSet(images=images)


# ---- assembling the site spec ----------------------------------------------------------------------------
def assemble_site(
    brief: Brief,
    copy: Copy,
    catalog: Catalog,
    images: ImageSet,
    *,
    store_id: str = "",
    seed: int | None = None,
    generated_by: str = GENERATOR,
    theme: Theme | None = None,
    contact: Contact | None = None,
) -> SiteSpec:
    seed = seed_for(brief.prompt) if seed is None else seed
    hero = next((i.id for i in images.images if i.kind == "hero"), None)
    # every product points at an image that exists
    known = {i.id for i in images.images}
    products = [
        p
        if p.image_id in known
        else _with_image(p, next((i.id for i in images.images if i.product_id == p.id), None))
        for p in catalog.products
    ]
    if products != catalog.products:
        catalog = Catalog(
            inventory_mode=catalog.inventory_mode, categories=catalog.categories, products=products
        )
    return SiteSpec(
        store_id=store_id,
        seed=seed,
        generated_by=generated_by,
        brief=brief,
        copy=copy,
        catalog=catalog,
        images=images,
        theme=theme or build_theme(brief),
        contact=contact
        or Contact(address=brief.location, city=brief.city, hours=SECTORS[brief.sector].hours),
        hero_image_id=hero,
    )


def _with_image(p: Product, image_id: str | None) -> Product:
    import msgspec

    return msgspec.structs.replace(p, image_id=image_id)


def generate_offline(brief: Brief, *, seed: int | None = None, store_id: str = "") -> SiteSpec:
    """The whole offline pipeline after the brief: copy → catalog → images → site spec."""
    seed = seed_for(brief.prompt) if seed is None else seed
    theme = build_theme(brief)
    copy = offline_copy(brief, seed)
    catalog = offline_catalog(brief, seed)
    images = offline_images(brief, catalog, theme, seed)
    return assemble_site(brief, copy, catalog, images, store_id=store_id, seed=seed, theme=theme)
