"""Characters no stored text can hold, found anywhere in parsed JSON."""

from __future__ import annotations

import pytest

from participai.core.storable import holds_unstorable


@pytest.mark.parametrize(
    "data",
    ["a\x00b", "\ud83d", {"k\x00": 1}, {"k": ["ok", {"deep": "\udfff"}]}, ("x", "\x00")],
)
def test_found_in_strings_keys_and_nesting(data):
    assert holds_unstorable(data) is True


@pytest.mark.parametrize("data", ["", "Ça va ✓ 😀", {"k": [1, 2.5, None, True]}, 3, None])
def test_ordinary_text_and_other_values_pass(data):
    assert holds_unstorable(data) is False


def test_deep_nesting_is_walked_without_recursion():
    data: list = ["\x00"]
    for _ in range(5000):
        data = [data]
    assert holds_unstorable(data) is True
