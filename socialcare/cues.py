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
from dataclasses import dataclass

from .types import ESCALATION_TYPES, EscalationType

__all__ = ["Cue", "find_threat_cues", "strongest_type"]

_SUBJ = r"(?:i|we|i'm|im|i am|we're|we are|i'll|ill|we'll|i will|we will|gonna|going to|will|about to|plan to|planning to|thinking of|thinking about|considering|ready to|time to|might|may|should|shall|have to|need to|want to|off to)"
_YOU = r"(?:you|u|ya|y'all|you guys|_user_|them|this company|your company|your airline)"
_PATTERNS: list[tuple[EscalationType, str]] = [
    ("media", rf"\b(?:call(?:ing)?|contact(?:ing)?|tell(?:ing)?|email(?:ing)?|alert(?:ing)?|tip(?:ping)? off|go(?:ing)? to|reach(?:ing)? out to|talk(?:ing)? to|write to|writing to)\s+(?:the\s+|my\s+|a\s+|local\s+)*(?:news|media|press|reporters?|journalists?|tv stations?|news stations?|newspapers?)\b"),
    ("media", r"\b(?:news|media|press|reporters?|journalists?)\s+(?:would|will|might|should|gonna)\s+(?:love|like|want|be interested|hear|know)\b"),
    ("media", r"\b(?:local news|news station|news channel|consumer reporter|abc news|nbc news|cbs news|cnn|fox news)\b"),
    ("legal", r"\b(?:lawyer|lawyers|attorney|attorneys|lawsuit|law suit|legal action|legal team|small claims|class action|litigation)\b"),
    ("legal", rf"\b(?:sue|suing)\s+{_YOU}\b|\b(?:to|will|gonna|and|then)\s+sue\b|\bsuing\b"),
    ("legal", r"\b(?:see you in|take (?:you|this|it|them) to|taking (?:you|this|it|them) to) court\b"),
    ("regulator", r"\b(?:bbb?|better business bureau|attorney general|consumer protection|ombudsman|cfpb|consumer financial protection)\b"),
    ("regulator", r"\b(?:report(?:ing)?|fil(?:e|ing)|complain(?:ing)?|contact(?:ing)?|writ(?:e|ing)|notify(?:ing)?|call(?:ing)?|complaint)\b[^.!?]{0,30}\b(?:dot|faa|fcc|ftc|department of transportation|federal aviation|trading standards|regulator|ofcom|ofgem)\b"),
    ("financial", r"\b(?:charge ?backs?|dispute (?:the|this|that|a|my) (?:charge|payment|transaction)|disputing (?:the|this|that|a|my)? ?(?:charge|payment|transaction)|stop(?:ping)? payment|withhold(?:ing)? (?:my )?payment|call(?:ing)? my (?:bank|credit card company|card company))\b"),
    ("financial", r"\b(?:won't|will not|not going to|refuse to) pay\b"),
    ("public", r"\b(?:go(?:ing|es)? viral|make (?:this|it) (?:go )?viral|tell(?:ing)? (?:everyone|everybody|all my|all of my|every one)|share (?:this|my story|my experience)|post(?:ing)? (?:this|it|about (?:this|it)) (?:on|everywhere|all over)|all (?:of )?my (?:social media|followers|friends)|everyone (?:should|needs to|will) know|warn(?:ing)? (?:everyone|others|people|my friends)|spread the word|please (?:rt|retweet)|retweet (?:this|if)|rt (?:this|if|please)|bad reviews?|negative reviews?|(?:yelp|tripadvisor|google|trustpilot) reviews?|leav(?:e|ing) (?:a )?review|promoted (?:tweet|post)|(?:tweets?|posts?) (?:has|have|got) _num_|(?:k|thousand) (?:retweets|views|likes))\b"),
    ("public", r"\b(?:never|don't|do not|avoid) (?:fly|book|use|buy from|shop at|order from) _user_[,! ]+(?:people|guys|folks|everyone|y'all)\b|\bboycott\b"),
    ("churn", rf"\b{_SUBJ}\s+(?:(?:probably|just|definitely|seriously|now)\s+)?(?:cancel(?:l?ing)?|switch(?:ing)?|leave|leaving|clos(?:e|ing)|drop(?:ping)?|ditch(?:ing)?|dump(?:ing)?|move|moving)\b"),
    ("churn", r"\bcancel(?:l?ing)? (?:my|our|the) (?:account|service|subscription|membership|contract|plan|card|credit card|policy|reservation|booking|order|internet|cable|phone)\b"),
    ("churn", r"\b(?:switch(?:ing|ed)? (?:to|over)|go(?:ing)? with (?:another|a different)|find(?:ing)? (?:a|another|a new|a different) (?:airline|carrier|provider|company|bank|service)|take (?:my|our) (?:business|money) (?:elsewhere|somewhere else)|taking (?:my|our) (?:business|money) (?:elsewhere|somewhere else)|lost (?:a|another|one) (?:loyal )?customer|lost my business|lose (?:a|my) (?:loyal )?customer|close (?:my|our) account|closing (?:my|our) account)\b"),
    ("churn", r"\b(?:never|not|won't|will not|wont|no longer) (?:be )?(?:fly|flying|flown|use|using|buy|buying|book|booking|shop|shopping|order|ordering|recommend|recommending|travel|travelling|traveling|choose|choosing|do business)\b[^.!?]{0,40}\b(?:again|anymore|any more|ever)\b"),
    ("churn", r"\b(?:never again|last time (?:i|we) (?:fly|flew|use|used|book|booked|buy|bought|choose|chose)|my last (?:flight|time|trip) with|done with (?:you|_user_|this)|(?:i'm|im|we're|i am) done\b|through with you|goodbye _user_|bye _user_|loyalty (?:is )?(?:gone|over|lost))\b"),
    ("internal", r"\b(?:supervisor|manager|corporate|ceo|head office|headquarters|executive|someone in charge|somebody in charge|someone higher up|higher up|escalate|escalated|escalating|someone who (?:can|will) (?:help|fix))\b"),
]
_COMPILED = [(t, re.compile(p)) for t, p in _PATTERNS]
_TRIGGER = re.compile(
    r"news|media|press|report|journalist|lawyer|attorn|lawsuit|legal|claims|litigation|sue|suing|court|"
    r"bb|better business|general|consumer|ombudsman|cfpb|dot|faa|fcc|ftc|department|regulat|standards|ofcom|ofgem|"
    r"charge|dispute|payment|bank|pay\b|viral|every|all my|share|post|warn|spread|rt\b|retweet|review|promoted|"
    r"_num_|never|avoid|boycott|cancel|switch|leav|clos|drop|ditch|dump|mov|find|take|taking|lost|lose|"
    r"again|anymore|last|done|through|bye|loyal|supervisor|manager|corporate|ceo|office|headquarters|executive|"
    r"charge|higher|escalat|someone"
)
_NEGATION = re.compile(
    r"\b(?:not|don't|dont|do not|didn't|didnt|won't|wont|will not|wouldn't|no intention|no plans?|no need|"
    r"never said|not going to|not gonna|no reason|nobody|no one|isn't|doesn't|hope i don't|hope we don't|"
    r"rather not|don't want|do not want|shouldn't)\b[^.!?,]{0,24}$"
)
_NEGATION_IN_PHRASE = re.compile(r"^(?:never|not|won't|will not|wont|no longer)\b")
_RANK = {t: i for i, t in enumerate(ESCALATION_TYPES)}


@dataclass(frozen=True, slots=True)
class Cue:
    """One threat phrase found in a post."""

    type: EscalationType
    phrase: str
    start: int
    end: int
    negated: bool


def find_threat_cues(normalized: str) -> list[Cue]:
    """Find threat phrases in normalised text, strongest type first.

    >>> [(c.type, c.phrase, c.negated) for c in find_threat_cues("i will call the news")]
    [('media', 'call the news', False)]
    >>> [c.negated for c in find_threat_cues("i don't want to cancel my account")]
    [True]
    >>> find_threat_cues("any news on my bag?")
    []
    """
    if not _TRIGGER.search(normalized):
        return []
    cues: list[Cue] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(normalized):
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            phrase = m.group()
            negated = False
            if not _NEGATION_IN_PHRASE.match(phrase):
                negated = _NEGATION.search(normalized, max(0, start - 40), start) is not None
            taken.append((start, end))
            cues.append(Cue(kind, phrase, start, end, negated))
    cues.sort(key=lambda c: (_RANK[c.type], c.start))
    return cues


def strongest_type(cues: list[Cue]) -> EscalationType | None:
    """The strongest type among cues that are not negated, or ``None``."""
    for cue in cues:
        if not cue.negated:
            return cue.type
    return None
