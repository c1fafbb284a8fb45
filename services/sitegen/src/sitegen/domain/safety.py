# ruff: noqa: RUF001, RUF003 -- typographic dashes, quotes and × are intended in user-facing copy
"""Refuse unsafe prompts (and unsafe model output) before anything is generated.

`check_prompt(prompt)` returns the normalised prompt or raises:
- `Problem(status=422, code="PROMPT_INVALID", field="prompt")` for empty, over-long, emoji-only or gibberish text;
- `Problem(status=422, code="PROMPT_REFUSED")` naming the category (weapons, drugs, counterfeit, adult, wildlife,
  gambling, banned_tobacco, fraud, abuse, injection) when the prompt asks for something we will not build.

`check_output(texts)` applies the same content rules to model output and raises `code="MODEL_OUTPUT_UNSAFE"`,
so the pipeline can drop that answer and try the next link of the chain.

Matching is on word boundaries after removing a list of ordinary shop phrases that merely *contain* a risky word
("gun metal grey", "bullet coffee", "bath bomb", "drugstore", "matka kulfi", "weed killer", …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from webdpro_core.errors import FieldError, Problem

MAX_PROMPT_CHARS = 1000
MIN_PROMPT_LETTERS = 3

REFUSED = "PROMPT_REFUSED"
INVALID = "PROMPT_INVALID"
OUTPUT_UNSAFE = "MODEL_OUTPUT_UNSAFE"


@dataclass(frozen=True, slots=True)
class Refusal:
    category: str
    matched: str

    @property
    def reason(self) -> str:
        return f"{CATEGORY_REASONS[self.category]} (category: {self.category})"


CATEGORY_REASONS: dict[str, str] = {
    "weapons": "We cannot create stores that sell weapons, ammunition or explosives",
    "drugs": "We cannot create stores that sell narcotics or illegal drugs",
    "counterfeit": "We cannot create stores that sell counterfeit, replica or pirated goods",
    "adult": "We cannot create stores with adult or sexual content",
    "wildlife": "We cannot create stores that trade in protected wildlife or animal parts",
    "gambling": "We cannot create stores for betting, gambling or lotteries",
    "banned_tobacco": "We cannot create stores that sell e-cigarettes or vapes (banned in India)",
    "fraud": "We cannot create stores for stolen goods, fake documents or fraud",
    "abuse": "The prompt contains abusive or hateful language",
    "injection": "The prompt tries to change the generator's instructions or inject code",
}

# Ordinary phrases that contain a risky word; removed before matching (longest first).
_ALLOWED_PHRASES = [
    r"gun\s*-?\s*metal",
    r"glue\s+guns?",
    r"water\s+guns?",
    r"toy\s+guns?",
    r"nerf\s+guns?",
    r"massage\s+guns?",
    r"spray\s+guns?",
    r"heat\s+guns?",
    r"pichkari",
    r"bullet\s+(?:coffee|train|journal|points?|proof\s+coffee|bike|motorcycle)",
    r"royal\s+enfield\s+bullet",
    r"bath\s+bombs?",
    r"(?:chocolate|cocoa|flavou?r|taste|masala|calorie|cheese|seed|glitter)\s+bombs?",
    r"photo\s*bombs?",
    r"drug\s*stores?",
    r"drug\s+house\s+pharmacy",
    r"matka\s+(?:kulfi|pots?|water|biryani|chai|dahi)",
    r"(?:clay|earthen|mitti\s+ka)\s+matka",
    r"weed\s*(?:killer|remover|control|cutter|trimmer)s?",
    r"weedicides?",
    r"hemp\s+seeds?",
    r"poppy\s+seeds?",
    r"khus\s*khus",
    r"knife\s+(?:set|sharpener)s?",
    r"kitchen\s+knives?",
    r"fake\s+(?:plants?|flowers?|grass|nails|eyelashes|lashes)",
    r"adult\s+(?:diapers?|education|literacy|vaccin\w*|(?:size|sizes)|clothing)",
    r"shoot\s+(?:photos?|videos?)|photo\s*shoots?",
    r"pet\s+(?:food|shop|store|supplies|grooming|clinic)",
    r"ivory\s+(?:colou?r|white|cream|paper|shade|theme)",
    r"tiger\s+(?:prawns?|balm|biscuits?|nuts?)",
    r"snake\s+plants?",
    r"coca\s*-?\s*cola",
    r"magic\s+mushroom\s+soup",  # never actually offered; kept out of the ambiguity list below
]
_ALLOWED_RE = re.compile(r"\b(?:" + "|".join(_ALLOWED_PHRASES) + r")\b", re.IGNORECASE)

_W = r"(?:^|(?<=[^\w]))"  # start of word (works with Devanagari, where \b is unreliable for combining marks)
_E = r"(?=$|[^\w])"  # end of word


def _words(*alts: str) -> str:
    return _W + r"(?:" + "|".join(alts) + r")" + _E


_CATEGORIES: dict[str, list[str]] = {
    "weapons": [
        _words(
            r"guns?",
            r"firearms?",
            r"pistols?",
            r"revolvers?",
            r"rifles?",
            r"shotguns?",
            r"ammunition",
            r"ammo",
            r"live\s+(?:rounds|bullets|cartridges)",
            r"bullets?",
            r"cartridges?\s+for\s+(?:guns?|rifles?|pistols?)",
            r"grenades?",
            r"explosives?",
            r"detonators?",
            r"bombs?",
            r"tamancha",
            r"country[-\s]made\s+(?:guns?|pistols?|weapons?)",
            r"weapons?",
            r"airsoft",
            r"switch\s*blades?",
            r"knuckle\s*dusters?",
            r"बंदूक\w*",
            r"पिस्तौल\w*",
            r"हथियार\w*",
            r"कारतूस",
        )
    ],
    "drugs": [
        _words(
            r"cocaine",
            r"coke\s+(?:powder|lines?)",
            r"heroin",
            r"meth(?:amphetamine)?",
            r"mdma",
            r"ecstasy\s+(?:pills?|tablets?)",
            r"lsd",
            r"ganja",
            r"charas",
            r"hashish",
            r"hash\s+oil",
            r"marijuana",
            r"cannabis",
            r"weed",
            r"opium",
            r"afeem",
            r"afim",
            r"narcotics?",
            r"psychedelics?",
            r"magic\s+mushrooms?",
            r"(?:illegal|party|recreational|street)\s+drugs?",
            r"(?:buy|sell|selling)\s+drugs",
            r"drugs\s+(?:delivery|supply|dealer)",
            r"ketamine",
            r"mephedrone",
            r"(?:codeine|cough)\s+syrup\s+without\s+prescription",
            r"without\s+(?:a\s+)?prescription",
            r"गांजा",
            r"चरस",
            r"अफीम",
            r"नशीले\s+पदार्थ",
        )
    ],
    "counterfeit": [
        _words(
            r"counterfeits?",
            r"replicas?",
            r"first\s+copy",
            r"1st\s+copy",
            r"master\s+copy",
            r"mirror\s+copy",
            r"7a\s+quality",
            r"aaa\s+quality\s+copy",
            r"(?:fake|duplicate|copy)\s+(?:branded|brands?|designer|nike|adidas|gucci|rolex|apple|iphones?)",
            r"pirated",
            r"cracked\s+(?:software|games?|apps?)",
            r"knock[-\s]?offs?",
            r"नकली\s+ब्रांड\w*",
        )
    ],
    "adult": [
        _words(
            r"porn\w*",
            r"xxx",
            r"escorts?(?:\s+services?)?",
            r"call\s*girls?",
            r"sex\s+(?:toys?|services?|videos?|chat)",
            r"adult\s+(?:toys?|content|videos?|entertainment|services?|store|shop)",
            r"nude\w*",
            r"erotic\w*",
            r"happy\s+ending\s+massage",
            r"sexual\s+services?",
            r"strip\s+club",
            r"अश्लील",
        )
    ],
    "wildlife": [
        _words(
            r"ivory",
            r"rhino\s+horns?",
            r"tiger\s+(?:skins?|claws?|bones?|teeth|nails)",
            r"leopard\s+(?:skins?|claws?)",
            r"elephant\s+tusks?",
            r"pangolins?(?:\s+scales)?",
            r"shahtoosh",
            r"star\s+tortoises?",
            r"(?:sea\s+)?turtle\s+(?:meat|shells?)",
            r"deer\s+(?:skins?|antlers?|musk)",
            r"musk\s+pods?",
            r"snake\s+(?:skins?|venom)",
            r"(?:parrots?|parakeets?|owls?|exotic\s+birds?|monkeys?)\s+for\s+sale",
            r"sell(?:ing)?\s+(?:parrots?|owls?|monkeys?|exotic\s+birds?)",
            r"bush\s*meat",
            r"red\s+sanders",
            r"hathi\s+dant",
            r"हाथी\s+दांत",
            r"बाघ\s+की\s+खाल",
        )
    ],
    "gambling": [
        _words(
            r"betting",
            r"bets?",
            r"bookies?",
            r"casinos?",
            r"satta(?:\s+matka)?",
            r"matka\s+(?:results?|game|numbers?|king)",
            r"gambling",
            r"jua",
            r"lotter(?:y|ies)(?:\s+tickets?)?",
            r"poker\s+(?:for\s+)?(?:cash|money|real\s+money)",
            r"real\s+money\s+(?:games?|rummy|poker|teen\s+patti)",
            r"teen\s+patti\s+(?:cash|money)",
            r"सट्टा",
            r"जुआ",
        )
    ],
    "banned_tobacco": [
        _words(
            r"vapes?",
            r"vaping",
            r"e[-\s]?cig(?:arette)?s?",
            r"electronic\s+cigarettes?",
            r"juul",
            r"heat[-\s]not[-\s]burn",
        )
    ],
    "fraud": [
        _words(
            r"stolen\s+(?:goods|phones?|mobiles?|bikes?|cars?|items?|cards?|data)",
            r"hacked\s+accounts?",
            r"carding",
            r"cloned\s+cards?",
            r"fake\s+(?:ids?|documents?|degrees?|certificates?|passports?|aadhaar|aadhar|pan\s+cards?|"
            r"currency|notes|reviews?|followers|licen[cs]es?)",
            r"money\s+laundering",
            r"ponzi",
            r"phishing",
        )
    ],
    "abuse": [
        _words(
            r"fuck\w*",
            r"motherfucker\w*",
            r"bitch\w*",
            r"bastards?",
            r"cunts?",
            r"assholes?",
            r"madarchod",
            r"maderchod",
            r"bhenchod",
            r"behenchod",
            r"bc\s+mc",
            r"chutiy[ae]\w*",
            r"gandu",
            r"randi",
            r"harami",
            r"kill\s+(?:you|them|all)",
            r"death\s+to",
            r"मादरचोद",
            r"बहनचोद",
            r"चूतिया",
            r"रंडी",
        )
    ],
    "injection": [
        r"\b(?:ignore|disregard|forget|override|bypass)\b[\w\s,]{0,30}?\b(?:previous|prior|above|earlier|all|"
        r"your|the|any|these|those|system)\b[\w\s,]{0,20}?\b(?:instructions?|prompts?|rules|directions|"
        r"guidelines|messages?|context)\b",
        r"\bsystem\s*prompt\b",
        r"\byou\s+are\s+now\b",
        r"\bact\s+as\s+(?:an?\s+)?(?:ai|assistant|dan|developer|admin|jailbroken)\b",
        r"\bjail\s*break\w*\b",
        r"\bdeveloper\s+mode\b",
        r"\b(?:reveal|show|print|repeat)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+)?(?:instructions|prompt|rules)\b",
        r"\bnew\s+instructions?\s*:",
        r"<\s*/?\s*(?:script|iframe|object|embed|svg|img|style|link|meta|base|form|system)\b",
        r"\bjavascript\s*:",
        r"\bvbscript\s*:",
        r"\bdata\s*:\s*text/html",
        r"\bon(?:error|load|click|dblclick|mouse\w+|focus\w*|blur|key\w+|submit|change|input|animation\w*|"
        r"pointer\w*|touch\w*|begin|end|toggle|wheel|scroll|copy|paste|drag\w*|drop|show|resize|unload|"
        r"beforeunload|message|hashchange|popstate|select|invalid|reset|search|auxclick|contextmenu)\s*=",
        r"\[/?inst\]",
        r"<\|im_(?:start|end)\|>",
        r"\{\{.*\}\}",
        r"\bpichle\s+(?:instructions?|nirdesh)\s+(?:ignore|bhool)",
    ],
}

_COMPILED: dict[str, re.Pattern[str]] = {
    cat: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE) for cat, pats in _CATEGORIES.items()
}
# Checked on model output too, except "injection" code patterns: output is never executed or trusted as HTML,
# so an `onclick=` in a description is sanitised by the renderer rather than failing the whole answer.
_OUTPUT_CATEGORIES = [c for c in _CATEGORIES if c != "injection"]
_OUTPUT_INJECTION = re.compile(
    r"\bsystem\s*prompt\b|\bignore\s+(?:all\s+)?previous\s+instructions\b|\bas\s+an\s+ai\s+language\s+model\b",
    re.IGNORECASE,
)


def normalise(prompt: str) -> str:
    """NFKC, remove control/zero-width characters, collapse whitespace."""
    text = unicodedata.normalize("NFKC", prompt)
    text = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cf", "Co", "Cs"} else " " for ch in text
    )
    return re.sub(r"\s+", " ", text).strip()


def find_refusal(text: str, *, categories: Iterable[str] | None = None) -> Refusal | None:
    """First prohibited category matched in `text` (after removing allowed shop phrases), or None."""
    cleaned = _ALLOWED_RE.sub(" ", normalise(text))
    for cat in categories or _COMPILED:
        m = _COMPILED[cat].search(cleaned)
        if m:
            return Refusal(cat, m.group(0).strip())
    return None


# ---- invalid prompts ---------------------------------------------------------------------------------------
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_KEYBOARD_RUNS = (
    "qwert",
    "werty",
    "asdf",
    "sdfg",
    "dfgh",
    "fghj",
    "ghjk",
    "hjkl",
    "zxcv",
    "xcvb",
    "cvbn",
    "vbnm",
    "uiop",
    "yuio",
    "poiu",
    "lkjh",
    "mnbv",
)
_VOWELS = set("aeiouy")


def _weird_token(tok: str) -> bool:
    t = tok.lower()
    if len(t) < 4:
        return False
    if not any(c in _VOWELS for c in t):
        return True
    if re.search(r"[^aeiouy]{5,}", t):
        return True
    if re.search(r"(.)\1{3,}", t):
        return True
    if any(k in t for k in _KEYBOARD_RUNS):
        return True
    vowels = sum(c in _VOWELS for c in t)
    return vowels / len(t) < 0.15


def _looks_like_gibberish(text: str) -> bool:
    if _DEVANAGARI.search(text):
        return False
    tokens = _LATIN_WORD.findall(text)
    if not tokens:
        return True
    from sitegen.domain import vocab  # local import: vocab is a leaf module, avoids a cycle with brief

    if any(vocab.is_known_word(t) for t in tokens):
        return False
    long_tokens = [t for t in tokens if len(t) >= 4]
    if not long_tokens:
        # only short fragments ("a b c", "xy zq"): fine only if there are some real 3-letter words
        return sum(len(t) for t in tokens) < 6
    weird = sum(_weird_token(t) for t in long_tokens)
    return weird / len(long_tokens) >= 0.5


def invalid(detail: str) -> Problem:
    return Problem(detail, status=422, code=INVALID, title="The prompt is not usable", field="prompt")


def check_prompt(prompt: str | None) -> str:
    """Validate and screen a merchant's prompt. Returns the normalised prompt; raises `Problem` otherwise."""
    if prompt is None or not isinstance(prompt, str) or not prompt.strip():
        raise invalid(
            "Describe your store in one sentence, e.g. 'Curam – fresh vegetables, Mumbai, cash + UPI'"
        )
    if len(prompt) > MAX_PROMPT_CHARS:
        raise invalid(f"The prompt is {len(prompt)} characters; the limit is {MAX_PROMPT_CHARS}")
    text = normalise(prompt)
    letters = sum(1 for ch in text if unicodedata.category(ch).startswith("L"))
    if letters == 0:
        raise invalid("The prompt has no words (only emoji, digits or symbols); describe what you sell")
    refusal = find_refusal(text)
    if refusal is not None:
        raise Problem(
            refusal.reason,
            status=422,
            code=REFUSED,
            title="We can't create this store",
            errors=[FieldError("prompt", refusal.reason)],
        )
    if letters < MIN_PROMPT_LETTERS:
        raise invalid("The prompt is too short; say what you sell and where")
    if _looks_like_gibberish(text):
        raise invalid("We could not understand the prompt; describe your shop in a few words")
    return text


def check_output(texts: Iterable[str], *, field: str = "output") -> None:
    """Screen model output text; raises `Problem(code="MODEL_OUTPUT_UNSAFE")` naming the category."""
    for text in texts:
        if not text:
            continue
        refusal = find_refusal(text, categories=_OUTPUT_CATEGORIES)
        if refusal is None and _OUTPUT_INJECTION.search(text):
            refusal = Refusal("injection", _OUTPUT_INJECTION.search(text).group(0))  # type: ignore[union-attr]
        if refusal is not None:
            raise Problem(
                f"The model's answer was unsafe: {refusal.reason}",
                status=422,
                code=OUTPUT_UNSAFE,
                title="Unsafe model output",
                errors=[FieldError(field, refusal.reason)],
            )
