"""Stage 6b, packages: what an announced package, sale or deal contains, itemised in later sentences.

A government announcing aid or a sale ("The Pentagon announced a $250 million package for Ukraine")
often lists the contents in the next sentences without naming both parties again: "The package
includes Stinger missiles and Humvees", "Among other things, Ukraine is to get M113 carriers",
"Small-arms ammunition is also part of the package". Each listed weapon is a statement of the
announced transfer, with its stance and claimant. `PackageContext.step` runs after a sentence's
own statements: it opens a context on a sentence that names a package and states its transfer,
and carries it to the contents sentences that follow (at most `REACH` sentences on).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract import patterns as P
from app.extract.goods import quantity_at, weapons_in
from app.extract.roles import ROLE_KINDS, is_origin
from app.extract.sentences import Sentence
from app.extract.state import ArticleState, Speaker
from app.extract.types import ExtractedStatement

REACH = 4  # sentences after the announcement (or the last contents sentence) that may itemise it
PACKAGE_NOUN = re.compile(r"\b(?:packages?|tranches?|aid|assistance|sales?|deals?|contracts?|agreements?|orders?|shipments?|"
                          r"consignments?|cargo|cargoes|haul|cache|vessel|ship|boat|dhow|materiel)\b", re.I)
_PACKAGE_WORDS = frozenset("package packages tranche tranches aid assistance sale sales deal deals contract contracts "
                           "agreement agreements order orders shipment shipments consignment consignments cargo cargoes "
                           "haul cache vessel ship boat dhow materiel".split())
CONTENTS = re.compile(
    r"\b(?:includ(?:e|es|ed|ing)|contain(?:s|ed|ing)?|consist(?:s|ed)? of|compris(?:e|es|ed|ing)|cover(?:s|ed|ing)|"
    r"bundl(?:e|es|ed)|part of the|among other things|rang(?:e|es|ed) from|took in|(?:also|will) (?:get|gets|receive|receives)|"
    r"(?:is|are) (?:also )?(?:to|set to|due to) (?:get|receive)|will (?:also )?(?:get|receive|include)|in addition)\b", re.I)


@dataclass(slots=True)
class PackageContext:
    opened: ExtractedStatement | None = None  # the announced transfer the next sentences may itemise
    idx: int = -99

    def step(self, st: Sentence, idx: int, state: ArticleState, speaker: Speaker | None = None, explicit: bool = False) -> None:
        own = state.claims_since(idx)
        names_package = not st.words.isdisjoint(_PACKAGE_WORDS)  # the words PACKAGE_NOUN matches
        if not own and self.opened is None and not names_package:
            return  # nothing to open, nothing to continue
        if own:
            if names_package:
                self.opened, self.idx = own[0], idx
            elif any((s.supplier, s.recipient) != self._pair() for s in own):
                self.opened = None  # the article moved on to another transfer
            return
        announced = _announcement(st)
        if announced is not None:
            self.opened, self.idx = announced, idx
            return
        if self.opened is None or idx - self.idx > REACH:
            return
        own_speaker = speaker if explicit and speaker is not None and speaker.code else None
        if self._lists_contents(st, own_speaker):
            self._emit_contents(st, idx, state, own_speaker)
            self.idx = idx

    def before(self, idx: int, state: ArticleState) -> None:
        """Offer the open package to the next sentence's frames: in the outlet's own voice, "the United
        States is also giving Ukraine patrol boats" restates the announced transfer."""
        state.package = self.opened if self.opened is not None and idx - self.idx <= REACH else None

    def _pair(self) -> tuple[str, str] | None:
        return (self.opened.supplier, self.opened.recipient) if self.opened else None

    def _lists_contents(self, st: Sentence, speaker: Speaker | None) -> bool:
        """A sentence that itemises the package: a contents phrase, no party but the package's (and the
        sentence's own speaker), no hedge."""
        t = st.text
        if not CONTENTS.search(t) or P.NO_EVIDENCE_RE.search(t) or P.CONDITIONAL_RE.search(t):
            return False
        parties = {a.code for a in st.actors if a.kind in ROLE_KINDS and not is_origin(st, a)}
        return parties - {speaker.code if speaker else None} <= set(self._pair())

    def _emit_contents(self, st: Sentence, idx: int, state: ArticleState, speaker: Speaker | None) -> None:
        """One statement per listed item: the announcement's claim, or this sentence's own speaker's
        ("According to Pompeo, the consignment comprised ...")."""
        o = self.opened
        stance, claimant, name, role = o.stance, o.claimant, o.speaker, o.speaker_role
        if speaker is not None:
            claimant, name, role = speaker.code, speaker.name, speaker.role
            stance = "confirms" if claimant in (o.supplier, o.recipient) else "alleges"
        items = [w for w in weapons_in(st, 0, len(st.text), state) if w[0] != "unspecified"]
        for cat, system, pos in items:
            state.emit(ExtractedStatement(stance, o.supplier, o.recipient, cat, system, o.status, claimant, name,
                                          st.text, st.start, st.end, role, quantity_at(st, pos)), idx)


_FOR_PARTY = re.compile(r"\s+(?:for|to)\s+(?:the\s+)?")


def _announcement(st: Sentence) -> ExtractedStatement | None:
    """ "Britain's defence ministry announced a new package of military aid for Ukraine": a party
    announcing a package for a named recipient, with no weapon named yet. Opens a context, emits nothing."""
    t = st.text
    if len(st.actors) < 2 or st.words.isdisjoint(_PACKAGE_WORDS):
        return None  # an announcer and a recipient, and a package noun, are all needed
    cm = P.COMMIT_RE.search(t)
    pm = PACKAGE_NOUN.search(t, cm.end()) if cm else None
    if pm is None:
        return None
    actors = [a for a in st.actors if a.kind in ROLE_KINDS and not is_origin(st, a)]
    announcer = next((a for a in actors if a.end - st.start <= cm.start()), None)
    recipient = None
    for m in _FOR_PARTY.finditer(t, pm.end()):
        recipient = next((a for a in actors if a.start - st.start == m.end()), None)
        if recipient is not None:
            break
    if announcer is None or recipient is None or announcer.code == recipient.code:
        return None
    return ExtractedStatement("confirms", announcer.code, recipient.code, "unspecified", None, "planned",
                              announcer.code, None, t, st.start, st.end)
