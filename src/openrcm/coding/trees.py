"""A fitted gradient-boosted tree ensemble as plain numpy arrays, to score without scikit-learn.

`TreeEnsemble.from_sklearn` copies what a fitted binary `HistGradientBoostingClassifier`
needs to predict (every tree's split feature, threshold, missing-value direction, children
and leaf values, plus the baseline) into flat arrays. `predict_proba` walks all trees of
all rows at once, level by level, and gives the same probabilities as scikit-learn's.
Loading a cached engine then imports numpy only: importing scikit-learn (and SciPy) takes
seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray


class TreeEnsemble:
    """Binary classifier: sigmoid(baseline + sum of one leaf value per tree)."""

    def __init__(
        self,
        *,
        feature: NDArray[Any],
        threshold: NDArray[Any],
        missing_left: NDArray[Any],
        left: NDArray[Any],
        right: NDArray[Any],
        value: NDArray[Any],
        leaf: NDArray[Any],
        roots: NDArray[Any],
        baseline: float,
    ) -> None:
        self.feature = feature
        self.threshold = threshold
        self.missing_left = missing_left
        self.left = left
        self.right = right
        self.value = value
        self.leaf = leaf
        self.roots = roots
        self.baseline = baseline

    @classmethod
    def from_sklearn(cls, model: Any) -> TreeEnsemble:
        """The trees of a fitted binary HistGradientBoostingClassifier (numeric features)."""
        if getattr(model, "n_trees_per_iteration_", 1) != 1:
            raise ValueError("only binary classifiers can be copied")
        parts = [predictors[0].nodes for predictors in model._predictors]
        if any(nodes["is_categorical"].any() for nodes in parts):
            raise ValueError("categorical splits are not supported")
        offsets = np.cumsum([0, *(len(nodes) for nodes in parts)])[:-1]
        nodes = np.concatenate(parts)
        shift = np.concatenate(
            [np.full(len(n), o, dtype=np.int64) for n, o in zip(parts, offsets, strict=True)]
        )
        leaf = nodes["is_leaf"].astype(bool)
        itself = np.arange(len(nodes), dtype=np.int64)
        # a leaf points at itself, so walking a fixed number of levels stays on it
        left = np.where(leaf, itself, nodes["left"].astype(np.int64) + shift)
        right = np.where(leaf, itself, nodes["right"].astype(np.int64) + shift)
        return cls(
            feature=np.where(leaf, 0, nodes["feature_idx"]).astype(np.int32),
            threshold=nodes["num_threshold"].astype(np.float64),
            missing_left=nodes["missing_go_to_left"].astype(bool),
            left=left.astype(np.int32),
            right=right.astype(np.int32),
            value=nodes["value"].astype(np.float64),
            leaf=leaf,
            roots=offsets.astype(np.int32),
            baseline=float(np.ravel(model._baseline_prediction)[0]),
        )

    def raw(self, rows: NDArray[Any]) -> NDArray[Any]:
        """The log-odds of each row."""
        raw: NDArray[Any] = self.baseline + self.leaf_values(rows).sum(axis=1)
        return raw

    def leaf_values(self, rows: NDArray[Any]) -> NDArray[Any]:
        """The value of the leaf each row reaches in each tree (rows x trees)."""
        x = np.asarray(rows, dtype=np.float64)
        n, width = x.shape if x.ndim == 2 else (len(x), 0)
        if not n:
            return np.zeros((0, len(self.roots)), dtype=np.float64)
        flat = x.ravel()
        trees = len(self.roots)
        at = np.tile(self.roots.astype(np.int64), n)  # row-major: row i, tree t at i*trees+t
        base = np.repeat(np.arange(n, dtype=np.int64) * width, trees)
        children = self._children()
        missing = bool(np.isnan(flat).any())
        # only the (row, tree) pairs not yet on a leaf move down a level: most trees end
        # well above the deepest one
        active = np.flatnonzero(~self.leaf[at])
        while active.size:
            nodes = at[active]
            values = flat[base[active] + self.feature[nodes]]
            go_right = ~(values <= self.threshold[nodes])  # NaN compares False: right...
            if missing:  # ... unless the split sends missing values left
                go_right &= ~(np.isnan(values) & self.missing_left[nodes])
            nodes = children[2 * nodes + go_right]
            at[active] = nodes
            active = active[~self.leaf[nodes]]
        at = at.reshape(n, trees)
        found: NDArray[Any] = self.value[at]
        return found

    def _children(self) -> NDArray[Any]:
        """Left and right child of node i at 2i and 2i+1: one lookup per level."""
        found: NDArray[Any] | None = getattr(self, "_interleaved", None)
        if found is None:
            found = np.empty(2 * len(self.left), dtype=np.int64)
            found[0::2], found[1::2] = self.left, self.right
            self._interleaved = found
        return found

    def predict_proba(self, rows: Sequence[Sequence[float]] | NDArray[Any]) -> NDArray[Any]:
        """Two columns, as scikit-learn gives: P(negative), P(positive)."""
        positive = 1.0 / (1.0 + np.exp(-self.raw(np.asarray(rows, dtype=np.float64))))
        return np.column_stack([1.0 - positive, positive])


class TreeBag:
    """The mean probability of several tree ensembles (fitted on different feature draws):
    averaging smooths the single ensemble's jumps between neighbouring scores. The members'
    trees are walked together, as one ensemble, and summed per member."""

    def __init__(self, members: Sequence[TreeEnsemble]) -> None:
        if not members:
            raise ValueError("a bag needs at least one ensemble")
        offsets = np.cumsum([0, *(len(m.left) for m in members)])[:-1]
        shifted = list(zip(members, offsets, strict=True))
        self.walk = TreeEnsemble(
            feature=np.concatenate([m.feature for m in members]),
            threshold=np.concatenate([m.threshold for m in members]),
            missing_left=np.concatenate([m.missing_left for m in members]),
            left=np.concatenate([m.left + o for m, o in shifted]).astype(np.int32),
            right=np.concatenate([m.right + o for m, o in shifted]).astype(np.int32),
            value=np.concatenate([m.value for m in members]),
            leaf=np.concatenate([m.leaf for m in members]),
            roots=np.concatenate([m.roots + o for m, o in shifted]).astype(np.int32),
            baseline=0.0,
        )
        self.first_tree = np.cumsum([0, *(len(m.roots) for m in members)])[:-1]
        self.baselines = np.array([m.baseline for m in members], dtype=np.float64)

    @classmethod
    def from_sklearn(cls, models: Sequence[Any]) -> TreeBag:
        return cls([TreeEnsemble.from_sklearn(m) for m in models])

    def predict_proba(self, rows: Sequence[Sequence[float]] | NDArray[Any]) -> NDArray[Any]:
        leaves = self.walk.leaf_values(np.asarray(rows, dtype=np.float64))
        raw = np.add.reduceat(leaves, self.first_tree, axis=1) + self.baselines
        positive = (1.0 / (1.0 + np.exp(-raw))).mean(axis=1)
        return np.column_stack([1.0 - positive, positive])
