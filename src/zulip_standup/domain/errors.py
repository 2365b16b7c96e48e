"""Errors whose text is meant for the person who caused them."""

from __future__ import annotations


class UserFacingError(Exception):
    """A refusal or a problem to tell the asker as it is; never carries internals."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
