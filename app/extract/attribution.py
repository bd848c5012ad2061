"""Stage 4, attribution: who makes a sentence's claim.

Speech-verb subjects, a trailing ", he said", "according to X", quote paragraphs, known names
and appositives ("Russia's ambassador, Igor Petrov"), a press release's issuer
(`document_voice`), an interview's answers (`find_interviewee`), else nobody (the caller then
gives the outlet's voice, `media`). `attribute_sentence` records who speaks in a sentence for
the pronouns of the next ones.
"""
from __future__ import annotations

import re

from app.extract import patterns as P
from app.extract.lexicon import ActorMention
from app.extract.roles import ASIDE_OPENERS, DATELINE_OR_THE, POSSESSIVE_AFTER, ROLE_KINDS, is_origin, leading_actor, preps_before
from app.extract.sentences import Sentence, rel_span, sentence_index, sentence_para, sentence_text, text_before
from app.extract.state import ArticleState, Speaker


_LEADING_ADVERBIAL = re.compile(r"^\s*(?:In|At|On|After|Before|During|Speaking|Presenting|Earlier|Later|Last|Asked|Writing|Addressing|Following|Separately|Meanwhile|However|Since|Today)\b[^,]*,\s*")
_RELATIVE_CLAUSE = re.compile(rf",\s*(?:which|who|whose|speaking|briefing|{ASIDE_OPENERS})\b[^,]*,")
_SAID_SAYS_TOLD = re.compile(r"\b(?:said|says|told)\b")
_COUNTRY_POSSESSIVE = re.compile(r"\b(?:the country|the nation)[’']s\b", re.I)
_WESTERN = re.compile(r"\b(?:Western|western)\b")
_ITS_BODY = re.compile(r"\s*(?:(?:its|their)\s+(?:\w+\s+)?(?:ministry|government|foreign ministry|defen[cs]e ministry|embassy|spokes\w+|officials?|president|leader|mission|army|military)\b|the (?:military|army|navy|government|ministry|air force)[’']s\b)", re.I)
_HE_SHE_START = re.compile(r"^\s*(?:he|she)\b", re.I)
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|they|we)\b", re.I)
_REPORT_NOUN_END = re.compile(r"\b(?:reports?|claims?|accusations?|allegations?)\s*$", re.I)
_THE_OPTIONAL = re.compile(r"\s*(?:(?:the|an?|one|two|three|four|several|some)\s+)?"
                           r"(?:(?:senior|former|top|high-ranking|unnamed|anonymous|retired|serving)\s+){0,2}", re.I)
# a full stop inside "U.S." or "U.N." stops nothing
_SENTENCE_STOP = re.compile(r"(?<![A-Z])\.(?![A-Za-z])|;|$")
_PHRASE_STOP = re.compile(r"[,;]|(?<![A-Z])\.(?![A-Za-z])")
_BARE_SUBJECT = re.compile(r"\s*(?:(?:the|a|an)\s+[\w’'-]+(?:\s+[\w’'-]+){0,3}|[a-z]+(?:\s+[a-z]+){0,2}|(?!On\b|In\b|At\b|Last\b|Earlier\b)[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,4})\s*")
_UNNAMED_SPEAKER = re.compile(r"\s*(?:a|an|one|two|three|several|some)\s+(?:[a-z][\w’'-]*\s+){0,3}"
                              r"(?:group|organi[sz]ation|watchdog|monitor|source|sources|official|officials|diplomat|diplomats|"
                              r"researchers?|analysts?|experts?|report|investigation)\s*")
_QUESTION = re.compile(r"\s*Q\s*:")
ANSWER_RE = re.compile(r"\s*A\s*:")


def _name_in(segment: str) -> tuple[str | None, str | None]:
    """A person's name in a subject phrase and the title words before it."""
    best = None
    for m in P.PERSON_RE.finditer(segment):
        words = m.group(0).split()
        while words and (words[0].rstrip(".,") in P.TITLE_WORDS):
            words = words[1:]
        while words and words[-1].rstrip(".,") in P.TITLE_WORDS:
            words = words[:-1]
        if len(words) >= 2 and not any(w in {"United", "States", "North", "South", "Korea", "Iran", "Russia", "China"} for w in words):
            best = (" ".join(words), m)
    if best is None:
        return None, None
    name, m = best
    pre = segment[: m.start() + m.group(0).find(name.split()[0])]
    role_m = re.search(r"((?:[A-Z][\w’'.-]*\s+|of\s+|for\s+|and\s+)*(?:[Ss]pokes(?:man|woman|person)|[Mm]inister|[Ss]ecretary|[Aa]mbassador|[Ee]nvoy|[Pp]resident|[Cc]ommander|[Cc]hief|[Dd]irector|[Gg]eneral|[Gg]en\.|[Aa]dviser|[Aa]dvisor|[Oo]fficial|[Hh]ead|[Ss]enator|[Cc]hancellor|[Ll]eader|[Aa]nalyst|[Rr]esearcher)\w*)\s*,?\s*$", pre)
    return name, (role_m.group(1).strip() if role_m else None)


def resolve_segment(st: Sentence, lo: int, hi: int, state: ArticleState, sents_first_actor: ActorMention | None) -> Speaker | None:
    """Who a subject phrase [lo, hi) of the sentence speaks for (memoised per sentence)."""
    key = ("seg", lo, hi)
    if key not in st.origin_cache:
        st.origin_cache[key] = _resolve_segment_uncached(st, lo, hi, state, sents_first_actor)
    return st.origin_cache[key]


def _actor_speaker(a: ActorMention, name: str | None, role: str | None, state: ArticleState) -> Speaker:
    """The speaker for actor `a` (an outlet names no person), remembering a person's name and surname."""
    if a.kind == "media":
        return Speaker("media")
    sp = Speaker(a.code, name, role)
    if name:
        state.names[name] = sp
        state.names[name.split()[-1]] = sp
    return sp


def _resolve_segment_uncached(st: Sentence, lo: int, hi: int, state: ArticleState, sents_first_actor: ActorMention | None) -> Speaker | None:
    seg = st.text[lo:hi]
    if not seg.strip():
        return None
    # drop a leading adverbial ("In a statement carried by X, ...") and relative clauses (", which ...,")
    m = _LEADING_ADVERBIAL.match(seg)
    if m and m.end() < len(seg.rstrip()):
        lo += m.end()
        seg = st.text[lo:hi]
    relative = [(lo + rm.start(), lo + rm.end()) for rm in _RELATIVE_CLAUSE.finditer(seg)] \
        if seg.count(",") >= 2 else []  # a relative clause sits between two commas
    if P.may_match_outlet(seg, st.folds) and P.OUTLET_RE.search(seg) and not _SAID_SAYS_TOLD.search(seg):
        return Speaker("media")
    acts = [a for a in st.actors if lo <= a.start - st.start and a.end - st.start <= hi
            and not any(r0 <= a.start - st.start < r1 for r0, r1 in relative)]
    if acts:
        a0 = acts[0]
        if _THE_OPTIONAL.fullmatch(st.text[lo: a0.start - st.start]) and not is_origin(st, a0) \
                and not POSSESSIVE_AFTER.match(st.text[a0.end - st.start:]):
            return _actor_speaker(a0, *_name_in(seg), state)
    name, role = _name_in(seg)
    chosen = None
    for a in acts:
        s, e = rel_span(st, a)
        if POSSESSIVE_AFTER.match(st.text[e:]) and not preps_before(st, a):
            chosen = a
            break
    if chosen is None:
        for a in reversed(acts):
            s, e = rel_span(st, a)
            tail = text_before(st.text, s)
            if preps_before(st, a) and not re.search(r"\bof\s+(?:the\s+)?$|\b(?:officials?|sources?|diplomats?|authorities|analysts|intelligence|officers?|government|ministry)\s+(?:in|from)\s+$", tail, re.I):
                continue
            if a.form == "demonym" and is_origin(st, a):
                continue
            chosen = a
            break
    if chosen is None and _COUNTRY_POSSESSIVE.search(seg) and sents_first_actor is not None:
        chosen = sents_first_actor
    if chosen is not None:
        return _actor_speaker(chosen, name, role, state)
    known = state.names.get(seg.strip()) if name is None else None
    if known is not None:
        return known  # "..., Sunak said": a surname alone, of a person the article named before
    if name:
        for key in (name, name.split()[-1]):
            if key in state.names:
                known = state.names[key]
                return Speaker(known.code, known.name, known.role or role)
        if role and re.search(r"\b(?:Minister|President|Prime|Premier|Chancellor|Spokes\w+|spokes\w+|minister|Defen[cs]e|Foreign)\b", role) \
                and sents_first_actor is not None and sents_first_actor.kind == "state" \
                and DATELINE_OR_THE.fullmatch(st.text[: sents_first_actor.start - st.start]):
            sp = Speaker(sents_first_actor.code, name, role)
            state.names[name] = sp
            state.names[name.split()[-1]] = sp
            return sp
        return Speaker(None, name, role)
    if _WESTERN.search(seg):
        return Speaker(None)
    if _ITS_BODY.match(seg):
        lead = next((a for a in st.actors if a.kind in ROLE_KINDS), None)
        if lead is not None and re.fullmatch(r"(?:The\s+)?", st.text[: lead.start - st.start]):
            return Speaker(lead.code)
        if state.last_subject:
            return Speaker(state.last_subject)
    if state.interviewee and st.para in state.answer_paras and re.fullmatch(r"\s*(?:A\s*:\s*)?(?:we|I)\s*", seg, re.I):
        return Speaker(state.interviewee)
    if st.in_quote and _FIRST_PERSON.match(seg):
        return quote_speaker(st, state)  # "“I'm glad to tell you that ...,” Austin said"
    if state.doc_voice and re.search(r"\b(?:we|our)\b", seg, re.I):
        return Speaker(state.doc_voice)
    if _HE_SHE_START.search(seg):
        return state.para_speaker.get(st.para) or state.last_person or state.last_speaker or Speaker(None)
    if state.last_subject and _IT_AGENT.fullmatch(seg):
        return Speaker(state.last_subject)  # "it confirmed", "the company said": the actor the article is about
    if P.PRONOUN_SPEAKER_RE.search(seg) or P.SPEAKER_NOUN_RE.search(seg) or _PERSONAL_PRONOUN.search(seg):
        return state.para_speaker.get(st.para) or state.last_speaker
    return None


def claimant_of(st: Sentence, pos: int, end: int, state: ArticleState, first_actor: ActorMention | None) -> tuple[Speaker | None, bool]:
    """Who claims what sentence `st` says at [pos, end): (speaker, explicit attribution found)."""
    t = st.text
    speech = st.speech()
    said = st.said()
    before = [m for m in said if m.end() <= pos]
    for i in range(len(before) - 1, -1, -1):
        m = before[i]
        if i and m.group(0).lower().endswith("ing") and re.fullmatch(r"\s*,\s*", t[before[i - 1].end():m.start()]):
            continue  # "..., the report said, adding that ...": the participle's speaker is the verb's right before it
        seg_lo = 0
        for other in speech:
            if other.end() <= m.start() and other is not m:
                seg_lo = other.end()
        seg = t[seg_lo:m.start()]
        q = max(seg.rfind("”"), _last_straight_close(seg))
        if q >= 0:
            seg_lo = seg_lo + q + 1
        short = max(t.rfind(",", seg_lo, m.start()), t.rfind("—", seg_lo, m.start()))
        sp = None
        if short > seg_lo:
            sp = resolve_segment(st, short + 1, m.start(), state, first_actor)
            if sp is not None and sp.code is None and sp.name is None and not re.fullmatch(r"\s*(?:he|she|they|we|I)\s*", t[short + 1:m.start()]):
                sp = None
            if sp is None and _BARE_SUBJECT.fullmatch(t[short + 1:m.start()]) \
                    and not re.search(r"\b(?:has|have|had|is|are|was|were|will|would)\b", t[short + 1:m.start()]):
                sp = Speaker(None)
        if sp is None:
            sp = resolve_segment(st, seg_lo, m.start(), state, first_actor)
        if sp is None and q >= 0:
            word = t[seg_lo:m.start()].strip()
            if _SURNAME.fullmatch(word):  # "“...,” Austin said": a person the article has not tied to a party
                sp = Speaker(None, word)
        if (sp is None or (sp.code is None and sp.name is None)) and seg_lo > 0 and q < 0 and "”" not in t[:m.start()]:
            # an earlier speech word sat in a relative clause ("X, which tracked ..., reported")
            whole = resolve_segment(st, 0, m.start(), state, first_actor)
            if whole is not None and whole.code:
                sp = whole
        if sp is not None and sp.code is None and sp.name is None:
            sp = _according_before(st, m.start(), state, first_actor) or sp  # "According to the UN, evidence suggested"
        if sp is not None:
            return sp, True
        if _REPORT_NOUN_END.search(t[seg_lo:m.start()]):
            return Speaker(None), True
    after = [m for m in said if m.start() >= end]
    for m in after:
        if _NEW_CLAIM_AFTER.match(t, m.end()):
            continue  # "..., Asif's rejection suggests that ...": a new claim of its own, not an attribution of the one before
        lo = max(t.rfind(",", 0, m.start()), t.rfind("”", 0, m.start()), end)
        if _CLAIM_ASIDE.match(t, lo + 1 if lo >= 0 else 0, m.start()) and _DENIAL_WORD.match(m.group(0)):
            continue  # "..., according to Kyiv, a claim Tehran denies": the denier answers the claim, it does not make it
        lead = leading_actor(st) if _THE_MAKER.fullmatch(t, lo + 1, m.start()) or _THE_OFFICE.fullmatch(t, lo + 1, m.start()) \
            else None
        if lead is not None:
            return Speaker(lead.code), True  # "Baykar has delivered drones to Mali, the company said"
        sp = resolve_segment(st, lo + 1 if lo >= 0 else 0, m.start(), state, first_actor)
        if sp is None and lo >= 0 and _UNNAMED_SPEAKER.fullmatch(t, lo + 1, m.start()):
            return Speaker(None), True  # "..., a rights group said on Thursday, accusing Beijing": nobody named
        if sp is None and not re.match(r"\s*[,;:]", t[m.end():]):  # "..., said Caracas", not "..., claimed, though Caracas"
            nb = _SENTENCE_STOP.search(t[m.end():])
            sp = resolve_segment(st, m.end(), m.end() + nb.start(), state, first_actor)
        if sp is not None:
            return sp, True
    # "according to X" when nothing closer attributes the claim
    for m in speech:
        if P.ACCORDING_RE.match(m.group(0)):
            seg_end = len(t)
            nb = _PHRASE_STOP.search(t[m.end():])
            if nb:
                seg_end = m.end() + nb.start()
            sp = resolve_segment(st, m.end(), seg_end, state, first_actor)
            if sp is not None and (m.start() > end or m.end() < pos) and not [s for s in said if s.start() < pos and s.start() > 0]:
                return sp, True
    m = _COLON_SPEAKER.match(t)  # a headline's "Belarus: we did not send tanks to Russia"
    if m is not None and m.end() <= pos:
        a = next((a for a in st.actors if rel_span(st, a) == m.span(1) and a.kind in ROLE_KINDS), None)
        if a is not None:
            return Speaker(a.code), True
    return None, False

def _according_before(st: Sentence, pos: int, state: ArticleState, first_actor: ActorMention | None) -> Speaker | None:
    """The party an "according to X," before `pos` names, if any."""
    t = st.text
    for m in st.speech():
        if m.end() <= pos and P.ACCORDING_RE.match(m.group(0)):
            nb = _PHRASE_STOP.search(t, m.end(), pos)
            sp = resolve_segment(st, m.end(), nb.start() if nb else pos, state, first_actor)
            if sp is not None and sp.code:
                return sp
    return None


_TITLE_HEAD = (r"(?i:counterpart|minister|ambassador|envoy|spokes(?:man|woman|person)|president|secretary|adviser|advisor|"
               r"chief|commander|official|representative|leader|premier|chancellor|king|emir|prince|general|admiral|director|head)")
_APPOSITIVE_RE = re.compile(
    rf"(?:[’']s\s+)?(?:[\w-]+\s+){{0,4}}?{_TITLE_HEAD}\w*(?:\s+(?:in|to|at|for)\s+[A-Z]\w+)?,\s+"
    r"((?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+)")
_NAME = r"((?:[A-Z][\w’'-]+\s+){1,2}[A-Z][\w’'-]+)(?![\w’'-]|\s+[A-Z])"
# "Polish Prime Minister Mateusz Morawiecki", "Ukraine's President Volodymyr Zelensky": actor, title, name
_TITLED_AFTER = re.compile(rf"(?:[’']s)?\s+((?:[\w-]+\s+){{0,3}}?{_TITLE_HEAD}\w*)\s+{_NAME}")
# "President of Poland Andrzej Duda": title "of" actor, name
_TITLE_OF_BEFORE = re.compile(rf"\b({_TITLE_HEAD}\w*)\s+(?:of|for)\s+(?:the\s+)?$")

# every title-word pattern's hints; None (always scan) when one of them has none
_APPOSITIVE_NEEDS = None if None in (_needs := [P.hints(r) for r in (_APPOSITIVE_RE, _TITLED_AFTER, _TITLE_OF_BEFORE)]) \
    else tuple(sorted(set().union(*_needs)))


def remember_appositives(st: Sentence, state: ArticleState) -> None:
    """A person introduced with the actor they speak for: "Russia's ambassador, Igor Petrov", "his Russian
    counterpart, Andrei Belousov", "Polish Prime Minister Mateusz Morawiecki", "President of Poland Andrzej
    Duda". The first introduction wins; "Morawiecki said" later speaks for Poland."""
    t = st.text
    guarded = False
    for a in st.actors:
        if a.kind not in ("state", "group", "org") or a.form == "institution":
            continue
        if not guarded:  # at the first actor that may introduce someone
            if not P.may_match(_APPOSITIVE_NEEDS, st.low, st.folds):
                return  # each pattern below needs a title word
            guarded = True
        e = a.end - st.start
        m = _APPOSITIVE_RE.match(t, e)
        if m and m.start() - e <= 1:
            _remember_name(state, a.code, m.group(1), None)
            continue
        m = _TITLED_AFTER.match(t, e)
        if m and a.kind == "state" and not _names_an_actor(st, m.start(2), m.end(2)):
            _remember_name(state, a.code, m.group(2), m.group(1))
        elif a.kind == "state" and _TITLE_OF_BEFORE.search(text_before(t, a.start - st.start, 40)):
            m = re.compile(r"\s+" + _NAME).match(t, e)
            if m and not _names_an_actor(st, m.start(1), m.end(1)):
                _remember_name(state, a.code, m.group(1), _TITLE_OF_BEFORE.search(text_before(t, a.start - st.start, 40)).group(1))


def _names_an_actor(st: Sentence, lo: int, hi: int) -> bool:
    return any(lo <= a.start - st.start < hi for a in st.actors) or any(w in P.TITLE_WORDS for w in st.text[lo:hi].split())


def _remember_name(state: ArticleState, code: str, name: str, role: str | None) -> None:
    if name not in state.names:
        sp = Speaker(code, name, role)
        state.names[name] = sp
        state.names.setdefault(name.split()[-1], sp)


_RELEASE_RE = re.compile(r"PRESS (?:STATEMENT|RELEASE)|IMMEDIATE RELEASE|NEWS RELEASE|Office of the Spokesperson|"
                         r"\bMinistry of (?:Foreign Affairs|Defen[cs]e)\b.*\bstatement\b", re.I)


def document_voice(sents: list[Sentence]) -> str | None:
    """A press release speaks for its issuer: the first state named in its opening lines."""
    head = sents[:4]
    if not any(_RELEASE_RE.search(s.text) for s in head):
        return None
    for s in head:
        for a in s.actors:
            if a.kind in ("state", "org"):
                return a.code
    return None


def find_interviewee(sents: list[Sentence]) -> str | None:
    """In a Q&A interview, the state of the person introduced before the first question."""
    n = len(sents)
    first_q = next((i for i in range(n) if _QUESTION.match(sentence_text(sents, i))), None)
    if first_q is None or not any(ANSWER_RE.match(sentence_text(sents, i)) for i in range(first_q, n)):
        return None
    for i in range(first_q - 1, -1, -1):
        s = sents[i]
        if re.search(r"\b(?:head|minister|secretary|officer|official|director|chief|commander|spokes\w+|adviser|advisor|"
                     r"ambassador|general|envoy)\b", s.text, re.I):
            for a in s.actors:
                if a.kind == "state":
                    return a.code
    return None


def read_voices(sents: list[Sentence], state: ArticleState) -> None:
    """The article-wide voices: a press release's issuer, an interview's interviewee and answers."""
    state.doc_voice = document_voice(sents)
    state.interviewee = find_interviewee(sents)
    state.answer_paras = {sentence_para(sents, i) for i in range(len(sents)) if ANSWER_RE.match(sentence_text(sents, i))} \
        if state.interviewee else set()


def attribute_sentence(st: Sentence, idx: int, state: ArticleState,
                       first_actor: ActorMention | None) -> tuple[Speaker | None, bool]:
    """Who speaks in sentence `idx` (speaker, explicitly attributed), remembered for the pronouns
    and quotes of the next sentences."""
    speaker, explicit = None, False
    if st.speech():
        speaker, explicit = claimant_of(st, len(st.text), len(st.text), state, first_actor)
        if not explicit:
            speaker, explicit = claimant_of(st, 0, 0, state, first_actor)
    if explicit and not st.headline and speaker is not None and (speaker.code or speaker.name):
        state.last_speaker = speaker
        state.last_speaker_idx = idx
        state.para_speaker[st.para] = speaker
        if speaker.name:
            state.last_person = speaker
    return speaker, explicit


def _last_straight_close(seg: str) -> int:
    """Where the last straight quote mark after punctuation (one that closes a quotation) stands, or -1."""
    q = seg.rfind('"')
    while q > 0 and seg[q - 1] not in ",.!?":
        q = seg.rfind('"', 0, q)
    return q if q > 0 else -1
_IT_AGENT = re.compile(r"\s*(?:(?:and|but|then|later|early|earlier|also)\s+)*(?:in\s+\w+\s+\d{4},?\s+|in\s+\d{4},?\s+)?"
                       r"(?:it|the (?:company|firm|manufacturer|maker|exporter|contractor|shipyard))\s*(?:also\s+)?", re.I)
_THE_MAKER = re.compile(r"\s*the\s+(?:(?:state|state-owned|arms|defen[cs]e|Turkish|Russian|American|Chinese|[A-Z]\w+)\s+){0,2}"
                        r"(?:company|firm|manufacturer|maker|exporter|contractor|shipyard|group)\s*(?:also\s+)?", re.I)
# "..., the defence ministry said": the office of the party the sentence opens with (no other state's adjective)
_THE_OFFICE = re.compile(r"\s*the\s+(?:(?:defen[cs]e|foreign|armed forces)\s+)?(?:ministry|government)\s*(?:also\s+)?", re.I)
_COLON_SPEAKER = re.compile(r"\s*([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,2})\s*:\s+(?:[“\"]|(?:we|our|I)\b)")
_NEW_CLAIM_AFTER = re.compile(r"\s+that\b")
_DENIAL_WORD = re.compile(r"(?:den|reject|dismiss|disput|refut|rebuff|repudiat)", re.I)
_CLAIM_ASIDE = re.compile(r"\s*(?:which|an?\s+(?:\w+\s+)?(?:claim|charge|accusation|allegation|assertion|report)|"
                          r"(?:claims?|charges?|accusations?|allegations?|reports?))\b", re.I)
_SURNAME = re.compile(r"[A-Z][a-z’'-]+")
_FIRST_PERSON = re.compile(r"\W*(?:I|I'm|I’m|we|We)\b")
_CLOSING_QUOTE = re.compile(r"[”\"]\s*[,.]?\s")


def quote_speaker(st: Sentence, state: ArticleState) -> Speaker | None:
    """Who speaks a sentence inside a quotation: the paragraph's speaker so far, else the attribution
    that closes the quotation later in the paragraph ("“... Ukraine's needs,” Austin said"), else the
    last speaker."""
    known = state.para_speaker.get(st.para)
    if known is not None:
        return known
    sents = state.sentences
    i = sentence_index(sents, st)
    for nxt in sents[i + 1: i + 5] if i < len(sents) and sents[i] is st else ():
        if nxt.para != st.para:
            break
        if nxt.speech() and _CLOSING_QUOTE.search(nxt.text):
            lead = next((a for a in nxt.actors if a.kind in ROLE_KINDS and not is_origin(nxt, a)), None)
            speaker, explicit = claimant_of(nxt, len(nxt.text), len(nxt.text), state, lead)
            if explicit and speaker is not None and (speaker.code or speaker.name):
                return speaker
            break
    return state.last_speaker
