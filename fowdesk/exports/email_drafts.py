"""Draft e-mails as .eml files: the PMO opens each in Outlook, reads it and presses Send.

fowdesk never sends mail. A message with the header ``X-Unsent: 1`` opens in
Outlook as a new message ready to send (not as a received one); other mail
programs open it as a message to forward or save. The text is plain, in
quoted-printable so no line is too long for a mail server; the attachment
keeps its name (RFC 2231 when it is not ASCII).
"""

from __future__ import annotations

from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from fowdesk.exports.files import write_bytes_atomically

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
#: Mail files use CRLF line ends; Outlook reads them either way, some tools only these.
_POLICY = policy.default.clone(linesep="\r\n")


def draft_message(
    *,
    to_name: str,
    to_address: str,
    subject: str,
    body: str,
    attachment: bytes,
    attachment_name: str,
) -> EmailMessage:
    """An unsent message to one person (``To`` left empty when there is no address)."""
    message = EmailMessage()
    if to_address:
        message["To"] = Address(display_name=to_name, addr_spec=to_address)
    else:
        message["To"] = ""
    message["Subject"] = subject
    message["X-Unsent"] = "1"
    message.set_content(body, cte="quoted-printable")
    maintype, subtype = XLSX_TYPE
    message.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=attachment_name)
    return message


def write_draft(path: Path, message: EmailMessage) -> Path:
    """Write the message as an .eml file, atomically."""
    return write_bytes_atomically(path, message.as_bytes(policy=_POLICY))
