"""Two processes (here threads) asking for the same untrained model: one trains, the other
waits for it and reads the cache."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from openrcm.coding import training
from openrcm.coding.corpus import CodedNote


def test_the_model_is_trained_once_when_asked_for_twice_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = [
        CodedNote(
            doc_id="n1",
            text="Type 2 diabetes.",
            diagnoses=frozenset({"e11.9"}),
            procedures=frozenset(),
        )
    ]
    trained: list[int] = []

    def slow_training(notes: Any, knowledge: Any, *, progress: Any = None) -> Any:
        trained.append(1)
        time.sleep(0.5)
        return training.TrainedModels(None, None, training.training_key(notes), len(notes))  # type: ignore[arg-type]

    monkeypatch.setattr(training, "train_models", slow_training)
    got: list[Any] = []
    threads = [
        threading.Thread(
            target=lambda: got.append(training.load_models(notes, None, cache_dir=tmp_path))
        )  # type: ignore[arg-type]
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(trained) == 1
    assert [m.key for m in got] == [training.training_key(notes)] * 2
    assert list(tmp_path.glob("model-*.pickle"))
