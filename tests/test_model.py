"""The lean inference path against the scikit-learn pipeline it reproduces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialcare.features import CUE_FEATURES
from socialcare.model import N_OUTPUTS, LinearTriageModel
from socialcare.training import make_vectorizer

DATA = Path(__file__).resolve().parents[1] / "data"

CORPUS = [
    "@united worst airline ever, lost my bag AGAIN!!! calling my lawyer",
    "Thank you @Delta, the crew was wonderful 😊",
    "any news on my bag? flight 1403 landed 2 hours ago",
    "I'm not going to cancel, I just want it fixed",
    "can you DM me the refund form please?",
    "c@ll the n3ws, this is a disgrace",
    "never flying with you again. never.",
    "Sue at the gate was great :)",
    "ｆｕｌｌ ｗｉｄｔｈ complaint about wifi",
    "ok",
]


@pytest.fixture(scope="module")
def fitted():
    vectorizer = make_vectorizer().set_params(text__min_df=1).fit(CORPUS)
    return vectorizer, _random_model(vectorizer, seed=0)


def _random_model(vectorizer, seed: int) -> LinearTriageModel:
    """A model over ``vectorizer``'s features with random weights (the features are what is tested)."""
    tfidf = vectorizer.transformer_list[0][1]
    terms = [*tfidf.get_feature_names_out().tolist(), *CUE_FEATURES]
    rng = np.random.default_rng(seed)
    return LinearTriageModel(
        terms,
        tfidf.idf_,
        rng.normal(size=(len(terms), N_OUTPUTS)),
        rng.normal(size=N_OUTPUTS),
        np.column_stack([rng.uniform(0.5, 2, 5), rng.normal(size=5)]),
        np.full(5, 0.5),
        cue_scale=3.0,
    )


def test_lean_features_equal_the_sklearn_pipeline(fitted) -> None:
    vectorizer, model = fitted
    texts = [*CORPUS, "unseen words only zzz", "", "lawyer lawyer lawyer"]
    expected = vectorizer.transform(texts).toarray()
    got = model.transform(texts).toarray()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_predict_one_equals_predict_many(fitted) -> None:
    _, model = fitted
    many = model.predict_many(CORPUS, batch_size=3)  # several batches
    for i, text in enumerate(CORPUS):
        one = model.predict_one(text)
        np.testing.assert_allclose(one.flags[0], many.flags[i], rtol=1e-5)
        np.testing.assert_allclose(one.sentiment[0], many.sentiment[i], rtol=1e-5)
        np.testing.assert_allclose(one.escalation_type[0], many.escalation_type[i], rtol=1e-5)
        flags, sentiment, kind, cues = model.predict_one_values(text)
        np.testing.assert_allclose(flags, many.flags[i], rtol=1e-5)
        assert (sentiment, kind) == (many.sentiment[i].argmax(), many.escalation_type[i].argmax())
        assert cues == many.cues[i]


def test_logits_equal_a_dense_product_of_the_sklearn_features(fitted) -> None:
    vectorizer, model = fitted
    x = vectorizer.transform(CORPUS).toarray()
    logits = x @ model.coef.astype(np.float64) + model.intercept
    flags = 1 / (1 + np.exp(-(logits[:, :5] * model.platt[:, 0] + model.platt[:, 1])))
    np.testing.assert_allclose(model.predict_many(CORPUS).flags, flags, rtol=1e-4)


def test_probabilities_are_in_range_and_distributions_sum_to_one(fitted) -> None:
    _, model = fitted
    pred = model.predict_many(CORPUS)
    assert ((pred.flags >= 0) & (pred.flags <= 1)).all()
    np.testing.assert_allclose(pred.sentiment.sum(axis=1), 1.0)
    np.testing.assert_allclose(pred.escalation_type.sum(axis=1), 1.0)


def test_inconsistent_arrays_are_refused(fitted) -> None:
    _, model = fitted
    with pytest.raises(ValueError, match="coef"):
        LinearTriageModel(model.terms, model.idf, model.coef[:-1], model.intercept, model.platt, model.thresholds)


@pytest.fixture(scope="module")
def real_fitted():
    """A vectorizer fitted on half of the bundled sample posts, and a model with random weights."""
    texts = pd.read_csv(DATA / "sample_posts.csv")["text"].astype(str).tolist()
    challenge = pd.read_csv(Path(__file__).parent / "data" / "challenge.csv")["text"].astype(str).tolist()
    vectorizer = make_vectorizer().set_params(text__min_df=1).fit(texts[:150])
    model = _random_model(vectorizer, seed=1)
    return vectorizer, model, texts + challenge


def test_lean_features_equal_the_sklearn_pipeline_on_real_posts(real_fitted) -> None:
    # Posts seen and unseen by the vocabulary, and the challenge suite's threats, traps and obfuscations.
    vectorizer, model, texts = real_fitted
    expected = vectorizer.transform(texts)
    got = model.transform(texts)
    assert (got != 0).sum() == (expected != 0).sum()
    np.testing.assert_allclose(got.toarray(), expected.toarray(), rtol=1e-5, atol=1e-6)
    for text in texts[::7]:  # the one-post path gives the same columns
        present, flags, _ = model._indexer.indices(text)
        row = vectorizer.transform([text]).tocsr()
        assert present | set(flags) == set(row.indices.tolist())


_PIECES = st.sampled_from(
    ["call", "the", "NEWS", "news", "lawyer", "not", "going", "to", "cancel", "@united", "http://x.co/a", "?", "!!",
     "what", "please", "never", "again", "flying", "you", "great", "sue", "1403", "zzqx", "😡", ":(", "ＢＢＢ", "n3ws"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=12).map(" ".join), min_size=1, max_size=6))
def test_lean_features_equal_the_sklearn_pipeline_on_random_posts(real_fitted, posts) -> None:
    vectorizer, model, _ = real_fitted
    np.testing.assert_allclose(
        model.transform(posts).toarray(), vectorizer.transform(posts).toarray(), rtol=1e-5, atol=1e-6
    )


def test_top_terms_in_batch_equal_one_post_at_a_time(real_fitted) -> None:
    _, model, texts = real_fitted
    pred = model.predict_many(texts, batch_size=64, keep_columns=True)
    heads = [i % 4 - 1 for i in range(len(texts))]  # -1 (none) and heads 0, 1, 2
    batch = model.top_terms_many(pred, heads)
    for text, head, terms in zip(texts, heads, batch, strict=True):
        assert terms == (model.top_terms(text, head) if head >= 0 else [])


def test_route_many_gives_the_same_reasons_as_route(triage) -> None:
    posts = pd.read_csv(DATA / "sample_posts.csv")["text"].astype(str).tolist()[:60]
    now = pd.Timestamp("2024-01-01T00:00Z").to_pydatetime()
    assert [r.reasons for r in triage.route_many(posts, now=now)] == [triage.route(p, now=now).reasons for p in posts]


def test_a_small_piece_cache_that_keeps_turning_over_gives_the_same_features(real_fitted, monkeypatch) -> None:
    import socialcare.indexer as indexer

    vectorizer, model, texts = real_fitted
    monkeypatch.setattr(indexer, "_PIECE_LIMIT", 40)  # generations turn over many times per pass
    for _ in range(2):
        for start in range(0, len(texts), 25):
            batch = texts[start : start + 25]
            np.testing.assert_allclose(
                model.transform(batch).toarray(), vectorizer.transform(batch).toarray(), rtol=1e-5, atol=1e-6
            )
    assert len(model._indexer._pieces.ids) <= 40 + 25 * 40  # bounded: one batch past the limit at most
