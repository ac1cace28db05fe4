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


def test_tree_bag_averages_its_members_as_the_fitting_bag_does() -> None:
    from openrcm.coding.model import BAGS, classifier, fit_rows
    from openrcm.coding.trees import TreeBag

    rng = np.random.default_rng(5)
    x = rng.normal(size=(800, 5)).astype(np.float32)
    y = (x[:, 0] - x[:, 3] > 0.2).astype(int)
    bag = fit_rows(x.tolist(), y.tolist(), seed=2)
    assert len(bag.first_tree) == BAGS
    # members draw different features per split, so they differ: the bag is their mean
    fresh = rng.normal(size=(200, 5)).astype(np.float32)
    fitted = [classifier(2 + k, rows=len(x)).fit(x, y) for k in range(BAGS)]
    members = [m.predict_proba(fresh)[:, 1] for m in fitted]
    assert not np.allclose(members[0], members[1])
    copy = TreeBag.from_sklearn(fitted)
    assert copy.predict_proba(fresh) == pytest.approx(bag.predict_proba(fresh), abs=1e-12)
    assert copy.predict_proba(fresh)[:, 1] == pytest.approx(np.mean(members, axis=0), abs=1e-12)


def test_an_empty_bag_is_refused() -> None:
    from openrcm.coding.trees import TreeBag

    with pytest.raises(ValueError):
        TreeBag([])
