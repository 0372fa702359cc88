#!/usr/bin/env python3
"""Loopback TCP services for the ARM-vs-x86 scan comparison. Each SPEC is
ADDRESS:PORT:KIND with KIND one of
  ftp, ssh, smtp   server-first greeting, then idle
  http             answers the first request with a fixed response naming ADDRESS:PORT
  silent           accepts and says nothing
Prints "ready" on stdout once every socket listens; runs until killed. Binds only to
127.0.0.0/8.

    loopback-services.py SPEC [SPEC ...]
"""
import ipaddress
import selectors
import socket
import sys

GREETINGS = {
    "ftp": b"220 narrowscan-test FTP server ready\r\n",
    "ssh": b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
    "smtp": b"220 mail.narrowscan.test ESMTP ready\r\n",
}


def http_response(address, port):
    body = f"<html><head><title>device {address}:{port}</title></head></html>".encode()
    return (b"HTTP/1.0 200 OK\r\nServer: narrowscan-test/1.0\r\nContent-Type: text/html\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def main():
    selector = selectors.DefaultSelector()
    for spec in sys.argv[1:]:
        address, port, kind = spec.split(":")
        if not ipaddress.ip_address(address).is_loopback:
            sys.exit(f"loopback-services: {address} is not a loopback address")
        if kind not in GREETINGS and kind not in ("http", "silent"):
            sys.exit(f"loopback-services: unknown kind '{kind}' in {spec}")
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, int(port)))
        listener.listen(512)
        listener.setblocking(False)
        selector.register(listener, selectors.EVENT_READ, ("listen", address, int(port), kind))
    print("ready", flush=True)
    while True:
        for key, _ in selector.select():
            role, address, port, kind = key.data
            if role == "listen":
                try:
                    conn, _ = key.fileobj.accept()
                except BlockingIOError:
                    continue
                conn.setblocking(False)
                if kind in GREETINGS:
                    try:
                        conn.send(GREETINGS[kind])
                    except OSError:
                        pass
                selector.register(conn, selectors.EVENT_READ, ("conn", address, port, kind))
                continue
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if data and kind == "http":
                try:
                    key.fileobj.send(http_response(address, port))
                except OSError:
                    pass
                data = b""
            if not data:
                selector.unregister(key.fileobj)
                key.fileobj.close()


if __name__ == "__main__":
    main()
