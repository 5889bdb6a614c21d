#!/usr/bin/env python3
"""The parts of bench/mail.sh that wrk cannot do: each prints one JSON line (or a number).

    mail_drive.py mailgate LABEL PARALLEL DIR BIN URL TOKEN_FILE
        pipes every DIR/*.eml into its own `BIN mailgate` process, PARALLEL at a time, as
        an MTA's pipe transport does; a result line with mails/s and per-mail latencies
    mail_drive.py post PARALLEL DIR URL TOKEN
        posts every DIR/*.eml to URL/api/v1/inbound/mail over PARALLEL keep-alive
        connections; prints {"seconds": ..., "statuses": {...}}
    mail_drive.py imap-append URL USER PASSWORD DIR
        appends every DIR/*.eml to USER's INBOX; prints the count
    mail_drive.py wait-count DB SQL N TIMEOUT_SECONDS [GLOB]
        polls SQLite file DB every 20 ms until SQL's count reaches N (or, with GLOB, until
        that many files match GLOB); prints the seconds waited and the count reached
"""

import concurrent.futures
import glob
import http.client
import imaplib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse


def mails(directory):
    return sorted(glob.glob(os.path.join(directory, "*.eml")))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else None


def mailgate(label, parallel, directory, binary, url, token_file):
    def one(path):
        started = time.monotonic()
        with open(path, "rb") as f:
            code = subprocess.run([binary, "mailgate", "--url", url, "--token-file", token_file], stdin=f,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        return code, (time.monotonic() - started) * 1000

    files = mails(directory)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        done = list(pool.map(one, files))
    seconds = time.monotonic() - started
    latencies = [ms for _, ms in done]
    failed = sum(1 for code, _ in done if code != 0)
    print(json.dumps({"scenario": label, "connections": parallel, "requests": len(files), "seconds": round(seconds, 3),
                      "requests_per_s": round(len(files) / seconds, 1), "p50_ms": percentile(latencies, 50),
                      "p95_ms": percentile(latencies, 95), "p99_ms": percentile(latencies, 99),
                      "max_ms": max(latencies), "errors": {"exit_status": failed}}))


def post(parallel, directory, url, token):
    target = urllib.parse.urlsplit(url)
    files = mails(directory)
    statuses = {}
    lock = threading.Lock()
    next_file = iter(files)

    def worker():
        connection = http.client.HTTPConnection(target.hostname, target.port)
        headers = {"Authorization": "Bearer " + token, "Content-Type": "message/rfc822"}
        while True:
            with lock:
                path = next(next_file, None)
            if path is None:
                return
            with open(path, "rb") as f:
                connection.request("POST", "/api/v1/inbound/mail", f.read(), headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"seconds": round(time.monotonic() - started, 3), "statuses": statuses}))


def imap_append(url, user, password, directory):
    target = urllib.parse.urlsplit(url)
    imap = imaplib.IMAP4(target.hostname, target.port)
    imap.login(user, password)
    files = mails(directory)
    for path in files:
        with open(path, "rb") as f:
            status, answer = imap.append("INBOX", None, None, f.read())
        if status != "OK":
            sys.exit("APPEND {}: {}".format(path, answer))
    imap.logout()
    print(len(files))


def wait_count(db, sql, n, timeout, pattern=None):
    started = time.monotonic()
    count = 0
    while time.monotonic() - started < timeout:
        if pattern:
            count = len(glob.glob(pattern))
        elif os.path.exists(db):
            try:
                with sqlite3.connect("file:{}?mode=ro".format(db), uri=True, timeout=1) as c:
                    count = c.execute(sql).fetchone()[0]
            except sqlite3.Error:
                pass  # not migrated yet, or locked for a moment
        if count >= n:
            break
        time.sleep(0.02)
    print("{:.3f} {}".format(time.monotonic() - started, count))


def main(argv):
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "mailgate" and len(args) == 6:
        mailgate(args[0], int(args[1]), *args[2:])
    elif command == "post" and len(args) == 4:
        post(int(args[0]), *args[1:])
    elif command == "imap-append" and len(args) == 4:
        imap_append(*args)
    elif command == "wait-count" and len(args) in (4, 5):
        wait_count(args[0], args[1], int(args[2]), float(args[3]), args[4] if len(args) == 5 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
