"""Threat cues: phrases that announce taking a matter beyond the conversation.

Each cue is a pattern over :func:`socialcare.text.normalize` output, tagged with
the escalation type of the labeling guide. A cue is *negated* when a negation
("not", "don't", "no intention of", ...) stands shortly before it and is not part
of the phrase itself ("I'm not going to cancel, I just want it fixed"). Patterns
need an intent or action around the trigger word, so "any news on my bag",
"Sue at the gate" and "my flight was cancelled" do not fire.

Cues are features of the model (it learns how much each is worth, and when the
words around them undo them) and the source of the human-readable reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .types import ESCALATION_TYPES, EscalationType

__all__ = [
    "CONTEXTS",
    "Cue",
    "find_threat_cues",
    "PATTERN_WORDS",
    "match_threat_cues",
    "strongest_type",
    "threat_context",
    "triggered_patterns",
]

_SUBJ = (
    r"(?:i|we|i'm|im|i am|we're|we are|i'll|ill|we'll|i will|we will|gonna|going to|will|"
    r"about to|plan to|planning to|thinking of|thinking about|considering|ready to|time to|"
    r"might|may|should|shall|have to|need to|want to|off to)"
)
_YOU = r"(?:you|u|ya|y'all|you guys|_user_|them|this company|your company|your airline)"
_PATTERNS: list[tuple[EscalationType, str]] = [
    (
        "media",
        (
            r"\b(?:call(?:ing)?|contact(?:ing)?|tell(?:ing)?|email(?:ing)?|alert(?:ing)?|"
            r"tip(?:ping)? off|go(?:ing)? to|reach(?:ing)? out to|talk(?:ing)? to|write to|"
            r"writing to)\s+(?:the\s+|my\s+|a\s+|local\s+)*(?:news|media|press|reporters?|"
            r"journalists?|tv stations?|news stations?|newspapers?)\b"
        ),
    ),
    (
        "media",
        (
            r"\b(?:news|media|press|reporters?|journalists?)\s+(?:would|will|might|should|"
            r"gonna)\s+(?:love|like|want|be interested|hear|know)\b"
        ),
    ),
    (
        "media",
        r"\b(?:local news|news station|news channel|consumer reporter|investigative reporter|"
        r"on (?:the )?(?:news|tv)|in (?:the )?(?:paper|newspaper))\b",
    ),
    (
        "legal",
        (
            r"\b(?:lawyer|lawyers|attorney|attorneys|lawsuit|law suit|legal action|legal team|"
            r"small claims|class action|litigation)\b"
        ),
    ),
    ("legal", rf"\b(?:sue|suing)\s+{_YOU}\b|\b(?:to|will|gonna|and|then)\s+sue\b|\bsuing\b"),
    ("legal", r"\b(?:see you in|take (?:you|this|it|them) to|taking (?:you|this|it|them) to) court\b"),
    (
        "regulator",
        (
            r"\b(?:bbb?|better business bureau|attorney general|consumer protection|ombudsman|"
            r"cfpb|consumer financial protection)\b"
        ),
    ),
    (
        "regulator",
        (
            r"\b(?:report(?:ing)?|fil(?:e|ing)|complain(?:ing)?|contact(?:ing)?|writ(?:e|ing)|"
            r"notify(?:ing)?|call(?:ing)?|complaint)\b[^.!?]{0,30}\b(?:dot|faa|fcc|ftc|"
            r"department of transportation|federal aviation|trading standards|regulator|ofcom|ofgem)\b"
        ),
    ),
    (
        "financial",
        (
            r"\b(?:charge ?backs?|dispute (?:the|this|that|a|my) (?:charge|payment|transaction)|"
            r"disputing (?:the|this|that|a|my)? ?(?:charge|payment|transaction)|stop(?:ping)? payment|"
            r"withhold(?:ing)? (?:my )?payment|call(?:ing)? my (?:bank|credit card company|"
            r"card company))\b"
        ),
    ),
    ("financial", r"\b(?:won't|will not|not going to|refuse to) pay\b"),
    (
        "public",
        (
            r"\b(?:go(?:ing|es)? viral|make (?:this|it) (?:go )?viral|tell(?:ing)? (?:everyone|"
            r"everybody|all my|all of my|every one)|share (?:this|my story|my experience)|"
            r"post(?:ing)? (?:this|it|about (?:this|it)) (?:on|everywhere|all over)|"
            r"all (?:of )?my (?:social media|followers|friends)|everyone (?:should|needs to|"
            r"will) know|warn(?:ing)? (?:everyone|others|people|my friends)|spread the word|"
            r"please (?:rt|retweet)|retweet (?:this|if)|rt (?:this|if|please)|bad reviews?|"
            r"negative reviews?|(?:_num_|one|1|zero|0) star (?:review|rating)s?|(?:yelp|tripadvisor|"
            r"google|trustpilot) reviews?|leav(?:e|ing) (?:a )?review|promoted (?:tweet|post)|"
            r"(?:tweets?|posts?) (?:has|have|got) _num_|(?:k|thousand) (?:retweets|views|likes))\b"
        ),
    ),
    (
        "public",
        (
            r"\b(?:never|don't|do not|avoid) (?:fly|book|use|buy from|shop at|"
            r"order from) _user_[,! ]+(?:people|guys|folks|everyone|y'all)\b|\bboycott\b"
        ),
    ),
    (
        "churn",
        (
            rf"\b{_SUBJ}\s+(?:(?:probably|just|definitely|seriously|now)\s+)?(?:cancel(?:l?ing)?|"
            rf"switch(?:ing)?|leave|leaving|clos(?:e|ing)|drop(?:ping)?|ditch(?:ing)?|dump(?:ing)?|"
            rf"move|moving)\b"
        ),
    ),
    (
        "churn",
        (
            r"\bcancel(?:l?ing)? (?:my|our|the) (?:account|service|subscription|membership|contract|"
            r"plan|card|credit card|policy|reservation|booking|order|internet|cable|phone)\b"
        ),
    ),
    (
        "churn",
        (
            r"\b(?:switch(?:ing|ed)? (?:to|over)|go(?:ing)? with (?:another|a different)|"
            r"find(?:ing)? (?:a|another|a new|a different) (?:airline|carrier|provider|company|bank|"
            r"service)|take (?:my|our) (?:business|money) (?:elsewhere|somewhere else)|taking (?:my|"
            r"our) (?:business|money) (?:elsewhere|somewhere else)|lost (?:a|another|"
            r"one) (?:loyal )?customer|lost my business|lose (?:a|my) (?:loyal )?customer|close (?:my|"
            r"our) account|closing (?:my|our) account)\b"
        ),
    ),
    (
        "churn",
        (
            r"\b(?:never|not|won't|will not|wont|no longer) (?:be )?(?:fly|flying|flown|use|using|buy|"
            r"buying|book|booking|shop|shopping|order|ordering|recommend|recommending|travel|"
            r"travelling|traveling|choose|choosing|do business)\b[^.!?]{0,40}\b(?:again|anymore|"
            r"any more|ever)\b"
        ),
    ),
    (
        "churn",
        (
            r"\b(?:never again|last time (?:i|we) (?:fly|flew|use|used|book|booked|buy|bought|choose|"
            r"chose)|my last (?:flight|time|trip) with|done with (?:you|_user_|this)|(?:i'm|im|we're|"
            r"i am) done\b|through with you|goodbye _user_|bye _user_|loyalty (?:is )?(?:gone|over|"
            r"lost))\b"
        ),
    ),
    (
        "internal",
        (
            r"\b(?:supervisor|manager|corporate|ceo|head office|headquarters|executive|"
            r"someone in charge|somebody in charge|someone higher up|higher up|escalate|escalated|"
            r"escalating|someone who (?:can|will) (?:help|fix))\b"
        ),
    ),
]
_COMPILED = [(t, re.compile(p)) for t, p in _PATTERNS]
# Words one of which must appear for a pattern to have a chance, so that most
# posts skip most patterns. A trailing "=" asks for the exact token; otherwise the
# token need only start with the stem.
_STEMS: list[tuple[str, ...]] = [
    ("news", "media", "press", "reporter", "journalist", "newspaper", "station"),
    ("news", "media", "press", "reporter", "journalist"),
    ("news", "reporter", "tv=", "paper", "newspaper"),
    ("lawyer", "attorney", "lawsuit", "law=", "legal", "claims", "class", "litigation"),
    ("sue=", "suing"),
    ("court",),
    ("bb=", "bbb=", "better", "attorney", "consumer", "ombudsman", "cfpb"),
    ("dot=", "faa=", "fcc=", "ftc=", "department", "federal", "trading", "regulator", "ofcom", "ofgem"),
    ("charge", "dispute", "disputing", "stop", "withhold", "bank", "card"),
    ("pay=",),
    (
        "viral=",
        "tell=",
        "telling=",
        "everyone=",
        "everybody=",
        "share=",
        "post=",
        "posting=",
        "posts=",
        "followers=",
        "friends=",
        "social=",
        "know=",
        "warn=",
        "warning=",
        "spread=",
        "rt=",
        "retweet=",
        "retweets=",
        "review=",
        "reviews=",
        "rating=",
        "ratings=",
        "promoted=",
        "tweet=",
        "tweets=",
        "views=",
        "likes=",
        "thousand=",
        "k=",
        "yelp=",
        "tripadvisor=",
        "google=",
        "trustpilot=",
        "star=",
    ),
    ("boycott=", "people=", "guys=", "folks=", "everyone=", "y'all="),
    # The patterns below end or turn on exact words, so only those words trigger them.
    tuple(
        f"{w}="
        for w in [
            "cancel",
            "canceling",
            "cancelling",
            "switch",
            "switching",
            "leave",
            "leaving",
            "close",
            "closing",
            "drop",
            "dropping",
            "ditch",
            "ditching",
            "dump",
            "dumping",
            "move",
            "moving",
        ]
    ),
    ("cancel=", "canceling=", "cancelling="),
    tuple(
        f"{w}="
        for w in [
            "switch",
            "switching",
            "switched",
            "another",
            "different",
            "find",
            "finding",
            "business",
            "money",
            "customer",
            "account",
        ]
    ),
    ("again=", "anymore=", "ever=", "more="),
    tuple(f"{w}=" for w in ["never", "last", "done", "through", "goodbye", "bye", "loyalty"]),
    (
        "supervisor",
        "manager",
        "corporate",
        "ceo=",
        "head=",
        "headquarters",
        "executive",
        "charge=",
        "higher=",
        "escalat",
        "someone=",
        "somebody=",
    ),
]
_EXACT = [frozenset(w[:-1] for w in stems if w.endswith("=")) for stems in _STEMS]
_PREFIX = [tuple(w for w in stems if not w.endswith("=")) for stems in _STEMS]
_ANY_EXACT = frozenset().union(*_EXACT)
_ANY_PREFIX = tuple(sorted({p for prefixes in _PREFIX for p in prefixes}))
_trigger_cache: dict[str, frozenset[int]] = {}
_NO_PATTERN: frozenset[int] = frozenset()


# The plain words the threat patterns are written with ("call", "the", "news", "again", ...).
PATTERN_WORDS: frozenset[str] = frozenset(
    word for _, pattern in _PATTERNS for word in re.findall(r"(?<![\\?])\b[a-z']{2,}\b", pattern)
)


def triggered_patterns(token: str) -> frozenset[int]:
    """The numbers of the threat patterns that ``token`` may start or belong to (cached)."""
    found = _trigger_cache.get(token)
    if found is None:
        if token in _ANY_EXACT or token.startswith(_ANY_PREFIX):
            found = frozenset(i for i in range(len(_STEMS)) if token in _EXACT[i] or token.startswith(_PREFIX[i]))
        else:
            found = _NO_PATTERN
        if len(_trigger_cache) > 200_000:
            _trigger_cache.clear()
        _trigger_cache[token] = found or _NO_PATTERN
    return found


_NEGATION = re.compile(
    r"\b(?:(?:not|don't|dont|do not)(?! (?:make|force|let) (?:me|us))|didn't|didnt|won't|wont|will not|wouldn't|"
    r"no intention|no plans?|no need|"
    r"never said|not going to|not gonna|no reason|isn't|doesn't|hope i don't|hope we don't|"
    r"rather not|don't want|do not want|shouldn't|nobody wants|no one wants)\b"
)
# A negation governs a threat only inside the same clause: the scope starts after the
# last clause boundary (punctuation, a conjunction, or a new subject) before the cue,
# so "if nobody helps me I'm calling the news" is not a negated threat.
_CLAUSE_BOUNDARY = re.compile(
    r".*(?:[.!?,;:]|\b(?:but|and|so|then|because|cause|if|unless|or|otherwise|"
    r"i'm|im|i am|i'll|ill|i will|i|we|we're|we'll|you|they|he|she)\b)",
    re.S,
)
_NEGATION_IN_PHRASE = re.compile(r"^(?:never|not|won't|will not|wont|no longer)\b")
_RANK = {t: i for i, t in enumerate(ESCALATION_TYPES)}


#: What the words around a threat say about it (see :func:`threat_context`).
CONTEXTS = ("intent", "demand", "past", "other_person", "question", "conditional", "joking", "to_addressee")

_SENTENCE_END = re.compile(r".*[.!?;]", re.S)
_INTENT = re.compile(
    r"\b(?:i|we|i'm|im|i am|we're|we are|i'll|ill|we'll)\b[^.!?]{0,20}?\b(?:will|'ll|going to|gonna|about to|"
    r"plan(?:ning)? to|ready to|thinking (?:of|about)|considering|might|may|should|have to|need to|want to|"
    r"would|shall)\b|\b(?:i'm|im|i am|we're|we are)\s+\w+ing\b|"
    r"\b(?:time to|i'm done|done with|thinking (?:of|about)|considering|planning to|about to|ready to)\b"
)
_DEMAND = re.compile(
    r"\b(?:i want|i demand|i need|we want|we need|let me|get me|put me|give me|i'd like|"
    r"i would like|i wish to|can i|could i|may i|speak to|talk to|speak with|talk with)\b"
)
_PAST = re.compile(
    r"\b(?:i|we)\s+(?:already\s+|have\s+|'ve\s+|had\s+)?(?:asked|called|contacted|spoke|talked|requested|emailed|"
    r"wrote|went|tried|was|were|did|got)\b|\balready\b|\blast (?:week|month|year|time)\b|\bago\b"
)
_PAST_PHRASE = re.compile(r"\b(?:switched|cancell?ed|left|closed|moved|dropped|ditched|escalated|sued|reported)\b")
_TO_YOU = re.compile(r"\s*(?:to|over to|with)?\s*(?:you|u|y'all)\b")
_OTHER_PERSON = re.compile(
    r"\b(?:he|she|they|someone|somebody|people|others|everyone else|my (?:friend|wife|husband|mom|dad|mother|"
    r"father|brother|sister|son|daughter|boss|colleague|neighbou?r|buddy|roommate)s?)\s+(?:said|says|say|is|was|"
    r"will|would|might|wants? to|threatened|threatens|'s|'ll|'d|are|were|did|should|could|just)\b"
)
_QUESTION_OPEN = re.compile(r"\b(?:can i|could i|should i|do i|how do i|how can i|is it possible|am i able|would i)\b")
_JOKING = re.compile(r"\b(?:lol|lmao|lmfao|haha\w*|hehe|jk|rofl|kidding)\b|😂|🤣|😜|😉")
_CONDITIONAL = re.compile(r"\b(?:if|unless|until)\b")


@dataclass(frozen=True, slots=True)
class Cue:
    """One threat phrase found in a post.

    ``context`` holds the names from :data:`CONTEXTS` that describe it: ``intent``
    (the author says they will or may do it), ``demand`` (they ask for it now),
    ``past`` (they report having done or asked for it), ``other_person`` (someone
    else's threat), ``question`` (asked about, not announced), ``conditional`` (if
    or unless), ``joking`` (a laughing post), ``to_addressee`` (a switch *to* the
    company addressed: loyalty, not churn).
    """

    type: EscalationType
    phrase: str
    start: int
    end: int
    negated: bool
    context: frozenset[str] = frozenset()


def threat_context(normalized: str, start: int, end: int) -> frozenset[str]:
    """Describe the clause around a threat phrase at ``normalized[start:end]``."""
    before = normalized[max(0, start - 60) : start]
    sentence_start = _SENTENCE_END.match(before)
    clause = before[sentence_start.end() :] if sentence_start else before
    span = clause + normalized[start:end]
    after = normalized[end : end + 60]
    stop = re.search(r"[.!;]", after)
    tail = after[: stop.start()] if stop else after
    found = set()
    if _INTENT.search(span):
        found.add("intent")
    if _DEMAND.search(span):
        found.add("demand")
    if _PAST.search(span) or _PAST_PHRASE.search(normalized[start:end]):
        found.add("past")
    if _TO_YOU.match(normalized, end):
        found.add("to_addressee")
    if _OTHER_PERSON.search(clause):
        found.add("other_person")
    if "?" in tail[:40] or _QUESTION_OPEN.search(clause):
        found.add("question")
    if _CONDITIONAL.search(clause) or "or else" in tail:
        found.add("conditional")
    if _JOKING.search(normalized):
        found.add("joking")
    return frozenset(found)


def _negated(before: str) -> bool:
    """Whether the clause that ends where a cue starts holds a negation of it."""
    if not _NEGATION.search(before):  # fast path: no negation anywhere near
        return False
    for match in _NEGATION.finditer(before):
        boundary = _CLAUSE_BOUNDARY.match(before, match.end())
        if boundary is None or not boundary.group().strip():
            return True
    return False


def find_threat_cues(normalized: str, tokens: list[str] | None = None) -> list[Cue]:
    """Find threat phrases in normalised text, strongest type first.

    >>> [(c.type, c.phrase, c.negated) for c in find_threat_cues("i will call the news")]
    [('media', 'call the news', False)]
    >>> [c.negated for c in find_threat_cues("i don't want to cancel my account")]
    [True]
    >>> find_threat_cues("any news on my bag?")
    []
    """
    wanted: set[int] = set()
    get = _trigger_cache.get
    for token in normalized.split() if tokens is None else tokens:
        found = get(token)
        if found is None:
            found = triggered_patterns(token)
        if found:
            wanted |= found
    return match_threat_cues(normalized, wanted) if wanted else []


def match_threat_cues(normalized: str, wanted: Iterable[int]) -> list[Cue]:
    """Run the threat patterns numbered ``wanted`` (those that the post's tokens
    trigger, see :func:`triggered_patterns`) over normalised text."""
    cues: list[Cue] = []
    taken: list[tuple[int, int]] = []
    for index in sorted(wanted):
        kind, pattern = _COMPILED[index]
        for m in pattern.finditer(normalized):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            phrase = m.group()
            negated = False
            if not _NEGATION_IN_PHRASE.match(phrase):
                negated = _negated(normalized[max(0, start - 40) : start])
            taken.append((start, end))
            cues.append(Cue(kind, phrase, start, end, negated, threat_context(normalized, start, end)))
    cues.sort(key=lambda c: (_RANK[c.type], c.start))
    return cues


def strongest_type(cues: list[Cue]) -> EscalationType | None:
    """The strongest type among cues that are not negated, or ``None``."""
    for cue in cues:
        if not cue.negated:
            return cue.type
    return None
