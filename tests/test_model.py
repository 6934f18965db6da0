"""The lean inference path against the scikit-learn pipeline it reproduces."""

from __future__ import annotations

import numpy as np
import pytest

from socialcare.features import CUE_FEATURES
from socialcare.model import N_OUTPUTS, LinearTriageModel
from socialcare.training import make_vectorizer

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
    tfidf = vectorizer.transformer_list[0][1]
    terms = [*tfidf.get_feature_names_out().tolist(), *CUE_FEATURES]
    rng = np.random.default_rng(0)
    model = LinearTriageModel(
        terms,
        tfidf.idf_,
        rng.normal(size=(len(terms), N_OUTPUTS)),
        rng.normal(size=N_OUTPUTS),
        np.column_stack([rng.uniform(0.5, 2, 5), rng.normal(size=5)]),
        np.full(5, 0.5),
        cue_scale=3.0,
    )
    return vectorizer, model


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
