"""A fixed sample of what an office's database holds, for the export tests: every item kind, every verdict, an
undone and a bulk decision, open, claimed and decided entries, citizen reports (a pasted text, a short link, one
that joined an entry, one of content already decided), and an audit row of every action canhgac writes, with the
details it writes. Rows are inserted directly, at fixed times, so an export of it is the same bytes on every run
and backend (`test_export_machine_bytes` compares them with files written before the officers' shape changed).

The audit chain is valid (`canhgac audit verify`): each row's hash is computed over its fixed time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from review.audit import GENESIS, chain_hash
from review.models import AuditLog, Decision, Item, ReviewEntry, ReviewFlag, Source
from review.store import Store

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 02/03/2026 08:30 in Vietnam
SCAM_NOTE = "Đã xác minh: lừa đảo thu phí căn cước"
UNDO_REASON = "Nhầm: bài của báo chính thống"
REPORTER = "Trần Thị B, 0987654321"
MULTILINE = "Tin nhắn Zalo:\n  «Chúc mừng quý khách trúng thưởng»\nchuyển phí 500k"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


#: (kind, source, url, title, text, author, published, top category, score, status, verdict, verdict category,
#:  is_report, extra)
_ENTRIES: tuple[tuple[Any, ...], ...] = (
    ("article", "bao-tinh", "https://baotinh.vn/tin/phi-can-cuoc.html", "Nộp phí 500 nghìn cập nhật căn cước?",
     "KHẨN CẤP: mọi người phải nộp phí để cập nhật căn cước", "Hoàng Đức Anh", at(-600), "scam", 0.91, "decided",
     "violation", "scam", False, {}),
    ("post", "dien-dan", "https://diendan.vn/bai/nuoc-chanh", "Nước chanh nóng chữa khỏi ung thư",
     "=Uống nước chanh nóng mỗi sáng", None, None, "misinformation", 0.78, "decided", "warn", "misinformation",
     False, {}),
    ("ad", "rao-vat", "https://raovat.vn/tin/soi-keo", "SOI KÈO NHÀ CÁI – NẠP 100K TẶNG 200K",
     "Nhà cái uy tín số 1", None, None, "illegal_ad", 0.96, "decided", "escalate", "illegal_ad", False, {}),
    ("post", "phuong", "https://phuong.vn/bai/nguoi-tot", "Gương người tốt việc tốt",
     "Anh xe ôm trả lại 50 triệu đồng nhặt được", "Ban biên tập", at(-1440), "positive", 0.67, "decided",
     "commend", "positive", False, {}),
    ("post", "phuong", "https://phuong.vn/bai/boc-phot", "BÓC PHỐT quán ăn đầu ngõ 12",
     "Số điện thoại chủ quán 0912 345 678", None, None, "privacy", 0.58, "open", None, None, False, {}),
    ("post", "dien-dan", "https://diendan.vn/bai/chui-boi", "Chửi bới hàng xóm", "Đồ mất dạy", None, None,
     "offensive", 0.81, "claimed", None, None, False, {}),
    ("report", None, "report:text/2a9d06c1dd3850b8", "Tin nhắn Zalo:", MULTILINE, None, None, "scam", 0.74,
     "decided", "dismiss", "scam", True, {"reporter": REPORTER, "note": "mẹ tôi nhận được", "reported": True}),
    ("report", None, "https://tin-nhanh.vn/qua-tri-an.html", "Nhận quà tri ân",
     "Chuyển khoản trước để nhận quà tri ân", None, None, "scam", 0.88, "decided", "violation", "scam", True,
     {"reporter": "Ông Trần Văn C", "note": "", "reported": True, "reported_url": "https://bit.ly/qua-tri-an"}),
)


def fill_sample(store: Store) -> dict[str, int]:
    """Insert the sample; returns entry ids by name (violation, warn, escalate, commend, open, claimed, pasted,
    short_link)."""
    names = ("violation", "warn", "escalate", "commend", "open", "claimed", "pasted", "short_link")
    ids: dict[str, int] = {}
    with store.session() as s:
        sources = {}
        for name, kind in (("bao-tinh", "rss"), ("dien-dan", "html"), ("rao-vat", "ads"), ("phuong", "html")):
            sources[name] = Source(name=name, kind=kind)
            s.add(sources[name])
        s.flush()
        for n, (name, row) in enumerate(zip(names, _ENTRIES, strict=True)):
            (kind, source, url, title, text, author, published, top, score, status, verdict, vcat, report,
             extra) = row
            item = Item(url=url, canonical_url=url, kind=kind, title=title, text=text, author=author,
                        published_at=published, fetched_at=at(n), content_hash=f"h{n}",
                        source_id=sources[source].id if source else None, extra=extra, locality=[])
            s.add(item)
            s.flush()
            entry = ReviewEntry(item_id=item.id, status=status, priority=50.0 - n, top_category=top, top_score=score,
                                source_name=source, is_report=report, verdict=verdict, verdict_category=vcat,
                                claimant="minh" if status == "claimed" else ("lan" if verdict else None),
                                claim_expires_at=at(40) if status == "claimed" else None,
                                created_at=at(n + 0.5), updated_at=at(n + 1), decided_at=at(20 + n) if verdict else None)
            s.add(entry)
            s.flush()
            s.add(ReviewFlag(entry_id=entry.id, category=top, score=score))
            ids[name] = entry.id
        e = ids
        decisions = [  # (entry, moderator, verdict, category, note, minutes, bulk, undone (by, reason, minutes))
            (e["violation"], "lan", "violation", "scam", SCAM_NOTE, 20, False, None),
            (e["warn"], "minh", "warn", "misinformation", "-đã nhắc admin gỡ bài", 21, False, None),
            (e["escalate"], "lan", "escalate", "illegal_ad", "Chuyển Công an phường", 22, False, None),
            (e["commend"], "Nguyễn Thu Hà", "commend", "positive", None, 23, False, None),
            (e["open"], "lan", "dismiss", "privacy", None, 24, False, ("minh", UNDO_REASON, 25)),
            (e["pasted"], "lan", "dismiss", "scam", None, 26, True, None),
            (e["short_link"], "lan", "violation", "scam", None, 27, True, None),
        ]
        for entry_id, moderator, verdict, category, note, minutes, bulk, undone in decisions:
            s.add(Decision(entry_id=entry_id, moderator=moderator, verdict=verdict, category=category, note=note,
                           created_at=at(minutes), bulk=bulk, undone_by=undone[0] if undone else None,
                           undo_reason=undone[1] if undone else None, undone_at=at(undone[2]) if undone else None))
        s.flush()
        d = {entry_id: n + 1 for n, (entry_id, *_rest) in enumerate(decisions)}
        audit: list[tuple[str, str, int | None, dict[str, Any]]] = [
            ("config", "threshold_change", None, {"category": "scam", "old": None, "new": 0.6}),
            ("lan", "claim", e["violation"], {"expires_at": at(50).isoformat(), "version": 2}),
            ("lan", "decide", e["violation"], {"decision_id": d[e["violation"]], "verdict": "violation",
                                               "category": "scam", "version": 3, "note": SCAM_NOTE}),
            ("minh", "decide", e["warn"], {"decision_id": d[e["warn"]], "verdict": "warn",
                                           "category": "misinformation", "version": 2,
                                           "note": "-đã nhắc admin gỡ bài"}),
            ("lan", "decide", e["open"], {"decision_id": d[e["open"]], "verdict": "dismiss", "category": "privacy",
                                          "version": 2}),
            ("minh", "undo", e["open"], {"decision_id": d[e["open"]], "verdict": "dismiss", "category": "privacy",
                                         "reason": UNDO_REASON, "version": 3}),
            ("minh", "claim", e["claimed"], {"expires_at": at(40).isoformat(), "version": 2}),
            ("lan", "release", e["commend"], {}),
            ("canhgac-daemon", "claim_expired", e["commend"], {"claimant": "lan"}),
            ("lan", "report", e["pasted"], {
                "item_id": 7, "url": "report:text/9d2c23bee659ee6b", "reporter": "chi.b@example.vn",
                "note": "Nhóm zalo khu phố 3", "report_hash": "9d2c23bee659ee6b", "match": "near_copy",
                "received_at": at(6).isoformat(timespec="seconds"), "pasted": True, "similarity": 0.93,
                "outcome": "joined", "status": "open", "priority_raised": False}),
            ("lan", "bulk", None, {"verdict": "dismiss", "category": "scam", "filter": {"category": "scam",
                                   "is_report": True}, "count": 2, "entry_ids": [e["pasted"], e["short_link"]],
                                   "note": None, "confirmed_code": True}),
            ("lan", "decide", e["pasted"], {"decision_id": d[e["pasted"]], "verdict": "dismiss", "category": "scam",
                                            "version": 3, "bulk": True}),
            ("canhgac-crawler", "crawl_join", e["short_link"], {
                "item_id": 9, "url": "https://tin-nhanh.vn/qua-tri-an.html", "source": None, "report_item_id": 8,
                "match": "same_text", "outcome": "already_decided"}),
            ("lan", "report", e["short_link"], {
                "item_id": 8, "url": "https://tin-nhanh.vn/qua-tri-an.html", "reporter": None, "note": None,
                "report_hash": "abc123", "received_at": at(30).isoformat(timespec="seconds"), "match": "same_page",
                "pasted": False, "reported_url": "https://bit.ly/qua-tri-an", "outcome": "already_decided",
                "verdict": "violation"}),
            ("lan", "rescore", None, {"run": "5f1c", "model": "canhgac-2026-03", "scored": 3, "unchanged": 1,
                                      "rose": 1, "fell": 1, "below_threshold": 1, "below_threshold_ids": [e["open"]],
                                      "gained_category": 0, "skipped": 0, "failed": 0, "source": "phuong",
                                      "since": at(-60).isoformat()}),
            ("lan", "model_activate", None, {"model": "models/canhgac-decisions-20260302.skops", "previous": None}),
            ("canhgac-daemon", "retention_purge", None, {"cutoff": at(-525600).isoformat(), "items": 12, "runs": 3,
                                                         "digests": 1, "clusters": 0}),
        ]
        prev = s.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)) or GENESIS
        for n, (actor, action, entry_id, details) in enumerate(audit):
            when = at(10 + n)
            row = AuditLog(at=when, actor=actor, action=action, entry_id=entry_id, details=details, prev_hash=prev,
                           hash=chain_hash(prev, when, actor, action, entry_id, details))
            s.add(row)
            s.flush()
            prev = row.hash
    return ids
