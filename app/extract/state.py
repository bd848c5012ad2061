"""What the stages pass on: triggers, frames, speakers, and the article's running state.

`ArticleState` is the one object carried from sentence to sentence (as spaCy passes a `Doc`
from component to component): who spoke last, the claims so far, the weapons last named,
and the statements emitted. `emit` de-duplicates statements and keeps the indexes the stages
look claims up by (a pair's last partner, recipient counts, claims per actor), so each
look-up costs the same however long the article is.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from app.extract.types import ExtractedStatement


@dataclass(slots=True)
class Trigger:
    start: int  # offsets relative to the sentence
    end: int
    kind: str  # supply | acquire
    form: str  # verb | passive | noun | adj | turned | train | contract | arrive | dealings | supplier | possess | thank | carry


@dataclass(slots=True)
class Frame:
    trigger: Trigger
    supplier: str | None
    recipient: str | None
    weapons: list[tuple[str, str | None, int]]  # (category, system, position)
    negated: bool
    status: str
    quantity: str | None
    clause: tuple[int, int]
    supplier_from_subject_pronoun: bool = False
    more_suppliers: list[str] = field(default_factory=list)
    more_recipients: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Speaker:
    code: str | None
    name: str | None = None
    role: str | None = None


@dataclass(slots=True)
class Quoted:
    """What a statement takes from its sentence, kept instead of the whole `Sentence` (its mentions and memos)."""

    text: str
    start: int
    end: int


@dataclass(slots=True)
class PendingDenial:
    """A denial met before any claim it could answer (a headline): it answers the first one after it."""

    idx: int
    sentence: Quoted  # the sentence the denial is in
    denier: str
    others: set[str]
    weapons: list[tuple[str, str | None]]


def cat_order(cat_system: tuple[str, str | None]) -> tuple[str, bool, str]:
    """A stable order for (category, system) pairs: named systems before None, so runs agree."""
    cat, system = cat_system
    return (cat, system is None, system or "")


def _most_counted(counts: dict[str, int], exclude: str | None) -> str | None:
    """The key with the highest count other than `exclude`; ties go to the first inserted."""
    best, best_n = None, 0
    for key, n in counts.items():
        if key != exclude and n > best_n:
            best, best_n = key, n
    return best


# The slots of ExtractedStatement, set directly: its frozen dataclass __init__ calls object.__setattr__
# for each of 13 fields (~3.6 µs a statement; a dense article makes 40k statements a MB).
_new_object = object.__new__
(_set_stance, _set_supplier, _set_recipient, _set_category, _set_system, _set_status, _set_claimant, _set_speaker,
 _set_quote, _set_start, _set_end, _set_speaker_role, _set_quantity) = (
    ExtractedStatement.__dict__[f.name].__set__ for f in fields(ExtractedStatement))


def make_statement(stance: str, supplier: str, recipient: str, cat: str, system: str | None, status: str,
                   speaker: Speaker | None, claimant: str | None, st, quantity: str | None) -> ExtractedStatement:
    """A statement of sentence `st` (a `Sentence` or a `Quoted`), built without the dataclass __init__
    (the same object as `ExtractedStatement(...)` with these fields)."""
    s = _new_object(ExtractedStatement)
    _set_stance(s, stance)
    _set_supplier(s, supplier)
    _set_recipient(s, recipient)
    _set_category(s, cat)
    _set_system(s, system)
    _set_status(s, status)
    _set_claimant(s, claimant)
    _set_speaker(s, speaker.name if speaker else None)
    _set_quote(s, st.text)
    _set_start(s, st.start)
    _set_end(s, st.end)
    _set_speaker_role(s, speaker.role if speaker else None)
    _set_quantity(s, quantity)
    return s


@dataclass
class ArticleState:
    names: dict[str, Speaker] = field(default_factory=dict)
    last_speaker: Speaker | None = None
    last_person: Speaker | None = None
    last_subject: str | None = None
    last_group: str | None = None  # the armed group named last ("the group" refers to it)
    last_forces: str | None = None  # the state whose military was named last ("the junta" refers to it)
    last_speaker_idx: int = -99
    doc_voice: str | None = None
    interviewee: str | None = None
    answer_paras: set = field(default_factory=set)
    open_recipients: dict[str, int] = field(default_factory=dict)  # recipients named without a supplier -> count
    para_speaker: dict[int, Speaker] = field(default_factory=dict)
    last_weapon: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # family -> (category, system)
    pending: list[PendingDenial] = field(default_factory=list)
    statements: list[ExtractedStatement] = field(default_factory=list)
    package: ExtractedStatement | None = None  # an announced package's transfer, while its contents may follow
    sentences: list = field(default_factory=list)  # the article's Sentences, for look-ahead (a quote's closing attribution)
    # the claims (not denials), in order: their statements and sentence indexes (`claims` reads them as pairs)
    _claim_stmts: list[ExtractedStatement] = field(default_factory=list)
    _claim_sents: array = field(default_factory=lambda: array("q"))
    # what `emit` has seen: the current sentence's statements (all share its start), and those of
    # earlier sentences emitted late (pending denials), read back from the statements when needed
    _seen_start: int = -1
    _seen: set[tuple] = field(default_factory=set)
    _late: dict[int, set[tuple]] | None = None
    _in_order: int = 0  # statements[:_in_order] were emitted sentence by sentence (by start)
    # indexes over the claims, kept by `emit`
    _partner: dict[str, str] = field(default_factory=dict)  # code -> the other party of its last claim
    _last_recipient: dict[str, str] = field(default_factory=dict)  # supplier -> recipient of its last claim
    _recipient_counts: dict[str, int] = field(default_factory=dict)  # first-seen order
    _pair_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # code -> other party -> claims
    _by_code: dict[str, array] = field(default_factory=dict)  # code -> positions among the claims
    _by_pair: dict[tuple[str, str], array] = field(default_factory=dict)

    @property
    def claims(self) -> ClaimsView:
        """(sentence index, statement) of the claims, in order."""
        return ClaimsView(self._claim_sents, self._claim_stmts)

    def _seen_at(self, start: int) -> set[tuple]:
        """The keys of the statements emitted so far that start at `start`."""
        if start == self._seen_start:
            return self._seen
        if self._late is None and start > self._seen_start:  # the next sentence: nothing of it yet
            self._seen_start, self._seen = start, set()
            self._in_order = len(self.statements)
            return self._seen
        if self._late is None:  # from now on, every start has its own set
            self._late = {self._seen_start: self._seen}
            self._in_order = len(self.statements)
        seen = self._late.get(start)
        if seen is None:
            stmts = self.statements
            i = bisect_left(stmts, start, 0, self._in_order, key=_start)
            seen = set()
            while i < self._in_order and stmts[i].start == start:
                s = stmts[i]
                seen.add((s.stance, s.supplier, s.recipient, s.category, s.claimant))
                i += 1
            self._late[start] = seen
        return seen

    def emit(self, stmt: ExtractedStatement, idx: int) -> None:
        """Add a statement of sentence `idx` unless it repeats one; claims (not denials) are remembered."""
        key = (stmt.stance, stmt.supplier, stmt.recipient, stmt.category, stmt.claimant)
        seen = self._seen_at(stmt.start)
        if key in seen or stmt.supplier == stmt.recipient:
            return
        seen.add(key)
        self._record(stmt, idx)

    def add(self, idx: int, stance: str, supplier: str, recipient: str, cat: str, system: str | None, status: str,
            speaker: Speaker | None, claimant: str | None, st, quantity: str | None) -> None:
        """`emit(make_statement(...), idx)`, without building a statement that repeats one."""
        seen = self._seen_at(st.start)
        key = (stance, supplier, recipient, cat, claimant)
        if key in seen or supplier == recipient:
            return
        seen.add(key)
        self._record(make_statement(stance, supplier, recipient, cat, system, status, speaker, claimant, st, quantity), idx)

    def _record(self, stmt: ExtractedStatement, idx: int) -> None:
        self.statements.append(stmt)
        if stmt.stance == "denies":
            return
        sup, rec = stmt.supplier, stmt.recipient
        pos = len(self._claim_stmts)
        self._claim_stmts.append(stmt)
        self._claim_sents.append(idx)
        self._partner[sup], self._partner[rec] = rec, sup
        self._last_recipient[sup] = rec
        self._recipient_counts[rec] = self._recipient_counts.get(rec, 0) + 1
        by_code = self._by_code
        for a, b in ((sup, rec), (rec, sup)):
            counts = self._pair_counts.setdefault(a, {})
            counts[b] = counts.get(b, 0) + 1
            positions = by_code.get(a)
            if positions is None:
                positions = by_code[a] = array("q")
            positions.append(pos)
        positions = self._by_pair.get((sup, rec))
        if positions is None:
            positions = self._by_pair[(sup, rec)] = array("q")
        positions.append(pos)

    def partner(self, code: str) -> str | None:
        """The other party of the last claim `code` is party to."""
        return self._partner.get(code)

    def last_recipient(self, supplier: str) -> str | None:
        """The recipient of the last claim with this supplier."""
        return self._last_recipient.get(supplier)

    def is_recipient(self, code: str) -> bool:
        return code in self._recipient_counts

    def common_recipient(self, exclude: str | None, least: int = 1) -> str | None:
        """The most frequent recipient of the claims other than `exclude`, when there are `least` such claims."""
        n = len(self._claim_stmts) - self._recipient_counts.get(exclude, 0)
        return _most_counted(self._recipient_counts, exclude) if n >= least and n > 0 else None

    def common_open_recipient(self, exclude: str | None) -> str | None:
        return _most_counted(self.open_recipients, exclude)

    def has_open_recipient(self, exclude: str | None) -> bool:
        return any(r != exclude for r in self.open_recipients)

    def add_open_recipient(self, code: str) -> None:
        self.open_recipients[code] = self.open_recipients.get(code, 0) + 1

    def dominant(self, code: str, least: int = 3) -> str | None:
        """The article's usual counterpart of `code`: paired with it in at least `least` claims."""
        counts = self._pair_counts.get(code)
        if not counts:
            return None
        best = max(counts, key=counts.get)
        return best if counts[best] >= least else None

    def claims_since(self, idx: int) -> list[ExtractedStatement]:
        """The claims made in sentence `idx` or later."""
        sents = self._claim_sents
        if not sents or sents[-1] < idx:
            return []
        i = len(sents)
        while i > 0 and sents[i - 1] >= idx:
            i -= 1
        return self._claim_stmts[i:]

    def last_claim(self) -> ExtractedStatement | None:
        """The newest claim of the article so far."""
        return self._claim_stmts[-1] if self._claim_stmts else None

    def last_claim_since(self, idx: int) -> ExtractedStatement | None:
        """The last claim, when it was made in sentence `idx` or later (claims come in sentence order)."""
        if self._claim_sents and self._claim_sents[-1] >= idx:
            return self._claim_stmts[-1]
        return None

    def claims_about(self, code: str, reverse: bool = False, after: int = -1):
        """(sentence index, statement) of the claims `code` is party to, made after sentence `after`."""
        positions = self._by_code.get(code, ())
        sents, stmts = self._claim_sents, self._claim_stmts
        if after >= 0:
            positions = positions[bisect_right(positions, after, key=sents.__getitem__):]
        for p in (reversed(positions) if reverse else positions):
            yield sents[p], stmts[p]

    def last_claim_with(self, code: str, others: set[str]) -> tuple[int, ExtractedStatement] | None:
        """The last claim `code` is party to whose other party is one of `others`: the pairs' own
        indexes, not a walk back over every claim about `code`."""
        best = -1
        for o in others:
            for pair in ((code, o), (o, code)):
                positions = self._by_pair.get(pair)
                if positions and positions[-1] > best:
                    best = positions[-1]
        return (self._claim_sents[best], self._claim_stmts[best]) if best >= 0 else None

    def first_claim_with(self, code: str, others: set[str], after: int) -> tuple[int, ExtractedStatement] | None:
        """The first claim made after sentence `after` that `code` is party to, with another party among
        `others` (any, when `others` is empty)."""
        if not others:
            return next(self.claims_about(code, after=after), None)
        n = best = len(self._claim_stmts)
        key = self._claim_sents.__getitem__
        for o in others:
            for pair in ((code, o), (o, code)):
                positions = self._by_pair.get(pair)
                if positions:
                    i = bisect_right(positions, after, key=key)
                    if i < len(positions) and positions[i] < best:
                        best = positions[i]
        return (self._claim_sents[best], self._claim_stmts[best]) if best < n else None

    def claims_of_pair(self, pair: tuple[str, str]):
        """(sentence index, statement) of the claims about one supplier and recipient, newest first."""
        sents, stmts = self._claim_sents, self._claim_stmts
        for p in reversed(self._by_pair.get(pair, ())):
            yield sents[p], stmts[p]


def _start(stmt: ExtractedStatement) -> int:
    return stmt.start


class ClaimsView(Sequence):
    """The claims as (sentence index, statement) pairs, read from `ArticleState`'s two columns."""

    __slots__ = ("_sents", "_stmts")

    def __init__(self, sents: array, stmts: list[ExtractedStatement]) -> None:
        self._sents, self._stmts = sents, stmts

    def __len__(self) -> int:
        return len(self._stmts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(zip(self._sents[i], self._stmts[i]))
        return self._sents[i], self._stmts[i]
