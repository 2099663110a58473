"""Where a webhook may point (SSRF): checked when it is registered and again, on a fresh DNS
answer, at every delivery, which then connects to exactly the address that was checked (no DNS
rebinding between the check and the connection) and never follows a redirect.

Refused: any scheme but https (http only with `WEBHOOK_ALLOW_HTTP`), user:password@ in the URL, a
host outside `WEBHOOK_ALLOWED_HOSTS` when that list is set, an IP literal in a non-canonical form
(`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`), and any address that is not public — loopback,
private, link-local (169.254.0.0/16, fe80::/10: cloud metadata), multicast, reserved, unspecified,
IPv4-mapped/6to4 forms of those — unless it lies in a network named in `WEBHOOK_ALLOWED_NETWORKS`
(for a receiver on the agency's own network, named on purpose by the operator).
"""
from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Resolve = Callable[[str, int], list[str]]
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?$", re.I)


class RefusedUrl(ValueError):
    """A webhook URL that may not be called, with the reason in Chinese."""


def system_resolve(host: str, port: int) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


@dataclass(frozen=True, slots=True)
class Policy:
    allow_http: bool = False
    allowed_hosts: tuple[str, ...] = ()
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    resolve: Resolve = field(default=system_resolve)

    @classmethod
    def from_config(cls, config, resolve: Resolve | None = None) -> Policy:
        hosts = tuple(h.strip().lower() for h in str(config.get("WEBHOOK_ALLOWED_HOSTS") or "").split(",") if h.strip())
        nets = tuple(ipaddress.ip_network(n.strip(), strict=False)
                     for n in str(config.get("WEBHOOK_ALLOWED_NETWORKS") or "").split(",") if n.strip())
        return cls(bool(config.get("WEBHOOK_ALLOW_HTTP")), hosts, nets, resolve or system_resolve)


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str          # the checked IP the delivery connects to


def _public(address: str, allowed: Sequence) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in net for net in allowed):
        return True
    inner = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if inner is not None and not _public(str(inner), allowed):
        return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved and not ip.is_unspecified


def check(url: str, policy: Policy) -> Target:
    """The target of `url` if the policy lets it be called now (a fresh DNS answer); else RefusedUrl."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedUrl("地址格式不正确") from None
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not policy.allow_http):
        raise RefusedUrl("Webhook 地址须为 https（http 须由管理员设置 SCREENING_WEBHOOK_ALLOW_HTTP 开启）")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise RefusedUrl("Webhook 地址不得包含用户名或密码")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise RefusedUrl("Webhook 地址缺少主机名")
    if policy.allowed_hosts and host not in policy.allowed_hosts:
        raise RefusedUrl(f"主机 {host} 不在允许的 Webhook 主机名单中")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
        if _NUMERIC_HOST.match(host):
            raise RefusedUrl("Webhook 地址不得使用数字编码的 IP 地址") from None
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [str(literal)] if literal is not None else policy.resolve(host, port)
    except (OSError, UnicodeError):
        raise RefusedUrl(f"无法解析主机 {host}") from None
    if not addresses:
        raise RefusedUrl(f"无法解析主机 {host}")
    bad = [a for a in addresses if not _public(a, policy.allowed_networks)]
    if bad:
        raise RefusedUrl(f"Webhook 地址指向内部、回环、链路本地或组播地址（{bad[0]}），不予调用")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses[0])


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)   # certificate of the name


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST to the checked address (Host and TLS name: the URL's host); the status, no redirects."""
    conn = (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()
