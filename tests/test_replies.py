"""Reply checks: for each rule, a reply that breaks it and one that keeps it."""

from __future__ import annotations

import pytest

from socialcare import InputError, InputTypeError
from socialcare.replies import CODES, check_reply

COMPLAINT = "@united lost my bag on UA 1403 and nobody answers the phone"
QUESTION = "@delta can I bring my guitar as a carry-on?"
PRAISE = "@JetBlue thank you, the crew on 1221 was wonderful!"
THREAT = "@AmericanAir if I don't get a refund today I'm calling my lawyer and the news"
GOOD_COMPLAINT = (
    "I'm so sorry, that's not the experience we want for you. I've traced your bag: it's on tonight's "
    "flight and we'll deliver it to your address by noon tomorrow."
)


def codes(post: str, reply: str, category=None) -> list[str]:
    return [f.code for f in check_reply(post, reply, category=category)]


@pytest.mark.parametrize(
    ("code", "post", "category", "bad", "good"),
    [
        ("says-no-problem", COMPLAINT, "complaint", "No problem, I'm sorry about that. We'll find it today.",
         GOOD_COMPLAINT),
        ("missing-acknowledgement", COMPLAINT, "complaint", "Sorry. We'll look into it.", GOOD_COMPLAINT),
        ("missing-apology", COMPLAINT, "complaint",
         "That must be frustrating. We'll deliver the bag by noon tomorrow.", GOOD_COMPLAINT),
        ("missing-next-step", COMPLAINT, "complaint", "So sorry to hear that, that's really frustrating.",
         GOOD_COMPLAINT),
        ("missing-next-step", QUESTION, "question", "Guitars are special.",
         "Yes: a guitar fits as your carry-on item, here's how to board with it: https://delta.com/instruments"),
        ("pushes-work", COMPLAINT, "complaint",
         "So sorry, that's frustrating. You need to fill out the lost baggage form and we'll check.", GOOD_COMPLAINT),
        ("blames-customer", COMPLAINT, "complaint",
         "Sorry to hear that. You should have tagged the bag; we'll look for it today.", GOOD_COMPLAINT),
        ("single-channel", COMPLAINT, "complaint",
         "Sorry to hear that, that's frustrating. Please DM us your file number and we'll track it today.",
         "Sorry to hear that, that's frustrating. DM us, call 1-800-864-8331 or email bags@united.com with "
         "your file number, whichever suits you, and we'll track it today."),
        ("missing-thanks", PRAISE, "praise", "We'll pass it on to the crew.",
         "Thank you! We'll pass your kind words on to the crew of 1221."),
        ("missing-escalation-route", THREAT, "escalation",
         "I'm sorry, that's frustrating. We'll look at your refund.",
         "I'm sorry, that's frustrating and you're right to expect better. I've escalated your refund to our "
         "customer relations team; a supervisor will call you today."),
    ],
)  # fmt: skip
def test_each_rule_flags_the_bad_reply_and_passes_the_good_one(code, post, category, bad, good) -> None:
    assert code in codes(post, bad, category)
    assert code not in codes(post, good, category)


def test_a_good_reply_to_each_kind_of_post_has_no_findings() -> None:
    assert codes(COMPLAINT, GOOD_COMPLAINT, "complaint") == []
    assert codes(PRAISE, "Thank you so much, we'll share this with the crew!", "praise") == []


def test_findings_carry_a_stable_code_a_message_and_a_span() -> None:
    reply = "No problem! You need to call us at 800-555-0100."
    found = check_reply(COMPLAINT, reply, category="complaint")
    assert {f.code for f in found} <= set(CODES)
    for f in found:
        text = reply if f.target == "reply" else COMPLAINT
        assert 0 <= f.span[0] < f.span[1] <= len(text) and f.message
    no_problem = next(f for f in found if f.code == "says-no-problem")
    assert reply[slice(*no_problem.span)] == "No problem"
    assert found[0].to_dict()["code"] == found[0].code


def test_the_model_decides_the_category_when_none_is_given(triage) -> None:
    found = codes(THREAT, "Sorry for the trouble, we'll check your refund.")
    assert "missing-escalation-route" in found  # the model reads the post as a threat
    spans = [f for f in check_reply(THREAT, "ok", triage=triage) if f.code == "missing-escalation-route"]
    assert spans and THREAT[slice(*spans[0].span)].lower() in {"calling", "lawyer", "news"} | {THREAT.lower()}
    assert "missing-thanks" in codes(PRAISE, "We'll tell the crew.")


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(InputError, match="reply is empty"):
        check_reply(COMPLAINT, "  ")
    with pytest.raises(InputTypeError, match="reply must be a str"):
        check_reply(COMPLAINT, None)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="category"):
        check_reply(COMPLAINT, "ok", category="rant")  # type: ignore[arg-type]


def test_a_direct_answer_to_a_question_needs_no_further_next_step() -> None:
    assert "missing-next-step" not in codes(QUESTION, "Yes, you can bring it on board as your carry-on.", "question")
    assert "missing-next-step" in codes(QUESTION, "Thanks for asking.", "question")
