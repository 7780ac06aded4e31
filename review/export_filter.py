"""What `canhgac export items|decisions` narrows to: one file per agency (scams for the police, misinformation for
the information ministry), or only what is decided.

`items`: `--category` keeps the entries about one of the categories, as `queue --category` lists them
(`review.filters.category_matches`: an undecided or dismissed entry by any of its flags, not only the top one; a
decided one by the category its standing decision recorded), `--status` those in one of the statuses. `decisions`: `--category` keeps the
decisions recorded under one of the categories (the category a moderator's decision names), `--verdict` those with
one of the verdicts. Several values of one option are any of them; several options, all of them. No filter: the
query is the unfiltered export's, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_

from review.filters import SelectT, category_matches
from review.models import Decision, ReviewEntry, ReviewFlag
from review.vi import STATUS_VI, VERDICT_VI


@dataclass(frozen=True)
class ExportFilter:
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # items only
    verdicts: tuple[str, ...] = ()  # decisions only

    def items(self, q: SelectT) -> SelectT:
        """`q` (a select of `ReviewEntry` rows) narrowed to the categories and statuses."""
        e = ReviewEntry
        if self.categories:
            q = q.where(or_(*(category_matches(c, None, exists().where(ReviewFlag.entry_id == e.id,
                                                                        ReviewFlag.category == c))
                              for c in self.categories)))
        if self.statuses:
            q = q.where(e.status.in_(self.statuses))
        return q

    def decisions(self, q: SelectT) -> SelectT:
        """`q` (a select of `Decision` rows) narrowed to the recorded categories and verdicts."""
        d = Decision
        if self.categories:
            q = q.where(d.category.in_(self.categories))
        if self.verdicts:
            q = q.where(d.verdict.in_(self.verdicts))
        return q

    def said_vi(self, kind: str) -> str:
        """What the line saying the file was written adds: " (nhóm scam, hate; trạng thái: đã quyết định)"; ""
        without a filter."""
        parts = []
        if self.categories:
            parts.append(("nhóm " if kind == "items" else "ghi nhóm ") + ", ".join(self.categories))
        if self.statuses:
            parts.append("trạng thái: " + ", ".join(STATUS_VI[s] for s in self.statuses))
        if self.verdicts:
            parts.append("kết luận: " + ", ".join(VERDICT_VI[v] for v in self.verdicts))
        return f" ({'; '.join(parts)})" if parts else ""


#: No filter: the whole export.
EVERYTHING = ExportFilter()
