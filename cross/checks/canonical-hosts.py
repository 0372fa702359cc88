#!/usr/bin/env python3
"""Prints hosts JSONL (the probe's `scan --hosts` output) in a canonical form so two
scans can be compared with diff: hosts sorted by address, ports and banners sorted,
keys sorted. Reads FILE, writes stdout.

    canonical-hosts.py FILE
"""
import ipaddress
import json
import sys


def main():
    hosts = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                host = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{sys.argv[1]}:{number}: not JSON: {e}")
            host["open_ports"] = sorted(host.get("open_ports", []))
            host["banners"] = sorted(host.get("banners", []), key=lambda b: json.dumps(b, sort_keys=True))
            hosts.append(host)
    hosts.sort(key=lambda h: ipaddress.ip_address(h["ip"]))
    for host in hosts:
        if "--services" in sys.argv[2:]:
            for port in host["open_ports"]:
                print(f"{host['ip']}:{port}")
        else:
            print(json.dumps(host, sort_keys=True))


if __name__ == "__main__":
    main()
