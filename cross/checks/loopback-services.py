#!/usr/bin/env python3
"""Loopback TCP services for the ARM-vs-x86 scan comparison. Each SPEC is
ADDRESS:PORT:KIND with KIND one of
  ftp, ssh, smtp   server-first greeting, then idle
  http             answers the first request with a fixed response naming ADDRESS:PORT
  silent           accepts and says nothing
  tls-rsa          TLS (Python's ssl, i.e. OpenSSL, with its default server settings)
  tls-ecdsa        with a self-signed RSA-2048 or ECDSA P-256 certificate (made with
                   the openssl command at start), then the http answer
Prints "ready" on stdout once every socket listens; runs until killed. Binds only to
127.0.0.0/8.

    loopback-services.py SPEC [SPEC ...]
"""
import ipaddress
import os
import selectors
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

GREETINGS = {
    "ftp": b"220 narrowscan-test FTP server ready\r\n",
    "ssh": b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
    "smtp": b"220 mail.narrowscan.test ESMTP ready\r\n",
}


def http_response(address, port):
    body = f"<html><head><title>device {address}:{port}</title></head></html>".encode()
    return (b"HTTP/1.0 200 OK\r\nServer: narrowscan-test/1.0\r\nContent-Type: text/html\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


TLS_KEYS = {
    "tls-rsa": ["-newkey", "rsa:2048"],
    "tls-ecdsa": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
}


def tls_context(kind, folder):
    """A server context with a fresh self-signed certificate of the kind's key type."""
    cert, key = os.path.join(folder, kind + ".crt"), os.path.join(folder, kind + ".key")
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "2", "-subj",
                    f"/CN={kind}.narrowscan.test/O=narrowscan test", "-keyout", key, "-out", cert]
                   + TLS_KEYS[kind], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def serve_tls(listener, context, address, port):
    """Blocking accept loop of one TLS listener (a thread): handshake, then http."""
    while True:
        conn, _ = listener.accept()
        conn.settimeout(10)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                if tls.recv(4096):
                    tls.sendall(http_response(address, port))
        except (OSError, ssl.SSLError):
            conn.close()


def main():
    # Killed with SIGTERM: exit normally so the certificate folder is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    selector = selectors.DefaultSelector()
    tls_folder = tempfile.TemporaryDirectory(prefix="narrowscan-loopback-tls.")
    contexts = {}
    for spec in sys.argv[1:]:
        address, port, kind = spec.split(":")
        if not ipaddress.ip_address(address).is_loopback:
            sys.exit(f"loopback-services: {address} is not a loopback address")
        if kind not in GREETINGS and kind not in TLS_KEYS and kind not in ("http", "silent"):
            sys.exit(f"loopback-services: unknown kind '{kind}' in {spec}")
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, int(port)))
        listener.listen(512)
        if kind in TLS_KEYS:
            if kind not in contexts:
                contexts[kind] = tls_context(kind, tls_folder.name)
            threading.Thread(target=serve_tls, args=(listener, contexts[kind], address, int(port)),
                             daemon=True).start()
            continue
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
