"""Addresses no source is ever fetched from, whatever `[crawler] allow_private_hosts` says.

`allow_private_hosts = true` opens the office's own network to a crawl (an intranet portal, the demo site on
127.0.0.1). It must not open the machine's cloud metadata service (169.254.169.254 and its kin hand out the
server's credentials) or anything else link-local: no news site lives there, and a redirect or a link
pointing there is an attack. Lives in `review` so that the config check and the crawl (`crawler.netguard`)
share one list.
"""

from __future__ import annotations

import ipaddress
import re
import socket

# metadata services outside the link-local ranges (169.254.169.254, Azure's and GCP's too, is link-local already)
METADATA_ADDRESSES = frozenset({
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("192.0.0.192"),  # Oracle Cloud (older instances)
})
_NUMERIC_IPV4 = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)


def is_never_fetched(address: str) -> bool:
    """True for a link-local address (169.254.0.0/16, fe80::/10, also written ::ffff:169.254.x.y) or a known
    cloud metadata address. Not an address at all: False (that is the private-address check's case)."""
    try:
        addr = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_link_local or addr in METADATA_ADDRESSES


def host_address(host: str) -> str | None:
    """The address `host` stands for without asking DNS: an IP address as written in a URL, or one of the
    numeric IPv4 spellings resolvers accept (2852039166, 0xA9FEA9FE, 0251.254.169.254, 169.254.43518).
    None for a name."""
    host = host.strip("[]").rstrip(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _NUMERIC_IPV4.match(host):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host))  # the C library's parser, the one resolvers use
    except OSError:
        return None


def never_fetched_reason(host: str, address: str) -> str:
    """Why `host` (which is or resolves to `address`) is refused, in one Vietnamese line."""
    what = f"{host} là địa chỉ" if host.strip("[]") == address else f"{host} trỏ tới {address}, địa chỉ"
    return (f"{what} link-local hoặc dịch vụ siêu dữ liệu của máy chủ đám mây: không nguồn tin nào ở đó, "
            "canhgac không bao giờ truy cập (kể cả khi [crawler] allow_private_hosts = true)")
