"""Encryption at rest for answer text: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation.

Keys come from the operator's settings, newest first. Text is encrypted with
the first key; any listed key decrypts, so rotating is: put the new key
first, run ``zulip-standup rotate-keys`` (re-encrypts every row with the new
key, in batches, while the bot keeps running), then drop the old key.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableAnswerError(Exception):
    """Stored ciphertext that no configured key opens (a key was dropped too early)."""


class AnswerCipher:
    """Encrypts when keys are configured; stores plain text otherwise."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys]) if keys else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, text: str) -> tuple[str, bool]:
        """The stored form of ``text`` and whether it is encrypted."""
        if self._fernet is None:
            return text, False
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii"), True

    def open(self, stored: str, encrypted: bool) -> str:
        if not encrypted:
            return stored
        if self._fernet is None:
            msg = "an answer is encrypted but no encryption key is configured"
            raise UnreadableAnswerError(msg)
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("utf-8")
        except InvalidToken:
            msg = "an answer is encrypted with a key that is no longer configured"
            raise UnreadableAnswerError(msg) from None

    def rotate(self, stored: str, encrypted: bool) -> str:
        """Re-encrypt with the newest key (plain text gets encrypted)."""
        assert self._fernet is not None
        if not encrypted:
            return self.seal(stored)[0]
        try:
            return self._fernet.rotate(stored.encode("ascii")).decode("ascii")
        except InvalidToken:
            msg = "an answer is encrypted with a key that is no longer configured"
            raise UnreadableAnswerError(msg) from None
