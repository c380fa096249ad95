"""The embedded default's mail server: sent mail is kept in the database.

An operator reads it in the admin (subject, recipient, both bodies, headers);
set EMAIL_URL to send through a real SMTP server instead.
"""

from email import policy
from email.parser import BytesParser

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from newsdesk.newsletter.models import OutboxMessage

        sent = 0
        for message in email_messages:
            raw = message.message().as_bytes()
            parsed = BytesParser(policy=policy.default).parsebytes(raw)
            text = parsed.get_body(preferencelist=("plain",))
            html = parsed.get_body(preferencelist=("html",))
            OutboxMessage.objects.create(
                to=", ".join(message.recipients()),
                from_email=message.from_email,
                subject=str(parsed["Subject"] or ""),
                text_body=text.get_content() if text else "",
                html_body=html.get_content() if html else "",
                headers={k: str(v) for k, v in parsed.items()},
                message_id=str(parsed["Message-ID"] or ""),
                raw=raw.decode("utf-8", errors="replace"),
            )
            sent += 1
        return sent
