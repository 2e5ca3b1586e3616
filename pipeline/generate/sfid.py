"""Salesforce record ids: 15-character case-sensitive bodies plus the 3-character case checksum."""

from __future__ import annotations

import numpy as np

from pipeline.generate.spec import Arr

_BASE62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_SUFFIX_BYTES = np.frombuffer(_SUFFIX.encode(), dtype=np.uint8)
POD = "Mp0"  # instance + reserved characters, as in `00QEc0000...`

# Key prefixes of the objects we generate.
PREFIX = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "OpportunityContactRole": "00K",
    "Lead": "00Q",
    "Campaign": "701",
    "CampaignMember": "00v",
}
# Record numbers start high so the 9-character counters mix upper and lower case.
_BASE_NUMBER = {name: 2_800_000_000_000 + i * 97_000_000_000 for i, name in enumerate(PREFIX)}


def checksum_suffix(id15: str) -> str:
    """The 3 characters Salesforce appends to a 15-character id: one per 5-character chunk,
    encoding which of its characters are upper case."""
    if len(id15) != 15:
        raise ValueError(f"expected a 15-character id, got {id15!r}")
    suffix = []
    for chunk in range(3):
        bits = 0
        for position, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix.append(_SUFFIX[bits])
    return "".join(suffix)


def to18(id15: str) -> str:
    """A 15-character id with its checksum; 18-character ids pass through."""
    return id15 if len(id15) == 18 else id15 + checksum_suffix(id15)


def is_valid18(id18: str) -> bool:
    return len(id18) == 18 and checksum_suffix(id18[:15]) == id18[15:]


def make_ids(sobject: str, n: int, offset: int = 0) -> Arr:
    """`n` distinct 18-character ids of `sobject` (numpy unicode array), vectorised."""
    numbers = np.arange(n, dtype=np.int64) + _BASE_NUMBER[sobject] + offset
    body = np.empty((n, 18), dtype=np.uint8)
    body[:, :6] = np.frombuffer((PREFIX[sobject] + POD).encode(), dtype=np.uint8)
    for position in range(14, 5, -1):
        numbers, digit = np.divmod(numbers, 62)
        body[:, position] = _BASE62[digit]
    upper = (body[:, :15] >= ord("A")) & (body[:, :15] <= ord("Z"))
    weights = np.array([1, 2, 4, 8, 16], dtype=np.int64)
    for chunk in range(3):
        bits = upper[:, chunk * 5 : chunk * 5 + 5].astype(np.int64) @ weights
        body[:, 15 + chunk] = _SUFFIX_BYTES[bits]
    return body.view("S18").ravel().astype("U18")
