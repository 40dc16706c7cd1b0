"""Deterministic randomness: one seeded generator per purpose, and uuid4-shaped ids from it."""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *parts: object) -> int:
    """A stable 64-bit seed for one purpose of one world (same inputs, same seed)."""
    text = ":".join([str(seed), *(str(p) for p in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def rng_for(seed: int, *parts: object) -> random.Random:
    return random.Random(derive_seed(seed, *parts))


def uuid4_text(bits: int) -> str:
    """Format 128 random bits as a lower-case RFC 4122 version-4 UUID."""
    bits &= (1 << 128) - 1
    bits = (bits & ~(0xF << 76)) | (0x4 << 76)  # version 4
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)  # variant 10xx
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid4_for(seed: int, *parts: object) -> str:
    """A uuid4-shaped id that depends only on the inputs."""
    text = ":".join([str(seed), *(str(p) for p in parts)])
    return uuid4_text(
        int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest(), "big")
    )


def token_text(rng: random.Random, length: int = 40) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(rng.choice(alphabet) for _ in range(length))
