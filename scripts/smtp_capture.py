#!/usr/bin/python3
"""An SMTP server for tests that keeps every message it accepts, as files.

    /usr/bin/python3 scripts/smtp_capture.py DIR

Run by scripts/smtp-capture-server.sh (start/stop); it needs Debian's python3-aiosmtpd, which
installs for /usr/bin/python3 only. It listens on 127.0.0.1 on a port the kernel picks and
writes that port to DIR/port once it accepts connections.

Each accepted message N (1, 2, ... in arrival order) becomes:
    DIR/messages/N.json  {"mail_from": ..., "rcpt_tos": [...], "mail_options": [...],
                          "rcpt_options": [...], "helo": ..., "peer": ...}
                         (mail_from is "" for the null sender, MAIL FROM:<>)
    DIR/messages/N.eml   the DATA bytes exactly as received (dot-stuffing undone)
Both are written to a temporary name and renamed, the .json first: a reader that sees N.eml
can read N.json.

A mode file, read at every MAIL FROM, RCPT TO and end of DATA, lets a test simulate a bad day:
    accept       (or no file) take everything
    tempfail     451 to MAIL FROM: try again later
    reject       550 to every RCPT TO: refused for good
    tempfail-data / reject-data   451 / 554 after the message was sent
DIR/modes/SENDER (the envelope sender, see mode_file_name) applies to mail from that sender
only, and wins over DIR/mode, which applies to all mail. Tests that run in parallel share
one server: each uses a sender of its own and sets the mode for that sender.
No STARTTLS is offered: clients that only try TLS go on in plain text.
"""

import asyncio
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP

MAX_MESSAGE_BYTES = 64 << 20


def sender_of(address):
    """aiosmtpd strips an address's brackets but keeps the null sender as "<>" (and needs
    it so: an empty mail_from means "no MAIL command yet")."""
    return "" if address == "<>" else address


def mode_file_name(sender):
    """The file name under DIR/modes/ for an envelope sender: lower-cased, with characters
    other than letters, digits and @._+- made "_"; the null sender <> is "null-sender"."""
    if not sender:
        return "null-sender"
    return "".join(c if c.isascii() and (c.isalnum() or c in "@._+-") else "_" for c in sender.lower())


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Capture:
    def __init__(self, directory):
        self.directory = directory
        self.messages = os.path.join(directory, "messages")
        os.makedirs(self.messages, exist_ok=True)
        # Go on numbering after messages kept by an earlier run on the same DIR.
        numbers = [int(n.split(".")[0]) for n in os.listdir(self.messages)
                   if n.endswith(".eml") and n.split(".")[0].isdigit()]
        self.count = max(numbers, default=0)

    def mode(self, sender):
        for path in (os.path.join(self.directory, "modes", mode_file_name(sender)),
                     os.path.join(self.directory, "mode")):
            try:
                with open(path) as f:
                    return f.read().strip() or "accept"
            except FileNotFoundError:
                pass
        return "accept"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mode(sender_of(address)) == "tempfail":
            return "451 4.3.0 Capture server in tempfail mode, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode(sender_of(envelope.mail_from)) == "reject":
            return f"550 5.1.1 <{address}>: recipient rejected (capture server in reject mode)"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode(sender_of(envelope.mail_from))
        if mode == "tempfail-data":
            return "451 4.3.0 Capture server in tempfail-data mode, try again later"
        if mode == "reject-data":
            return "554 5.6.0 Message rejected (capture server in reject-data mode)"
        self.count += 1
        base = os.path.join(self.messages, str(self.count))
        meta = {
            "mail_from": sender_of(envelope.mail_from),
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "rcpt_options": envelope.rcpt_options,
            "helo": session.host_name,
            "peer": list(session.peer) if session.peer else None,
        }
        write_atomically(base + ".json", json.dumps(meta, indent=1).encode())
        write_atomically(base + ".eml", envelope.original_content)
        return f"250 OK: kept as {self.count}.eml"


async def serve(directory):
    handler = Capture(directory)
    loop = asyncio.get_running_loop()
    # A fixed hostname: the default asks DNS for the FQDN, which can stall without a network.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="capture.test", enable_SMTPUTF8=True,
                     data_size_limit=MAX_MESSAGE_BYTES),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    write_atomically(os.path.join(directory, "port"), f"{port}\n".encode())
    print(f"smtp_capture: listening on 127.0.0.1:{port}, keeping mail in {handler.messages}",
          flush=True)

    stopped = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stopped.done() or stopped.set_result(None))
    await stopped
    server.close()
    await server.wait_closed()


def main():
    if len(sys.argv) != 2:
        print("usage: smtp_capture.py DIR", file=sys.stderr)
        return 2
    asyncio.run(serve(os.path.abspath(sys.argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
