"""Training the engine's models from coded notes, and caching them.

`train_models` learns diagnoses (ICD-10-CM, with the tabular terms) and procedures
(ICD-10-PCS, lexicon only) from coded notes. `load_models` returns the cached models for a
training set, or trains and caches them: the cache file (pickle, under the user cache
directory, `<cache>/openrcm/coding/`) is keyed by a hash of the training notes and their
codes, the source of the coding modules, the scikit-learn version and `MODEL_FORMAT`, so a
change to any of them trains again. Only files the engine itself wrote are unpickled.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from openrcm.coding.corpus import CodedNote
from openrcm.coding.features import prepare
from openrcm.coding.knowledge import Knowledge
from openrcm.coding.model import CodeModel, Progress, train_code_model

log = logging.getLogger(__name__)

MODEL_FORMAT = 7
_SOURCES = (
    "corpus.py",
    "text.py",
    "knowledge.py",
    "lexicon.py",
    "features.py",
    "model.py",
    "training.py",
    "trees.py",
    "similar.py",
    "cues.py",
    "align.py",
    "passages.py",
)


@dataclass
class TrainedModels:
    diagnoses: CodeModel
    procedures: CodeModel
    key: str
    notes: int


def default_model_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("openrcm", appauthor=False)) / "coding"


def training_key(notes: Sequence[CodedNote]) -> str:
    """Hash of the training notes, their gold codes and the code that learns from them."""
    digest = hashlib.sha256(f"format {MODEL_FORMAT}\n".encode())
    digest.update(f"sklearn {version('scikit-learn')}\n".encode())
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    for note in sorted(notes, key=lambda n: n.doc_id):
        digest.update(note.doc_id.encode())
        digest.update(note.text.encode())
        digest.update("|".join(sorted(note.diagnoses)).encode())
        digest.update("|".join(sorted(note.procedures)).encode())
        digest.update(repr(sorted(note.evidence.items())).encode())
        digest.update(repr(sorted(note.evidence_words.items())).encode())
    return digest.hexdigest()[:20]


def train_models(
    notes: Sequence[CodedNote],
    knowledge: Knowledge,
    *,
    progress: Progress | None = None,
) -> TrainedModels:
    prepared = [prepare(n.text) for n in notes]

    def stage(system: str) -> Progress | None:
        if progress is None:
            return None
        report = progress
        return lambda step, done, total: report(f"{system} {step}", done, total)

    diagnoses = train_code_model(
        "icd10cm",
        prepared,
        [n.diagnoses for n in notes],
        knowledge,
        progress=stage("diagnoses"),
        evidence=[n.evidence for n in notes],
        evidence_words=[n.evidence_words for n in notes],
        code_rates=True,
    )
    procedures = train_code_model(
        "icd10pcs",
        prepared,
        [n.procedures for n in notes],
        None,
        progress=stage("procedures"),
        evidence=[n.evidence for n in notes],
        evidence_words=[n.evidence_words for n in notes],
        code_rates=True,
    )
    return TrainedModels(diagnoses, procedures, training_key(notes), len(notes))


def load_models(
    notes: Sequence[CodedNote],
    knowledge: Knowledge,
    *,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> TrainedModels:
    """The models for these training notes: cached, or trained now and cached."""
    key = training_key(notes)
    path = (cache_dir or default_model_dir()) / f"model-{key}.pickle"
    cached = _cached(path, key)
    if cached is not None:
        return cached
    # one process trains; others asking for the same model at once wait and read its cache
    with _training_lock(path.with_suffix(".lock")):
        cached = _cached(path, key)
        if cached is not None:
            return cached
        models = train_models(notes, knowledge, progress=progress)
        _store(path, models)
    return models


def _cached(path: Path, key: str) -> TrainedModels | None:
    try:
        models = pickle.loads(path.read_bytes())
        if isinstance(models, TrainedModels) and models.key == key:
            return models
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("retraining: unreadable coding model cache %s: %s", path, exc)
    return None


@contextmanager
def _training_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (POSIX advisory); no lock where none can be taken."""
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except (ImportError, OSError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _store(path: Path, models: TrainedModels) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(models, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not cache the coding model at %s: %s", path, exc)
