#!/usr/bin/env python3
"""What bench/memory.sh reads from a running `redress serve`, and its start-up time.

    proc_probe.py rss PID                  prints VmRSS and VmHWM of PID, in kB
    proc_probe.py sample PID SECONDS       samples VmRSS every 50 ms for SECONDS; prints the max (kB)
    proc_probe.py start-time N BIN ARGS... starts `BIN ARGS... --listen 127.0.0.1:PORT` N times
                                           (a free PORT each time) and times each from the exec
                                           to the first 200 from GET /healthz; prints JSON

The start-up probe is Python rather than curl in a shell loop: a new curl process per try
costs a few milliseconds, which is the order of what is measured. Here a try is a connect
and a GET on a raw socket, repeated every millisecond.
"""

import json
import signal
import socket
import statistics
import subprocess
import sys
import time


def status(pid):
    fields = {}
    with open("/proc/{}/status".format(pid)) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields


def sample(pid, seconds):
    peak = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            peak = max(peak, status(pid)["VmRSS"])
        except (OSError, KeyError):
            break  # the process ended
        time.sleep(0.05)
    return peak


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def start_time(n, command):
    times = []
    for _ in range(n):
        port = free_port()
        started = time.monotonic()
        process = subprocess.Popen(command + ["--listen", "127.0.0.1:{}".format(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not healthy(port):
            if process.poll() is not None or time.monotonic() - started > 30:
                sys.exit("the server did not answer /healthz (exit status {})".format(process.poll()))
            time.sleep(0.001)
        times.append((time.monotonic() - started) * 1000)
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    return {"starts": n, "ms": [round(t, 1) for t in times], "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1)}


def main(argv):
    if len(argv) == 2 and argv[0] == "rss":
        s = status(int(argv[1]))
        print(s["VmRSS"], s["VmHWM"])
    elif len(argv) == 3 and argv[0] == "sample":
        print(sample(int(argv[1]), float(argv[2])))
    elif len(argv) >= 3 and argv[0] == "start-time":
        print(json.dumps(start_time(int(argv[1]), argv[2:])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
