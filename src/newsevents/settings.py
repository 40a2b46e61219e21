"""Settings: shipped defaults (data/settings.toml) overlaid by a user file, validated once.

The resolved ``Settings`` object is passed to the stages; there is no module-level mutable state.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import BadOption


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str
    max_article_bytes: int
    max_article_chars: int = 50_000
    gazetteer: str = ""
    gazetteer_min_population: int = 500
    batch_size: int = 32
    # how event arguments are found: "model" (the learned role model, the rules where it finds
    # none), "union" (both), "rules" (the rules, the model where they find none) or "off"
    role_policy: Literal["model", "union", "rules", "off"] = "model"
    # a role model file (``python -m newsevents.extract.roles build --output FILE``); empty: the
    # one trained on the shipped corpus, kept in the user cache directory
    role_model: str = ""

    def gazetteer_path(self) -> Path:
        if self.gazetteer:
            return Path(self.gazetteer).expanduser()
        return Path(platformdirs.user_cache_dir("newsevents")) / "gazetteer.sqlite"


def _defaults() -> dict:
    text = resources.files("newsevents").joinpath("data/settings.toml").read_text("utf-8")
    return tomllib.loads(text)


def load_settings(path: Optional[str | Path] = None, **overrides: object) -> Settings:
    """Defaults, overlaid by the TOML file at ``path`` and then by ``overrides`` (None ignored)."""
    data = _defaults()
    if path:
        try:
            data.update(tomllib.loads(Path(path).read_text("utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise BadOption(f"Cannot use settings file {path}: {exc}") from exc
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise BadOption(f"Invalid settings: {exc}") from exc


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    return load_settings()
