"""Waiting entries still carrying another model's score: what `canhgac status` and `train --activate` tell.

Activating a retrain (`canhgac train --from-decisions --activate`) changes the model pages collected from then on
are scored with; the entries already waiting keep the score of the model that queued them until a person runs
`canhgac rescore` (the daemon never does: a rescore can unflag entries, and a person decides that). This module
counts the undecided entries (open or claimed, those below threshold after a rescore included: what `rescore`
reads) whose current score was made by a model other than the one in use, and words that for the operator.

The version of the model in use is its card's `version` (what `classifier.scorer.Scorer` records on every score),
read from the card file alone: importing `classifier.model_files` would import scikit-learn, a second and a half
more for every `canhgac status` a monitoring check runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session

from review.model_in_use import model_in_use
from review.models import CLAIMED, OPEN

if TYPE_CHECKING:
    from review.config import ClassifierConfig
    from review.store import Store

CARD_SUFFIX = ".card.json"  # as classifier.model_files.CARD_SUFFIX


def model_version(path: str | None) -> str | None:
    """The version on the card of the model at `path` (None: the bundled default), as the scorer records it;
    None when the card cannot be read (the model file missing is `status`'s own warning)."""
    if path:
        model = Path(path).expanduser()
    else:
        import classifier  # the package alone: light

        model = Path(classifier.__file__).parent / "data" / "default_model.skops"
    # the card beside the model (`classifier.model_files.card_path`): `m.skops` → `m.card.json`, `m.1` →
    # `m.1.card.json`, or a card saved under the older name `m.card.json` for a model not named .skops
    cards = [model.with_suffix(CARD_SUFFIX) if model.suffix.lower() == ".skops" else model.with_name(model.name + CARD_SUFFIX)]
    if model.suffix and model.suffix.lower() != ".skops":
        cards.append(model.with_suffix(CARD_SUFFIX))
    for card in cards:
        try:
            data = json.loads(card.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(data, dict):
            return str(data.get("version", "unversioned"))
    return None


@dataclass(frozen=True)
class OtherModelScores:
    """Undecided entries whose current score another model made: how many, and how many per model version."""

    in_use: str
    by_model: dict[str, int]

    @property
    def count(self) -> int:
        return sum(self.by_model.values())


# On SQLite both sides are read from an index alone (migration 0008, SQLite only): the waiting entries' score ids
# from ix_review_status_score, each score's model version from ix_scores_id_model_version. SQLite would otherwise
# look every score up by its rowid in the scores table itself, whose rows (with their evidence) fill a page each
# few: 1.5 s at 100,000 waiting entries, 0.14 s with the indexes. It never prefers a covering index to the rowid
# unless told so (INDEXED BY, which SQLAlchemy does not write for SQLite): hence the SQL text. PostgreSQL has no
# such indexes: its plan did not use them (a hash join of two sequential scans either way; 100,000 waiting
# entries: 82-123 ms with or without them, run-to-run noise), while every score insert, claim and decision would
# have kept them up to date.
OTHER_MODEL_COUNT = (
    "SELECT s.model_version, count(*) AS n FROM review_entries AS e JOIN scores AS s{hint} ON s.id = e.score_id"
    " WHERE e.status IN (:open, :claimed) AND s.model_version != :in_use"
    " GROUP BY s.model_version ORDER BY n DESC, s.model_version")
SCORE_VERSION_INDEX = "ix_scores_id_model_version"


def other_model_scores(s: Session, in_use: str) -> OtherModelScores:
    """Count the undecided entries (what `canhgac rescore` reads) scored by a model other than `in_use`."""
    hint = f" INDEXED BY {SCORE_VERSION_INDEX}" if s.get_bind().dialect.name == "sqlite" else ""
    rows = s.execute(text(OTHER_MODEL_COUNT.format(hint=hint)), {"open": OPEN, "claimed": CLAIMED, "in_use": in_use})
    return OtherModelScores(in_use, {str(version): int(n) for version, n in rows})


def waiting_scored_by_other_model(cfg: ClassifierConfig, store: Store) -> OtherModelScores | None:
    """`other_model_scores` against the model in use (`review.model_in_use`); None when its card cannot be
    read (its file missing: `status` warns about that already)."""
    in_use = model_version(model_in_use(cfg, store).path)
    if in_use is None:
        return None
    with store.session() as s:
        return other_model_scores(s, in_use)


SHOWN_MODELS = 3  # old model versions named in the line; more are summed as "… khác"


def other_model_line(found: OtherModelScores) -> str | None:
    """The operator's line (Vietnamese) when some waiting entries carry another model's score, else None."""
    if not found.count:
        return None
    named = list(found.by_model.items())[:SHOWN_MODELS]
    rest = found.count - sum(n for _, n in named)
    models = ", ".join(f"{_shown(v)}: {n} mục" for v, n in named) + (f", các mô hình khác: {rest} mục" if rest else "")
    return (f"Lưu ý: {found.count} mục đang chờ duyệt mang điểm của mô hình khác mô hình đang dùng "
            f"({_shown(found.in_use)}): "
            f"{models}; xem thay đổi bằng `canhgac rescore` (chạy thử), chấm lại bằng "
            "`canhgac rescore --apply --as TÊN_CÁN_BỘ`.")


def _shown(version: str) -> str:
    """A model version as stored (any card, or a database copied from elsewhere wrote it) on one terminal line:
    escape sequences and control characters removed, newlines and runs of spaces made one space."""
    from review.cli.table import printable

    return " ".join(printable(version).split())
