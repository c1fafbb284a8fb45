# ruff: noqa: RUF001, RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""Per-sector templates for the offline generator: categories, products (English + Hindi), copy.

Prices are typical Indian retail prices in rupees (converted to paise by the generator). Units are shown as
written. For slot sectors the unit is the duration ("30 min"); for variant sectors `extra` carries sizes,
colours and per-size prices. Hindi avoids gendered participles ("टमाटर — आज सुबह मंडी से ताज़ा") so one
template reads well for every product.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class CategoryT:
    key: str
    en: str
    hi: str
    match: str  # regex matched against the brief's product mentions to prefer this category
    desc_en: tuple[str, ...]  # "{n}" = English product name, "{u}" = unit
    desc_hi: tuple[str, ...]  # "{h}" = Hindi product name


@dataclass(frozen=True, slots=True)
class ProductT:
    cat: str
    en: str
    hi: str
    rupees: int
    unit: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SectorT:
    categories: tuple[CategoryT, ...]
    products: tuple[ProductT, ...]
    taglines: tuple[tuple[str, str], ...]  # (en, hi)
    hero: tuple[str, str]  # "{place}" / "{place_hi}" may appear
    hero_noplace: tuple[str, str]
    about: tuple[str, str]  # "{name}", "{in_place}"; Hindi: "{place_hi_in}" ("मुंबई में "), "{place_hi_comma}"
    seo_label: tuple[str, str]
    cta: tuple[str, str]
    image_style: str
    hours: str


P = ProductT
C = CategoryT

SECTORS: dict[str, SectorT] = {
    # ------------------------------------------------------------------------------------------ grocery
    "grocery": SectorT(
        categories=(
            C(
                "vegetables",
                "Fresh Vegetables",
                "ताज़ी सब्ज़ियाँ",
                r"veg|sabzi|sabji|greens|सब्ज",
                (
                    "{n}, hand-picked at the mandi this morning. Washed, sorted and packed fresh ({u}).",
                    "Farm-fresh {n} ({u}), sourced daily from trusted growers and delivered the same day.",
                ),
                (
                    "{h} — आज सुबह मंडी से ताज़ा, साफ़ और छाँटकर पैक।",
                    "{h} — भरोसेमंद किसानों से रोज़ाना, उसी दिन डिलीवरी।",
                ),
            ),
            C(
                "fruits",
                "Seasonal Fruits",
                "मौसमी फल",
                r"fruit|phal|फल",
                (
                    "Sweet, ripe {n} ({u}), picked for flavour and checked piece by piece.",
                    "Seasonal {n} ({u}) — juicy, fresh and naturally ripened.",
                ),
                ("{h} — मीठे, पके और एक-एक करके जाँचे हुए।", "{h} — मौसमी, रसीले और प्राकृतिक रूप से पके।"),
            ),
            C(
                "dairy",
                "Dairy & Eggs",
                "डेयरी और अंडे",
                r"dairy|milk|doodh|paneer|dahi|egg|दूध",
                (
                    "{n} ({u}), delivered chilled from local dairies every morning.",
                    "Fresh {n} ({u}) — kept cold from dairy to doorstep.",
                ),
                ("{h} — रोज़ सुबह स्थानीय डेयरी से ठंडा-ताज़ा।", "{h} — डेयरी से घर तक ठंडा और ताज़ा।"),
            ),
            C(
                "staples",
                "Atta, Rice & Dal",
                "आटा, चावल और दाल",
                r"atta|rice|chawal|dal|daal|staple|ration|आटा|दाल",
                (
                    "Everyday {n} ({u}) — clean, quality-checked and fairly priced.",
                    "{n} ({u}) for your daily kitchen, packed hygienically.",
                ),
                ("{h} — रोज़ की रसोई के लिए साफ़ और जाँचा हुआ।", "{h} — साफ़-सुथरी पैकिंग में, सही दाम पर।"),
            ),
            C(
                "masala",
                "Masala & Oils",
                "मसाले और तेल",
                r"masala|spice|oil|ghee|मसाल",
                (
                    "Aromatic {n} ({u}) for real home-style taste.",
                    "{n} ({u}) — pure, fresh and full of flavour.",
                ),
                ("{h} — घर जैसे असली स्वाद के लिए।", "{h} — शुद्ध, ताज़ा और भरपूर स्वाद।"),
            ),
        ),
        products=(
            P("vegetables", "Tomatoes", "टमाटर", 40, "1 kg"),
            P("vegetables", "Onions", "प्याज़", 45, "1 kg"),
            P("vegetables", "Potatoes", "आलू", 35, "1 kg"),
            P("vegetables", "Spinach (Palak)", "पालक", 25, "1 bunch"),
            P("vegetables", "Lady Finger (Bhindi)", "भिंडी", 40, "500 g"),
            P("vegetables", "Cauliflower", "फूलगोभी", 45, "1 pc"),
            P("vegetables", "Green Chillies", "हरी मिर्च", 15, "100 g"),
            P("vegetables", "Coriander Leaves", "हरा धनिया", 15, "1 bunch"),
            P("vegetables", "Cucumber", "खीरा", 30, "500 g"),
            P("vegetables", "Carrots", "गाजर", 35, "500 g"),
            P("vegetables", "Capsicum", "शिमला मिर्च", 60, "500 g"),
            P("vegetables", "Bottle Gourd (Lauki)", "लौकी", 35, "1 pc"),
            P("fruits", "Bananas (Robusta)", "केले", 60, "1 dozen"),
            P("fruits", "Shimla Apples", "शिमला सेब", 180, "1 kg"),
            P("fruits", "Alphonso Mangoes", "अल्फांसो आम", 650, "1 dozen"),
            P("fruits", "Pomegranate", "अनार", 220, "1 kg"),
            P("fruits", "Papaya", "पपीता", 60, "1 pc"),
            P("fruits", "Nagpur Oranges", "नागपुरी संतरे", 90, "1 kg"),
            P("dairy", "Full Cream Milk", "फुल क्रीम दूध", 68, "1 L"),
            P("dairy", "Fresh Paneer", "ताज़ा पनीर", 95, "200 g"),
            P("dairy", "Curd (Dahi)", "दही", 45, "400 g"),
            P("dairy", "Desi Cow Ghee", "देसी गाय का घी", 340, "500 ml"),
            P("dairy", "Farm Eggs", "देसी अंडे", 84, "12 pcs"),
            P("staples", "Chakki Fresh Atta", "चक्की फ्रेश आटा", 260, "5 kg"),
            P("staples", "Basmati Rice", "बासमती चावल", 140, "1 kg"),
            P("staples", "Toor Dal", "तूर दाल", 165, "1 kg"),
            P("staples", "Moong Dal", "मूंग दाल", 150, "1 kg"),
            P("staples", "Sugar", "चीनी", 48, "1 kg"),
            P("masala", "Kachi Ghani Mustard Oil", "कच्ची घानी सरसों तेल", 175, "1 L"),
            P("masala", "Turmeric Powder", "हल्दी पाउडर", 60, "200 g"),
            P("masala", "Red Chilli Powder", "लाल मिर्च पाउडर", 75, "200 g"),
            P("masala", "Garam Masala", "गरम मसाला", 85, "100 g"),
            P("masala", "Cumin Seeds (Jeera)", "जीरा", 70, "100 g"),
        ),
        taglines=(
            ("Fresh from the mandi to your door", "मंडी से सीधे आपके दरवाज़े तक"),
            ("Farm-fresh groceries, delivered the same day", "खेत जैसी ताज़गी, उसी दिन डिलीवरी"),
            ("Your neighbourhood kirana, now online", "आपकी अपनी किराना दुकान, अब ऑनलाइन"),
        ),
        hero=("Fresh vegetables & groceries in {place}", "{place_hi} में ताज़ी सब्ज़ियाँ और किराना"),
        hero_noplace=("Fresh vegetables & groceries, delivered", "ताज़ी सब्ज़ियाँ और किराना, घर तक"),
        about=(
            "{name} brings you hand-picked vegetables, fruits, dairy and daily staples{in_place}. We buy fresh "
            "every morning, check every item and pack each order with care, so you get mandi-fresh quality "
            "without the queue.",
            "{place_hi_in}{name} आपके लिए लाता है चुनी हुई सब्ज़ियाँ, फल, डेयरी और रोज़मर्रा का राशन। हम हर सुबह "
            "ताज़ा माल लाते हैं, हर चीज़ जाँचते हैं और हर ऑर्डर ध्यान से पैक करते हैं — बिना लाइन के, मंडी जैसी ताज़गी।",
        ),
        seo_label=("Fresh Vegetables & Groceries", "ताज़ी सब्ज़ियाँ और किराना"),
        cta=("Shop now", "अभी खरीदें"),
        image_style="fresh produce on a rustic wooden crate, morning light",
        hours="Every day 7:00–21:00",
    ),
    # --------------------------------------------------------------------------------------- restaurant
    "restaurant": SectorT(
        categories=(
            C(
                "starters",
                "Starters",
                "स्टार्टर्स",
                r"starter|snack|kebab|tikka|chaat|momo",
                (
                    "{n} — fresh off the tandoor, served hot with mint chutney.",
                    "Our house {n}, marinated overnight and cooked to order.",
                ),
                ("{h} — तंदूर से गरमागरम, पुदीने की चटनी के साथ।", "{h} — रात भर मैरिनेट, ऑर्डर पर ताज़ा तैयार।"),
            ),
            C(
                "mains",
                "Main Course",
                "मेन कोर्स",
                r"curry|main|thali|meal|khana|north\s+indian|punjabi",
                (
                    "Slow-cooked {n} made with whole spices, the way it is cooked at home.",
                    "{n} — rich, comforting and made fresh in small batches.",
                ),
                ("{h} — खड़े मसालों के साथ धीमी आँच पर, घर जैसा स्वाद।", "{h} — भरपूर स्वाद, छोटे बैच में ताज़ा।"),
            ),
            C(
                "biryani",
                "Biryani & Rice",
                "बिरयानी और चावल",
                r"biryani|rice|pulao|बिरयानी",
                (
                    "{n} — long-grain basmati layered and dum-cooked, served with raita.",
                    "Fragrant {n}, sealed and slow-cooked on dum.",
                ),
                ("{h} — लंबे दाने का बासमती, दम पर पकी, रायते के साथ।", "{h} — खुशबूदार, दम पर धीमी आँच में पकी।"),
            ),
            C(
                "breads",
                "Breads",
                "रोटियाँ",
                r"roti|naan|paratha|bread",
                (
                    "{n}, baked fresh in the tandoor for every order.",
                    "Soft, hot {n} straight from the tandoor.",
                ),
                ("{h} — हर ऑर्डर पर तंदूर में ताज़ा।", "{h} — तंदूर से सीधी, नरम और गरम।"),
            ),
            C(
                "desserts",
                "Desserts",
                "मिठाइयाँ",
                r"dessert|sweet|kulfi|halwa",
                ("{n} — the sweet ending to a good meal.", "House-made {n}, just like at a family feast."),
                ("{h} — अच्छे खाने का मीठा अंत।", "{h} — घर की बनी, दावत जैसा स्वाद।"),
            ),
            C(
                "beverages",
                "Beverages",
                "पेय",
                r"chai|tea|coffee|lassi|juice|shake|drink|beverage",
                ("{n}, made fresh to order.", "A refreshing {n} to go with your meal."),
                ("{h} — ऑर्डर पर ताज़ा।", "{h} — खाने के साथ ताज़गी भरा।"),
            ),
        ),
        products=(
            P("starters", "Paneer Tikka", "पनीर टिक्का", 240, "1 plate", {"veg": True, "prep": 20}),
            P("starters", "Chicken 65", "चिकन 65", 260, "1 plate", {"veg": False, "prep": 20}),
            P("starters", "Veg Spring Rolls", "वेज स्प्रिंग रोल", 180, "6 pcs", {"veg": True, "prep": 15}),
            P("starters", "Hara Bhara Kebab", "हरा भरा कबाब", 200, "6 pcs", {"veg": True, "prep": 15}),
            P(
                "starters",
                "Tandoori Chicken (Half)",
                "तंदूरी चिकन (हाफ़)",
                320,
                "half",
                {"veg": False, "prep": 25},
            ),
            P("mains", "Dal Makhani", "दाल मखनी", 220, "1 bowl", {"veg": True}),
            P("mains", "Paneer Butter Masala", "पनीर बटर मसाला", 260, "1 bowl", {"veg": True}),
            P("mains", "Butter Chicken", "बटर चिकन", 340, "1 bowl", {"veg": False}),
            P("mains", "Amritsari Chole", "अमृतसरी छोले", 180, "1 bowl", {"veg": True}),
            P("mains", "Mutton Rogan Josh", "मटन रोगन जोश", 420, "1 bowl", {"veg": False, "prep": 30}),
            P("mains", "Deluxe Veg Thali", "डीलक्स वेज थाली", 199, "1 thali", {"veg": True}),
            P(
                "biryani",
                "Hyderabadi Chicken Biryani",
                "हैदराबादी चिकन बिरयानी",
                299,
                "1 plate",
                {"veg": False, "prep": 25},
            ),
            P("biryani", "Veg Dum Biryani", "वेज दम बिरयानी", 229, "1 plate", {"veg": True, "prep": 25}),
            P("biryani", "Mutton Biryani", "मटन बिरयानी", 380, "1 plate", {"veg": False, "prep": 30}),
            P("biryani", "Jeera Rice", "जीरा राइस", 140, "1 plate", {"veg": True, "prep": 10}),
            P("breads", "Butter Naan", "बटर नान", 60, "1 pc", {"veg": True, "prep": 10}),
            P("breads", "Tandoori Roti", "तंदूरी रोटी", 25, "1 pc", {"veg": True, "prep": 10}),
            P("breads", "Laccha Paratha", "लच्छा पराठा", 55, "1 pc", {"veg": True, "prep": 10}),
            P("desserts", "Gulab Jamun", "गुलाब जामुन", 80, "2 pcs", {"veg": True, "prep": 5}),
            P("desserts", "Rasmalai", "रसमलाई", 110, "2 pcs", {"veg": True, "prep": 5}),
            P("desserts", "Matka Kulfi", "मटका कुल्फ़ी", 90, "1 pc", {"veg": True, "prep": 5}),
            P("beverages", "Masala Chai", "मसाला चाय", 30, "1 cup", {"veg": True, "prep": 5}),
            P("beverages", "Sweet Lassi", "मीठी लस्सी", 70, "1 glass", {"veg": True, "prep": 5}),
            P("beverages", "Cold Coffee", "कोल्ड कॉफ़ी", 120, "1 glass", {"veg": True, "prep": 5}),
            P("beverages", "Fresh Lime Soda", "फ्रेश लाइम सोडा", 70, "1 glass", {"veg": True, "prep": 5}),
        ),
        taglines=(
            ("Home-style food, cooked fresh every day", "घर जैसा खाना, रोज़ ताज़ा"),
            ("Hot, fresh and delivered fast", "गरमागरम, ताज़ा और जल्दी डिलीवरी"),
            ("Real flavours, honest portions", "असली स्वाद, भरपूर मात्रा"),
        ),
        hero=("Freshly cooked meals in {place}", "{place_hi} में ताज़ा पका खाना"),
        hero_noplace=("Freshly cooked meals, delivered hot", "ताज़ा पका खाना, गरमागरम घर तक"),
        about=(
            "{name} cooks every dish to order{in_place}, with fresh ingredients, whole spices and recipes we "
            "have perfected over the years. Order for yourself, your family or the whole office.",
            "{name}{place_hi_comma} में हर डिश ऑर्डर पर ताज़ा बनती है — ताज़ी सामग्री, खड़े मसाले और सालों से "
            "आज़माई हुई रेसिपी के साथ। अपने लिए, परिवार के लिए या पूरे दफ़्तर के लिए ऑर्डर करें।",
        ),
        seo_label=("Order Food Online", "ऑनलाइन खाना ऑर्डर करें"),
        cta=("Order now", "अभी ऑर्डर करें"),
        image_style="plated Indian dish on a brass thali, overhead shot, warm light",
        hours="Every day 11:00–23:00",
    ),
    # ------------------------------------------------------------------------------------------- bakery
    "bakery": SectorT(
        categories=(
            C(
                "cakes",
                "Cakes",
                "केक",
                r"cake|birthday|केक",
                (
                    "{n} ({u}), baked fresh on order with real cream and no shortcuts.",
                    "Our bestselling {n} ({u}) — soft sponge, generous layers, made the same day.",
                ),
                ("{h} — ऑर्डर पर ताज़ा बेक, असली क्रीम के साथ।", "{h} — नरम स्पंज, भरपूर परतें, उसी दिन तैयार।"),
            ),
            C(
                "pastries",
                "Pastries & Desserts",
                "पेस्ट्री और डेज़र्ट",
                r"pastr|dessert|cupcake|brownie|lava",
                ("{n} ({u}) — a little treat, baked this morning.", "Indulgent {n} ({u}), made fresh daily."),
                ("{h} — छोटी सी मिठास, आज सुबह बेक।", "{h} — रोज़ ताज़ा बना, लाजवाब स्वाद।"),
            ),
            C(
                "breads",
                "Breads & Buns",
                "ब्रेड और बन",
                r"bread|bun|pav|croissant|ब्रेड",
                ("Fresh {n} ({u}), out of the oven at dawn.", "{n} ({u}) baked daily without preservatives."),
                ("{h} — सुबह-सुबह ओवन से ताज़ा।", "{h} — बिना प्रिज़र्वेटिव, रोज़ ताज़ा।"),
            ),
            C(
                "cookies",
                "Cookies & Rusks",
                "कुकीज़ और रस्क",
                r"cookie|biscuit|rusk|nankhatai",
                ("Crunchy {n} ({u}), perfect with your evening chai.", "{n} ({u}) baked in small batches."),
                ("{h} — शाम की चाय के साथ एकदम सही।", "{h} — छोटे बैच में बेक, कुरकुरे।"),
            ),
            C(
                "mithai",
                "Mithai",
                "मिठाई",
                r"mithai|sweet|ladoo|laddoo|barfi|katli|मिठाई",
                (
                    "{n} ({u}) made with pure ghee the traditional way.",
                    "Festive favourite {n} ({u}), fresh from our halwai.",
                ),
                ("{h} — शुद्ध घी में पारंपरिक तरीके से बनी।", "{h} — त्योहारों की पसंद, हमारे हलवाई से ताज़ा।"),
            ),
        ),
        products=(
            P("cakes", "Chocolate Truffle Cake", "चॉकलेट ट्रफ़ल केक", 650, "500 g"),
            P("cakes", "Black Forest Cake", "ब्लैक फ़ॉरेस्ट केक", 550, "500 g"),
            P("cakes", "Red Velvet Cake", "रेड वेलवेट केक", 750, "500 g"),
            P("cakes", "Pineapple Cake", "पाइनएप्पल केक", 450, "500 g"),
            P("cakes", "Eggless Butterscotch Cake", "एगलेस बटरस्कॉच केक", 520, "500 g"),
            P("cakes", "Fresh Fruit Cake", "फ्रेश फ्रूट केक", 1100, "1 kg"),
            P("pastries", "Chocolate Pastry", "चॉकलेट पेस्ट्री", 90, "1 pc"),
            P("pastries", "Blueberry Cheesecake", "ब्लूबेरी चीज़केक", 180, "1 slice"),
            P("pastries", "Choco Lava Cake", "चोको लावा केक", 99, "1 pc"),
            P("pastries", "Cupcakes", "कपकेक", 220, "box of 4"),
            P("pastries", "Walnut Brownie", "अखरोट ब्राउनी", 110, "1 pc"),
            P("breads", "Whole Wheat Bread", "आटा ब्रेड", 55, "400 g"),
            P("breads", "Multigrain Bread", "मल्टीग्रेन ब्रेड", 65, "400 g"),
            P("breads", "Soft Pav", "मुलायम पाव", 30, "6 pcs"),
            P("breads", "Garlic Bread", "गार्लिक ब्रेड", 120, "1 loaf"),
            P("breads", "Butter Croissant", "बटर क्रोसां", 85, "1 pc"),
            P("cookies", "Atta Nankhatai", "आटा नानखटाई", 160, "250 g"),
            P("cookies", "Choco Chip Cookies", "चोको चिप कुकीज़", 180, "200 g"),
            P("cookies", "Jeera Biscuits", "जीरा बिस्किट", 120, "250 g"),
            P("cookies", "Cake Rusk", "केक रस्क", 110, "300 g"),
            P("mithai", "Kaju Katli", "काजू कतली", 320, "250 g"),
            P("mithai", "Motichoor Ladoo", "मोतीचूर लड्डू", 280, "500 g"),
            P("mithai", "Rasgulla", "रसगुल्ला", 300, "1 kg"),
            P("mithai", "Milk Cake", "मिल्क केक", 180, "250 g"),
        ),
        taglines=(
            ("Baked fresh every morning", "हर सुबह ताज़ा बेक"),
            ("Cakes and treats for every celebration", "हर जश्न के लिए केक और मिठास"),
            ("Made with love, baked with care", "प्यार से बना, ध्यान से बेक"),
        ),
        hero=("Fresh cakes & bakes in {place}", "{place_hi} में ताज़े केक और बेकरी"),
        hero_noplace=("Fresh cakes & bakes, delivered", "ताज़े केक और बेकरी, घर तक"),
        about=(
            "{name} has been baking for happy occasions{in_place}. Every cake is made on order, breads come out "
            "of the oven at dawn, and our mithai is made with pure ghee. Eggless options on request.",
            "{place_hi_in}{name} हर ख़ुशी के मौक़े के लिए बेक करता है। हर केक ऑर्डर पर बनता है, ब्रेड सुबह-सुबह "
            "ओवन से निकलती है और हमारी मिठाई शुद्ध घी में बनती है। एगलेस विकल्प भी उपलब्ध।",
        ),
        seo_label=("Cakes, Breads & Mithai", "केक, ब्रेड और मिठाई"),
        cta=("Order a cake", "केक ऑर्डर करें"),
        image_style="bakery item on a marble counter, soft window light, shallow depth of field",
        hours="Every day 8:00–22:00",
    ),
    # ------------------------------------------------------------------------------------------- clinic
    "clinic": SectorT(
        categories=(
            C(
                "consultation",
                "Consultations",
                "परामर्श",
                r"consult|doctor|general|physician|paediatric|pediatric",
                (
                    "{n} ({u}) with our doctor. Book a slot and skip the waiting room.",
                    "{n} ({u}) — unhurried, with clear advice and a written prescription.",
                ),
                ("{h} — स्लॉट बुक करें, बिना इंतज़ार के डॉक्टर से मिलें।", "{h} — आराम से, साफ़ सलाह और लिखित पर्चे के साथ।"),
            ),
            C(
                "dental",
                "Dental Care",
                "दाँतों की देखभाल",
                r"dental|dentist|teeth|tooth|root\s+canal",
                (
                    "{n} ({u}) using sterilised instruments and gentle techniques.",
                    "{n} ({u}) by an experienced dental surgeon.",
                ),
                ("{h} — स्टरलाइज़्ड उपकरण और आरामदायक तरीके से।", "{h} — अनुभवी डेंटल सर्जन द्वारा।"),
            ),
            C(
                "diagnostics",
                "Tests & Check-ups",
                "जाँच और चेक-अप",
                r"test|lab|diagnos|check|pathology|ecg",
                (
                    "{n} ({u}) with reports on WhatsApp and email.",
                    "{n} ({u}) — quick sample collection, accurate reports.",
                ),
                ("{h} — रिपोर्ट व्हाट्सऐप और ईमेल पर।", "{h} — जल्दी सैंपल, सटीक रिपोर्ट।"),
            ),
            C(
                "therapy",
                "Physiotherapy",
                "फ़िज़ियोथेरेपी",
                r"physio|therapy|rehab|pain",
                (
                    "{n} ({u}) with a qualified physiotherapist and a home exercise plan.",
                    "{n} ({u}) tailored to your recovery.",
                ),
                ("{h} — योग्य फ़िज़ियोथेरेपिस्ट के साथ, घर के व्यायाम की योजना सहित।", "{h} — आपकी रिकवरी के हिसाब से।"),
            ),
        ),
        products=(
            P("consultation", "General Consultation", "सामान्य परामर्श", 500, "20 min"),
            P("consultation", "Follow-up Consultation", "फ़ॉलो-अप परामर्श", 300, "15 min"),
            P("consultation", "Child Specialist Consultation", "बाल रोग विशेषज्ञ परामर्श", 600, "20 min"),
            P("consultation", "Video Consultation", "वीडियो परामर्श", 400, "15 min"),
            P("consultation", "Senior Citizen Health Review", "वरिष्ठ नागरिक स्वास्थ्य जाँच", 900, "40 min"),
            P("dental", "Dental Check-up", "दाँतों की जाँच", 400, "20 min"),
            P("dental", "Scaling & Polishing", "दाँतों की सफ़ाई और पॉलिशिंग", 1500, "45 min"),
            P("dental", "Tooth-coloured Filling", "दाँत की फ़िलिंग", 1800, "45 min"),
            P("dental", "Root Canal Treatment", "रूट कैनाल ट्रीटमेंट", 6500, "90 min"),
            P("dental", "Teeth Whitening", "दाँतों की सफ़ेदी", 7500, "60 min"),
            P("diagnostics", "Full Body Check-up", "फ़ुल बॉडी चेक-अप", 2499, "60 min"),
            P("diagnostics", "Blood Sugar Test", "ब्लड शुगर जाँच", 150, "10 min"),
            P("diagnostics", "Thyroid Profile", "थायरॉइड प्रोफ़ाइल", 450, "10 min"),
            P("diagnostics", "ECG", "ईसीजी", 350, "20 min"),
            P("diagnostics", "Lipid Profile", "लिपिड प्रोफ़ाइल", 550, "10 min"),
            P("therapy", "Physiotherapy Session", "फ़िज़ियोथेरेपी सत्र", 700, "45 min"),
            P("therapy", "Back & Neck Pain Therapy", "कमर और गर्दन दर्द थेरेपी", 900, "45 min"),
            P("therapy", "Post-surgery Rehab Session", "सर्जरी के बाद रिहैब सत्र", 1200, "60 min"),
        ),
        taglines=(
            ("Care you can trust, close to home", "भरोसेमंद इलाज, घर के पास"),
            ("Book your visit in seconds, skip the queue", "सेकंडों में अपॉइंटमेंट, बिना लाइन"),
            ("Experienced doctors, honest advice", "अनुभवी डॉक्टर, सच्ची सलाह"),
        ),
        hero=("Book a doctor's appointment in {place}", "{place_hi} में डॉक्टर का अपॉइंटमेंट बुक करें"),
        hero_noplace=("Book a doctor's appointment online", "ऑनलाइन डॉक्टर का अपॉइंटमेंट बुक करें"),
        about=(
            "{name} offers consultations, check-ups and treatment{in_place} in a clean, calm clinic. Book a time "
            "slot online, arrive at your time and be seen without a long wait.",
            "{name}{place_hi_comma} में साफ़-सुथरे और शांत माहौल में परामर्श, जाँच और इलाज। ऑनलाइन समय बुक करें, "
            "अपने समय पर आएँ और बिना लंबे इंतज़ार के डॉक्टर से मिलें।",
        ),
        seo_label=("Clinic & Doctor Appointments", "क्लिनिक और डॉक्टर अपॉइंटमेंट"),
        cta=("Book a slot", "स्लॉट बुक करें"),
        image_style="bright modern clinic, friendly and calm, soft blue tones",
        hours="Mon–Sat 10:00–19:00",
    ),
    # ----------------------------------------------------------------------------------------- pharmacy
    "pharmacy": SectorT(
        categories=(
            C(
                "otc",
                "Everyday Medicines",
                "रोज़मर्रा की दवाइयाँ",
                r"medicine|otc|dawa|dawai|tablet|syrup|दवा",
                (
                    "{n} ({u}) — genuine stock from authorised distributors. Read the label before use.",
                    "{n} ({u}), stored right and delivered sealed.",
                ),
                (
                    "{h} — अधिकृत वितरकों से असली दवा। उपयोग से पहले लेबल पढ़ें।",
                    "{h} — सही तरीके से रखी, सील पैक डिलीवरी।",
                ),
            ),
            C(
                "wellness",
                "Vitamins & Wellness",
                "विटामिन और वेलनेस",
                r"vitamin|supplement|wellness|protein|immunity",
                ("{n} ({u}) to support everyday health.", "{n} ({u}) from trusted brands."),
                ("{h} — रोज़ की सेहत के लिए।", "{h} — भरोसेमंद ब्रांड से।"),
            ),
            C(
                "devices",
                "Health Devices",
                "हेल्थ डिवाइस",
                r"device|monitor|thermometer|glucometer|oximeter|mask",
                ("{n} ({u}) with manufacturer warranty.", "Accurate, easy-to-use {n} ({u}) for home."),
                ("{h} — निर्माता की वारंटी के साथ।", "{h} — घर के लिए सटीक और आसान।"),
            ),
            C(
                "care",
                "Personal & Baby Care",
                "पर्सनल और बेबी केयर",
                r"personal|baby|skin|sanitizer|care",
                ("{n} ({u}) for the whole family.", "Gentle, dermatologically tested {n} ({u})."),
                ("{h} — पूरे परिवार के लिए।", "{h} — कोमल और त्वचा के लिए जाँचा हुआ।"),
            ),
            C(
                "ayurveda",
                "Ayurveda & Herbal",
                "आयुर्वेद और हर्बल",
                r"ayurved|herbal|desi|natural|आयुर्वेद",
                (
                    "{n} ({u}) — traditional herbal care from trusted makers.",
                    "Classic ayurvedic {n} ({u}), GMP-certified.",
                ),
                ("{h} — भरोसेमंद निर्माताओं की पारंपरिक हर्बल देखभाल।", "{h} — क्लासिक आयुर्वेदिक, GMP प्रमाणित।"),
            ),
        ),
        products=(
            P("otc", "Paracetamol 650 mg", "पैरासिटामोल 650 mg", 35, "15 tablets"),
            P("otc", "ORS Electrolyte Sachets", "ओआरएस इलेक्ट्रोलाइट सैशे", 100, "pack of 5"),
            P("otc", "Antiseptic Liquid", "एंटीसेप्टिक लिक्विड", 180, "500 ml"),
            P("otc", "Herbal Cough Syrup", "हर्बल कफ़ सिरप", 120, "100 ml"),
            P("otc", "Pain Relief Balm", "दर्द निवारक बाम", 95, "50 g"),
            P("otc", "Antacid Digestive Syrup", "एंटासिड पाचक सिरप", 110, "170 ml"),
            P("wellness", "Multivitamin Tablets", "मल्टीविटामिन टैबलेट", 450, "60 tablets"),
            P("wellness", "Vitamin C Chewables", "विटामिन C चबाने वाली गोलियाँ", 280, "60 tablets"),
            P("wellness", "Omega-3 Fish Oil", "ओमेगा-3 फ़िश ऑयल", 650, "60 capsules"),
            P("wellness", "Chyawanprash", "च्यवनप्राश", 380, "1 kg"),
            P("devices", "Digital Thermometer", "डिजिटल थर्मामीटर", 250, "1 pc"),
            P("devices", "BP Monitor", "बीपी मॉनिटर", 1800, "1 pc"),
            P("devices", "Glucometer Kit", "ग्लूकोमीटर किट", 1100, "1 kit"),
            P("devices", "Pulse Oximeter", "पल्स ऑक्सीमीटर", 900, "1 pc"),
            P("devices", "N95 Masks", "N95 मास्क", 250, "pack of 5"),
            P("care", "Hand Sanitizer", "हैंड सैनिटाइज़र", 150, "500 ml"),
            P("care", "Sunscreen SPF 50", "सनस्क्रीन SPF 50", 399, "100 g"),
            P("care", "Baby Diapers (M)", "बेबी डायपर (M)", 699, "40 pcs"),
            P("care", "Baby Lotion", "बेबी लोशन", 240, "200 ml"),
            P("ayurveda", "Ashwagandha Tablets", "अश्वगंधा टैबलेट", 320, "60 tablets"),
            P("ayurveda", "Triphala Churna", "त्रिफला चूर्ण", 90, "100 g"),
            P("ayurveda", "Tulsi Drops", "तुलसी ड्रॉप्स", 150, "30 ml"),
            P("ayurveda", "Giloy Juice", "गिलोय जूस", 230, "1 L"),
        ),
        taglines=(
            ("Genuine medicines, delivered to your door", "असली दवाइयाँ, आपके दरवाज़े तक"),
            ("Your trusted neighbourhood chemist, now online", "आपका भरोसेमंद केमिस्ट, अब ऑनलाइन"),
            ("Health essentials, when you need them", "सेहत की ज़रूरतें, जब भी चाहिए"),
        ),
        hero=("Medicines & health essentials in {place}", "{place_hi} में दवाइयाँ और हेल्थ प्रोडक्ट"),
        hero_noplace=("Medicines & health essentials, delivered", "दवाइयाँ और हेल्थ प्रोडक्ट, घर तक"),
        about=(
            "{name} is a licensed pharmacy{in_place} stocking genuine medicines, wellness products and health "
            "devices from authorised distributors. Prescription medicines are dispensed only against a valid "
            "prescription.",
            "{place_hi_in}{name} एक लाइसेंसशुदा फ़ार्मेसी है, जहाँ अधिकृत वितरकों से असली दवाइयाँ, वेलनेस प्रोडक्ट "
            "और हेल्थ डिवाइस मिलते हैं। डॉक्टर की पर्ची वाली दवाइयाँ केवल वैध पर्ची पर ही दी जाती हैं।",
        ),
        seo_label=("Pharmacy & Medicine Delivery", "फ़ार्मेसी और दवा डिलीवरी"),
        cta=("Shop now", "अभी खरीदें"),
        image_style="clean pharmacy product shot on white, soft shadow",
        hours="Every day 8:00–22:00",
    ),
    # ------------------------------------------------------------------------------------------ fashion
    "fashion": SectorT(
        categories=(
            C(
                "sarees",
                "Sarees",
                "साड़ियाँ",
                r"saree|sari|साड़ी|silk|handloom",
                (
                    "{n} — woven with care, finished by hand, with a matching blouse piece.",
                    "Graceful {n} that drapes beautifully, for festivals and everyday elegance.",
                ),
                (
                    "{h} — ध्यान से बुनी, हाथ से फ़िनिश, मैचिंग ब्लाउज़ पीस के साथ।",
                    "{h} — त्योहारों और रोज़ की शान के लिए।",
                ),
            ),
            C(
                "women",
                "Kurtis & Sets",
                "कुर्ती और सेट",
                r"kurti|kurta|women|ladies|ethnic|anarkali|palazzo|कुर्ती",
                (
                    "{n} in breathable fabric with a comfortable, flattering fit.",
                    "Our best-loved {n} — easy to wear from office to evening.",
                ),
                ("{h} — हवादार कपड़ा, आरामदायक और सुंदर फ़िटिंग।", "{h} — ऑफ़िस से शाम तक, पहनने में आसान।"),
            ),
            C(
                "men",
                "Menswear",
                "पुरुषों के कपड़े",
                r"\bmen|shirt|gents|nehru",
                ("{n} cut for a clean, modern fit.", "Classic {n} in soft, durable fabric."),
                ("{h} — साफ़ और आधुनिक फ़िटिंग।", "{h} — मुलायम और टिकाऊ कपड़ा।"),
            ),
            C(
                "western",
                "Western & Streetwear",
                "वेस्टर्न और स्ट्रीटवियर",
                r"t-?shirt|tee|hoodie|jeans|denim|street|western",
                (
                    "{n} in premium cotton, pre-shrunk and colour-fast.",
                    "Everyday {n} with a relaxed, street-ready fit.",
                ),
                ("{h} — प्रीमियम कॉटन, सिकुड़न और रंग छूटने से मुक्त।", "{h} — रोज़ के लिए रिलैक्स्ड फ़िट।"),
            ),
            C(
                "accessories",
                "Footwear & Accessories",
                "फ़ुटवियर और एक्सेसरीज़",
                r"shoe|chappal|footwear|bag|jewel|jhumka|dupatta|access",
                ("Handcrafted {n} to finish your look.", "{n}, made by local artisans."),
                ("{h} — आपके लुक को पूरा करने के लिए हस्तनिर्मित।", "{h} — स्थानीय कारीगरों द्वारा बनी।"),
            ),
        ),
        products=(
            P(
                "sarees",
                "Banarasi Silk Saree",
                "बनारसी सिल्क साड़ी",
                3499,
                "1 pc",
                {"sizes": ["Free Size"], "colours": ["Maroon", "Royal Blue", "Emerald"]},
            ),
            P(
                "sarees",
                "Cotton Handloom Saree",
                "कॉटन हैंडलूम साड़ी",
                1299,
                "1 pc",
                {"sizes": ["Free Size"], "colours": ["Mustard", "Indigo", "Off-white"]},
            ),
            P(
                "sarees",
                "Chanderi Saree",
                "चंदेरी साड़ी",
                2199,
                "1 pc",
                {"sizes": ["Free Size"], "colours": ["Peach", "Mint", "Lilac"]},
            ),
            P(
                "women",
                "Block Print Cotton Kurti",
                "ब्लॉक प्रिंट कॉटन कुर्ती",
                799,
                "1 pc",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["Indigo", "Mustard"]},
            ),
            P(
                "women",
                "Anarkali Kurta Set",
                "अनारकली कुर्ता सेट",
                1899,
                "1 set",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["Rani Pink", "Teal"]},
            ),
            P(
                "women",
                "Chikankari Kurti",
                "चिकनकारी कुर्ती",
                1199,
                "1 pc",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["White", "Powder Blue"]},
            ),
            P(
                "women",
                "Cotton Palazzo Pants",
                "कॉटन पलाज़ो पैंट",
                599,
                "1 pc",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["Black", "Beige"]},
            ),
            P(
                "men",
                "Men's Cotton Kurta",
                "पुरुषों का कॉटन कुर्ता",
                999,
                "1 pc",
                {"sizes": ["M", "L", "XL", "XXL"], "colours": ["White", "Sky Blue"]},
            ),
            P(
                "men",
                "Nehru Jacket",
                "नेहरू जैकेट",
                1499,
                "1 pc",
                {"sizes": ["M", "L", "XL"], "colours": ["Navy", "Beige"]},
            ),
            P(
                "men",
                "Linen Shirt",
                "लिनन शर्ट",
                1299,
                "1 pc",
                {"sizes": ["M", "L", "XL", "XXL"], "colours": ["Olive", "White"]},
            ),
            P(
                "western",
                "Graphic Cotton T-shirt",
                "ग्राफ़िक कॉटन टी-शर्ट",
                499,
                "1 pc",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["Black", "White"]},
            ),
            P(
                "western",
                "Oversized Hoodie",
                "ओवरसाइज़्ड हुडी",
                1299,
                "1 pc",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["Charcoal", "Lavender"]},
            ),
            P(
                "western",
                "Denim Jacket",
                "डेनिम जैकेट",
                1999,
                "1 pc",
                {"sizes": ["S", "M", "L", "XL"], "colours": ["Mid Blue"]},
            ),
            P(
                "western",
                "Relaxed Fit Jeans",
                "रिलैक्स्ड फ़िट जींस",
                1499,
                "1 pc",
                {"sizes": ["28", "30", "32", "34"], "colours": ["Light Blue", "Black"]},
            ),
            P(
                "accessories",
                "Cotton Dupatta",
                "कॉटन दुपट्टा",
                449,
                "1 pc",
                {"sizes": ["Free Size"], "colours": ["Red", "Yellow", "Green"]},
            ),
            P(
                "accessories",
                "Kolhapuri Chappals",
                "कोल्हापुरी चप्पल",
                899,
                "1 pair",
                {"sizes": ["6", "7", "8", "9", "10"], "colours": ["Tan"]},
            ),
            P(
                "accessories",
                "Jute Tote Bag",
                "जूट टोट बैग",
                399,
                "1 pc",
                {"sizes": ["One Size"], "colours": ["Natural", "Black"]},
            ),
            P(
                "accessories",
                "Oxidised Jhumkas",
                "ऑक्सीडाइज़्ड झुमके",
                349,
                "1 pair",
                {"sizes": ["One Size"], "colours": ["Silver"]},
            ),
        ),
        taglines=(
            ("Crafted in India, made to be worn every day", "भारत में बना, हर दिन पहनने के लिए"),
            ("Style that feels like you", "ऐसा स्टाइल जो आप जैसा लगे"),
            ("Handpicked fashion, delivered across India", "चुनिंदा फ़ैशन, पूरे भारत में डिलीवरी"),
        ),
        hero=("New season styles from {place}", "{place_hi} से नए सीज़न के स्टाइल"),
        hero_noplace=("New season styles, delivered", "नए सीज़न के स्टाइल, घर तक"),
        about=(
            "{name} designs and curates clothing and accessories{in_place}, working with weavers and artisans "
            "we know by name. Every piece is checked before it ships, and sizes are true to the chart.",
            "{place_hi_in}{name} कपड़े और एक्सेसरीज़ डिज़ाइन और चुनता है — उन बुनकरों और कारीगरों के साथ जिन्हें हम "
            "नाम से जानते हैं। हर पीस भेजने से पहले जाँचा जाता है और साइज़ चार्ट के मुताबिक़ होते हैं।",
        ),
        seo_label=("Ethnic & Everyday Fashion", "एथनिक और रोज़ाना फ़ैशन"),
        cta=("Shop the collection", "कलेक्शन देखें"),
        image_style="fashion product flat lay on linen, natural light, editorial",
        hours="Mon–Sat 10:00–20:00",
    ),
    # -------------------------------------------------------------------------------------- electronics
    "electronics": SectorT(
        categories=(
            C(
                "phones",
                "Smartphones",
                "स्मार्टफ़ोन",
                r"phone|mobile|smartphone|फ़ोन|मोबाइल",
                ("{n} with brand warranty and GST invoice.", "{n} — sealed box, 1-year brand warranty."),
                ("{h} — ब्रांड वारंटी और GST बिल के साथ।", "{h} — सील पैक, 1 साल की ब्रांड वारंटी।"),
            ),
            C(
                "audio",
                "Audio",
                "ऑडियो",
                r"earphone|earbud|headphone|speaker|audio",
                (
                    "{n} with rich sound and long battery life.",
                    "{n} — clear calls, deep bass, 1-year warranty.",
                ),
                ("{h} — दमदार आवाज़ और लंबी बैटरी।", "{h} — साफ़ कॉल, गहरा बेस, 1 साल वारंटी।"),
            ),
            C(
                "accessories",
                "Mobile Accessories",
                "मोबाइल एक्सेसरीज़",
                r"charger|cable|power\s*bank|cover|case|accessor|guard",
                ("{n} — tested for safety and compatibility.", "Reliable {n} with a replacement warranty."),
                ("{h} — सुरक्षा और कम्पैटिबिलिटी के लिए जाँचा हुआ।", "{h} — रिप्लेसमेंट वारंटी के साथ भरोसेमंद।"),
            ),
            C(
                "wearables",
                "Smartwatches",
                "स्मार्टवॉच",
                r"watch|band|wearable|fitness",
                (
                    "{n} that tracks steps, sleep and heart rate.",
                    "{n} with a bright display and a week of battery.",
                ),
                ("{h} — कदम, नींद और धड़कन ट्रैक करे।", "{h} — चमकदार डिस्प्ले, हफ़्ते भर की बैटरी।"),
            ),
            C(
                "computing",
                "Laptops & Computing",
                "लैपटॉप और कंप्यूटिंग",
                r"laptop|computer|mouse|keyboard|pen\s*drive|router",
                ("{n} for work, study and play, with warranty.", "{n} — dependable everyday computing."),
                ("{h} — काम, पढ़ाई और मनोरंजन के लिए, वारंटी के साथ।", "{h} — रोज़ के काम के लिए भरोसेमंद।"),
            ),
        ),
        products=(
            P(
                "phones",
                "5G Smartphone",
                "5G स्मार्टफ़ोन",
                12999,
                "1 pc",
                {
                    "sizes": ["4+64 GB", "6+128 GB"],
                    "colours": ["Black", "Blue"],
                    "size_rupees": [12999, 14999],
                },
            ),
            P(
                "phones",
                "Pro Camera Smartphone",
                "प्रो कैमरा स्मार्टफ़ोन",
                24999,
                "1 pc",
                {
                    "sizes": ["8+128 GB", "8+256 GB"],
                    "colours": ["Graphite", "Silver"],
                    "size_rupees": [24999, 27999],
                },
            ),
            P(
                "phones",
                "Feature Phone (Dual SIM)",
                "फ़ीचर फ़ोन (डुअल सिम)",
                1299,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["Black", "Red"]},
            ),
            P(
                "audio",
                "True Wireless Earbuds",
                "ट्रू वायरलेस ईयरबड्स",
                1299,
                "1 pair",
                {"sizes": ["Standard"], "colours": ["Black", "White"]},
            ),
            P(
                "audio",
                "Bluetooth Neckband",
                "ब्लूटूथ नेकबैंड",
                899,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["Black", "Blue"]},
            ),
            P(
                "audio",
                "Portable Bluetooth Speaker",
                "पोर्टेबल ब्लूटूथ स्पीकर",
                1999,
                "1 pc",
                {"sizes": ["10 W", "20 W"], "colours": ["Black", "Teal"], "size_rupees": [1999, 2999]},
            ),
            P(
                "audio",
                "Over-ear Headphones",
                "ओवर-ईयर हेडफ़ोन",
                2499,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["Black", "Beige"]},
            ),
            P(
                "accessories",
                "20W Fast Charger",
                "20W फ़ास्ट चार्जर",
                599,
                "1 pc",
                {"sizes": ["USB-C"], "colours": ["White"]},
            ),
            P(
                "accessories",
                "Braided USB-C Cable",
                "ब्रेडेड USB-C केबल",
                249,
                "1 m",
                {"sizes": ["1 m", "2 m"], "colours": ["Black"], "size_rupees": [249, 349]},
            ),
            P(
                "accessories",
                "10000 mAh Power Bank",
                "10000 mAh पावर बैंक",
                1199,
                "1 pc",
                {
                    "sizes": ["10000 mAh", "20000 mAh"],
                    "colours": ["Black", "White"],
                    "size_rupees": [1199, 1799],
                },
            ),
            P(
                "accessories",
                "Tempered Glass Screen Guard",
                "टेम्पर्ड ग्लास स्क्रीन गार्ड",
                199,
                "1 pc",
                {"sizes": ["6.5 in", "6.7 in"], "colours": ["Clear"]},
            ),
            P(
                "accessories",
                "Shockproof Phone Cover",
                "शॉकप्रूफ़ फ़ोन कवर",
                299,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["Black", "Clear", "Navy"]},
            ),
            P(
                "wearables",
                "Smartwatch with Calling",
                "कॉलिंग स्मार्टवॉच",
                2499,
                "1 pc",
                {
                    "sizes": ["1.8 in", "2.0 in"],
                    "colours": ["Black", "Rose Gold"],
                    "size_rupees": [2499, 2999],
                },
            ),
            P(
                "wearables",
                "Fitness Band",
                "फ़िटनेस बैंड",
                1499,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["Black", "Olive"]},
            ),
            P(
                "computing",
                "Thin & Light Laptop",
                "पतला और हल्का लैपटॉप",
                45990,
                "1 pc",
                {
                    "sizes": ["8 GB / 512 GB", "16 GB / 512 GB"],
                    "colours": ["Silver"],
                    "size_rupees": [45990, 49990],
                },
            ),
            P(
                "computing",
                "Wireless Mouse",
                "वायरलेस माउस",
                549,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["Black", "Grey"]},
            ),
            P(
                "computing",
                "USB Pen Drive",
                "USB पेन ड्राइव",
                349,
                "1 pc",
                {
                    "sizes": ["32 GB", "64 GB", "128 GB"],
                    "colours": ["Silver"],
                    "size_rupees": [349, 499, 899],
                },
            ),
            P(
                "computing",
                "Dual-band Wi-Fi Router",
                "डुअल-बैंड वाई-फ़ाई राउटर",
                1799,
                "1 pc",
                {"sizes": ["Standard"], "colours": ["White"]},
            ),
        ),
        taglines=(
            ("Genuine gadgets, honest prices", "असली गैजेट्स, सही दाम"),
            ("The latest tech with full warranty", "नई टेक्नोलॉजी, पूरी वारंटी के साथ"),
            ("Smart devices for everyday life", "रोज़ की ज़िंदगी के लिए स्मार्ट डिवाइस"),
        ),
        hero=("Phones, audio & gadgets in {place}", "{place_hi} में फ़ोन, ऑडियो और गैजेट्स"),
        hero_noplace=("Phones, audio & gadgets, delivered", "फ़ोन, ऑडियो और गैजेट्स, घर तक"),
        about=(
            "{name} sells genuine electronics{in_place} — every product comes sealed, with a GST invoice and the "
            "brand's warranty. Need help choosing? Message us and we will suggest the right one for your budget.",
            "{name}{place_hi_comma} में असली इलेक्ट्रॉनिक्स — हर प्रोडक्ट सील पैक, GST बिल और ब्रांड वारंटी के साथ। "
            "चुनने में मदद चाहिए? हमें मैसेज करें, हम आपके बजट के हिसाब से सही सुझाव देंगे।",
        ),
        seo_label=("Mobiles, Audio & Gadgets", "मोबाइल, ऑडियो और गैजेट्स"),
        cta=("Shop now", "अभी खरीदें"),
        image_style="product render on a gradient background, studio lighting",
        hours="Mon–Sat 10:30–20:30",
    ),
    # -------------------------------------------------------------------------------------------- salon
    "salon": SectorT(
        categories=(
            C(
                "hair",
                "Hair",
                "हेयर",
                r"hair|cut|colou?r|keratin|spa|blow",
                (
                    "{n} ({u}) by senior stylists using professional products.",
                    "{n} ({u}) — a consultation first, then a look that suits you.",
                ),
                (
                    "{h} — सीनियर स्टाइलिस्ट द्वारा, प्रोफ़ेशनल प्रोडक्ट्स के साथ।",
                    "{h} — पहले सलाह, फिर आप पर जँचने वाला लुक।",
                ),
            ),
            C(
                "skin",
                "Skin & Facials",
                "स्किन और फ़ेशियल",
                r"facial|skin|cleanup|clean-up|tan",
                ("Relaxing {n} ({u}) for clean, glowing skin.", "{n} ({u}) matched to your skin type."),
                ("{h} — साफ़ और चमकदार त्वचा के लिए।", "{h} — आपकी त्वचा के हिसाब से।"),
            ),
            C(
                "nails",
                "Hands, Feet & Waxing",
                "हाथ, पैर और वैक्सिंग",
                r"manicure|pedicure|wax|thread|nail",
                ("{n} ({u}) with hygienic, single-use kits.", "{n} ({u}) — neat, gentle and quick."),
                ("{h} — साफ़-सुथरी, एक बार इस्तेमाल होने वाली किट के साथ।", "{h} — साफ़, कोमल और जल्दी।"),
            ),
            C(
                "grooming",
                "Men's Grooming",
                "पुरुषों की ग्रूमिंग",
                r"beard|shave|men|barber|grooming",
                ("{n} ({u}) with hot towels and a sharp finish.", "Classic {n} ({u}) by our barbers."),
                ("{h} — गरम तौलिये और बढ़िया फ़िनिश के साथ।", "{h} — हमारे बार्बर द्वारा।"),
            ),
            C(
                "bridal",
                "Bridal & Party",
                "ब्राइडल और पार्टी",
                r"bridal|wedding|party|makeup|mehendi|mehndi",
                (
                    "{n} ({u}) with a trial and premium, long-wear products.",
                    "{n} ({u}) for your big day, done by our lead artist.",
                ),
                (
                    "{h} — ट्रायल और प्रीमियम, लंबे समय तक टिकने वाले प्रोडक्ट्स के साथ।",
                    "{h} — आपके ख़ास दिन के लिए, हमारी लीड आर्टिस्ट द्वारा।",
                ),
            ),
        ),
        products=(
            P("hair", "Haircut & Styling (Women)", "हेयरकट और स्टाइलिंग (महिला)", 500, "45 min"),
            P("hair", "Haircut (Men)", "हेयरकट (पुरुष)", 250, "30 min"),
            P("hair", "Hair Spa", "हेयर स्पा", 1200, "60 min"),
            P("hair", "Global Hair Colour", "ग्लोबल हेयर कलर", 3500, "120 min"),
            P("hair", "Keratin Treatment", "केराटिन ट्रीटमेंट", 6000, "180 min"),
            P("hair", "Blow Dry", "ब्लो ड्राई", 400, "30 min"),
            P("skin", "Classic Facial", "क्लासिक फ़ेशियल", 1000, "60 min"),
            P("skin", "Gold Facial", "गोल्ड फ़ेशियल", 1800, "75 min"),
            P("skin", "Clean-up", "क्लीन-अप", 600, "40 min"),
            P("skin", "De-tan Pack", "डी-टैन पैक", 500, "30 min"),
            P("nails", "Manicure", "मैनीक्योर", 500, "45 min"),
            P("nails", "Pedicure", "पेडीक्योर", 700, "60 min"),
            P("nails", "Full Arms Waxing", "फ़ुल आर्म्स वैक्सिंग", 350, "30 min"),
            P("nails", "Eyebrow Threading", "आइब्रो थ्रेडिंग", 60, "10 min"),
            P("grooming", "Beard Trim & Styling", "दाढ़ी ट्रिम और स्टाइलिंग", 150, "20 min"),
            P("grooming", "Hot Towel Shave", "हॉट टॉवल शेव", 200, "25 min"),
            P("grooming", "Head Massage", "सिर की मालिश", 300, "30 min"),
            P("bridal", "Bridal Makeup", "ब्राइडल मेकअप", 15000, "180 min"),
            P("bridal", "Party Makeup", "पार्टी मेकअप", 3000, "90 min"),
            P("bridal", "Mehendi (Both Hands)", "मेहंदी (दोनों हाथ)", 1500, "90 min"),
        ),
        taglines=(
            ("Look good, feel great", "अच्छे दिखें, अच्छा महसूस करें"),
            ("Expert stylists, relaxed vibes", "माहिर स्टाइलिस्ट, सुकून भरा माहौल"),
            ("Book your glow-up in a tap", "एक टैप में अपना मेकओवर बुक करें"),
        ),
        hero=("Hair, skin & beauty in {place}", "{place_hi} में हेयर, स्किन और ब्यूटी"),
        hero_noplace=("Hair, skin & beauty — book online", "हेयर, स्किन और ब्यूटी — ऑनलाइन बुक करें"),
        about=(
            "{name} is a friendly salon{in_place} for hair, skin and grooming. Our stylists use professional "
            "products and hygienic, single-use kits. Book a slot online and walk in at your time.",
            "{place_hi_in}{name} हेयर, स्किन और ग्रूमिंग के लिए एक दोस्ताना सैलून है। हमारे स्टाइलिस्ट प्रोफ़ेशनल "
            "प्रोडक्ट्स और साफ़-सुथरी किट इस्तेमाल करते हैं। ऑनलाइन स्लॉट बुक करें और अपने समय पर आएँ।",
        ),
        seo_label=("Salon & Beauty Services", "सैलून और ब्यूटी सेवाएँ"),
        cta=("Book now", "अभी बुक करें"),
        image_style="elegant salon interior, soft pastel light, minimal",
        hours="Tue–Sun 10:00–20:00",
    ),
}

DELIVERY_COPY: dict[str, tuple[str, str, str, str]] = {
    # mode: (en with place, en without, hi with place, hi without)
    "local_delivery": (
        "Home delivery across {place}.",
        "Home delivery in your area.",
        "{place_hi} में होम डिलीवरी।",
        "आपके इलाके में होम डिलीवरी।",
    ),
    "pickup": (
        "Order online and pick up from our store in {place}.",
        "Order online and pick up from our store.",
        "ऑनलाइन ऑर्डर करें और {place_hi} में हमारी दुकान से ले जाएँ।",
        "ऑनलाइन ऑर्डर करें और दुकान से ले जाएँ।",
    ),
    "delivery_and_pickup": (
        "Home delivery across {place}, or pick up from our store.",
        "Home delivery or store pickup — your choice.",
        "{place_hi} में होम डिलीवरी या दुकान से पिकअप।",
        "होम डिलीवरी या दुकान से पिकअप — जैसा आप चाहें।",
    ),
    "shipping": (
        "Shipped from {place} to anywhere in India.",
        "We ship across India.",
        "{place_hi} से पूरे भारत में डिलीवरी।",
        "पूरे भारत में डिलीवरी।",
    ),
    "in_store": (
        "Book a slot online and visit us in {place}.",
        "Book a slot online and visit us at your time.",
        "ऑनलाइन स्लॉट बुक करें और {place_hi} में हमसे मिलें।",
        "ऑनलाइन स्लॉट बुक करें और अपने समय पर आएँ।",
    ),
}

PAYMENT_LABELS: dict[str, tuple[str, str]] = {
    "UPI": ("UPI", "UPI"),
    "ONLINE": ("cards & net banking", "कार्ड व नेट बैंकिंग"),
    "COD": ("cash on delivery", "कैश ऑन डिलीवरी"),
}
PAYMENT_LABELS_IN_STORE: dict[str, tuple[str, str]] = {
    "UPI": ("UPI", "UPI"),
    "ONLINE": ("cards & net banking", "कार्ड व नेट बैंकिंग"),
    "COD": ("cash at the counter", "काउंटर पर नकद"),
}
