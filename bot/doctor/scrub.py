"""Replace every address, domain, name, token, IP and subject in a JSON body by a placeholder.

The same value always gets the same placeholder within one recording (one Placeholders), so
a recording keeps its relations (the mailbox listed is the mailbox read) without the data.
Placeholders keep each value's JSON type and format (an address stays an address). Pure.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from bot.qboxmail.contract import DOMAIN_NAME, UUID4

SECRET_KEYS = re.compile(r"(?i)(token|secret|password|passwd|authorization|api[_-]?key)")
NAME_KEYS = frozenset(
    {"name", "username", "user", "account", "description", "label", "customer_fullname",
     "customer_name", "fullname", "first_name", "last_name", "display_name", "contact"}
)  # fmt: skip
SUBJECT_KEYS = frozenset({"subject"})
MIN_KNOWN = 4  # shorter known names are not searched for in free text
KEPT_DOMAINS = ("qboxmail.com", "qboxmail.it")  # Qboxmail's own hosts are not customer data
_LOCAL = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
_V4 = r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\d.])"
_V6 = r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:/\d{1,3})?(?![\w:])"
_PATTERN = re.compile(
    rf"(?P<email>{_LOCAL}@{DOMAIN_NAME})|(?P<ip>{_V4}|{_V6})|(?P<domain>(?<![\w.-]){DOMAIN_NAME})",
    re.IGNORECASE,
)
_UUID = re.compile(rf"^{UUID4}$", re.IGNORECASE)
_WHOLE_DOMAIN = re.compile(rf"^{DOMAIN_NAME}$", re.IGNORECASE)


@dataclass
class Placeholders:
    """One recording's mapping from original values to placeholders, by kind."""

    secrets: tuple[str, ...] = ()  # known secret values (the API token), replaced anywhere
    _maps: dict[str, dict[str, str]] = field(default_factory=dict)

    def _get(self, kind: str, original: str, make: str) -> str:
        table = self._maps.setdefault(kind, {})
        if original not in table:
            table[original] = make.format(n=len(table) + 1)
        return table[original]

    def domain(self, name: str) -> str:
        lowered = name.lower()
        if any(lowered == d or lowered.endswith("." + d) for d in KEPT_DOMAINS):
            return name
        return self._get("domain", lowered, "domain-{n}.example")

    def address(self, text: str) -> str:
        local, _, domain = text.rpartition("@")
        if _UUID.match(local):  # a message_id: the uuid is not personal, its domain is
            return f"{local}@{self.domain(domain)}"
        return f"{self._get('local', text.lower(), 'user-{n}')}@{self.domain(domain)}"

    def ip(self, text: str) -> str:
        address, slash, prefix = text.partition("/")
        try:
            version = ipaddress.ip_address(address).version
        except ValueError:
            return text
        n = len(self._maps.get("ip", {})) + 1
        fake = f"198.18.{n // 250}.{n % 250 + 1}" if version == 4 else f"2001:db8:ffff::{n:x}"
        return self._get("ip", address, fake) + (slash + prefix)

    def token(self, text: str) -> str:
        return self._get("token", text, "token-{n}")

    def name(self, text: str) -> str:
        return self._get("name", text, "name-{n}")

    def subject(self, text: str) -> str:
        return self._get("subject", text, "subject-{n}")

    def text(self, value: str) -> str:
        """Free text with every known secret, name and subject, and every address, IP and
        domain in it replaced."""
        for secret in self.secrets:
            value = value.replace(secret, self.token(secret))
        for original, placeholder in self._known_words():
            value = value.replace(original, placeholder)
        return _PATTERN.sub(self._one, value)

    def _known_words(self) -> list[tuple[str, str]]:
        pairs = [
            pair
            for kind in ("token", "name", "subject")
            for pair in self._maps.get(kind, {}).items()
            if len(pair[0]) >= MIN_KNOWN
        ]
        return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)

    def learn(self, value: Any, key: str = "") -> None:
        """Give a placeholder to every name, subject and secret in `value` now, so that free
        text anywhere in the recording (read before or after) has them replaced too."""
        if isinstance(value, dict):
            for k, v in value.items():
                self.learn(v, str(k))
        elif isinstance(value, list):
            for v in value:
                self.learn(v, key)
        elif isinstance(value, str) and value and _kind_by_key(value, key.lower()):
            _scrub_text(value, self, key.lower())

    def _one(self, match: re.Match[str]) -> str:
        found = match.group(0)
        if match.group("email"):
            return self.address(found)
        return self.ip(found) if match.group("ip") else self.domain(found)


def scrub(value: Any, places: Placeholders, key: str = "") -> Any:
    """`value` (decoded JSON) with the personal and secret parts replaced."""
    if isinstance(value, dict):
        return {k: scrub(v, places, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, places, key) for v in value]
    if not isinstance(value, str) or not value:
        return value
    return _scrub_text(value, places, key.lower())


def _kind_by_key(value: str, key: str) -> str | None:
    """ "token", "subject" or "name" when the field's name says what the value is."""
    if SECRET_KEYS.search(key):
        return "token"
    if key in SUBJECT_KEYS:
        return "subject"
    if key in NAME_KEYS and "@" not in value and not _WHOLE_DOMAIN.match(value):
        return "name"
    return None


def _scrub_text(value: str, places: Placeholders, key: str) -> str:
    kind = _kind_by_key(value, key)
    if kind == "token":
        return places.token(value)
    if kind == "subject":
        return places.subject(value)
    return places.name(value) if kind == "name" else places.text(value)
