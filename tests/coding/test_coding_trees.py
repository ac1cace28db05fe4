"""The numpy copy of a fitted gradient-boosted classifier scores exactly as scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from openrcm.coding.trees import TreeEnsemble


def test_tree_ensemble_matches_scikit_learn_with_missing_values() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 6)).astype(np.float32)
    y = ((x[:, 0] + x[:, 1] * x[:, 2] > 0.3) | (x[:, 4] > 1.5)).astype(int)
    x[rng.random(x.shape) < 0.1] = np.nan  # missing values take their learned direction
    model = HistGradientBoostingClassifier(max_iter=40, random_state=0).fit(x, y)
    copy = TreeEnsemble.from_sklearn(model)
    fresh = rng.normal(size=(300, 6)).astype(np.float32) * 2
    fresh[rng.random(fresh.shape) < 0.1] = np.nan
    assert copy.predict_proba(fresh) == pytest.approx(model.predict_proba(fresh), abs=1e-12)


def test_multiclass_models_are_refused() -> None:
    x = np.arange(90, dtype=np.float32).reshape(-1, 1)
    model = HistGradientBoostingClassifier(max_iter=3).fit(x, np.arange(90) % 3)
    with pytest.raises(ValueError):
        TreeEnsemble.from_sklearn(model)
