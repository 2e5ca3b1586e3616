"""Salesforce id checksums."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.generate import checksum_suffix, is_valid18, to18
from pipeline.generate.sfid import PREFIX, make_ids


@pytest.mark.parametrize(
    "id18",
    ["001Ec00000FzlUdIAJ", "00QEc00000BBaeXMAT", "701Ec00000GJDl7IAH", "005Ec000004oBPNIA2"],
)
def test_checksum_matches_real_salesforce_ids(id18: str) -> None:
    assert checksum_suffix(id18[:15]) == id18[15:]
    assert to18(id18[:15]) == id18
    assert to18(id18) == id18
    assert is_valid18(id18)


def test_checksum_rejects_wrong_case_and_length() -> None:
    assert not is_valid18("001ec00000FzlUdIAJ")
    with pytest.raises(ValueError, match="15-character"):
        checksum_suffix("001Ec")


@pytest.mark.parametrize("sobject", sorted(PREFIX))
def test_generated_ids_are_unique_valid_and_mixed_case(sobject: str) -> None:
    ids = make_ids(sobject, 5000)
    assert len(set(ids)) == 5000
    assert all(is_valid18(str(i)) and i.startswith(PREFIX[sobject]) for i in ids)
    assert any(c.isupper() for c in str(ids[0])[6:15]) and any(
        c.islower() for c in "".join(ids[:50])
    )
    assert not np.array_equal(make_ids(sobject, 3), make_ids(sobject, 3, offset=3))
