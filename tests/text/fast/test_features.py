from __future__ import annotations

import numpy as np

from cxlens.text.fast.features import featurize, normalise


def test_normalise_collapses_case_and_spaces() -> None:
    assert normalise("  The   DELIVERY\twas late ") == " the delivery was late "


def test_rows_are_unit_vectors_and_stable() -> None:
    x = featurize(["late delivery", "Late   delivery", "", "ok 👍"], 12)
    assert x.shape == (4, 4096)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    assert np.allclose(norms[[0, 1, 3]], 1.0, atol=1e-5)
    assert np.allclose(x[0].toarray(), x[1].toarray())
    # the empty text is just its two boundary spaces: one 1-gram and one 2-gram
    assert x[2].nnz == 2


def test_ngrams_never_cross_texts() -> None:
    together = featurize(["ab", "cd"], 16)
    alone = featurize(["ab"], 16)
    assert np.allclose(together[0].toarray(), alone.toarray())
    # " ab " has 4 + 3 + 2 + 1 = 10 n-grams of length 1..5 (4, 3, 2, 1, 0), 9 distinct
    assert alone.nnz == 9


def test_similar_texts_share_more_features() -> None:
    x = featurize(["the delivery was late", "delivery very late", "staff were lovely"], 16)
    sims = (x @ x.T).toarray()
    assert sims[0, 1] > sims[0, 2]
