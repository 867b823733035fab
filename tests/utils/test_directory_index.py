"""Directory indexing as Keras 3 (class and file order, seeded shuffle, splits) and the
refusal of symbolic links that lead out of the dataset folder."""

import os

import numpy as np
import pytest

from lamina.utils import directory_index

FORMATS = (".png", ".jpg")


def _touch(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as file:
        file.write("x")


@pytest.fixture
def tree(tmp_path):
    for relative in ["b/1.png", "a/10.png", "a/2.jpg", "a/1.png", "a/deep/z.png", "c/q.png",
                     "c/notes.txt", ".hidden/h.png", "top.png"]:  # fmt: skip
        _touch(tmp_path / relative)
    return str(tmp_path)


def _relative(paths, root):
    return [os.path.relpath(path, root) for path in paths]


def test_inferred_labels_follow_alphanumeric_class_and_file_order(tree):
    paths, labels, class_names = directory_index.index_directory(
        tree, "inferred", FORMATS, shuffle=False, verbose=False
    )
    assert class_names == ["a", "b", "c"]
    assert _relative(paths, tree) == ["a/1.png", "a/10.png", "a/2.jpg", "a/deep/z.png",
                                      "b/1.png", "c/q.png"]  # fmt: skip
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 2])
    assert labels.dtype == np.int32


def test_class_names_set_the_label_order_and_subset(tree):
    paths, labels, class_names = directory_index.index_directory(
        tree, "inferred", FORMATS, class_names=["c", "a"], shuffle=False, verbose=False
    )
    assert class_names == ["c", "a"]
    assert _relative(paths, tree)[:2] == ["c/q.png", "a/1.png"]
    np.testing.assert_array_equal(labels, [0, 1, 1, 1, 1])


def test_unknown_class_name_is_refused(tree):
    with pytest.raises(ValueError, match=r"class_names must name subdirectories.*'zebra'"):
        directory_index.index_directory(tree, "inferred", FORMATS, class_names=["a", "zebra"])


def test_explicit_and_no_labels_walk_the_whole_tree(tree):
    paths, labels, class_names = directory_index.index_directory(
        tree, [3, 1, 1, 3, 1, 1, 2, 2], FORMATS, shuffle=False, verbose=False
    )
    assert _relative(paths, tree)[:2] == ["top.png", ".hidden/h.png"]  # as Keras's walk
    assert class_names == ["1", "2", "3"]
    np.testing.assert_array_equal(labels, [3, 1, 1, 3, 1, 1, 2, 2])
    paths, labels, class_names = directory_index.index_directory(
        tree, None, FORMATS, shuffle=False, verbose=False
    )
    assert len(paths) == 8
    assert labels is None
    assert class_names is None


def test_wrong_number_of_labels_is_refused(tree):
    with pytest.raises(ValueError, match=r"one label per file: found 8 files.*received 2 labels"):
        directory_index.index_directory(tree, [0, 1], FORMATS, verbose=False)


def test_seeded_shuffle_keeps_pairs_and_repeats(tree):
    ordered, ordered_labels, _ = directory_index.index_directory(
        tree, "inferred", FORMATS, shuffle=False, verbose=False
    )
    label_of = dict(zip(ordered, ordered_labels.tolist()))
    runs = [
        directory_index.index_directory(tree, "inferred", FORMATS, seed=11, verbose=False)
        for _ in range(2)
    ]
    assert runs[0][0] == runs[1][0]
    assert sorted(runs[0][0]) == sorted(ordered)
    assert runs[0][0] != ordered
    assert [label_of[path] for path in runs[0][0]] == runs[0][1].tolist()


def test_validation_split_is_disjoint_and_complete(tree):
    paths, labels, _ = directory_index.index_directory(
        tree, "inferred", FORMATS, seed=2, verbose=False
    )
    (_, train, train_labels), (_, val, val_labels) = directory_index.subsets(
        paths, labels, 0.34, "both", tree, "image", verbose=False
    )
    assert len(val) == 2  # int(0.34 * 6), the last files as in Keras
    assert train + val == paths
    np.testing.assert_array_equal(np.concatenate([train_labels, val_labels]), labels)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((1.5, "training", False, None), "validation_split must be between 0 and 1"),
        ((0.2, None, False, None), "validation_split and subset go together"),
        ((None, "training", False, None), "validation_split and subset go together"),
        ((0.2, "test", False, None), "subset must be 'training', 'validation', 'both'"),
        ((0.2, "training", True, None), "give a seed"),
    ],
)
def test_validation_split_arguments_are_checked(arguments, message):
    with pytest.raises(ValueError, match=message):
        directory_index.check_validation_split_arg(*arguments)


def test_link_out_of_the_directory_is_refused(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    _touch(outside / "secret.png")
    os.symlink(outside / "secret.png", os.path.join(tree, "b", "link.png"))
    with pytest.raises(ValueError, match=r"symbolic link to .*outside the dataset directory"):
        directory_index.index_directory(tree, "inferred", FORMATS, verbose=False)


def test_linked_folders_are_entered_only_with_follow_links(tree, tmp_path_factory):
    os.symlink(os.path.join(tree, "c"), os.path.join(tree, "b", "again"))  # inside: allowed
    os.symlink(os.path.join(tree, "b"), os.path.join(tree, "b", "loop"))  # a cycle
    plain, _, _ = directory_index.index_directory(tree, "inferred", FORMATS, verbose=False)
    followed, _, _ = directory_index.index_directory(
        tree, "inferred", FORMATS, follow_links=True, shuffle=False, verbose=False
    )
    assert len(plain) == 6
    assert "b/again/q.png" in _relative(followed, tree)
    assert len(followed) == 7  # the loop is walked once
    outside = tmp_path_factory.mktemp("elsewhere")
    _touch(outside / "o.png")
    os.symlink(outside, os.path.join(tree, "a", "out"))
    directory_index.index_directory(tree, "inferred", FORMATS, verbose=False)  # not entered
    with pytest.raises(ValueError, match="outside the dataset directory"):
        directory_index.index_directory(tree, "inferred", FORMATS, follow_links=True)


def test_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="directory must be an existing folder"):
        directory_index.index_directory(str(tmp_path / "nope"), "inferred", FORMATS)


def test_label_encodings_match_keras_dtypes():
    assert directory_index.encode_label(2, "int", 3).dtype == np.int32
    np.testing.assert_array_equal(directory_index.encode_label(1, "binary", 2), [1.0])
    np.testing.assert_array_equal(directory_index.encode_label(2, "categorical", 4), [0, 0, 1, 0])
    assert directory_index.encode_label(2, "categorical", 4).dtype == np.float32
