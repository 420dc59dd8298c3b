"""Public tracking by ticket number + the phone's last 4 digits, for the API and the H5 page.

Ticket numbers are sequential and listed by the public Open311 feed, so the ticket is
no secret: the four digits are the whole proof. Two limits in the shared throttle
(``core.throttle``) keep them from being guessed: lookups per IP, and **wrong digits
per ticket** — after ``TICKET_FAILURES`` wrong tries the ticket is locked for an hour
from every IP, so spreading guesses over many addresses does not help. The lock
applies to any ticket string, existing or not, so it tells nothing about existence.
"""

from django.utils.translation import gettext as _

from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.core import throttle

TRACK_LIMIT = 20  # lookups per IP per 10 minutes
TICKET_FAILURES = 5  # wrong digits per ticket per hour
IP_LIMIT = throttle.Limit("track_ip", TRACK_LIMIT, 600)
TICKET_LIMIT = throttle.Limit("track_ticket", TICKET_FAILURES, 3600)


def throttle_ip(ip: str | None) -> None:
    """Count a lookup from ``ip``; raise ``Throttled`` past the limit."""
    throttle.check(
        IP_LIMIT, ip or "?", message=_("查询过于频繁，请10分钟后再试。"), code="track_throttled"
    )


def look_up(ticket_no: str, phone_last4: str, *, ip: str | None) -> Appeal | None:
    """Return the appeal when the ticket and the last 4 digits match, else None.

    Raises ``Throttled`` when the IP is over its limit or the ticket is locked. A wrong
    pair counts against the ticket; a match clears its count.
    """
    throttle_ip(ip)
    ticket = (ticket_no or "").strip()[:30]
    throttle.refuse_if_exceeded(
        TICKET_LIMIT,
        ticket,
        message=_(
            "该工单的手机号后四位输错次数过多，已暂停查询1小时。"
            "您也可以用手机号登录后在“我的诉求”中查看。"
        ),
        code="track_locked",
    )
    appeal = services.find_for_tracking(ticket, phone_last4)
    if appeal is None:
        throttle.hit(TICKET_LIMIT, ticket)
        return None
    throttle.clear(TICKET_LIMIT, ticket)
    return appeal
