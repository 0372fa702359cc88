#!/usr/bin/env python3
"""A minimal DNS server for the static-resolution test: answers A queries for the
names given on the command line, NXDOMAIN for everything else, logs each query
name (one a line) to LOG. Binds only to the loopback address it is given.

    dns-responder.py 127.A.B.C LOG NAME=IPV4 [NAME=IPV4 ...]
"""
import ipaddress
import socket
import struct
import sys


def parse_question(packet):
    labels, pos = [], 12
    while packet[pos] != 0:
        length = packet[pos]
        labels.append(packet[pos + 1:pos + 1 + length].decode("ascii").lower())
        pos += 1 + length
    qtype, qclass = struct.unpack("!HH", packet[pos + 1:pos + 5])
    return ".".join(labels), qtype, pos + 5


def main():
    address, log_path = sys.argv[1], sys.argv[2]
    if not ipaddress.ip_address(address).is_loopback:
        sys.exit(f"dns-responder: {address} is not a loopback address")
    names = dict(arg.lower().split("=", 1) for arg in sys.argv[3:])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, 53))
    with open(log_path, "a", buffering=1) as log:
        while True:
            packet, peer = sock.recvfrom(512)
            if len(packet) < 17:
                continue
            try:
                name, qtype, end = parse_question(packet)
            except (IndexError, UnicodeDecodeError, struct.error):
                continue
            log.write(f"{name} {qtype}\n")
            known = name in names
            answers = b""
            if known and qtype == 1:  # A
                answers = (b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) +
                           ipaddress.IPv4Address(names[name]).packed)
            flags = 0x8180 if known else 0x8183  # response, RD, RA; rcode NXDOMAIN if unknown
            header = struct.pack("!HHHHHH", struct.unpack("!H", packet[:2])[0], flags, 1,
                                 1 if answers else 0, 0, 0)
            sock.sendto(header + packet[12:end] + answers, peer)


if __name__ == "__main__":
    main()
