"""Service-hours certificates: issue one over a period, draw it as an A4 PDF in Chinese, and
confirm it by its code.

The PDF embeds a CJK font from the system's packages (WenQuanYi, or Noto CJK; the path can be
set with `LINLI_CJK_FONT`), so it shows the same characters on any reader. The QR code and
the printed code lead to the public verification page, which repeats the certified figures
and nothing else.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import deployment_zone
from app.models import HoursCertificate, HoursEntry, Volunteer, utcnow
from app.services import links
from app.services.attendance.hours import hours_text, volunteer_minutes

#: Where Debian's fonts-wqy-microhei, fonts-wqy-zenhei and fonts-noto-cjk put their fonts.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
#: Letters and digits that cannot be mistaken for one another when typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
#: A certificate covers at most this long a period.
MAX_PERIOD_DAYS = 5 * 366
#: Lines of activities printed; the rest are summed in one line.
MAX_LINES = 18


class CertificateError(ValueError):
    """No certificate can be made; the message says why. Nothing was written."""


@dataclass(frozen=True)
class ActivityLine:
    day: date
    activity: str
    minutes: int


def activities(session: Session, volunteer_id: int, start: date, end: date) -> list[ActivityLine]:
    """The period's service, one line per day and activity (corrections included)."""
    rows = session.execute(
        select(HoursEntry.service_on, HoursEntry.activity, func.sum(HoursEntry.minutes))
        .where(HoursEntry.volunteer_id == volunteer_id, HoursEntry.service_on >= start,
               HoursEntry.service_on <= end)
        .group_by(HoursEntry.service_on, HoursEntry.activity)
        .having(func.sum(HoursEntry.minutes) != 0)
        .order_by(HoursEntry.service_on, HoursEntry.activity))
    return [ActivityLine(day, activity, int(minutes)) for day, activity, minutes in rows]


def issue(session: Session, volunteer: Volunteer, start: date, end: date, *, town: str,
          today: date, issued_by_id: int | None = None) -> HoursCertificate:
    if end < start:
        raise CertificateError(str(_l("The period ends before it starts.")))
    if end > today:
        raise CertificateError(str(_l("A certificate covers days already past; choose an end "
                                      "no later than today.")))
    if (end - start).days > MAX_PERIOD_DAYS:
        raise CertificateError(str(_l("A certificate covers at most five years.")))
    minutes = volunteer_minutes(session, volunteer.id, start=start, end=end)
    if minutes <= 0:
        raise CertificateError(str(_l("No service hours are recorded in this period.")))
    certificate = HoursCertificate(
        code=new_code(), volunteer_id=volunteer.id, volunteer_name=volunteer.name, town=town,
        starts_on=start, ends_on=end, minutes=minutes, issued_by_id=issued_by_id)
    session.add(certificate)
    session.flush()
    return certificate


def make(session: Session, volunteer: Volunteer, start: date, end: date, *,
         issued_by_id: int | None) -> tuple[HoursCertificate, bytes]:
    """Issue a certificate and draw it; flush only. Refused (nothing written) without a font."""
    config = current_app.config
    font = font_path(config.get("LINLI_CJK_FONT"))
    town = (volunteer.neighbourhood.town if volunteer.neighbourhood is not None
            else config["LINLI_TOWN"])
    certificate = issue(session, volunteer, start, end, town=town,
                        today=utcnow().astimezone(deployment_zone()).date(),
                        issued_by_id=issued_by_id)
    pdf = render_pdf(certificate, activities(session, volunteer.id, start, end),
                     verify_url=links.external_url("public.verify_certificate",
                                                   code=certificate.code),
                     font=font, locale=config["LINLI_DEFAULT_LOCALE"])
    return certificate, pdf


def file_name(certificate: HoursCertificate) -> str:
    return f"志愿服务时长证明-{certificate.volunteer_name}-{certificate.code}.pdf"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def find(session: Session, code: str) -> HoursCertificate | None:
    code = (code or "").strip().upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return session.scalar(select(HoursCertificate).where(HoursCertificate.code == code))


def font_path(configured: str | None) -> Path:
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise CertificateError(str(_l(
        "No Chinese font is installed on the server, so the certificate cannot be drawn. Ask "
        "the administrator to install fonts-wqy-microhei (or set LINLI_CJK_FONT).")))


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate says, in the words of its language; `draw` lays it out."""

    title: str
    body: str
    #: The table's three headings (a day, what, a figure) and its rows.
    columns: tuple[str, str, str]
    rows: list[tuple[str, str, str]]
    town: str
    issued_on: date
    code: str


def render_pdf(certificate: HoursCertificate, lines: list[ActivityLine], *, verify_url: str,
               font: Path, locale: str = "zh_CN") -> bytes:
    """The certificate as an A4 PDF, in the deployment's language (Chinese by default)."""
    with force_locale(locale):
        shown, rest = lines[:MAX_LINES], lines[MAX_LINES:]
        rows = [(line.day.isoformat(), line.activity, hours_text(line.minutes))
                for line in shown]
        if rest:
            rows.append(("", _("%(n)s more activities", n=len(rest)),
                         hours_text(sum(r.minutes for r in rest))))
        page = CertificatePage(
            title=_("Certificate of volunteer service hours"),
            body=_("This certifies that %(name)s served as a volunteer in %(town)s from "
                   "%(start)s to %(end)s, for %(hours)s hours in all.",
                   name=certificate.volunteer_name, town=certificate.town,
                   start=certificate.starts_on.isoformat(),
                   end=certificate.ends_on.isoformat(),
                   hours=hours_text(certificate.minutes)),
            columns=(_("Date"), _("Activity"), _("Hours")), rows=rows, town=certificate.town,
            issued_on=certificate.issued_at.date(), code=certificate.code)
        return draw(page, verify_url=verify_url, font=font)


def draw(page: CertificatePage, *, verify_url: str, font: Path) -> bytes:
    """An A4 certificate: title, the certifying sentence, a table, the town, and the code
    with its QR for the verification page. Call inside the certificate's locale."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    name = "LinliCJK"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font), subfontIndex=0))
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(page.title)
    pdf.setFont(name, 24)
    pdf.drawCentredString(width / 2, height - 40 * mm, page.title)
    pdf.setFont(name, 13)
    y = _wrap(pdf, page.body, 25 * mm, height - 60 * mm, width - 50 * mm, name, 13, 20)
    y -= 14 * mm
    pdf.setFont(name, 11)
    day, what, figure = page.columns
    pdf.drawString(25 * mm, y, day)
    pdf.drawString(55 * mm, y, what)
    pdf.drawRightString(width - 25 * mm, y, figure)
    y -= 2 * mm
    pdf.line(25 * mm, y, width - 25 * mm, y)
    for day, what, figure in page.rows:
        y -= 6.5 * mm
        pdf.drawString(25 * mm, y, day)
        pdf.drawString(55 * mm, y, _fit(pdf, what, name, 11, width - 110 * mm))
        pdf.drawRightString(width - 25 * mm, y, figure)
    pdf.setFont(name, 13)
    pdf.drawRightString(width - 25 * mm, 64 * mm, page.town)
    pdf.drawRightString(width - 25 * mm, 56 * mm, _("Issued on %(date)s", date=page.issued_on))
    qr = QrCodeWidget(verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 30 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, pdf, 25 * mm, 25 * mm)
    pdf.setFont(name, 10)
    pdf.drawString(60 * mm, 45 * mm, _("Verification code: %(code)s", code=page.code))
    pdf.drawString(60 * mm, 39 * mm, _("Scan the code or open this address to check it:"))
    pdf.drawString(60 * mm, 33 * mm, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _fit(pdf, text: str, font: str, size: int, width: float) -> str:  # type: ignore[no-untyped-def]
    while text and pdf.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _wrap(pdf, text: str, x: float, y: float, width: float, font: str, size: int,  # type: ignore[no-untyped-def]
          leading: float) -> float:
    """Chinese wraps between any two characters: fill each line to the width."""
    line = ""
    for char in text:
        if pdf.stringWidth(line + char, font, size) > width:
            pdf.drawString(x, y, line)
            y -= leading
            line = char
        else:
            line += char
    if line:
        pdf.drawString(x, y, line)
    return y
