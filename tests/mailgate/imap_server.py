"""A real IMAP server for the tests: Debian's dovecot-imapd on a free port, with a temporary
mailbox and one user, started and stopped by the test (no system service involved)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def available() -> bool:
    return Path(DOVECOT).exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DovecotServer:
    """``start()`` it, put mail in with ``deliver(raw)``, ``stop()`` it."""

    def __init__(self, username: str = "support", password: str = "s3cret") -> None:
        # Its own folder, open to dovecot's unprivileged auth and mail processes (a pytest
        # temporary folder is private to us); removed by stop().
        self.folder = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
        self.folder.chmod(0o755)
        self.username = username
        self.password = password
        self.host = "127.0.0.1"
        self.port = _free_port()
        self._pid_file = self.folder / "run" / "master.pid"

    def _config(self) -> str:
        root = os.geteuid() == 0
        # As root, mail is owned by nobody (dovecot refuses uid 0); otherwise by ourselves.
        owner = pwd.getpwnam("nobody") if root else pwd.getpwuid(os.geteuid())
        mail = self.folder / "mail"
        mail.mkdir(parents=True, exist_ok=True)
        os.chown(mail, owner.pw_uid, owner.pw_gid)
        (self.folder / "passwd").write_text(f"{self.username}:{{PLAIN}}{self.password}::::::\n")
        users = (
            ""
            if root
            else (
                f"default_internal_user = {owner.pw_name}\ndefault_login_user = {owner.pw_name}\n"
            )
        )
        return f"""
base_dir = {self.folder}/run
state_dir = {self.folder}/run
{users}listen = {self.host}
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {self.folder}/dovecot.log
mail_location = maildir:{mail}/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.folder}/passwd
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""

    def start(self) -> None:
        (self.folder / "run").mkdir(parents=True, exist_ok=True)
        config = self.folder / "dovecot.conf"
        config.write_text(self._config())
        subprocess.run([DOVECOT, "-c", str(config)], check=True, timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def stop(self) -> None:
        if self._pid_file.exists():
            pid = int(self._pid_file.read_text().split()[0])
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._pid_file.exists():
                time.sleep(0.05)
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def _client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port)
        client.login(self.username, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox (IMAP APPEND), unseen, as an MTA's delivery would."""
        client = self._client()
        try:
            if folder != "INBOX":
                client.create(folder)
            client.append(folder, None, None, raw)
        finally:
            client.logout()

    def unseen(self, folder: str = "INBOX") -> int:
        client = self._client()
        try:
            client.select(folder)
            _, data = client.search(None, "UNSEEN")
            return len(data[0].split())
        finally:
            client.logout()
