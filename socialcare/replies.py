"""Reply checks: review a draft reply to a post against customer-care practice.

What is checked (each finding has a stable ``code``):

==========================  ========================================================================
``says-no-problem``         "no problem" (or "no prob", "np") answers a customer's trouble as if it were none
``missing-acknowledgement`` a complaint or threat is answered without acknowledging the customer
                            ("I understand", "that's frustrating", "thanks for letting us know")
``missing-apology``         a complaint or threat is answered without an apology
``missing-next-step``       a complaint or threat is answered without saying what happens next
                            ("we'll", "I've", "within 24 hours", a link), or a question without an
                            answer or a link
``pushes-work``             the reply hands the work to the customer ("you need to", "please call",
                            "fill out the form", "visit our website")
``single-channel``          the reply moves the talk off the platform (DM, phone, email, chat, web)
                            but offers only one way
``missing-thanks``          praise is answered without thanks
``missing-escalation-route`` a threat (press, lawyer, regulator, leaving, ...) is answered without a
                            route to a person who can fix it ("I've escalated this to our
                            customer-relations team", "a supervisor will call you")
``blames-customer``         the reply puts the fault on the customer ("you should have", "per our policy")
==========================  ========================================================================

The post's category comes from the model (:meth:`Triage.route`) unless given.
Spans are character offsets into the reply (``target="reply"``) or, for something
missing, into the post (``target="post"``: the whole post, or the threat phrase).

    >>> [f.code for f in check_reply("my bag is lost and nobody answers the phone",
    ...                              "No problem! You need to call baggage services.")]
    ['says-no-problem', 'pushes-work', 'missing-acknowledgement', 'missing-apology', 'missing-next-step']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .errors import InputError, InputTypeError
from .types import CATEGORIES, Category

if TYPE_CHECKING:
    from .triage import Triage

__all__ = ["CODES", "Finding", "check_reply"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem with a draft reply."""

    code: str
    message: str
    target: Literal["reply", "post"]
    span: tuple[int, int]
    severity: Literal["error", "warning"] = "error"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "target": self.target,
            "span": list(self.span),
            "severity": self.severity,
        }


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w'])", re.IGNORECASE)


_NO_PROBLEM = _rx(r"no problem(?:o)?", r"no prob(?:s)?", r"np", r"not a problem")
_ACKNOWLEDGE = _rx(
    r"i (?:completely |totally |fully )?understand",
    r"we (?:completely |totally |fully )?understand",
    r"i hear you",
    r"(?:that|this) (?:is|was|sounds|must be|must have been) (?:\w+ )?(?:frustrating|annoying|stressful|"
    r"disappointing|awful|terrible|unacceptable|not ok|not okay|not good|a hassle)",
    r"(?:frustrat\w*|inconvenien\w*|disappoint\w*|stress\w*) (?:this|that|you)",
    r"not the experience",
    r"not what (?:we|you) (?:want|expect)\w*",
    r"(?:thanks|thank you) for (?:letting us know|bringing this|flagging|reaching out|telling us|your patience)",
    r"sorry to (?:hear|see|read|learn)",
    r"sorry (?:that|your|you|about|for (?:the|this|that|your|all)) \w+",
    r"i can see",
    r"i get (?:it|that|why)",
    r"you(?:'re| are) right",
)
_APOLOGY = _rx(r"sorry", r"apolog\w*", r"(?:we|i) regret", r"our (?:bad|mistake|fault)", r"my (?:bad|mistake)")
_NEXT_STEP = _rx(
    r"(?:we|i)(?:'ll| will| are going to|'re going to|'m going to| am going to)",
    r"(?:we|i)(?:'ve| have) (?:\w+ )?(?:sent|passed|shared|opened|escalated|refunded|rebooked|credited|"
    r"flagged|raised|asked|arranged|booked|updated|fixed|reset|added|issued|located|found|contacted|"
    r"reached out|forwarded|logged|filed)",
    r"let me",
    r"our (?:\w+ )?team (?:will|is going to|is|are)",
    r"someone (?:from our \w+ (?:team )?)?will",
    r"you(?:'ll| will| should) (?:receive|get|hear|see)",
    r"next steps?",
    r"within (?:the next )?(?:\d+|an?|one|two|three|24|48) (?:minutes?|hours?|days?|business days?)",
    r"by (?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|the end of (?:the )?day)",
    r"here(?:'s| is) (?:how|what|the link|a link|where)",
    r"(?:https?://|www\.)\S+",
    r"follow(?:ing)? up",
    r"(?:is|are|has been|have been) (?:on (?:its|their) way|rebooked|refunded|credited|fixed|sent)",
)
# A direct answer to a question (with or without a link) is what the customer asked for.
_ANSWER = _rx(
    r"yes",
    r"yep",
    r"no",
    r"nope",
    r"you can(?:'t|not)?",
    r"(?:it|this|that) (?:is|isn't|can|can't|will|won't)",
    r"unfortunately",
    r"(?:we|they) (?:do|don't|are|aren't|can|can't)",
)
_PUSHES_WORK = _rx(
    r"you(?:'ll| will)? (?:need|have) to",
    r"you must",
    r"you(?:'d| would)? (?:should|have to) (?:contact|call|email|visit|go to|fill|submit)",
    r"please (?:contact|call|email|visit|go to|fill out|submit|complete|refer to|reach out to)",
    r"(?:fill out|complete|submit) (?:the|a|our|this) (?:\w+ )?form",
    r"(?:visit|check|see|go to) our (?:website|site|faqs?|help (?:center|centre|page))",
    r"contact (?:your|the) (?:bank|travel agent|agent|airport|manufacturer|provider)",
    r"it(?:'s| is) up to you",
    r"call (?:us|them) (?:at|on)",
)
_CHANNELS = {
    "direct message": _rx(
        r"dm(?:'?d|s)?",
        r"direct message",
        r"private message",
        r"pm",
        r"message us privately",
        r"send us a message",
        r"inbox us",
    ),
    "phone": _rx(
        r"call(?:ing)? (?:us|me|our|the)",
        r"give us a (?:call|ring)",
        r"phone",
        r"\d{3}[-. ]\d{3,4}[-. ]\d{4}",
        r"1-?800[-\w]*",
    ),
    "email": _rx(r"e-?mail(?:ing)?(?: us)?", r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "chat": _rx(r"(?:live )?chat"),
    "web form": _rx(r"(?:online |web |contact )form", r"our (?:website|site)"),
}
_ESCALATION_ROUTE = _rx(
    r"escalat\w*",
    r"(?:a |our |my )?(?:supervisor|manager|team lead(?:er)?|specialist|senior (?:agent|advisor|member))",
    r"customer relations",
    r"(?:passed|forwarded|handed|referred) (?:this |it |your case )?(?:on )?to",
    r"someone (?:from|in) our \w+",
    r"(?:i|we)(?:'ll| will) personally",
    r"(?:i|we)(?:'ll| will) make sure",
    r"(?:a|our) (?:dedicated|case) (?:\w+ )?(?:manager|team|agent|owner)",
    r"(?:contact|call|reach out to) you (?:directly|personally|today|within)",
)
_THANKS = _rx(r"thanks?", r"thank you", r"thx", r"appreciate\w*", r"grateful", r"glad you", r"means a lot",
              r"kind words", r"made our day", r"love (?:hearing|to hear)")  # fmt: skip
_BLAMES = _rx(
    r"you should have",
    r"you(?:'d| would) have (?:needed|had) to",
    r"(?:as per|per) (?:our )?(?:policy|terms|the terms)",
    r"(?:that|this) is our policy",
    r"you failed to",
    r"your (?:own )?fault",
    r"as (?:stated|mentioned|explained) (?:in|on|before)",
)

#: Every finding code, in the order checks run.
CODES: tuple[str, ...] = (
    "says-no-problem",
    "pushes-work",
    "blames-customer",
    "single-channel",
    "missing-acknowledgement",
    "missing-apology",
    "missing-next-step",
    "missing-escalation-route",
    "missing-thanks",
)


def check_reply(
    post: str,
    reply: str,
    *,
    category: Category | None = None,
    triage: Triage | None = None,
) -> list[Finding]:
    """Review ``reply`` to ``post``; returns the findings (empty when the reply is fine).

    ``category`` skips the model and says what the post is (one of
    :data:`~socialcare.types.CATEGORIES`).
    """
    for name, value in (("post", post), ("reply", reply)):
        if not isinstance(value, str):
            raise InputTypeError(f"{name} must be a str, got {type(value).__name__}")
    if not reply.strip():
        raise InputError("reply is empty; pass the draft reply's text")
    threat_span: tuple[int, int] | None = None
    if category is None:
        if triage is None:
            from . import default_triage

            triage = default_triage()
        routing = triage.route(post)
        category = routing.category
    elif category not in CATEGORIES:
        raise InputError(f"category must be one of {list(CATEGORIES)}, got {category!r}")
    whole_post = (0, len(post))

    findings: list[Finding] = []
    for m in _NO_PROBLEM.finditer(reply):
        findings.append(
            Finding(
                "says-no-problem",
                f"{m.group()!r} tells the customer their trouble is none; say what you will do, or "
                "'happy to help' / 'glad we could sort it'",
                "reply",
                m.span(),
            )
        )
    for m in _PUSHES_WORK.finditer(reply):
        findings.append(
            Finding(
                "pushes-work",
                f"{m.group()!r} hands the work to the customer; do it for them, or say what you will do",
                "reply",
                m.span(),
            )
        )
    for m in _BLAMES.finditer(reply):
        findings.append(
            Finding(
                "blames-customer",
                f"{m.group()!r} puts the fault on the customer; explain what happened and what you will do",
                "reply",
                m.span(),
                "warning",
            )
        )
    channels = {name: found for name, rx in _CHANNELS.items() if (found := rx.search(reply)) is not None}
    if len(channels) == 1:
        name, mention = next(iter(channels.items()))
        findings.append(
            Finding(
                "single-channel",
                f"the reply moves the conversation to {name} only; offer a choice (e.g. DM, phone or email)",
                "reply",
                mention.span(),
                "warning",
            )
        )

    upset = category in ("complaint", "escalation")
    if upset and not _ACKNOWLEDGE.search(reply):
        findings.append(
            Finding(
                "missing-acknowledgement",
                "an upset customer first wants to be heard; acknowledge what happened "
                "(e.g. 'that's not the experience we want for you')",
                "post",
                whole_post,
            )
        )
    if upset and not _APOLOGY.search(reply):
        findings.append(Finding("missing-apology", "apologize for the trouble", "post", whole_post))
    answered = category == "question" and _ANSWER.search(reply)
    if (upset or category == "question") and not answered and not _NEXT_STEP.search(reply):
        findings.append(
            Finding(
                "missing-next-step",
                "say what happens next (what you will do and when), or answer with a link",
                "post",
                whole_post,
            )
        )
    if category == "escalation" and not _ESCALATION_ROUTE.search(reply):
        if triage is not None:
            from .cues import find_threat_cues
            from .text import normalize

            cues = [c for c in find_threat_cues(normalize(post)) if not c.negated]
            if cues:  # point at the threat in the post when its words can be found there
                found = re.search(re.escape(cues[0].phrase.split()[0]), post, re.IGNORECASE)
                threat_span = found.span() if found else None
        findings.append(
            Finding(
                "missing-escalation-route",
                "a threat to go public or outside needs a person who can fix it: say who takes it over "
                "(e.g. 'I've escalated this to our customer relations team, who will call you today')",
                "post",
                threat_span or whole_post,
            )
        )
    if category == "praise" and not _THANKS.search(reply):
        findings.append(Finding("missing-thanks", "praise deserves thanks", "post", whole_post))
    return findings
