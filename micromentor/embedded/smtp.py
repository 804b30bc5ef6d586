"""A development SMTP server that keeps every message as an .eml file."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from micromentor.embedded.ports import ensure_free


class MailFolder:
    """aiosmtpd handler: one file per message and recipient, named for arrival order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, _server, _session, envelope: SmtpEnvelope) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode()
        # Nanoseconds first, so names sort in arrival order.
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(content)
        temporary.rename(self.folder / name)
        return "250 Message accepted for delivery"


class EmbeddedSmtp:
    def __init__(self, *, port: int, mail_dir: Path) -> None:
        self.port = port
        self.mail_dir = mail_dir
        self._controller: Controller | None = None

    def start(self) -> None:
        ensure_free(self.port, "SMTP server", "--smtp-port")
        self._controller = Controller(
            MailFolder(self.mail_dir), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[Path]:
        return sorted(self.mail_dir.glob("*.eml"))
