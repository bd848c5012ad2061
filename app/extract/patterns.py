"""The regular expressions the rules use (transfer triggers, speech, denial, hedges), built from the
word lists of `app/taxonomy/words.toml` where a pattern is a list of words."""
from __future__ import annotations

import re
from functools import lru_cache

from app.taxonomy import load_words

WORDS = load_words()
_TRIGGERS, _SPEECH = WORDS["triggers"], WORDS["speech"]
I = re.IGNORECASE
# The only non-ASCII characters that IGNORECASE matches to ASCII letters: İ ı ſ K (Kelvin sign). A text
# without them matches an IGNORECASE pattern of ASCII words only where its lower case has the words.
CASE_FOLDS_TO_ASCII_RE = re.compile("[\u0130\u0131\u017f\u212a]")


def _starts(items: list, i: int) -> tuple[set[str], bool]:
    """The strings one of which begins every match of `items[i:]` (a parsed sequence), lower-cased
    and ASCII, and whether they are whole (the sequence is only those literals)."""
    out = {""}
    for op, av in items[i:]:
        name = str(op)
        if name == "AT":  # \b, ^: zero-width
            continue
        if name == "LITERAL" and av < 128:
            out = {p + chr(av).lower() for p in out}
            continue
        if name in ("BRANCH", "SUBPATTERN"):
            alts = av[1] if name == "BRANCH" else [av[3]]
            parts = [_starts(list(alt), 0) for alt in alts]
            out = {p + q for p in out for q_set, _ in parts for q in q_set}
            if all(whole for _, whole in parts):
                continue
        return out, False
    return out, True


def _needs(items: list) -> set[str] | None:
    """The best set of strings one of which every match of the sequence contains (None: none known)."""
    best: set[str] | None = None
    for i, (op, av) in enumerate(items):
        name = str(op)
        candidates = []
        if name in ("LITERAL", "BRANCH", "SUBPATTERN"):
            candidates.append(_starts(items, i)[0])
        if name == "SUBPATTERN":
            candidates.append(_needs(list(av[3])))
        if name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
            candidates.append(_needs(list(av[2])))
        for c in candidates:
            if c and "" not in c and (best is None or min(map(len, c)) > min(map(len, best))):
                best = c
    return best


def hints(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Lower-case ASCII strings one of which every match of `pattern` contains, read from the pattern
    itself (so they follow any edit of it): a sentence whose lower case (with no letter that
    IGNORECASE folds to ASCII, `CASE_FOLDS_TO_ASCII_RE`) has none of them needs no scan. None when
    the pattern has no such strings."""
    from re import _parser

    found = _needs(list(_parser.parse(pattern.pattern, pattern.flags)))
    return tuple(sorted(found)) if found else None


def may_match(needed: tuple[str, ...] | None, low: str, folds: bool) -> bool:
    """False only when a pattern whose `hints` are `needed` cannot match the text whose lower case is `low`."""
    if needed is None or folds:
        return True
    for h in needed:  # a plain loop: faster than any() over a generator for a handful of strings
        if h in low:
            return True
    return False


def lowered(pattern: re.Pattern) -> re.Pattern:
    """A case-sensitive copy of an IGNORECASE pattern whose letters are all lower case: it finds the same
    spans in a text's `str.lower()` as `pattern` in the text, for a text without the letters of
    CASE_FOLDS_TO_ASCII_RE (then lower-casing changes no length, turns no other character into an ASCII
    letter and keeps \\w, \\s and \\d as they were: a test checks all of Unicode). Such a scan is 2-4x
    faster: without IGNORECASE the regex engine skips to the characters an alternative can start with."""
    letters = re.sub(r"\\.", "", pattern.pattern)  # escapes (\\S, \\W, \\B) mean the same in either case
    if not pattern.flags & re.IGNORECASE or any(c.isupper() for c in letters):
        raise ValueError(f"not a lower-case IGNORECASE pattern: {pattern.pattern[:60]}")
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def _trie_regex(words: list[str]) -> str:
    """An alternation of `words` as a prefix trie, so the regex engine does not try each word in turn."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


# bytes.translate table: ASCII letters to lower case, every other byte to a space
_ASCII_WORD_TABLE = bytes(b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 else 32 for b in range(256))


def ascii_letters(text: str) -> str:
    """`text` with its ASCII letters lower-cased and every other character a space, one character for
    one (non-ASCII characters become "?", then a space), so offsets into `text` hold."""
    return text.encode("ascii", "replace").translate(_ASCII_WORD_TABLE).decode("ascii")


def ascii_words(text: str) -> frozenset[str]:
    """The maximal runs of ASCII letters in `text`, lower-cased: the only strings a `word_set_re`
    pattern can match, so a sentence whose words miss its set needs no regex scan."""
    return frozenset(ascii_letters(text).split())


def word_set_re(words) -> re.Pattern:
    """Maximal runs of ASCII letters whose lower case is one of `words`: the same hits as
    `[A-Za-z]+` followed by `.lower() in words`, in one regex pass instead of a Python loop."""
    return re.compile(r"(?<![A-Za-z])(?:" + _trie_regex(sorted(words)) + r")(?![A-Za-z])", re.I | re.A)


_FORMS: list[str] = []


_FIRST_WORDS: dict[str, frozenset[str]] = {}  # trie regex -> the first word of each of its forms
_FAMILY_FORMS: dict[str, tuple[str, ...]] = {}  # trie regex -> its forms


def _first_word(form: str) -> str:
    return form.split()[0].split("-")[0].lower()


def _words(*forms: str) -> str:
    _FORMS.extend(forms)
    regex = _trie_regex(sorted(set(forms)))
    _FIRST_WORDS[regex] = frozenset(map(_first_word, forms))
    _FAMILY_FORMS[regex] = tuple(sorted(set(forms)))
    return regex


# Verbs whose subject is the supplier ("Iran sold drones to Russia").
SUPPLY_VERBS = _words(*_TRIGGERS["supply_verbs"])
# Weak verbs that count only with an explicit recipient ("moved rockets to Hezbollah").
WEAK_SUPPLY = _TRIGGERS["weak_supply_verbs"]
# Verbs whose subject is the recipient ("Moscow bought shells from Pyongyang").
ACQUIRE_VERBS = _words(*_TRIGGERS["acquire_verbs"])
# Nouns naming a transfer from the supplier's side ("Iran's transfer of missiles to Russia").
SUPPLY_NOUNS = _words(*_TRIGGERS["supply_nouns"])
ACQUIRE_NOUNS = _words(*_TRIGGERS["acquire_nouns"])

_TRIGGER_FORMS = list(_FORMS)
_VERB_RE = re.compile(rf"\b(?:{SUPPLY_VERBS})\b", I)
_ACQ_RE = re.compile(rf"\b(?:{ACQUIRE_VERBS})\b", I)
_SNOUN_RE = re.compile(rf"\b(?:{SUPPLY_NOUNS})\b", I)
_ANOUN_RE = re.compile(rf"\b(?:{ACQUIRE_NOUNS})\b", I)
TURNED_TO_RE = re.compile(r"\b(?:(?:turn(?:ed|s|ing)?|look(?:ed|s|ing)?|relie[sd]|rely(?:ing)?|depend(?:s|ed|ing)?)\s+(?:on|to|upon)|ask(?:s|ed|ing)?)\s+", I)
ADJ_SUPPLIED_RE = re.compile(r"[-‑](?:supplied|provided|donated|delivered|sold|furnished)\b|\b(?:supplied|provided|donated|delivered|sold|sent|shipped|smuggled|transferred)\s+(?:to\s+\S+(?:\s+\S+)?\s+)?by\s+", I)
TRAIN_RE = re.compile(r"\btrain(?:s|ed|ing)?\b(?=\s+(?:\w+\s+){0,2}?(?:pilots|crews|troops|personnel|operators|soldiers|forces|technicians)\b)", I)

PASSIVE_AUX_RE = re.compile(r"\b(?:was|were|been|being|be|is|are|get|got)\s+(?:\w+ly\s+|also\s+|reportedly\s+|allegedly\s+|not\s+|never\s+)*$", I)
NOMINAL_PREV = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|this|that|these|those|any|further|more|new|such|of|for|on|over|about|"
    r"arms|weapons|weapon|military|drone|missile|ammunition|artillery|covert|illicit|secret|planned|possible|future|"
    r"recent|first|latest|continued|continuing|alleged|large|major|ongoing|direct|illegal|regular|massive|initial|"
    r"additional|of|and|massive|\d[\d,.]*|lethal|defence|defense|aid|assistance)\s+|['’]s\s+|[-‑])$",
    I,
)
NONVERB_AFTER = re.compile(r"^\s+(?:of|to|from|deal|agreement|contract|route|routes|chain|chains|line|lines|network|networks)\b", I)

# `\band`, `\bbut`... are written `a(?<!\wa)nd`, `b(?<!\wb)ut`: the same matches, but every alternative
# now opens with a character the regex engine can test before entering it (this scan runs on every
# sentence with a trigger; about twice as fast).
_CLAUSE_VERBS = ("has", "have", "had", "is", "are", "was", "were", "will", "would", "said", "says", "needs", "need", "wants",
                 "continued", "continues", "also")
_CLAUSE_VERB_SET = frozenset(_CLAUSE_VERBS)
_CLAUSE_ALWAYS = object()
# (which of clause_boundary_re's tests must hold for the alternative to match anywhere, the alternative)
_CLAUSE_ALTERNATIVES = (
    (_CLAUSE_ALWAYS, r";"),
    (0, r"\s[—–]\s"),
    (_CLAUSE_ALWAYS, r":\s"),
    (_CLAUSE_ALWAYS, r",\s+(?:which|who|whom|whose|while|whereas|but|although|though|as(?!\s+well\s+as)|after|before|because|"
                     r"when|where|saying|adding|according|even as|despite|amid|since|so|and\s+(?=(?:the\s+)?[A-Z]))\b"),
    (1, r"a(?<!\wa)nd that\b"),
    (2, r"a(?<!\wa)nd\s+(?=(?:the\s+)?[A-Z][\w’'-]+\s+(?:[A-Z][\w’'-]+\s+)?(?:" + "|".join(_CLAUSE_VERBS) + r")\b)"),
    (3, r"w(?<!\ww)h(?:ile|ereas)\b"),
    (4, r"b(?<!\wb)ut\b"),
    (5, r"a(?<!\wa)lthough\b"),
    (6, r"t(?<!\wt)hough\b"),
    # not "U.S. will"; the full stop first: an alternative opening with a lookbehind leaves the engine no
    # first character to look for, and it then tries the pattern at every position of the sentence
    (_CLAUSE_ALWAYS, r"\.(?<!\.[A-Z]\.)\s"),
)
CLAUSE_BOUNDARY_RE = re.compile("|".join(alt for _, alt in _CLAUSE_ALTERNATIVES))


@lru_cache(maxsize=128)
def _clause_subset_re(tests: tuple[bool, ...]) -> re.Pattern:
    return re.compile("|".join(alt for i, alt in _CLAUSE_ALTERNATIVES if i is _CLAUSE_ALWAYS or tests[i]))


def clause_boundary_re(words: frozenset[str], text: str) -> re.Pattern:
    """CLAUSE_BOUNDARY_RE without the alternatives that cannot match `text`: the same matches, since an
    alternative that matches nowhere decides nothing and the others keep their order. Each word an
    alternative needs ("but"; "and" with "that" or one of the verbs) stands in its match between \\s or
    \\b and \\s or \\b, so it is a whole run of ASCII letters there and one of the text's `words`
    (ascii_words: lower-cased, a superset of what the case-sensitive pattern sees); the dash alternative
    needs a dash. The others would cost a try at every space and every a, b, t and w of the sentence."""
    has_and = "and" in words
    return _clause_subset_re(("—" in text or "–" in text,
                              has_and and "that" in words,
                              has_and and not words.isdisjoint(_CLAUSE_VERB_SET),
                              "while" in words or "whereas" in words,
                              "but" in words,
                              "although" in words,
                              "though" in words))

SPEECH_RE = re.compile(
    r"\b(?:" + _words(*_SPEECH["verbs"]) + r"|emphasi[sz]ed)\b|\baccording to\b|\bin a statement\b",
    I,
)
SPEECH_WORDS = _SPEECH["verbs"] | _SPEECH["guard_words"]
SPEECH_PHRASES = re.compile(r"\baccording to\b|\bin a statement\b", I)
ACCORDING_RE = re.compile(r"\baccording to\b", I)
SPEECH_WORD_RE = word_set_re(SPEECH_WORDS)


@lru_cache(maxsize=4096)
def _word_subset_re(words: frozenset[str]) -> re.Pattern:
    return word_set_re(words) if words else re.compile(r"(?!)")


def speech_word_re(words: frozenset[str]) -> re.Pattern:
    """SPEECH_WORD_RE cut to the speech words among `words` (a sentence's `ascii_words`): the same
    matches in that sentence, since a word_set_re pattern matches only whole words of the set."""
    return _word_subset_re(words & SPEECH_WORDS)
OUTLET_RE = re.compile(
    r"\b(?:news agency|newspaper|daily|broadcaster|state media|media(?!\s+(?:wing|office|centre|center|department|directorate|service))|state television|state TV|state-run|outlet|magazine|"
    r"tabloid|news site|journalists?|reporters?|correspondents?|investigation by|the paper|the outlet|the agency's report|"
    r"press(?=\s+reports?\b))\b", I)
# Every OUTLET_RE alternative contains one of these (lower-cased): a cheap test before the scan.
_OUTLET_HINTS = tuple(sorted(_SPEECH["outlet_hints"]))


def may_match_outlet(text: str, folds: bool = True) -> bool:
    """False only when OUTLET_RE cannot match `text`; `folds=False` promises that `text` has none of
    the letters of CASE_FOLDS_TO_ASCII_RE (the caller knows it of the whole sentence)."""
    low = text.lower()
    for hint in _OUTLET_HINTS:
        if hint in low:
            return True
    return folds and CASE_FOLDS_TO_ASCII_RE.search(text) is not None


PRONOUN_SPEAKER_RE = re.compile(
    r"^\s*(?:he|she|they|we|i|it|the official|the officials|the minister|the spokesman|the spokeswoman|"
    r"the spokesperson|the ministry|the administration|the mission|the statement|the official said|the envoy|"
    r"the ambassador|the president|the secretary|the general|the commander|the agency|the government|the source|"
    r"the sources|the diplomat|the official,|the report|the adviser|the advisor|the aide|the analyst|the group|the spokesman,)\b",
    I,
)
OWNERLESS_RE = re.compile(
    r"\b(?:reports?|accusations?|allegations?|claims?|suspicions?|rumou?rs?|speculation|charges?|assertions?|insinuations?|"
    r"suggestions?)\s+(?:(?:claiming|saying|suggesting|alleging|stating|asserting)\s+)?(?:that|of|(?=(?:it|they)\s))", I)

DENY_VERB_RE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|denials?|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut(?:e|es|ed|ing)|rebuff(?:s|ed|ing)?|"
    r"repudiat(?:e|es|ed|ing))\b|"
    # verbs that deny only with a claim as their object: "condemned accusations that", "brushed off the reports"
    r"\b(?:condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|brush(?:es|ed|ing)? off|shrug(?:s|ged|ging)? off|wav(?:es|ed|ing) away|scoff(?:s|ed|ing)? at|"
    r"slam(?:s|med|ming)?|decr(?:y|ies|ied|ying)|disput(?:e|es|ed|ing))"
    r"(?=\s+(?:the\s+|these\s+|those\s+|such\s+)?(?:[\w-]+\s+){0,3}?(?:accusations?|claims?|allegations?|reports?|charges?|assertions?|findings)\b)", I)
DENY_PRED_RE = re.compile(
    r"\b(?:baseless|groundless|unfounded|untrue|fabricat\w+|fabrications?|lies|nonsense|absurd|slanderous|slander|"
    r"completely wrong|totally wrong|completely false|totally false|false|fake|no basis|no truth|not true|disinformation|"
    r"a smear|smears|a lie|sheer fiction|fiction|fantasy|propaganda)\b", I)
CALL_PRED_RE = re.compile(
    r"\b(?:call\w*|term\w*|brand\w*|label\w*)\s+(?:that|this|it|them|those|these|such|the (?:\w+ ){0,2}?(?:claims?|reports?|accusations?|allegations?|charges?|findings|stor(?:y|ies)))?\s*(?:as\s+)?[“\"]?(?:baseless|groundless|unfounded|untrue|fabricat\w+|lies|nonsense|absurd|false|fake|slander\w*|propaganda|disinformation)", I)
DESCRIBE_AS_RE = re.compile(r"\b(?:describ\w+|call\w*|brand\w*|label\w*|term\w*)\b[^.;]{0,80}?\bas\b", I)
NOT_DENIAL_RE = re.compile(
    r"neither confirm\w* nor den\w*|(?:not|n't|never)\s+(?:\w+\s+)?(?:confirm\w*\s+or\s+)?den(?:y|ied)|"
    r"(?:not|n't|never|without)\s+(?:\w+\s+)?(?:disput\w*|condemn\w*|decr\w*|brush\w* off|slam\w*)|"
    r"declin\w+ to (?:comment|confirm|deny)|refus\w+ to (?:comment|confirm|deny)|did not respond|no immediate comment|"
    r"without denying|stopped short of denying|den(?:y|ied|ies) (?:access|entry|visas?|permission|a request|requests)", I)

NEGATION_RE = re.compile(
    r"\b(?:not|never|n't|no longer|neither|nor|none|nothing|without)\b|n[’']t\b", I)
NO_OBJECT_RE = re.compile(r"\bno\s+(?:\w+\s+){0,2}?(?:weapons|arms|drones|missiles|ammunition|shells|equipment|military|lethal)\b|\bany\s+(?:\w+\s+)?(?:weapons|arms|drones|missiles|ammunition)\b", I)
# What a giving verb hands over when it is not goods: "gave London assurances", "gave material backing to ..."
NOT_GOODS_OBJECT_RE = re.compile(
    r"\s+(?:(?:an?|the|its|their|new|firm|written|fresh|material|political|financial|moral|logistical|diplomatic)\s+)?"
    r"(?:assurances?|guarantees?|support|help|access|permission|credits?|loans?|money|funds|funding|financing|cash|"
    r"intelligence|training|time|warnings?|details|information|boost|edge|cover|backing|advice|approval|a say|"
    r"sanctuary|refuge|shelter)\b", I)
NO_EVIDENCE_RE = re.compile(
    r"\bno (?:\w+ )?(?:evidence|sign|signs|indication|indications|proof|confirmation|information|trace)\b|"
    r"\b(?:watch\w* for|monitor\w* for|look\w* for|possible(?<!made possible)(?<!make possible)(?<!makes possible)|potential|"
    r"how many|how much|what kind of|which kind of)\b|"
    r"\b(?:earlier version of this (?:article|story|report)|incorrectly (?:said|stated|reported)|has been corrected|we regret the error)\b|"
    r"\b(?:has|have|had) (?:not|n[’']t) (?:yet )?(?:seen|found|detected|observed)\b|\bnot (?:yet )?(?:seen|observed|confirmed)\b|"
    r"\bunable to (?:confirm|verify)\b|\bcould not (?:be )?(?:confirm|verif)\w*|\bunverified\b|\bno (?:such )?(?:deal|transfer|deliveries)\b", I)
CONDITIONAL_RE = re.compile(
    r"\b(?:if|unless|whether|were to|should (?:\w+ )?(?:decide|choose)|in the event|in case|hypothetical\w*|would be (?:a|an) |would mark|would cross|would constitute|would represent|would be (?:crossing|a red line)|red line|warn\w* (?:\w+ ){0,3}against|deter(?:s|red|ring|rent|rence)?|prevent|stop\w* short)\b", I)
REFUSAL_RE = re.compile(
    r"\b(?:refus\w+|declin\w+|rul\w+ out|reject\w+ (?:calls|requests|demands|pressure)|will not|won[’']t|would not|wouldn[’']t|"
    r"has no plans?|have no plans?|had no plans?|no plans? to|does not plan|do not plan|not (?:to|going to) (?:send|supply|deliver|provide)|"
    r"(?:halt\w*|stopp?\w*|block\w*|blocked)(?!\s+(?:a|an|the|two|three|several)\s+(?:[\w-]+\s+)?(?:ship|vessel|dhow|boat|truck|"
    r"convoy|plane|aircraft|lorry|container)s?\b)|suspend\w*|ban(?:s|ned|ning)?|veto\w*|end(?:s|ed|ing)? (?:its|their) |control\w*|restrict\w*|curb\w*|"
    r"stall\w*|withh[oe]ld\w*|hold\w* back|held back|delay\w*|freez\w*|froze)\b", I)
PLANNED_RE = re.compile(
    r"\b(?:consider\w*|offer\w*|could|would|will|may|might|plan(?:s|ned|ning)?|intend\w*|expect\w*|talks|negotiat\w*|seek\w*|sought|"
    r"try\w*|tried|attempt\w*|prepar\w*|moving to|(?:agree|decide)[ds]?(?:\s+[\w-]+){0,4}?\s+to|deal to|to buy|to acquire|to obtain|to secure|to receive|to send|"
    r"to supply|to deliver|to provide|pledg\w*|promis\w*|train\w*|wants? to|hope\w* to|aim\w* to|set to|poised to|"
    r"discuss\w*|interested in|interest in|looking to|request\w*|asked for|eyeing|proposed|proposal|future|upcoming|"
    r"possible|potential|approv\w*|notif(?:y|ied|ies|ication)|cleared|green-?light\w*)\b", I)

SEEK_RE = re.compile(r"\b(?:seek\w*|sought|try\w* to|tried to|attempt\w* to|want\w* to|hop\w* to|look\w* to|request\w*|ask\w* for)\b", I)

QUANTITY_RE = re.compile(
    r"(?:\b(?:hundreds|thousands|dozens|scores|millions|tens of thousands|a limited number|a small number|a handful|several|"
    r"(?:more|fewer) than [\d,.]+(?:\s+(?:million|billion|thousand))?|up to [\d,.]+|about [\d,.]+|at least [\d,.]+|"
    r"some [\d,.]+|nearly [\d,.]+|around [\d,.]+|over [\d,.]+|[\d][\d,.]*(?:\s+(?:million|billion|thousand))?|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|a dozen)"
    r"(?:\s+of)?\s+(?:(?:the|these|its|more|new|additional|advanced|modern|used|further)\s+)?)$",
    I,
)

# Every QUANTITY_RE match has a digit or one of these words (the end-anchored search is costly).
QUANTITY_WORDS = WORDS["quantity"]["words"]
DIGIT_RE = re.compile(r"\d")

# `\b[A-Z]` written as `[A-Z](?<!\w[A-Z])`: a pattern that opens with a character set lets the
# regex engine skip straight to capitals instead of trying every position (about twice as fast).
PERSON_RE = re.compile(r"[A-Z](?<!\w[A-Z])(?:[a-z’'\-]+|\.)(?:\s+(?:[A-Z][a-z’'\-]+|[A-Z]\.|al-[A-Z][a-z]+|bin|de|van|von|der)){1,3}\b")
TITLE_WORDS = WORDS["people"]["title_words"]

# A party's own public acts: relayed by an outlet they are the party's statements (confirms).
# A party deciding or planning its own transfer ("Poland plans to send", "Spain and Portugal agreed to
# supply", "Britain will send", "France is to deliver"): said of the party's own subject, the plan is
# the party's (confirms, planned), as a relayed announcement is.
DECIDE_RE = re.compile(
    r"\b(?:(?:has |have |had )?(?:agreed|agrees|decided|decides|chose|chosen|opted|resolved|voted|moved|offered|offers)"
    r"(?:\s+(?:on|in|at|this|last|earlier|later|late|early|now|also|finally|formally|\w+day|week|month|year)){0,3}\s+to|"
    r"(?:is|are|was|were)\s+(?:now\s+)?(?:planning|preparing|set|poised|going|due|about)\s+to|"
    r"(?:plans?|planned|intends?|intended|prepares?|aims?|hopes?)\s+to|(?:is|are|was|were)\s+to|will|shall)\b", I)
COMMIT_RE = re.compile(
    r"\b(?:pledg\w*|promis\w*|announc\w*|approv\w*|authori[sz]\w*|licen[cs]\w*|finali[sz]\w*|"
    r"commit\w*|unveil\w*|inked|concluded|clinched|sealed|cleared|green-?lit|notified|sign\w* off|okay\w*)\b", I)
WEAPON_STOP_RE = re.compile(
    r"\b(?:against|to (?:attack|strike|hit|target|shoot down|defend|protect|counter|intercept|fight|replace)|turned on|"
    r"used (?:on|against|to|in)|fired (?:at|on)|for use (?:in|against)|in (?:exchange|return) for)\b|"
    r",\s+(?:posting|showing|saying|adding|citing|according|having)\b|\bover\s+(?:\w+\s+)?objections\b", I)
CONTRACT_RE = re.compile(
    r"\b(?:sign\w*|ink\w*|finali[sz]\w*|conclud\w*|clinch\w*|seal\w*|award\w*|agree\w*)\s+(?:\w+\s+){0,4}?"
    r"(?:contracts?|deals?|agreements?|orders?)\b", I)
# Breaking an arms embargo is supplying its target ("Jordan, Turkey and the UAE breached the UN arms embargo on Libya").
EMBARGO_RE = re.compile(
    r"\b(?:breach\w*|violat\w*|flout\w*|broke|break\w*|bust\w*|circumvent\w*|evad\w*|defy\w*|defie\w*)\s+(?:of\s+)?"
    r"(?:the\s+|an?\s+)?(?:(?:UN|U\.N\.|United Nations|international|UN Security Council)\s+)?(?:[A-Z][\w’'-]*\s+)?arms\s+embargo\b"
    r"(?:\s+(?:in force\s+|imposed\s+)?(?:on|in|against|for)\s+)?", I)
# Goods said to come from a state ("components in Russia's weapons come from the U.S.").
ORIGIN_RE = re.compile(r"\b(?:(?:came|come|comes|coming|(?:are|is|were|was)(?:\s+(?:mostly|largely|mainly|primarily|overwhelmingly|all))?)\s+from|originat(?:e|es|ed|ing)\s+(?:in|from)|(?:were|was|are|is)\s+"
                       r"(?:made|manufactured|produced)\s+in|(?:were|was|are|is)\s+traced\s+(?:back\s+)?to)\s+(?:the\s+)?", I)
ARRIVE_RE = re.compile(r"\b(?:arriv(?:e|es|ed|ing)|reached|landed|expected(?=[^.;]{0,40}\bfrom\b)|"
                       r"end(?:ed|s)? up (?=in\b|at\b|with\b)|(?:found|find|finds|made|make|makes) (?:their|its) way (?:\w+ly )?(?=to\b|into\b))", I)
SPEAKER_NOUN_RE = re.compile(
    r"^\s*(?:the\s+)?(?:armed forces|army|military|ministry|defen[cs]e ministry|foreign ministry|government|presidency|"
    r"embassy|spokes\w+|official|officials|minister|statement|agency|mission|administration|navy|command|office)\b", I)
BULLET_RE = re.compile(r"^\s*(?:[•\-–*·▪●]|\d+[.)]\s)")

# Every word that can start a trigger: sentences without one skip the trigger regexes.
TRIGGER_WORDS = frozenset(map(_first_word, _TRIGGER_FORMS)) | _TRIGGERS["other_first_words"]
TRIGGER_WORD_RE = word_set_re(TRIGGER_WORDS)
# The first words of each trigger family: a sentence whose TRIGGER_WORD_RE hits include none of a
# family's first words has no match of that family's regex, so its scan can be skipped. That holds
# because a `\b`-delimited match starts with a maximal run of letters, which TRIGGER_WORD_RE reports,
# unless the sentence has one of the four non-ASCII letters that IGNORECASE matches to ASCII ones.
VERB_FIRST_WORDS = _FIRST_WORDS[SUPPLY_VERBS]
ACQ_FIRST_WORDS = _FIRST_WORDS[ACQUIRE_VERBS]
SNOUN_FIRST_WORDS = _FIRST_WORDS[SUPPLY_NOUNS]
ANOUN_FIRST_WORDS = _FIRST_WORDS[ACQUIRE_NOUNS]



@lru_cache(maxsize=4096)
def _family_subset_re(family: str, firsts: frozenset[str]) -> re.Pattern:
    if not firsts:
        return re.compile(r"(?!)")  # no form can match
    return re.compile(rf"\b(?:{_trie_regex([f for f in _FAMILY_FORMS[family] if _first_word(f) in firsts])})\b", I)


def family_re(family: str, hits: frozenset[str] | None) -> re.Pattern:
    """`\b(?:family)\b` (family: SUPPLY_VERBS, ACQUIRE_VERBS, SUPPLY_NOUNS or ACQUIRE_NOUNS) cut to the
    forms whose first word is among `hits`, a sentence's TRIGGER_WORD_RE words (None: the whole
    family). The same matches, since a form whose first word the sentence lacks matches nowhere in
    it (see VERB_FIRST_WORDS), and the cut trie tries the remaining forms in the same order; a
    regex of a few forms scans a sentence ~3x faster than one of all 143 verbs."""
    if hits is None:
        return _family_subset_re(family, _FIRST_WORDS[family])
    return _family_subset_re(family, hits & _FIRST_WORDS[family])


# Words after a weapon term that make it something other than transferred goods ("weapons programme").
NOT_GOODS_AFTER = re.compile(r"^[\s-]*(?:programmes?|programs?|industry|industries|production|procurement|compan(?:y|ies)|firms?|makers?|manufacturers?|stockpiles?|capabilit\w+|development|embargo|sanctions?|exports? controls?|dealers?|trade|fair|expo|show|designs?)\b", I)
# Implied denials of something other than a transfer (abuses, attacks).
NON_TRANSFER_DENIAL = re.compile(r"\b(?:kill\w*|massacre\w*|abuses?|atrocit\w+|civilians?|war crimes?|torture|executions?|involvement|responsibility|presence|mercenar\w+|troops in|fighters in|attack(?:ed|s)? on|shelling|bomb(?:ed|ing)|interference|spying|espionage|"
    r"invad\w*|invasion|topple|toppling|overthrow\w*|coup|appeals?|calls? for|cease-?fires?|truce|peace|talks|negotiations|"
    r"proposals?|invitations?|demands?|resolutions?|sanctions)\b", I)

# Carriers: the subject is a ship or a plane, the parties are "from X" and "to Y" ("a dhow carrying rifles from Iran to the Houthis").
CARRY_RE = re.compile(r"\b(?:carry(?:ing)?|carried|carries|transport(?:ing|ed|s)?|ferry(?:ing)?|ferried|bound for|destined for|en route to|headed for|heading to)\b", I)
# Nouns that "claims"/"reports" are when used as nouns, not speech verbs.
AMBIGUOUS_SPEECH = _SPEECH["ambiguous"]

# A recipient thanking its supplier ("Mali's president thanked Russia for the aircraft").
THANK_RE = re.compile(r"\bthank(?:s|ed|ing)?\b(?<!\bthanks)|\bthanks\b(?!\s+to\b)", I)  # "thanks to the deals": because of, not gratitude

# Case-sensitive copies of hot IGNORECASE patterns, to run on a sentence's lower case (see `lowered`).
NEGATION_LOW = lowered(NEGATION_RE)
PLANNED_LOW = lowered(PLANNED_RE)
NO_EVIDENCE_LOW = lowered(NO_EVIDENCE_RE)
CONDITIONAL_LOW = lowered(CONDITIONAL_RE)
DENY_VERB_LOW = lowered(DENY_VERB_RE)
NO_OBJECT_LOW = lowered(NO_OBJECT_RE)
