# ruff: noqa: RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""Word lists and per-sector facts shared by brief extraction, the offline generator and validation.

Pure data (plus two tiny helpers). English, Hinglish (romanised Hindi) and Devanagari forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SectorProfile:
    sector: str
    label_en: str  # "grocery store"
    label_hi: str  # "किराना स्टोर"
    price_min_paise: int
    price_max_paise: int
    colour: str  # default theme colour
    delivery_mode: str
    schema_type: str  # schema.org type under LocalBusiness
    name_suffix: str  # for a generated name: "<City> Fresh Mart"


SECTOR_PROFILES: dict[str, SectorProfile] = {
    "grocery": SectorProfile(
        "grocery",
        "grocery store",
        "किराना स्टोर",
        1_000,
        120_000,
        "#16a34a",
        "local_delivery",
        "GroceryStore",
        "Fresh Mart",
    ),
    "restaurant": SectorProfile(
        "restaurant",
        "restaurant",
        "रेस्टोरेंट",
        2_500,
        80_000,
        "#dc2626",
        "local_delivery",
        "Restaurant",
        "Kitchen",
    ),
    "bakery": SectorProfile(
        "bakery", "bakery", "बेकरी", 2_000, 150_000, "#b45309", "local_delivery", "Bakery", "Bakers"
    ),
    "clinic": SectorProfile(
        "clinic",
        "clinic",
        "क्लिनिक",
        15_000,
        1_000_000,
        "#0e7490",
        "in_store",
        "MedicalClinic",
        "Health Clinic",
    ),
    "pharmacy": SectorProfile(
        "pharmacy", "pharmacy", "फ़ार्मेसी", 2_000, 300_000, "#059669", "local_delivery", "Pharmacy", "Pharmacy"
    ),
    "fashion": SectorProfile(
        "fashion",
        "fashion store",
        "फ़ैशन स्टोर",
        19_900,
        900_000,
        "#7c3aed",
        "shipping",
        "ClothingStore",
        "Fashion House",
    ),
    "electronics": SectorProfile(
        "electronics",
        "electronics store",
        "इलेक्ट्रॉनिक्स स्टोर",
        14_900,
        5_000_000,
        "#2563eb",
        "shipping",
        "ElectronicsStore",
        "Electronics",
    ),
    "salon": SectorProfile(
        "salon", "salon", "सैलून", 5_000, 2_000_000, "#db2777", "in_store", "BeautySalon", "Salon"
    ),
}

# (regex, weight). The sector's own name weighs most; product words less. Order within a list does not matter.
SECTOR_KEYWORDS: dict[str, list[tuple[str, int]]] = {
    "grocery": [
        (r"grocer(?:y|ies)|kirana|supermarket|super\s+market|general\s+store|provision\s+store", 6),
        (r"mart|bazaar|bazar", 3),
        (
            r"vegetables?|veggies|sabzi|sabji|sabziyan|fruits?|phal|dairy|milk|doodh|paneer|atta|dal|daal|rice|"
            r"chawal|masalas?|spices|pulses|staples|organic|farm\s+fresh|greens|onions?|potato(?:es)?|tomato(?:es)?|"
            r"eggs?|ghee|oil|dry\s+fruits|namkeen|snacks",
            2,
        ),
        (r"किराना(?:\s+स्टोर)?|जनरल\s+स्टोर", 6),
        (r"सब्ज़ी|सब्जी|सब्ज़ियाँ|सब्जियां|फल|दूध|राशन|आटा|दाल", 3),
    ],
    "restaurant": [
        (
            r"restaurants?|dhaba|cafe|café|caf[eé]s|cloud\s+kitchen|eatery|diner|canteen|food\s+truck|"
            r"bistro|mess|tiffin\s+service|takeaway|food\s+joint",
            6,
        ),
        (
            r"biryani|thali|tiffin|meals?|food|khana|pizza|burgers?|momos|dosa|idli|rolls?|chaat|kebabs?|tandoori|"
            r"curry|chinese|north\s+indian|south\s+indian|veg\s+and\s+non[-\s]?veg|non[-\s]?veg|chai|coffee|"
            r"shakes|juices?|street\s+food|snacks\s+corner",
            2,
        ),
        (r"रेस्टोरेंट|ढाबा|खाना|भोजन|बिरयानी|थाली", 3),
    ],
    "bakery": [
        (
            r"baker(?:y|ies)|patisserie|cake\s+shop|sweet\s+shop|mithai\s+shop|halwai|confectioner(?:y|s)?|"
            r"home\s*baker|cakery",
            6,
        ),
        (
            r"cakes?|pastr(?:y|ies)|bread|breads|cookies|biscuits|rusk|buns?|muffins?|cupcakes?|brownies?|"
            r"croissants?|mithai|sweets|ladoos?|laddoos?|barfi|rasgull[ae]|gulab\s+jamun|eggless",
            2,
        ),
        (r"बेकरी|केक|मिठाई|ब्रेड|हलवाई", 3),
    ],
    "clinic": [
        (
            r"clinics?|doctors?|dr\.?|dental|dentist|physiotherapy|physio|diagnostics?|pathology|polyclinic|"
            r"hospital|nursing\s+home|homeopath(?:y|ic)|ayurvedic\s+clinic|dermatolog\w*|pediatric\w*|"
            r"paediatric\w*|gynaec\w*|eye\s+care|optometr\w*|vet(?:erinary)?\s+clinic|skin\s+clinic",
            6,
        ),
        (
            r"consultations?|check[-\s]?ups?|appointments?|treatment|therapy|vaccinations?|lab\s+tests?|"
            r"blood\s+tests?|x[-\s]?ray",
            2,
        ),
        (r"क्लिनिक|डॉक्टर|डाक्टर|अस्पताल|दवाखाना", 4),
    ],
    "pharmacy": [
        (
            r"pharmac(?:y|ies)|chemists?|druggists?|drug\s*stores?|medical\s+stores?|medical\s+shop|"
            r"medicals|dawakhana|dawa\s+dukaan",
            7,
        ),
        (
            r"medicines?|medicine|dawai|dawa|tablets|syrups?|otc|first[-\s]aid|surgical|healthcare\s+products|"
            r"wellness|vitamins|supplements|ayurvedic\s+medicines?|herbal\s+medicines?|bp\s+monitor|glucometer|"
            r"sanitizers?|masks",
            2,
        ),
        (r"फ़ार्मेसी|फार्मेसी|दवाई|दवा|केमिस्ट|मेडिकल\s+स्टोर", 4),
    ],
    "fashion": [
        (
            r"fashion|boutique|clothing|apparel|garments?|online\s+brand|clothing\s+brand|ethnic\s+wear|"
            r"western\s+wear|menswear|womenswear|kidswear|streetwear|handloom|textiles?|tailor\w*",
            6,
        ),
        (
            r"clothes|sarees?|sari|kurtas?|kurtis?|lehengas?|dupattas?|salwar|suits|shirts?|t[-\s]?shirts?|"
            r"tees|jeans|dress(?:es)?|hoodies?|jackets?|footwear|shoes|sneakers|sandals|jutti|mojari|bags|"
            r"handbags|jewell?ery|accessories|cotton|silk|khadi|block\s+print",
            2,
        ),
        (r"कपड़े|कपड़ा|साड़ी|कुर्ता|कुर्ती|फ़ैशन|फैशन|बुटीक", 4),
    ],
    "electronics": [
        (
            r"electronics?|gadgets?|mobile\s+shop|mobile\s+store|phone\s+shop|computer\s+shop|appliances?|"
            r"electricals?",
            6,
        ),
        (
            r"mobiles?|phones?|smartphones?|laptops?|computers?|chargers?|cables?|earphones|earbuds|headphones|"
            r"speakers?|power\s*banks?|smart\s*watch(?:es)?|tablets?\s+and|tv|televisions?|led\s+tv|cameras?|"
            r"accessories\s+for\s+phones|phone\s+accessories|routers?|printers?|fans|coolers?|mixers?|bulbs",
            2,
        ),
        (r"इलेक्ट्रॉनिक्स|मोबाइल|फ़ोन|लैपटॉप", 4),
    ],
    "salon": [
        (
            r"salons?|parlou?r|beauty\s+parlou?r|spas?|barber\w*|unisex\s+salon|hair\s+studio|makeup\s+studio|"
            r"nail\s+studio|grooming\s+studio",
            6,
        ),
        (
            r"haircuts?|hair\s+cut|hair\s*styling|hair\s+colou?r|facials?|waxing|threading|manicure|pedicure|"
            r"makeup|make[-\s]up|bridal|mehendi|mehndi|massage|grooming|shave|beard|keratin|smoothening",
            2,
        ),
        (r"सैलून|पार्लर|ब्यूटी|हेयर\s*कट", 4),
    ],
}

# canonical (English), Hindi (Devanagari), aliases (lower-case)
CITIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Mumbai", "मुंबई", ("mumbai", "bombay", "navi mumbai", "thane", "मुंबई")),
    ("Delhi", "दिल्ली", ("delhi", "new delhi", "dilli", "दिल्ली")),
    ("Bengaluru", "बेंगलुरु", ("bengaluru", "bangalore", "blr", "बेंगलुरु", "बैंगलोर")),
    ("Hyderabad", "हैदराबाद", ("hyderabad", "secunderabad", "हैदराबाद")),
    ("Chennai", "चेन्नई", ("chennai", "madras", "चेन्नई")),
    ("Kolkata", "कोलकाता", ("kolkata", "calcutta", "कोलकाता")),
    ("Pune", "पुणे", ("pune", "poona", "pimpri", "chinchwad", "पुणे")),
    ("Ahmedabad", "अहमदाबाद", ("ahmedabad", "amdavad", "अहमदाबाद")),
    ("Surat", "सूरत", ("surat", "सूरत")),
    ("Jaipur", "जयपुर", ("jaipur", "जयपुर")),
    ("Lucknow", "लखनऊ", ("lucknow", "लखनऊ")),
    ("Kanpur", "कानपुर", ("kanpur", "कानपुर")),
    ("Nagpur", "नागपुर", ("nagpur", "नागपुर")),
    ("Indore", "इंदौर", ("indore", "इंदौर")),
    ("Bhopal", "भोपाल", ("bhopal", "भोपाल")),
    ("Patna", "पटना", ("patna", "पटना")),
    ("Vadodara", "वडोदरा", ("vadodara", "baroda", "वडोदरा")),
    ("Ghaziabad", "ग़ाज़ियाबाद", ("ghaziabad", "गाजियाबाद")),
    ("Noida", "नोएडा", ("noida", "greater noida", "नोएडा")),
    ("Gurugram", "गुरुग्राम", ("gurugram", "gurgaon", "गुरुग्राम", "गुड़गांव")),
    ("Faridabad", "फ़रीदाबाद", ("faridabad", "फरीदाबाद")),
    ("Ludhiana", "लुधियाना", ("ludhiana", "लुधियाना")),
    ("Amritsar", "अमृतसर", ("amritsar", "अमृतसर")),
    ("Chandigarh", "चंडीगढ़", ("chandigarh", "mohali", "panchkula", "चंडीगढ़")),
    ("Agra", "आगरा", ("agra", "आगरा")),
    ("Varanasi", "वाराणसी", ("varanasi", "banaras", "benares", "kashi", "वाराणसी", "बनारस")),
    ("Prayagraj", "प्रयागराज", ("prayagraj", "allahabad", "प्रयागराज")),
    ("Meerut", "मेरठ", ("meerut", "मेरठ")),
    ("Nashik", "नासिक", ("nashik", "nasik", "नासिक")),
    ("Aurangabad", "औरंगाबाद", ("aurangabad", "sambhajinagar", "औरंगाबाद")),
    ("Rajkot", "राजकोट", ("rajkot", "राजकोट")),
    ("Jodhpur", "जोधपुर", ("jodhpur", "जोधपुर")),
    ("Udaipur", "उदयपुर", ("udaipur", "उदयपुर")),
    ("Kota", "कोटा", ("kota", "कोटा")),
    ("Raipur", "रायपुर", ("raipur", "रायपुर")),
    ("Ranchi", "रांची", ("ranchi", "रांची")),
    ("Jamshedpur", "जमशेदपुर", ("jamshedpur", "जमशेदपुर")),
    ("Bhubaneswar", "भुवनेश्वर", ("bhubaneswar", "bhubaneshwar", "भुवनेश्वर")),
    ("Cuttack", "कटक", ("cuttack", "कटक")),
    ("Guwahati", "गुवाहाटी", ("guwahati", "gauhati", "गुवाहाटी")),
    ("Siliguri", "सिलीगुड़ी", ("siliguri", "सिलीगुड़ी")),
    ("Dehradun", "देहरादून", ("dehradun", "देहरादून")),
    ("Shimla", "शिमला", ("shimla", "शिमला")),
    ("Jammu", "जम्मू", ("jammu", "जम्मू")),
    ("Srinagar", "श्रीनगर", ("srinagar", "श्रीनगर")),
    ("Kochi", "कोच्चि", ("kochi", "cochin", "ernakulam", "कोच्चि")),
    ("Thiruvananthapuram", "तिरुवनंतपुरम", ("thiruvananthapuram", "trivandrum", "तिरुवनंतपुरम")),
    ("Kozhikode", "कोझिकोड", ("kozhikode", "calicut")),
    ("Coimbatore", "कोयंबटूर", ("coimbatore", "कोयंबटूर")),
    ("Madurai", "मदुरै", ("madurai", "मदुरै")),
    ("Tiruchirappalli", "तिरुचिरापल्ली", ("tiruchirappalli", "trichy")),
    ("Mysuru", "मैसूरु", ("mysuru", "mysore", "मैसूर")),
    ("Mangaluru", "मंगलुरु", ("mangaluru", "mangalore")),
    ("Hubballi", "हुबली", ("hubballi", "hubli", "dharwad")),
    ("Visakhapatnam", "विशाखापत्तनम", ("visakhapatnam", "vizag", "विशाखापत्तनम")),
    ("Vijayawada", "विजयवाड़ा", ("vijayawada", "विजयवाड़ा")),
    ("Warangal", "वारंगल", ("warangal",)),
    ("Goa", "गोवा", ("goa", "panaji", "panjim", "margao", "गोवा")),
    ("Puducherry", "पुडुचेरी", ("puducherry", "pondicherry", "pondy")),
    ("Gwalior", "ग्वालियर", ("gwalior", "ग्वालियर")),
    ("Jabalpur", "जबलपुर", ("jabalpur", "जबलपुर")),
    ("Ujjain", "उज्जैन", ("ujjain", "उज्जैन")),
    ("Bareilly", "बरेली", ("bareilly", "बरेली")),
    ("Aligarh", "अलीगढ़", ("aligarh", "अलीगढ़")),
    ("Gorakhpur", "गोरखपुर", ("gorakhpur", "गोरखपुर")),
    ("Jalandhar", "जालंधर", ("jalandhar", "जालंधर")),
    ("Ajmer", "अजमेर", ("ajmer", "अजमेर")),
    ("Bikaner", "बीकानेर", ("bikaner", "बीकानेर")),
    ("Solapur", "सोलापुर", ("solapur", "सोलापुर")),
    ("Kolhapur", "कोल्हापुर", ("kolhapur", "कोल्हापुर")),
    ("Gaya", "गया", ("gaya",)),
    ("Dhanbad", "धनबाद", ("dhanbad", "धनबाद")),
    ("Haridwar", "हरिद्वार", ("haridwar", "rishikesh", "हरिद्वार")),
]


def city_hi(city: str | None) -> str | None:
    for canonical, hi, _aliases in CITIES:
        if canonical == city:
            return hi
    return city


# colour names (longest match first) → hex. Hindi/Hinglish too.
COLOURS: dict[str, str] = {
    "gun metal grey": "#53565a",
    "gunmetal grey": "#53565a",
    "gun metal": "#53565a",
    "dark green": "#166534",
    "forest green": "#166534",
    "emerald green": "#059669",
    "emerald": "#059669",
    "olive green": "#4d7c0f",
    "olive": "#4d7c0f",
    "mint green": "#10b981",
    "mint": "#10b981",
    "lime green": "#65a30d",
    "lime": "#65a30d",
    "bottle green": "#14532d",
    "leaf green": "#16a34a",
    "green": "#16a34a",
    "hara": "#16a34a",
    "हरा": "#16a34a",
    "हरे": "#16a34a",
    "navy blue": "#1e3a8a",
    "navy": "#1e3a8a",
    "royal blue": "#1d4ed8",
    "sky blue": "#0284c7",
    "light blue": "#0284c7",
    "dark blue": "#1e3a8a",
    "blue": "#2563eb",
    "neela": "#2563eb",
    "नीला": "#2563eb",
    "नीले": "#2563eb",
    "teal": "#0d9488",
    "turquoise": "#0891b2",
    "cyan": "#0891b2",
    "aqua": "#0891b2",
    "maroon": "#7f1d1d",
    "wine": "#7f1d1d",
    "burgundy": "#7f1d1d",
    "crimson": "#b91c1c",
    "red": "#dc2626",
    "laal": "#dc2626",
    "lal": "#dc2626",
    "लाल": "#dc2626",
    "saffron": "#ea580c",
    "kesari": "#ea580c",
    "kesariya": "#ea580c",
    "भगवा": "#ea580c",
    "केसरिया": "#ea580c",
    "orange": "#ea580c",
    "narangi": "#ea580c",
    "mustard": "#ca8a04",
    "gold": "#b7791f",
    "golden": "#b7791f",
    "sunehra": "#b7791f",
    "yellow": "#eab308",
    "peela": "#ca8a04",
    "पीला": "#ca8a04",
    "lavender": "#8b5cf6",
    "purple": "#7c3aed",
    "violet": "#7c3aed",
    "jamuni": "#7c3aed",
    "baingani": "#7c3aed",
    "बैंगनी": "#7c3aed",
    "magenta": "#c026d3",
    "rani pink": "#db2777",
    "hot pink": "#db2777",
    "baby pink": "#ec4899",
    "pastel pink": "#ec4899",
    "peach": "#f97316",
    "coral": "#f43f5e",
    "pink": "#db2777",
    "gulabi": "#db2777",
    "गुलाबी": "#db2777",
    "chocolate brown": "#78350f",
    "chocolate": "#78350f",
    "coffee": "#78350f",
    "brown": "#92400e",
    "bhura": "#92400e",
    "beige": "#a16207",
    "cream": "#a16207",
    "charcoal": "#374151",
    "slate": "#475569",
    "grey": "#4b5563",
    "gray": "#4b5563",
    "silver": "#64748b",
    "black": "#111827",
    "kaala": "#111827",
    "kala": "#111827",
    "काला": "#111827",
}

COLOUR_CONTEXT = r"(?:theme|colou?r|colou?rs|rang|shade|palette|look|tone|brand\s+colou?r|रंग|थीम)"

PAYMENT_WORDS: dict[str, str] = {
    # regex → method
    # "COD" (any case only where it reads as payment: "cod available", "upi/cod"; "cod" alone may be the fish)
    r"cash\s+on\s+delivery|(?-i:COD)|cod(?=\s*(?:[+/&]|and\b|or\b|available|only|accepted|bhi\b|$))|cash|nakad|nakdi|naqad|pay\s+on\s+delivery|नकद|कैश": "COD",
    r"upi|gpay|g\s*pay|google\s+pay|phone\s*pe|paytm|bhim|qr\s+code|यूपीआई": "UPI",
    r"cards?|credit\s+cards?|debit\s+cards?|net\s*banking|online\s+payments?|pay\s+online|razorpay|wallets?|"
    r"prepaid|कार्ड": "ONLINE",
}

DELIVERY_WORDS: list[tuple[str, str]] = [
    (
        r"pan[-\s]india|all\s+over\s+india|across\s+india|nation\s*wide|ship(?:ping|s)?|courier|india\s+delivery",
        "shipping",
    ),
    (r"pick[-\s]?up|takeaway|take[-\s]away|self[-\s]pick|collect\s+in\s+store|parcel", "pickup"),
    (
        r"home\s+delivery|local\s+delivery|doorstep|deliver(?:y|s|ing)?|delivry|ghar\s+tak|होम\s+डिलीवरी|डिलीवरी",
        "local_delivery",
    ),
    (r"walk[-\s]?ins?|appointments?|visit\s+us|in[-\s]store|at\s+the\s+clinic|home\s+visits?", "in_store"),
]

# Words that make a prompt recognisable (not gibberish) besides the tables above.
COMMON_WORDS = {
    "shop",
    "store",
    "stores",
    "fresh",
    "local",
    "delivery",
    "cash",
    "upi",
    "theme",
    "online",
    "and",
    "the",
    "with",
    "for",
    "in",
    "my",
    "our",
    "best",
    "quality",
    "price",
    "prices",
    "cheap",
    "affordable",
    "premium",
    "home",
    "made",
    "homemade",
    "handmade",
    "daily",
    "near",
    "city",
    "market",
    "brand",
    "sell",
    "selling",
    "want",
    "need",
    "create",
    "website",
    "site",
    "make",
    "new",
    "open",
    "family",
    "since",
    "traditional",
    "hindi",
    "english",
    "pure",
    "natural",
    "colour",
    "color",
    "under",
    "below",
    "above",
    "rupees",
    "rs",
    "dukaan",
    "dukan",
    "wala",
    "wale",
    "wali",
    "ki",
    "ka",
    "ke",
    "mein",
    "me",
    "aur",
    "hai",
    "bhi",
    "sasta",
    "achha",
    "accha",
    "taza",
    "taaza",
    "service",
    "services",
    "booking",
    "pay",
    "payment",
}

_KNOWN_RE: re.Pattern[str] | None = None


def _known_re() -> re.Pattern[str]:
    global _KNOWN_RE  # built once, lazily (pure cache of constant data)
    if _KNOWN_RE is None:
        parts: list[str] = []
        for pats in SECTOR_KEYWORDS.values():
            parts.extend(p for p, _w in pats)
        parts.extend(re.escape(a) for _c, _h, aliases in CITIES for a in aliases)
        parts.extend(re.escape(c) for c in COLOURS)
        parts.extend(PAYMENT_WORDS)
        _KNOWN_RE = re.compile(r"^(?:" + "|".join(parts) + r")$", re.IGNORECASE)
    return _KNOWN_RE


def is_known_word(token: str) -> bool:
    t = token.lower()
    return t in COMMON_WORDS or bool(_known_re().match(t))
