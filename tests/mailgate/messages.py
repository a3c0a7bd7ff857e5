"""Received mail in the shapes the common clients send, byte for byte as they arrive.

Each builder takes the sender, the Message-ID being answered and the subject, and returns
the raw RFC 5322 bytes: CRLF line ends, real transfer encodings and charsets.
"""

from __future__ import annotations

import base64
import quopri
import uuid

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SCREENSHOT = PNG + b"\x00" * 4096  # big enough to be a pasted screenshot, not a spacer


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("latin-1")


def _qp(text: str, charset: str = "utf-8") -> str:
    return quopri.encodestring(text.replace("\n", "\r\n").encode(charset)).decode("ascii")


def new_id(domain: str = "mail.gmail.com") -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def gmail_reply(sender: str, answering: str, subject: str, text: str, **extra: str) -> bytes:
    """Gmail: multipart/alternative, quoted-printable UTF-8, history under "On … wrote:"."""
    quoted = (
        "On Tue, Nov 24, 2026 at 8:05\u202fAM Contoso Virtualisation Support <\n"
        "support@support.example.com> wrote:\n\n"
        "> -- Write your reply above this line to add it to case 00100001 --\n"
        ">\n> Hello Casey Contact,\n>\n> Please run this on the host:\n>\n"
        ">     xe vm-param-get uuid=<uuid>\n>\n"
    )
    plain = f"{text}\n\n{quoted}"
    html_text = text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
    html = (
        f'<div dir="ltr">{html_text}</div><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">On Tue, Nov 24, 2026 at 8:05 AM Contoso Virtualisation Support '
        "&lt;support@support.example.com&gt; wrote:<br></div><blockquote class="
        '"gmail_quote" style="margin:0px 0px 0px 0.8ex">Hello Casey Contact,<br>Please run '
        "this on the host</blockquote></div>\n"
    )
    boundary = "000000000000a1b2c3d4e5f60718"
    headers = "".join(f"{k.replace('_', '-')}: {v}\n" for k, v in extra.items())
    return _crlf(
        f"""MIME-Version: 1.0
Date: Tue, 24 Nov 2026 17:20:11 +0000
References: {answering}
In-Reply-To: {answering}
Message-ID: {new_id()}
Subject: {subject}
From: Casey Contact <{sender}>
To: Contoso Virtualisation Support <support@support.example.com>
{headers}Content-Type: multipart/alternative; boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{_qp(plain)}
--{boundary}
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{_qp(html)}
--{boundary}--
"""
    )


def outlook_html_only(sender: str, answering: str, subject: str) -> bytes:
    """Outlook: HTML only, Windows-1252, quoted-printable, the history after a
    divRplyFwdMsg "From: … Sent: …" block, Thread-Index, and a script in the body."""
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Windows-1252">'
        '<style type="text/css">p {margin:0;}</style></head><body dir="ltr">'
        '<div style="font-family: Calibri, Arial; font-size: 12pt;">The caf\xe9 host still '
        "drops the VIF after migration. We tried \u201crestart toolstack\u201d \u2013 "
        "no change.</div>"
        "<div>Could you call me? 555 0100</div><script>alert('x')</script>"
        '<hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">'
        "<b>From:</b> Contoso Virtualisation Support &lt;support@support.example.com&gt;<br>"
        "<b>Sent:</b> Tuesday, November 24, 2026 8:05 AM<br><b>To:</b> Casey Contact<br>"
        f"<b>Subject:</b> {subject}</font><div>&nbsp;</div></div>"
        "<div>Hello Casey Contact, please run this on the host</div></body></html>"
    )
    return _crlf(
        f"""From: Casey Contact <{sender}>
To: "support@support.example.com" <support@support.example.com>
Subject: RE: {subject}
Thread-Topic: {subject}
Thread-Index: AQHbPx1f2Ld3mT0vG0+8b3cmTQ2xTw==
Date: Tue, 24 Nov 2026 18:02:44 +0000
Message-ID: {new_id("DM6PR11MB1234.namprd11.prod.outlook.com")}
References: {answering}
In-Reply-To: {answering}
Content-Language: en-US
Content-Type: text/html; charset="Windows-1252"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{quopri.encodestring(html.encode("cp1252")).decode("ascii")}
"""
    )


def apple_mail_with_inline_image(sender: str, answering: str, subject: str) -> bytes:
    """Apple Mail: multipart/alternative whose HTML is multipart/related with a pasted
    screenshot (Content-ID), a text part in format=flowed; delsp=yes, and a log attached."""
    # format=flowed, delsp=yes: soft breaks are a space kept for the line end, then CRLF.
    flowed = (
        "Here is a screenshot of the error dialog and the log from the pool master.  \n"
        "The error started right after we upgraded to 5.0.1 on Monday.\n\n"
        "> On 24 Nov 2026, at 16:05, Contoso Virtualisation Support  \n"
        "> <support@support.example.com> wrote:\n>\n> Hello Casey Contact,\n"
    )
    log = base64.encodebytes(b"Nov 24 08:01:12 xapi: VIF.plug failed: INTERNAL_ERROR\n" * 40)
    shot = base64.encodebytes(SCREENSHOT).decode()
    return _crlf(
        f"""From: Casey Contact <{sender}>
Content-Type: multipart/mixed; boundary="Apple-Mail=_MIXED"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
Subject: Re: {subject}
Date: Tue, 24 Nov 2026 17:44:02 +0100
References: {answering}
In-Reply-To: {answering}
To: Contoso Virtualisation Support <support@support.example.com>
Message-Id: {new_id("icloud.com")}
X-Mailer: Apple Mail (2.3774.600.62)

--Apple-Mail=_MIXED
Content-Type: multipart/alternative; boundary="Apple-Mail=_ALT"

--Apple-Mail=_ALT
Content-Transfer-Encoding: 7bit
Content-Type: text/plain; charset=us-ascii; format=flowed; delsp=yes

{flowed}
--Apple-Mail=_ALT
Content-Type: multipart/related; type="text/html"; boundary="Apple-Mail=_REL"

--Apple-Mail=_REL
Content-Transfer-Encoding: 7bit
Content-Type: text/html; charset=us-ascii

<html><body><div>Here is a screenshot of the error dialog and the log.</div>
<img src="cid:shot@apple" alt="error"></body></html>
--Apple-Mail=_REL
Content-Transfer-Encoding: base64
Content-Disposition: inline; filename="Screenshot 2026-11-24 at 17.40.png"
Content-Type: image/png; name="Screenshot 2026-11-24 at 17.40.png"
Content-Id: <shot@apple>

{shot}
--Apple-Mail=_REL--

--Apple-Mail=_ALT--

--Apple-Mail=_MIXED
Content-Disposition: attachment; filename=xensource.log
Content-Type: text/plain; name="xensource.log"
Content-Transfer-Encoding: base64

{log.decode()}
--Apple-Mail=_MIXED--
"""
    )


def thunderbird_latin1_flowed(sender: str, answering: str, subject: str) -> bytes:
    """Thunderbird: text only, ISO-8859-1 in 8bit, format=flowed (delsp=no)."""
    body = (
        "Bonjour, le r\xe9seau revient apr\xe8s un red\xe9marrage de la VM, mais \n"
        "pas apr\xe8s XenMotion.\n"
        "\n"
        "  # xe vif-list vm-uuid=<uuid>\n"
        "\n"
        "-- \n"
        "Ren\xe9 Dupont, Northwind\n"
    )
    return (
        f"""Message-ID: {new_id("northwind.example.com")}
Date: Tue, 24 Nov 2026 19:12:00 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Re: {subject}
References: {answering}
In-Reply-To: {answering}
From: =?ISO-8859-1?Q?Ren=E9_Dupont?= <{sender}>
To: support@support.example.com
Content-Type: text/plain; charset=ISO-8859-1; format=flowed
Content-Transfer-Encoding: 8bit

""".replace("\n", "\r\n").encode("ascii")
        + body.replace("\n", "\r\n").encode("latin-1")
    )


def base64_plain(sender: str, subject: str, text: str, answering: str = "", **extra: str) -> bytes:
    """A plain message with a base64 UTF-8 body (many mobile clients)."""
    threading = f"In-Reply-To: {answering}\nReferences: {answering}\n" if answering else ""
    headers = "".join(f"{k.replace('_', '-')}: {v}\n" for k, v in extra.items())
    encoded = base64.encodebytes(text.replace("\n", "\r\n").encode("utf-8")).decode()
    return _crlf(
        f"""From: {sender}
To: support@support.example.com
Subject: {subject}
Message-ID: {new_id("phone.example.net")}
Date: Tue, 24 Nov 2026 20:00:00 +0000
{threading}{headers}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{encoded}"""
    )


def with_attachment(sender: str, answering: str, subject: str, filename: str, data: bytes) -> bytes:
    encoded = base64.encodebytes(data).decode()
    return _crlf(
        f"""From: {sender}
To: support@support.example.com
Subject: Re: {subject}
Message-ID: {new_id("example.com")}
In-Reply-To: {answering}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The file is attached.
--b1
Content-Type: application/octet-stream; name="{filename}"
Content-Disposition: attachment; filename="{filename}"
Content-Transfer-Encoding: base64

{encoded}
--b1--
"""
    )


def delivery_failure(answering: str) -> bytes:
    """A mailer-daemon bounce (multipart/report) for a mail the portal sent."""
    return _crlf(
        f"""Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.gold.example.com>
To: support@support.example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: {new_id("mx.gold.example.com")}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="rep"

--rep
Content-Type: text/plain

This is the mail system. Your message could not be delivered.
--rep
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.gold.example.com
Final-Recipient: rfc822; admin@gold.example.com
Action: failed
Status: 5.1.1
--rep
Content-Type: text/rfc822-headers

Message-ID: {answering}
--rep--
"""
    )
