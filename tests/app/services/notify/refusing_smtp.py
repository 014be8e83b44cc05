"""An aiosmtpd handler for tests, run in its own `python -m aiosmtpd` process: it refuses
``nobody@…`` for good (550 user unknown), ``busy@…`` for now (450), and keeps the rest in a
Maildir like `aiosmtpd.handlers.Mailbox`."""

from __future__ import annotations

from typing import Any

from aiosmtpd.handlers import Mailbox


class RefusingMailbox(Mailbox):
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address.startswith("nobody@"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("busy@"):
            return f"450 4.2.1 <{address}>: Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
