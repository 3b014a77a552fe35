#!/usr/bin/env python3
"""TCP traffic for tests/scenario/tcpdump-captures.sh, one connection per case.

usage: traffic.py serve CASE PORT READYFILE
       traffic.py connect CASE HOST PORT [GOFILE]

Run each side in its own network namespace (ip netns exec). The server
writes READYFILE once it listens. Cases:

  transfer    the client sends 200 kB, shuts down its side; the server
              answers "ok" and closes: a transfer, then a graceful close
  abort       the client sends 1 kB; the server reads it and closes with
              SO_LINGER {1, 0}: an abortive close, a RST
  keepalive   after a greeting the client turns keepalive on (idle 1 s,
              interval 1 s, 3 probes), prints "keepalive-on" and waits; the
              test silences the server (nftables) after two answered probes:
              three go unanswered and Linux resets
  silent-one  after a greeting the client prints "greeted" and waits for
              GOFILE (the test silences the server, then writes it), then sends one byte with TCP_USER_TIMEOUT 3000:
              the byte is retransmitted with backoff until the timeout
  silent-data the same with 8 kB: data retransmitted until the timeout
  silent-fin  the same with a FIN (shutdown): the FIN retransmitted
  silent-syn  the test silences the server first: the SYN retransmitted
              until the client gives up after 3.5 s
  zero-window the server (small receive buffer) does not read for 3 s, then
              reads everything; the client writes 256 kB meanwhile: the
              window closes, Linux probes it, then it opens

Every wait is bounded; the whole program gives up after 20 s (SIGALRM).
"""

import os
import signal
import socket
import struct
import sys
import time

LIMIT_S = 20


def wait_for(path, timeout):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit("traffic: %s did not appear in %.0f s" % (path, timeout))
        time.sleep(0.05)


def read_all(conn, limit=1 << 24):
    got = 0
    while got < limit:
        b = conn.recv(65536)
        if not b:
            break
        got += len(b)
    return got


def serve(case, port, ready):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if case == "zero-window":
        # inherited by the accepted socket: a small window that fills fast
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    ls.settimeout(10)
    with open(ready + ".tmp", "w"):
        pass
    os.rename(ready + ".tmp", ready)
    conn, _ = ls.accept()
    conn.settimeout(15)
    if case == "transfer":
        n = read_all(conn)
        conn.sendall(b"ok %d\n" % n)
        conn.close()
    elif case == "abort":
        conn.recv(1000)
        time.sleep(0.2)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
    elif case in ("keepalive", "silent-one", "silent-data", "silent-fin"):
        conn.recv(100)
        conn.sendall(b"hi\n")
        # silenced from outside; wait for the client to give up
        try:
            read_all(conn)
        except OSError:
            pass
        conn.close()
    elif case == "zero-window":
        time.sleep(3)
        read_all(conn)
        conn.close()
    else:
        raise SystemExit("traffic: unknown case %s" % case)


def connect(case, host, port, go):
    if case == "silent-syn":
        try:
            socket.create_connection((host, port), timeout=3.5)
            print("connected")
        except OSError as e:
            print("connect gave up: %s" % (e.strerror or e))
        return
    c = socket.create_connection((host, port), timeout=5)
    c.settimeout(15)
    if case == "transfer":
        c.sendall(b"x" * 200000)
        c.shutdown(socket.SHUT_WR)
        print(c.recv(100).decode().strip())
        c.recv(100)          # EOF
        c.close()
    elif case == "abort":
        c.sendall(b"a" * 1000)
        try:
            c.recv(100)
            time.sleep(0.3)
            c.send(b"late")
            c.recv(100)
        except ConnectionResetError:
            print("reset")
        c.close()
    elif case == "keepalive":
        c.sendall(b"hello\n")
        c.recv(100)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        print("keepalive-on", flush=True)
        try:
            c.recv(100)
            print("no timeout")
        except OSError as e:
            # ETIMEDOUT is a TimeoutError too (3.10+), as is the socket's
            # own timeout, which has no errno
            print("keepalive gave up: %s" % e.strerror if e.errno else
                  "no timeout (socket timeout)")
        c.close()
    elif case in ("silent-one", "silent-data", "silent-fin"):
        c.sendall(b"hello\n")
        c.recv(100)
        print("greeted", flush=True)
        wait_for(go, 10)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 3000)
        if case == "silent-fin":
            c.shutdown(socket.SHUT_WR)
        else:
            c.send(b"1" if case == "silent-one" else b"d" * 8192)
        try:
            c.recv(100)
            print("no timeout")
        except OSError as e:
            print("user timeout: %s" % e.strerror if e.errno else
                  "no timeout (socket timeout)")
        c.close()
    elif case == "zero-window":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        c.sendall(b"z" * 262144)
        c.shutdown(socket.SHUT_WR)
        c.recv(100)          # EOF
        c.close()
    else:
        raise SystemExit("traffic: unknown case %s" % case)


def main():
    signal.alarm(LIMIT_S)
    a = sys.argv[1:]
    if len(a) == 4 and a[0] == "serve":
        serve(a[1], int(a[2]), a[3])
    elif len(a) in (4, 5) and a[0] == "connect":
        connect(a[1], a[2], int(a[3]), a[4] if len(a) == 5 else None)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
