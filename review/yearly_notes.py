"""The Ghi chú sheet of the yearly workbook: what the report is, its period and up to when its data runs, what
the review covered and what retention deleted of it, the totals, and how each sheet counts.

Split from `review.yearly` (which counts); the wording of the other sheets' headings lives there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from review.models import VERDICTS
from review.vi import VERDICT_VI, VN_TZ
from review.yearly_coverage import coverage_notes
from review.yearly_decisions import HANDLED_SHEET, TOTAL_VI, handled_notes
from review.yearly_period import period_text, report_title
from review.yearly_retention import retention_notes
from review.yearly_rows import HARM_GROUP_VI, HARM_LABELS

if TYPE_CHECKING:
    from review.yearly import Summary

UNASSIGNED_VI = "Phản ánh chưa xác định nhóm"
FLAGGED_VI, UNFLAGGED_VI = "Tổng số gắn cờ", "Phản ánh không gắn cờ"
HEADER_MAX = 255  # characters of a printed page header, as Excel allows
_CENTRE_CODE = "&C"  # openpyxl writes the centre section after this code, inside those 255


def as_of_note(summary: Summary) -> list[list[Any]]:
    """A report made before its period ends (the year's report is due before 10 December) holds the data up to
    the moment it was made, not to the period's last day: say so next to the period."""
    if summary.counted_at >= summary.until:
        return []
    at = summary.counted_at.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")
    return [["Số liệu tính đến", f"{at} (kỳ báo cáo chưa kết thúc: số liệu từ sau thời điểm này chưa được tính)"]]


def print_heading(summary: Summary) -> str:
    """The page header of every sheet: the report, its period and the reporting office (`[review] office`), else
    the office's area (`[review] locality`). Excel reads "&" as the start of a code, so it is doubled, and refuses
    a header over 255 characters, counting the "&C" code that places this text in the centre: cut after doubling,
    never between the two "&" of a pair."""
    title = report_title(summary.year, summary.since, summary.until)
    period = period_text(summary.since, summary.until)
    if period not in title:  # a whole year's report names no period in its title
        title += f" (kỳ {period})"
    if summary.office or summary.locality:
        title += f" – {summary.office or summary.locality}"
    escaped = title.replace("&", "&&")
    cut = escaped[: HEADER_MAX - len(_CENTRE_CODE)]
    if len(cut) < len(escaped) and (len(cut) - len(cut.rstrip("&"))) % 2:
        cut = cut[:-1]  # the cut fell inside "&&": a lone "&" would start a code
    return cut


def summary_notes(summary: Summary) -> list[list[Any]]:
    """The rows of Ghi chú: label, value."""
    by_outcome = "; ".join(f"{VERDICT_VI[v]}: {summary.reports_by_verdict[v]}" for v in VERDICTS)
    return [
        ["Báo cáo", report_title(summary.year, summary.since, summary.until)],
        *([["Cơ quan báo cáo", summary.office]] if summary.office else []),
        *([["Địa bàn", summary.locality]] if summary.locality else []),
        ["Kỳ báo cáo", period_text(summary.since, summary.until)],
        *as_of_note(summary),
        *coverage_notes(summary.coverage),
        *retention_notes(summary.retention_cut, summary.since, summary.retention_days),
        ["Tổng số mục gắn cờ", summary.total],
        ["Trong đó: số tin khác nhau (gộp bản sao, bài sửa lại)", summary.stories],
        ["Trong đó: mục dưới ngưỡng sau chấm lại (vẫn tính theo nhóm đã gắn cờ)", summary.below_threshold],
        ["Số mục từ phản ánh không gắn cờ (dưới mọi ngưỡng)", summary.unflagged],
        ["Tổng số phản ánh của người dân nhận được", summary.reports],
        ["Trong đó: phản ánh tạo mục mới", summary.reports_opened],
        ["Trong đó: phản ánh bổ sung vào mục đã có", summary.reports_joined],
        ["Phản ánh theo kết luận hiện tại của mục", f"{by_outcome}; chưa quyết định: {summary.reports_by_verdict['']}"],
        ["Số mục gắn cờ có người dân phản ánh", summary.reported_flagged],
        *handled_notes(summary.handled),
        ["Lập lúc", summary.counted_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")],
        ["Ghi chú", "Công cụ chỉ gắn cờ; mọi kết luận do cán bộ kiểm duyệt đưa ra. "
                    "Quyết định đã hoàn tác không được tính; nhóm là nhóm đã được cán bộ xác nhận nếu có."],
        ["Cách đếm gắn cờ", f"«{FLAGGED_VI}» chỉ gồm các mục có điểm vượt ngưỡng của ít nhất một nhóm. Phản ánh của "
                            "người dân luôn vào hàng chờ, kể cả khi không vượt ngưỡng nào: các mục đó không phải là "
                            f"gắn cờ, được đếm riêng ở cột «{UNFLAGGED_VI}», ở dòng «{UNASSIGNED_VI}» khi chưa có "
                            "quyết định và ở dòng nhóm mà cán bộ đã quyết định khi đã có quyết định. Ở mỗi dòng: gắn "
                            "cờ + phản ánh không gắn cờ = tổng các cột kết luận + chưa quyết định. Mục đã gắn cờ khi vào "
                            "hàng chờ nhưng sau khi chấm lại không còn vượt ngưỡng nào («dưới ngưỡng sau chấm lại») "
                            "vẫn được tính một lần là gắn cờ, ở nhóm đã gắn cờ cho nó."],
        totals_note(),
        *verdict_notes(),
        ["Cách đếm phản ánh", "Mỗi phản ánh nhận được trong kỳ được đếm một lần, gồm phản ánh tạo mục mới và phản "
                              "ánh trùng nội dung một mục đã có (kể cả mục đã quyết định); phản ánh gửi lại y hệt "
                              "không đếm lại. Phản ánh được tính theo nhóm và kết luận của mục mà nó thuộc về, dù mục "
                              "đó được gắn cờ hay không (mục tạo từ phản ánh dưới mọi ngưỡng: dòng "
                              f"«{UNASSIGNED_VI}» khi chưa có quyết định), kể cả mục vào hàng chờ trước kỳ báo cáo. "
                              "Phản ánh được tính theo ngày nhận, kể cả phản ánh phải chờ chấm điểm (chưa tải được mô "
                              "hình) và được đưa vào hàng chờ sau đó."]]


def totals_note() -> list[Any]:
    """The Ghi chú row saying why the "Tổng cộng" rows count no entry twice, and that the harm subtotal row is a
    sum of the rows under it, left out of "Tổng cộng" (and to be left out of a whole column summed in Excel)."""
    return ["Dòng tổng cộng", f"Dòng «{TOTAL_VI}» của sheet «Tổng hợp», «Theo nguồn», «Theo tháng» và «{HANDLED_SHEET}» "
                              "là số mục (số phản ánh) khác nhau, không đếm trùng. Mỗi mục được đếm ở đúng một dòng "
                              "nhóm (nhóm cán bộ đã xác nhận; nếu chưa có, nhóm được gắn cờ đầu tiên, hoặc "
                              f"«{UNASSIGNED_VI}»), kể cả mục gắn cờ cho nhiều nhóm, ở đúng một dòng nguồn và ở đúng "
                              "một dòng tháng (tháng gắn cờ); mỗi phản ánh ở dòng của mục nó thuộc về (theo tháng: "
                              f"tháng nhận). Vì vậy dòng «{TOTAL_VI}» bằng tổng các dòng nhóm, nguồn hoặc tháng bên "
                              "trên, và ba sheet «Tổng hợp», «Theo nguồn», «Theo tháng» có cùng tổng. Riêng dòng "
                              f"«{HARM_GROUP_VI}» (in đậm, ở sheet «Tổng hợp» và «{HANDLED_SHEET}») không phải một "
                              "nhóm mà là dòng cộng các nhóm vi phạm thụt lề ngay dưới nó: các mục đó đã được đếm ở "
                              f"dòng nhóm của chúng, nên dòng «{TOTAL_VI}» không cộng dòng này. Khi tự cộng cả cột "
                              "trong Excel, hãy bỏ dòng này ra, nếu không các mục vi phạm bị đếm hai lần."]


def verdict_notes() -> list[list[Any]]:
    """The Ghi chú rows on the verdict «đã cảnh báo», the harm subtotal and the row of an undecided entry."""
    return [
        ["Kết luận «đã cảnh báo»", f"«{VERDICT_VI['warn']}»: cán bộ xác nhận nội dung vi phạm và đã cảnh báo (nhắc "
                                   "nhở) người đăng hoặc trang. Được đếm riêng ở cột «đã cảnh báo», không đếm lại ở "
                                   f"cột «{VERDICT_VI['violation']}»; khi tính số vi phạm đã xác nhận thì cộng cả "
                                   f"«{VERDICT_VI['violation']}», «{VERDICT_VI['warn']}» và "
                                   f"«{VERDICT_VI['escalate']}»."],
        [f"Nhóm «{HARM_GROUP_VI}»", f"Dòng «{HARM_GROUP_VI}» (in đậm, sheet «Tổng hợp» và «{HANDLED_SHEET}») là "
                                    "tổng của các nhóm vi phạm thụt lề ngay dưới nó: "
                                    f"{', '.join(HARM_LABELS)}. Các dòng đó được gộp nhóm dưới dòng tổng (nút «−» "
                                    "bên trái trong Excel thu gọn chỉ còn dòng tổng). Nhóm tôn vinh đứng riêng, "
                                    "không thuộc dòng này."],
        ["Nhóm của mục chưa quyết định", "Mục chưa có quyết định được tính ở nhóm mà nó được gắn cờ lần đầu (nhóm "
                                         "có điểm cao nhất lúc đó), không đổi khi mô hình chấm lại hay bài được thu "
                                         "thập lại từ nhóm vi phạm này sang nhóm vi phạm khác. Riêng mục gắn cờ lần "
                                         "đầu là nội dung tích cực mà sau khi chấm lại bị gắn cờ một nhóm vi phạm "
                                         "được tính là có thể vi phạm: ở nhóm vi phạm có điểm cao nhất của lần chấm "
                                         "đầu tiên gắn cờ vi phạm cho mục (không đổi ở các lần chấm lại sau), trong "
                                         "dòng «Vi phạm Bộ Quy tắc ứng xử», không ở dòng tôn vinh; ngược lại, "
                                         "mục gắn cờ lần đầu ở một nhóm vi phạm mà nay chỉ còn gắn cờ nội dung tích "
                                         "cực được tính ở dòng tôn vinh. Khi cán bộ quyết định, mục chuyển sang nhóm "
                                         "cán bộ xác nhận."],
    ]
