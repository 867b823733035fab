"""lamina.tree against Keras 3.15's documented behaviour (its examples are the facts)."""

from __future__ import annotations

import collections

import numpy as np
import pytest

from lamina import tree

Foo = collections.namedtuple("Foo", ["a", "b"])
AlsoFoo = collections.namedtuple("Foo", ["a", "b"])


def test_is_nested():
    assert not tree.is_nested(42)
    assert not tree.is_nested("abc")
    assert not tree.is_nested(np.ones(3))
    assert tree.is_nested({"foo": 42})
    assert tree.is_nested(Foo(1, 2))
    assert tree.is_nested(collections.deque([1]))


def test_flatten_orders_dicts_by_key_and_ordered_dicts_by_insertion():
    assert tree.flatten([[1, 2, 3], [4, [5], [[6]]]]) == [1, 2, 3, 4, 5, 6]
    assert tree.flatten(None) == [None]
    assert tree.flatten(1) == [1]
    assert tree.flatten({100: "world!", 6: "Hello"}) == ["Hello", "world!"]
    ordered = collections.OrderedDict([("b", 1), ("a", 2)])
    assert tree.flatten(ordered) == [1, 2]
    assert tree.flatten([None, (None,)]) == [None, None]


def test_flatten_with_path():
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]
    assert tree.flatten_with_path(Foo(1, [2])) == [((0,), 1), ((1, 0), 2)]


def test_pack_sequence_as_keeps_each_dict_key_order():
    structure = {"key3": "", "key1": "", "key2": ""}
    packed = tree.pack_sequence_as(structure, ["value1", "value2", "value3"])
    assert packed == {"key3": "value3", "key1": "value1", "key2": "value2"}
    assert list(packed) == ["key1", "key2", "key3"]  # Keras 3.15 rebuilds dicts sorted here
    mapped = tree.map_structure(lambda v: v, {"b": 1, "a": 2})
    assert list(mapped) == ["b", "a"]  # ...and keeps their order in map_structure
    assert list(tree.traverse(lambda v: None, {"b": 1, "a": 2})) == ["a", "b"]
    ordered = tree.pack_sequence_as(collections.OrderedDict(b=0, a=0), [5, 6])
    assert list(ordered.items()) == [("b", 5), ("a", 6)]
    nested = (("a", "b"), ("c", "d", "e"), "f")
    assert tree.pack_sequence_as(nested, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) == (
        (1.0, 2.0),
        (3.0, 4.0, 5.0),
        6.0,
    )
    deep = {"key3": {"c": ("alpha", "beta"), "a": "gamma"}, "key1": {"e": "val1", "d": "val2"}}
    assert tree.pack_sequence_as(deep, ["val2", "val1", 3.0, 1.0, 2.0]) == {
        "key3": {"c": (1.0, 2.0), "a": 3.0},
        "key1": {"e": "val1", "d": "val2"},
    }
    assert tree.pack_sequence_as(Foo(0, 0), [5, 6]) == Foo(5, 6)
    with pytest.raises(ValueError, match="leaves"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(ValueError, match="leaves"):
        tree.pack_sequence_as([1, 2], [1, 2, 3])
    with pytest.raises(TypeError, match="iterable"):
        tree.pack_sequence_as([1], 5)


def test_map_structure():
    assert tree.map_structure(lambda v: v**2, [[1], [2], [3]]) == [[1], [4], [9]]
    assert tree.map_structure(lambda x, y: x * y, [[1], [2]], [[3], [4]]) == [[3], [8]]
    assert tree.map_structure(lambda v: v * 2, Foo(a=1, b=2)) == Foo(a=2, b=4)
    assert tree.map_structure(lambda v: 0, [None, 1]) == [0, 0]
    assert tree.map_structure(lambda v: 0, [None, 1], none_is_leaf=False) == [None, 0]
    with pytest.raises(ValueError, match="same nested structure"):
        tree.map_structure(lambda x, y: x, [1, 2], [1, [2]])
    with pytest.raises(TypeError, match="callable"):
        tree.map_structure(3, [1])


def test_map_structure_up_to():
    assert tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2]]) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]]) == [
        "[1, 1]",
        ["2", "2"],
    ]
    with pytest.raises(ValueError, match="shallower"):
        tree.map_structure_up_to([[None]], str, [1])


def test_assert_same_structure_and_paths():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure(Foo(0, 1), Foo(2, 3))
    tree.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))
    with pytest.raises(ValueError, match="same nested structure"):
        tree.assert_same_structure(Foo(0, 1), AlsoFoo(2, 3))
    with pytest.raises(ValueError, match="same nested structure"):
        tree.assert_same_structure([0, 1], (0, 1))
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Foo(0, 1), AlsoFoo(2, 3))
    with pytest.raises(ValueError, match="paths"):
        tree.assert_same_paths({"a": 1}, {"b": 1})


def test_traverse_top_down_and_bottom_up():
    seen: list = []
    structure = [(1, 2), [3], {"a": 4}]
    assert tree.traverse(seen.append, structure, top_down=True) == structure
    assert seen == [[(1, 2), [3], {"a": 4}], (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen = []
    assert tree.traverse(seen.append, structure, top_down=False) == structure
    assert seen == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, [(1, 2), [3], {"a": 4}]]
    # A top-down result replaces the sub-tree (MAP_TO_NONE replaces it with None).
    replaced = tree.traverse(
        lambda v: tree.MAP_TO_NONE if isinstance(v, tuple) else None, structure
    )
    assert replaced == [None, [3], {"a": 4}]
    doubled = tree.traverse(lambda v: v * 2 if isinstance(v, int) else None, structure, False)
    assert doubled == [(2, 4), [6], {"a": 8}]


def test_lists_to_tuples_and_shape_structures():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))
    shapes = {"x": (None, 3), "y": [(2, 4), (5,)]}
    assert tree.map_shape_structure(lambda s: tuple(s)[::-1], shapes) == {
        "x": (3, None),
        "y": [(4, 2), (5,)],
    }
