"""Fuzzing the loaders: mutated ``.keras`` archives, ``config.json`` trees, ``.weights.h5``
and ``.safetensors`` files, made from valid files written once per module.

Every load must either succeed or raise ``SavedFileError``: any other exception is a bug.
Each load must also write nothing outside its temporary folder (the work folder's listing
is unchanged and the temporary folder is left empty), leave the model given to
``load_weights`` as it was when it fails, and stay within a memory bound.

The suite runs a short budget; ``scripts/fuzz.sh`` runs a long one
(``LAMINA_FUZZ_EXAMPLES``, examples per test).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import resource
import shutil
import struct
import tempfile
import tracemalloc
import warnings
import zipfile

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import lamina
from lamina import layers, saving
from lamina.saving.errors import SavedFileError

EXAMPLES = int(os.environ.get("LAMINA_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
# A load may not raise the process's peak memory by more than this (ru_maxrss, in KiB on
# Linux): far above what loading these small models takes, far below a refused allocation.
MAX_RSS_GROWTH_KIB = 512 << 10
# The Python-visible (NumPy and HDF5 buffers) peak of loading a file that declares a huge
# size: refused before allocation, so about what loading the small model itself takes.
MAX_TRACED_BYTES = 16 << 20
MODEL_KINDS = ("sequential", "functional")


# ---- the valid files -------------------------------------------------------------------


def sequential_model():
    model = lamina.Sequential(
        [lamina.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2)]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def functional_model():
    inputs = lamina.Input((3,), name="x")
    hidden = layers.Dense(4, name="hidden")(inputs)
    merged = layers.Concatenate()([hidden, layers.Dense(2)(inputs)])
    model = lamina.Model(inputs, layers.Dense(1, name="head")(merged))
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    return model


BUILDERS = {"sequential": sequential_model, "functional": functional_model}


def give_state(model, seed):
    """Random non-zero weights and optimizer slots, built without training (the NumPy
    engine cannot train), as ``test_keras_archive.give_state`` does."""
    model(np.ones((1, 3), "float32"))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) for w in model.get_weights()])
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    fixed = (optimizer.iterations, optimizer.learning_rate)
    for variable in optimizer.variables:
        if not any(variable is other for other in fixed):
            shape = tuple(variable.shape)
            variable.assign(rng.uniform(0.5, 1.5, shape).astype(variable.dtype))
    optimizer.iterations.assign(3)
    return model


def every_variable(model) -> list:
    return list(model.weights) + list(model.optimizer.variables)


def snapshot(model) -> list:
    return [np.array(variable.numpy(), copy=True) for variable in every_variable(model)]


def restore(model, values) -> None:
    for variable, value in zip(every_variable(model), values):
        variable.assign(value)


class Record:
    """Named fields; its repr stays short (hypothesis prints a failing example's fixtures)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(...)"


class Original(Record):
    """One model's valid files, and a model of the same architecture to load weights into."""

    keras: bytes
    members: list  # [(name, bytes)] in the archive's order
    config: dict
    h5: bytes
    safetensors: bytes
    target: object
    target_values: list


class Corpus(Record):
    originals: dict
    work: str  # per-example folders are made here
    scratch: str  # the process's temporary folder while the module runs
    baseline_rss: int


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    work, scratch, files = root / "work", root / "tmp", root / "files"
    for folder in (work, scratch, files):
        folder.mkdir()
    originals = {}
    for index, kind in enumerate(MODEL_KINDS):
        model = give_state(BUILDERS[kind](), seed=index)
        keras_path, h5_path = files / f"{kind}.keras", files / f"{kind}.weights.h5"
        safetensors_path = files / f"{kind}.safetensors"
        model.save(keras_path)
        model.save_weights(h5_path)
        model.save_weights(safetensors_path)
        with zipfile.ZipFile(keras_path) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
        target = give_state(BUILDERS[kind](), seed=10 + index)
        originals[kind] = Original(
            keras=keras_path.read_bytes(),
            members=members,
            config=json.loads(dict(members)["config.json"]),
            h5=h5_path.read_bytes(),
            safetensors=safetensors_path.read_bytes(),
            target=target,
            target_values=snapshot(target),
        )
    # Loaders make their temporary folders in `tempfile.gettempdir()`: pointing it at an
    # empty folder of our own shows whether any is left behind, whatever else runs.
    saved_tempdir = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        yield Corpus(
            originals=originals, work=str(work), scratch=str(scratch), baseline_rss=peak_rss()
        )
    finally:
        tempfile.tempdir = saved_tempdir


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Example:
    """A folder for one example's files, removed afterwards."""

    def __init__(self, corpus):
        self.corpus = corpus
        self.folder = tempfile.mkdtemp(dir=corpus.work)

    def write(self, name: str, data: bytes) -> str:
        path = os.path.join(self.folder, name)
        with open(path, "wb") as file:
            file.write(data)
        return path

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        shutil.rmtree(self.folder)


def check_outcome(corpus, folder: str, load) -> bool:
    """Runs ``load()``; True when it succeeded, False when it raised ``SavedFileError``.
    Any other exception propagates (hypothesis then shrinks the example)."""
    listing = sorted(os.listdir(folder))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a loader may warn (skipped optimizer state)
        try:
            load()
            succeeded = True
        except SavedFileError:
            succeeded = False
    assert sorted(os.listdir(folder)) == listing, "a load wrote next to the file it read"
    assert os.listdir(corpus.scratch) == [], "a load left files in the temporary folder"
    growth = peak_rss() - corpus.baseline_rss
    assert growth < MAX_RSS_GROWTH_KIB, f"the process's peak memory grew by {growth} KiB"
    return succeeded


def load_weights_checked(corpus, original: Original, path: str) -> None:
    """``load_weights`` into the target model: all or nothing."""
    model = original.target
    if check_outcome(corpus, os.path.dirname(path), lambda: model.load_weights(path)):
        restore(model, original.target_values)  # the next example starts from the same state
    else:
        after = snapshot(model)
        for before, now in zip(original.target_values, after):
            np.testing.assert_array_equal(before, now, err_msg="a failed load changed the model")


def load_model_checked(corpus, path: str) -> None:
    check_outcome(corpus, os.path.dirname(path), lambda: saving.load_model(path))


# ---- byte-level mutations --------------------------------------------------------------

# Offsets are drawn near the start (headers), near the end (a zip's central directory) or
# anywhere, then taken modulo the file's length.
_OFFSETS = st.one_of(st.integers(0, 600), st.integers(-600, -1), st.integers(0, 1 << 32))
_SPECIAL_BYTES = st.sampled_from(
    [b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xff\xff\xff\x7f", b"\xff" * 8, b"\x00" * 8]
)
BYTE_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), _OFFSETS, st.integers(1, 255)),
        st.tuples(st.just("truncate"), _OFFSETS),
        st.tuples(
            st.just("overwrite"), _OFFSETS, _SPECIAL_BYTES | st.binary(min_size=1, max_size=8)
        ),
        st.tuples(st.just("insert"), _OFFSETS, st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("delete"), _OFFSETS, st.integers(1, 64)),
    ),
    min_size=1,
    max_size=4,
)


def apply_byte_edits(data: bytes, edits) -> bytes:
    buffer = bytearray(data)
    for edit in edits:
        if not buffer:
            break
        at = edit[1] % len(buffer)
        if edit[0] == "flip":
            buffer[at] ^= edit[2]
        elif edit[0] == "truncate":
            del buffer[at:]
        elif edit[0] == "overwrite":
            buffer[at : at + len(edit[2])] = edit[2]
        elif edit[0] == "insert":
            buffer[at:at] = edit[2]
        else:
            del buffer[at : at + edit[2]]
    return bytes(buffer)


# ---- archive mutations -----------------------------------------------------------------

MEMBER_NAMES = st.one_of(
    st.sampled_from(
        [
            "config.json",
            "metadata.json",
            "model.weights.h5",
            "model.weights.safetensors",
            "model.weights.npz",
            "assets/vocabulary.txt",
            "../x",
            "../../model.weights.h5",
            "/etc/x",
            "/tmp/lamina-evil",
            "a/../../config.json",
            "./config.json",
            "config.json/",
            "C:/x",
            "C:\\x",
            "x\\..\\..\\y",
            "dir/",
            ".",
            "\u00e9\u4e2d\U0001f600",
        ]
    ),
    st.text(min_size=1, max_size=12),
)
COMPRESSIONS = st.sampled_from(
    [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
)
# Values for fields of a member's headers: sizes (0xFFFFFFFF asks for zip64), a compression
# method no reader knows, flags (bit 0: encrypted).
_FIELD_VALUES = st.sampled_from([0, 1, 2, 0x7FFFFFFF, 0xFFFFFFF0, 0xFFFFFFFF]) | st.integers(
    0, 0xFFFFFFFF
)
HEADER_FIELDS = {
    # name: (offset in the central entry, offset in the local header, width in bytes)
    "method": (10, 8, 2),
    "flags": (8, 6, 2),
    "crc": (16, 14, 4),
    "compressed_size": (20, 18, 4),
    "file_size": (24, 22, 4),
}
ARCHIVE_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("duplicate"), st.integers(0, 10)),
        st.tuples(st.just("delete"), st.integers(0, 10)),
        st.tuples(st.just("rename"), st.integers(0, 10), MEMBER_NAMES),
        st.tuples(st.just("extra"), MEMBER_NAMES, st.binary(max_size=64)),
        st.tuples(st.just("copy_as"), st.integers(0, 10), MEMBER_NAMES),
        st.tuples(st.just("compress"), st.integers(0, 10), COMPRESSIONS),
        st.tuples(st.just("swap"), st.integers(0, 10), st.integers(0, 10)),
    ),
    min_size=1,
    max_size=4,
)
FIELD_EDITS = st.lists(
    st.tuples(st.integers(0, 10), st.sampled_from(sorted(HEADER_FIELDS)), _FIELD_VALUES),
    max_size=2,
)


def apply_archive_edits(members: list, edits) -> list:
    """``[(name, data, compression)]`` after the edits."""
    entries = [(name, data, zipfile.ZIP_DEFLATED) for name, data in members]
    for edit in edits:
        if edit[0] == "extra":
            entries.append((edit[1], edit[2], zipfile.ZIP_DEFLATED))
            continue
        if not entries:
            break
        at = edit[1] % len(entries)
        name, data, compression = entries[at]
        if edit[0] == "duplicate":
            entries.insert(at, entries[at])
        elif edit[0] == "delete":
            del entries[at]
        elif edit[0] == "rename":
            entries[at] = (edit[2], data, compression)
        elif edit[0] == "copy_as":
            entries.append((edit[2], data, compression))
        elif edit[0] == "compress":
            entries[at] = (name, data, edit[2])
        else:
            other = edit[2] % len(entries)
            entries[at], entries[other] = entries[other], entries[at]
    return entries


def write_zip(entries) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicated names
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data, compression in entries:
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = compression
                archive.writestr(info, data)
    return buffer.getvalue()


def patch_header_fields(data: bytes, edits) -> bytes:
    """Overwrites fields of members' central-directory entries and local headers: the
    declared sizes, CRC, flags and compression method a reader must not trust."""
    if not edits:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        central = archive.start_dir
    positions = []  # (central entry offset, local header offset) per member
    for info in infos:
        positions.append((central, info.header_offset))
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, central + 28)
        central += 46 + name_length + extra_length + comment_length
    buffer = bytearray(data)
    for index, field, value in edits:
        if not positions:
            break
        central_at, local_at = positions[index % len(positions)]
        central_offset, local_offset, width = HEADER_FIELDS[field]
        packed = value.to_bytes(4, "little")[:width]
        buffer[central_at + central_offset : central_at + central_offset + width] = packed
        buffer[local_at + local_offset : local_at + local_offset + width] = packed
    return bytes(buffer)


# ---- config.json mutations ---------------------------------------------------------------

DEEP = "\x00deep-nesting\x00"  # replaced by deeply nested lists once the JSON is written
EVIL_CLASS_NAMES = [
    "__lambda__",
    "Lambda",
    "function",
    "system",
    "eval",
    "exec",
    "Popen",
    "__import__",
    "__class__",
    "Layer",
    "Model",
    "Sequential",
    "Functional",
    "InputLayer",
    "Dense",
    "Adam",
    "DTypePolicy",
    "get",
    "deserialize",
    "__keras_tensor__",
    "__operation__",
    "__numpy__",
    "__tensor__",
    "__bytes__",
    "",
]
EVIL_MODULES = [
    "os",
    "builtins",
    "subprocess",
    "posix",
    "__main__",
    "keras",
    "keras.layers",
    "keras.src.ops",
    "keras.src.models.functional",
    "lamina",
    "lamina.backend",
    "lamina.ops",
    "lamina.saving",
    "lamina.utils",
    "keras.src.backend.torch.optimizers.torch_adam",
    "",
]
DIMENSIONS = [-1, -(1 << 40), 0, 1 << 40, 1 << 62, 1 << 64, 10**30, None, 1.5, "3", True, []]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(1 << 70), 1 << 70)
    | st.floats()
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
SPECIAL_VALUES = st.sampled_from(
    [
        DEEP,
        list(range(100_000)),
        [[None, 3]] * 1000,
        "\ud800",  # a lone surrogate: valid JSON, not encodable as UTF-8
        "\u00e9\u4e2d\U0001f600",
        "a/../../b",
        "",
        "x" * 100_000,
        {},
        [],
        {"class_name": "__lambda__", "config": {"code": "ZXZpbA=="}},
        {"module": "os", "class_name": "system", "config": {}, "registered_name": None},
        {"module": "builtins", "class_name": "function", "config": "eval"},
    ]
)
CONFIG_OPERATIONS = ("delete", "rename", "replace", "special", "class", "module", "dimension")


def _children(node) -> list:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _draw_location(data, config):
    """A random (parent, key) inside ``config``, walking down from the top."""
    parent, key = None, None
    node = config
    while _children(node) and (parent is None or data.draw(st.integers(0, 3)) > 0):
        parent, key = node, data.draw(st.sampled_from(_children(node)))
        node = parent[key]
    return parent, key


def _dimension_locations(node, found) -> list:
    """(parent, key) of every int inside a list: shapes, axes, keras_history indices."""
    for key in _children(node):
        child = node[key]
        if isinstance(node, list) and isinstance(child, int) and not isinstance(child, bool):
            found.append((node, key))
        else:
            _dimension_locations(child, found)
    return found


def _class_dicts(node, found) -> list:
    for key in _children(node):
        _class_dicts(node[key], found)
    if isinstance(node, dict) and "class_name" in node:
        found.append(node)
    return found


def mutate_config(data, config: dict) -> dict:
    config = copy.deepcopy(config)
    for _ in range(data.draw(st.integers(1, 3))):
        operation = data.draw(st.sampled_from(CONFIG_OPERATIONS))
        if operation in ("class", "module"):
            targets = _class_dicts(config, [])
            node = data.draw(st.sampled_from(targets))
            if operation == "class":
                node["class_name"] = data.draw(st.sampled_from(EVIL_CLASS_NAMES) | st.text())
                if data.draw(st.booleans()):
                    node["registered_name"] = node["class_name"]
            else:
                node["module"] = data.draw(st.sampled_from(EVIL_MODULES) | st.text())
            continue
        if operation == "dimension":
            targets = _dimension_locations(config, [])
            parent, key = data.draw(st.sampled_from(targets))
            parent[key] = data.draw(st.sampled_from(DIMENSIONS))
            continue
        parent, key = _draw_location(data, config)
        if parent is None:
            continue
        if operation == "delete":
            del parent[key]
        elif operation == "rename" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=12))] = parent.pop(key)
        elif operation == "special":
            parent[key] = copy.deepcopy(data.draw(SPECIAL_VALUES))
        else:
            parent[key] = data.draw(JSON_VALUES)
    return config


def encode_config(config: dict) -> bytes:
    text = json.dumps(config)
    # Deeper than Python's recursion limit: a parser must refuse it, not crash.
    return text.replace(json.dumps(DEEP), "[" * 100_000 + "]" * 100_000).encode(
        "utf-8", "surrogatepass"
    )


def replace_member(original: Original, name: str, data: bytes) -> bytes:
    return write_zip(
        [
            (member, data if member == name else content, zipfile.ZIP_DEFLATED)
            for member, content in original.members
        ]
    )


# ---- .weights.h5 mutations ---------------------------------------------------------------

H5_DTYPES = st.sampled_from(
    [
        "int32",
        "int64",
        "uint8",
        "bool",
        "float16",
        "float64",
        "complex64",
        "S8",
        "bfloat16-tagged",
        "V2",
        "vlen-str",
        "compound",
        "array",
        "enum",
        "reference",
    ]
)
SMALL_SHAPES = st.lists(st.integers(0, 6), max_size=3).map(tuple)
HUGE_SHAPES = st.sampled_from([(1 << 40,), (1 << 20, 1 << 20), (1 << 31, 4), (3, 1 << 40)])
H5_NAMES = st.sampled_from(["0", "1", "2", "7", "x", "-1", "00", "vars"]) | st.text(
    min_size=1, max_size=6
).filter(lambda name: "/" not in name and name not in (".",))
H5_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("delete"), st.integers(0, 100)),
        st.tuples(st.just("rename"), st.integers(0, 100), H5_NAMES),
        st.tuples(st.just("move"), st.integers(0, 100), st.integers(0, 100)),
        st.tuples(st.just("extra"), st.integers(0, 100), H5_NAMES, SMALL_SHAPES | HUGE_SHAPES),
        st.tuples(st.just("shape"), st.integers(0, 100), SMALL_SHAPES),
        st.tuples(st.just("huge"), st.integers(0, 100), HUGE_SHAPES),
        st.tuples(st.just("dtype"), st.integers(0, 100), H5_DTYPES),
        st.tuples(st.just("scalar"), st.integers(0, 100)),
        st.tuples(st.just("empty"), st.integers(0, 100)),
        st.tuples(st.just("group"), st.integers(0, 100)),
        st.tuples(
            st.just("layout"), st.integers(0, 100), st.sampled_from(["gzip", "lzf", "compact"])
        ),
        st.tuples(
            st.just("link"), st.integers(0, 100), st.sampled_from(["soft", "hard", "external"])
        ),
        st.tuples(
            st.just("attribute"),
            st.integers(0, 100),
            st.sampled_from(["dtype", "layer_names", "x"]),
            st.sampled_from(["bfloat16", "float32", 7, b"\xff"]),
        ),
    ),
    min_size=1,
    max_size=4,
)


def _typed_data(kind: str, shape: tuple):
    """(data, dtype, attributes) for a dataset of an odd dtype."""
    count = int(np.prod(shape))
    if kind == "bfloat16-tagged":
        return np.full(shape, 0x3F80, "uint16"), None, {"dtype": "bfloat16"}
    if kind == "V2":
        return np.zeros(shape, "V2"), None, {}
    if kind == "vlen-str":
        return np.array(["w"] * count, dtype=object).reshape(shape), h5py.string_dtype(), {}
    if kind == "compound":
        return np.zeros(shape, [("a", "f4"), ("b", "i4")]), None, {}
    if kind == "array":
        return None, np.dtype("(2,)f4"), {}
    if kind == "enum":
        return np.zeros(shape, "u1"), h5py.enum_dtype({"A": 0, "B": 1}, basetype="u1"), {}
    if kind == "reference":
        return None, h5py.ref_dtype, {}
    return np.ones(shape).astype(kind), None, {}


def _datasets(h5_file) -> list:
    found = []
    h5_file.visititems(
        lambda name, item: found.append(name) if isinstance(item, h5py.Dataset) else None
    )
    return sorted(found)


def _replace(h5_file, path: str, **kwargs) -> None:
    del h5_file[path]
    h5_file.create_dataset(path, **kwargs)


def _relayout(h5_file, path: str, layout: str) -> None:
    """Rewrites a dataset as a compact one, or chunked with the filter ``layout``."""
    value = np.array(h5_file[path])
    if layout != "compact":
        _replace(h5_file, path, data=value, compression=layout, shuffle=True, fletcher32=True)
        return
    del h5_file[path]
    space = h5py.h5s.create_simple(value.shape) if value.shape else h5py.h5s.create(h5py.h5s.SCALAR)
    plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    plist.set_layout(h5py.h5d.COMPACT)
    dataset = h5py.h5d.create(
        h5_file.id, path.encode(), h5py.h5t.py_create(value.dtype), space, dcpl=plist
    )
    dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, value)


def _relink(h5_file, path: str, kind: str, datasets: list, folder: str) -> None:
    """Replaces a dataset with a soft, external or second hard link."""
    del h5_file[path]
    if kind == "soft":
        h5_file[path] = h5py.SoftLink("/" + datasets[0])
    elif kind == "external":
        h5_file[path] = h5py.ExternalLink(os.path.join(folder, "other.h5"), "/x")
    elif datasets[0] != path:
        h5_file[path] = h5_file[datasets[0]]  # a second hard link to one dataset


def _move_target(h5_file, edit, path: str, datasets: list) -> str | None:
    """Where a rename / move / extra edit puts a dataset (None: the edit does nothing)."""
    group = path.rpartition("/")[0]
    if edit[0] == "move":
        target = f"{datasets[edit[2] % len(datasets)].rpartition('/')[0]}/{len(datasets) + 1}"
        return target if target.rpartition("/")[0] != group else None
    target = f"{group}/{edit[2]}"
    return None if target in h5_file else target


def _apply_h5_edit(h5_file, edit, folder: str) -> None:
    datasets = _datasets(h5_file)
    if not datasets:
        return
    path = datasets[edit[1] % len(datasets)]
    operation = edit[0]
    if operation in ("dtype", "layout") and h5_file[path].size > 4096:
        return  # a dataset an earlier edit made huge: rewriting it would allocate it
    if operation in ("rename", "move", "extra"):
        target = _move_target(h5_file, edit, path, datasets)
        if target is not None and operation == "extra":
            h5_file.create_dataset(target, shape=edit[3], dtype="float32")
        elif target is not None:
            h5_file.move(path, target)
    elif operation == "delete":
        del h5_file[path]
    elif operation == "shape":
        _replace(h5_file, path, data=np.ones(edit[2], "float32"))
    elif operation == "huge":
        # Declared, never written: chunked and compressed, so the file stays small.
        chunks = tuple(max(1, min(size, 64)) for size in edit[2]) or None
        _replace(h5_file, path, shape=edit[2], dtype="float32", chunks=chunks, compression="gzip")
    elif operation == "dtype":
        shape = h5_file[path].shape
        data, dtype, attributes = _typed_data(edit[2], shape)
        _replace(h5_file, path, data=data, dtype=dtype, shape=shape)
        h5_file[path].attrs.update(attributes)
    elif operation == "scalar":
        _replace(h5_file, path, data=np.float32(1.5))
    elif operation == "empty":
        _replace(h5_file, path, data=h5py.Empty("float32"))
    elif operation == "group":
        del h5_file[path]
        h5_file.create_group(path)
    elif operation == "layout":
        _relayout(h5_file, path, edit[2])
    elif operation == "link":
        _relink(h5_file, path, edit[2], datasets, folder)
    else:
        owner = h5_file if edit[2] == "layer_names" else h5_file[path]
        owner.attrs[edit[2]] = edit[3]


def mutate_h5(original: Original, edits, folder: str) -> bytes:
    path = os.path.join(folder, "mutated.weights.h5")
    with open(path, "wb") as file:
        file.write(original.h5)
    with h5py.File(path, "r+") as h5_file:
        for edit in edits:
            # h5py cannot make some edits on what earlier ones left: those are skipped.
            with contextlib.suppress(TypeError, ValueError):
                _apply_h5_edit(h5_file, edit, folder)
    with open(path, "rb") as file:
        data = file.read()
    os.remove(path)
    return data


# ---- the fuzz tests ----------------------------------------------------------------------

KINDS = st.sampled_from(MODEL_KINDS)


@FUZZ
@given(kind=KINDS, edits=BYTE_EDITS)
def test_keras_archive_bytes(corpus, kind, edits):
    original = corpus.originals[kind]
    with Example(corpus) as example:
        path = example.write("model.keras", apply_byte_edits(original.keras, edits))
        load_model_checked(corpus, path)
        load_weights_checked(corpus, original, path)


@FUZZ
@given(kind=KINDS, edits=ARCHIVE_EDITS, fields=FIELD_EDITS)
def test_keras_archive_members(corpus, kind, edits, fields):
    original = corpus.originals[kind]
    data = patch_header_fields(write_zip(apply_archive_edits(original.members, edits)), fields)
    with Example(corpus) as example:
        path = example.write("model.keras", data)
        load_model_checked(corpus, path)
        load_weights_checked(corpus, original, path)


@FUZZ
@given(kind=KINDS, data=st.data())
def test_config_json(corpus, kind, data):
    original = corpus.originals[kind]
    config = encode_config(mutate_config(data, original.config))
    with Example(corpus) as example:
        path = example.write("model.keras", replace_member(original, "config.json", config))
        load_model_checked(corpus, path)


@FUZZ
@given(kind=KINDS, edits=BYTE_EDITS)
def test_weights_h5_bytes(corpus, kind, edits):
    original = corpus.originals[kind]
    mutated = apply_byte_edits(original.h5, edits)
    with Example(corpus) as example:
        load_weights_checked(corpus, original, example.write("model.weights.h5", mutated))
        archive = replace_member(original, "model.weights.h5", mutated)
        load_model_checked(corpus, example.write("model.keras", archive))


@FUZZ
@given(kind=KINDS, edits=H5_EDITS)
def test_weights_h5_structure(corpus, kind, edits):
    original = corpus.originals[kind]
    with Example(corpus) as example:
        mutated = mutate_h5(original, edits, example.folder)
        load_weights_checked(corpus, original, example.write("model.weights.h5", mutated))
        archive = replace_member(original, "model.weights.h5", mutated)
        load_model_checked(corpus, example.write("model.keras", archive))


@FUZZ
@given(kind=KINDS, edits=BYTE_EDITS)
def test_safetensors_bytes(corpus, kind, edits):
    original = corpus.originals[kind]
    with Example(corpus) as example:
        path = example.write("model.safetensors", apply_byte_edits(original.safetensors, edits))
        load_weights_checked(corpus, original, path)


# ---- huge declared sizes are refused before allocation ---------------------------------


def traced_peak(load) -> int:
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(SavedFileError):
                load()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _huge_h5(original: Original, folder: str) -> bytes:
    # Every dataset of the file declares 2**40 float32 values: 4 TiB, in a file of a few KiB.
    edits = [("huge", index, (1 << 40,)) for index in range(64)]
    return mutate_h5(original, edits, folder)


def _huge_safetensors(original: Original) -> bytes:
    (length,) = struct.unpack_from("<Q", original.safetensors)
    header = json.loads(original.safetensors[8 : 8 + length])
    for key, entry in header.items():
        if key != "__metadata__":
            itemsize = 2 if entry["dtype"] in ("F16", "BF16") else int(entry["dtype"][1:]) // 8
            entry["shape"] = [1 << 40]
            entry["data_offsets"] = [0, itemsize << 40]
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + original.safetensors[8 + length :]


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_huge_declared_sizes_are_refused_before_allocation(corpus, kind):
    original = corpus.originals[kind]
    with Example(corpus) as example:
        huge_h5 = _huge_h5(original, example.folder)
        cases = {
            "weights.h5": example.write("model.weights.h5", huge_h5),
            "keras with huge weights.h5": example.write(
                "huge.keras", replace_member(original, "model.weights.h5", huge_h5)
            ),
            "safetensors": example.write("model.safetensors", _huge_safetensors(original)),
            "keras declaring huge members": example.write(
                "declared.keras",
                patch_header_fields(
                    original.keras, [(index, "file_size", 0xFFFFFFF0) for index in range(3)]
                ),
            ),
        }
        for case, path in cases.items():
            if path.endswith(".keras"):
                peak = traced_peak(lambda path=path: saving.load_model(path))
            else:
                peak = traced_peak(lambda path=path: original.target.load_weights(path))
            assert peak < MAX_TRACED_BYTES, f"{case}: loading traced {peak} bytes"
        np.testing.assert_equal(snapshot(original.target), original.target_values)


def _with_units(node, units: int):
    """A copy of a config tree with every layer's ``units`` set to ``units``."""
    if isinstance(node, dict):
        return {
            key: units if key == "units" else _with_units(value, units)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_with_units(value, units) for value in node]
    return node


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_config_declaring_huge_layers_is_refused_before_allocation(corpus, kind):
    # 2**28 units: kernels of 3 GiB and more, which the engine would allocate and fill.
    original = corpus.originals[kind]
    config = encode_config(_with_units(original.config, 1 << 28))
    with Example(corpus) as example:
        path = example.write("model.keras", replace_member(original, "config.json", config))
        before = peak_rss()
        with pytest.raises(SavedFileError, match="refusing to allocate"):
            saving.load_model(path)
        assert peak_rss() - before < MAX_RSS_GROWTH_KIB
