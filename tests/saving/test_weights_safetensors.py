import io
import json
import struct
import zipfile

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import save_weights, weights_safetensors
from lamina.saving.object_walk import saved_objects
from lamina.saving.weights_safetensors import read_safetensors, write_safetensors


def sequential():
    model = lamina.Sequential(
        [
            lamina.Input((6,)),
            layers.Dense(5, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(3),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def functional():
    left, right = lamina.Input((4,), name="left"), lamina.Input((2,), name="right")
    shared = layers.Dense(3, name="shared")
    merged = layers.Concatenate()([shared(left), layers.Dense(3)(right)])
    output = layers.Dense(3)(merged)
    model = lamina.Model([left, right], output)
    model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    return model


FACTORIES = {"sequential": (sequential, [(6,)]), "functional": (functional, [(4,), (2,)])}


def make(kind, rng, with_optimizer=False):
    """A built model of ``kind`` with random weights (and random optimizer slots)."""
    factory, input_shapes = FACTORIES[kind]
    model = factory()
    inputs = [rng.standard_normal((2, *shape)).astype("float32") for shape in input_shapes]
    model(inputs[0] if len(inputs) == 1 else inputs)
    model.set_weights([rng.standard_normal(w.shape).astype(w.dtype) for w in model.get_weights()])
    if with_optimizer:
        model.optimizer.build(model.trainable_variables)
        for variable in model.optimizer.variables:
            shape = tuple(variable.shape)
            variable.assign(rng.uniform(0.5, 1.5, shape).astype(variable.dtype))
    return model


def data(kind, rng, n=8):
    x = [rng.standard_normal((n, *shape)).astype("float32") for shape in FACTORIES[kind][1]]
    return (x[0] if len(x) == 1 else x), rng.standard_normal((n, 3)).astype("float32")


def load(model, source, skip_mismatch=False):
    """What the ``load_weights`` dispatch does: read and check everything, then assign."""
    assignments = read_safetensors(source, saved_objects(model), str(source), skip_mismatch)
    for variable, value in assignments:
        variable.assign(value)


def state(model):
    values = [v.numpy() for v in model.weights]
    if getattr(model, "optimizer", None) is not None:
        values += [v.numpy() for v in model.optimizer.variables]
    return values


def assert_same(left, right):
    assert len(left) == len(right)
    for a, b in zip(left, right):
        np.testing.assert_array_equal(a, b)


def header_of(path):
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + length]), raw[8 + length :]


def h5_datasets(path):
    names = set()

    def add(name, item):
        if isinstance(item, h5py.Dataset):
            names.add(name)

    with h5py.File(path, "r") as file:
        file.visititems(add)
    return names


# ---- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FACTORIES))
def test_round_trip_with_optimizer_state(tmp_path, rng, kind):
    path = tmp_path / "model.safetensors"
    source = make(kind, rng, with_optimizer=True)
    write_safetensors(saved_objects(source), path)
    target = make(kind, rng, with_optimizer=True)
    load(target, path)
    assert_same(state(source), state(target))
    np.testing.assert_array_equal(source.get_weights()[0], target.get_weights()[0])


@pytest.mark.training
@pytest.mark.parametrize("kind", sorted(FACTORIES))
def test_round_trip_after_a_fit_step(tmp_path, rng, kind):
    path = tmp_path / "model.safetensors"
    source = make(kind, rng)
    source.fit(*data(kind, rng), batch_size=4, epochs=1, verbose=0)
    write_safetensors(saved_objects(source), path)
    target = make(kind, rng)
    target.fit(*data(kind, rng), batch_size=8, epochs=1, verbose=0)  # builds the optimizer
    assert not np.array_equal(source.get_weights()[0], target.get_weights()[0])
    load(target, path)
    assert_same(state(source), state(target))
    assert_same(source.get_weights(), target.get_weights())


@pytest.mark.parametrize("kind", sorted(FACTORIES))
def test_keys_are_the_weights_h5_dataset_paths(tmp_path, rng, kind):
    model = make(kind, rng, with_optimizer=True)
    write_safetensors(saved_objects(model), tmp_path / "model.safetensors")
    save_weights(model, tmp_path / "model.weights.h5")
    header, _ = header_of(tmp_path / "model.safetensors")
    assert header.pop("__metadata__") == weights_safetensors.METADATA
    assert set(header) == h5_datasets(tmp_path / "model.weights.h5")
    assert "layers/dense/vars/0" in header
    assert "optimizer/vars/1" in header
    with h5py.File(tmp_path / "model.weights.h5", "r") as file:
        kernel = file["layers/dense/vars/0"][()]
    _, tensors = load_numpy(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(tensors["layers/dense/vars/0"], kernel)


def load_numpy(path):
    """Our own reading of every tensor, by key (for tests that do not need the package)."""
    header, body = header_of(path)
    header.pop("__metadata__")
    codes = {"F32": "<f4", "I64": "<i8", "F64": "<f8"}
    return header, {
        key: np.frombuffer(body[slice(*spec["data_offsets"])], codes[spec["dtype"]]).reshape(
            spec["shape"]
        )
        for key, spec in header.items()
    }


def test_data_is_aligned_and_written_to_a_file_object(tmp_path, rng):
    model = make("sequential", rng)
    path = tmp_path / "model.safetensors"
    write_safetensors(saved_objects(model), path)
    buffer = io.BytesIO()
    write_safetensors(saved_objects(model), buffer)
    assert buffer.getvalue() == path.read_bytes()
    (length,) = struct.unpack("<Q", buffer.getvalue()[:8])
    assert (8 + length) % 8 == 0
    buffer.seek(0)
    target = make("sequential", rng)
    load(target, buffer)
    assert_same(model.get_weights(), target.get_weights())


def test_read_from_a_zip_member_and_from_inside_a_larger_file(tmp_path, rng):
    model = make("sequential", rng, with_optimizer=True)
    archive_path = tmp_path / "model.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("before.json", b"{}")
        with archive.open("model.weights.safetensors", "w", force_zip64=True) as member:
            write_safetensors(saved_objects(model), member)  # streamed: no temporary file
    target = make("sequential", rng, with_optimizer=True)
    with (
        zipfile.ZipFile(archive_path) as archive,
        archive.open("model.weights.safetensors") as member,
    ):
        load(target, member)
    assert_same(state(model), state(target))

    buffer = io.BytesIO()
    write_safetensors(saved_objects(model), buffer)
    data = buffer.getvalue()
    embedded = io.BytesIO(b"prefix" + data + b"trailing zip directory")
    embedded.seek(len(b"prefix"))
    target = make("sequential", rng, with_optimizer=True)
    for variable, value in read_safetensors(embedded, saved_objects(target), "m", size=len(data)):
        variable.assign(value)
    assert_same(state(model), state(target))
    embedded.seek(len(b"prefix"))
    with pytest.raises(ValueError, match="only"):
        read_safetensors(embedded, saved_objects(target), "m", size=len(data) + 1000)


def test_failed_save_keeps_the_old_file(tmp_path, rng, monkeypatch):
    path = tmp_path / "model.safetensors"
    model = make("sequential", rng)
    write_safetensors(saved_objects(model), path)
    original = path.read_bytes()

    def fail_midway(stream, header, planned):
        stream.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(weights_safetensors, "_write_stream", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        write_safetensors(saved_objects(model), path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["model.safetensors"]


def test_bfloat16_variables_are_stored_as_bf16(tmp_path, rng):
    def model():
        built = lamina.Sequential([lamina.Input((4,)), layers.Dense(3, dtype="bfloat16")])
        built(np.ones((1, 4), "float32"))
        return built

    source, target = model(), model()
    source.set_weights([rng.standard_normal(w.shape) for w in source.get_weights()])
    path = tmp_path / "model.safetensors"
    write_safetensors(saved_objects(source), path)
    header, body = header_of(path)
    assert header["layers/dense/vars/0"]["dtype"] == "BF16"
    assert len(body) == (4 * 3 + 3) * 2
    load(target, path)
    assert_same(source.get_weights(), target.get_weights())


# ---- interoperability with the safetensors package ----------------------------------------


def test_safetensors_numpy_reads_ours_and_we_read_theirs(tmp_path, rng):
    st_numpy = pytest.importorskip("safetensors.numpy")
    safetensors = pytest.importorskip("safetensors")
    model = make("functional", rng, with_optimizer=True)
    ours = tmp_path / "ours.safetensors"
    write_safetensors(saved_objects(model), ours)
    loaded = st_numpy.load_file(str(ours))
    _, expected = load_numpy(ours)
    assert sorted(loaded) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_array_equal(loaded[key], value)
    with safetensors.safe_open(str(ours), framework="numpy") as file:
        assert file.metadata() == weights_safetensors.METADATA

    theirs = tmp_path / "theirs.safetensors"
    fresh = {
        key: rng.standard_normal(value.shape).astype(value.dtype) for key, value in loaded.items()
    }
    st_numpy.save_file(fresh, str(theirs))
    target = make("functional", rng, with_optimizer=True)
    load(target, theirs)
    paths = {
        f"{s.vars_path}/{i}": v for s in saved_objects(target) for i, v in enumerate(s.variables)
    }
    for key, value in fresh.items():
        np.testing.assert_array_equal(paths[key].numpy(), value)


def test_safetensors_torch_reads_ours_and_we_read_its_bfloat16(tmp_path, rng):
    pytest.importorskip("safetensors")
    torch = pytest.importorskip("torch")
    st_torch = pytest.importorskip("safetensors.torch")
    model = make("sequential", rng)
    ours = tmp_path / "ours.safetensors"
    write_safetensors(saved_objects(model), ours)
    tensors = st_torch.load_file(str(ours))
    _, expected = load_numpy(ours)
    assert sorted(tensors) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_array_equal(tensors[key].numpy(), value)

    # torch writes bfloat16; it is widened to float32 on the way in, exactly.
    halves = {
        key: tensor.to(torch.bfloat16) if tensor.is_floating_point() else tensor
        for key, tensor in tensors.items()
    }
    theirs = tmp_path / "theirs.safetensors"
    st_torch.save_file(halves, str(theirs), metadata={"format": "pt"})
    target = make("sequential", rng)
    values = [value for _, value in read_safetensors(theirs, saved_objects(target), "theirs")]
    assert all(type(value) is np.ndarray for value in values)  # scalars too (learning_rate)
    load(target, theirs)
    kernel = halves["layers/dense/vars/0"].float().numpy()
    np.testing.assert_array_equal(target.layers[0].kernel.numpy(), kernel)
    assert not np.array_equal(kernel, model.layers[0].kernel.numpy())  # it was rounded


# ---- mismatches -----------------------------------------------------------------------------


def test_shape_and_count_mismatches_name_the_layer(tmp_path, rng):
    path = tmp_path / "model.safetensors"
    write_safetensors(saved_objects(make("sequential", rng)), path)
    wider = lamina.Sequential([lamina.Input((6,)), layers.Dense(7), layers.Dense(3)])
    wider(np.ones((1, 6), "float32"))
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r"'dense_\d+'.*expects shape \(6, 7\).*\(6, 5\)"):
        load(wider, path)
    assert_same(before, wider.get_weights())
    no_bias = lamina.Sequential(
        [lamina.Input((6,)), layers.Dense(5, use_bias=False), layers.BatchNormalization(),
         layers.Dense(3)]
    )  # fmt: skip
    no_bias(np.ones((1, 6), "float32"))
    with pytest.raises(ValueError, match="expected 1 variables.*holds 2"):
        load(no_bias, path)


def test_skip_mismatch_loads_the_rest_with_a_warning(tmp_path, rng):
    path = tmp_path / "model.safetensors"
    source = make("sequential", rng)
    write_safetensors(saved_objects(source), path)
    target = lamina.Sequential(
        [lamina.Input((6,)), layers.Dense(5), layers.BatchNormalization(), layers.Dense(4)]
    )
    target(np.ones((1, 6), "float32"))
    head = target.layers[-1].kernel.numpy()
    with pytest.warns(UserWarning, match="skip_mismatch"):
        load(target, path, skip_mismatch=True)
    np.testing.assert_array_equal(target.layers[0].kernel.numpy(), source.layers[0].kernel.numpy())
    np.testing.assert_array_equal(target.layers[-1].kernel.numpy(), head)


def test_extra_objects_are_refused_but_spare_optimizer_state_is_ignored(tmp_path, rng):
    path = tmp_path / "model.safetensors"
    source = make("sequential", rng, with_optimizer=True)
    write_safetensors(saved_objects(source), path)
    smaller = lamina.Sequential([lamina.Input((6,)), layers.Dense(5), layers.BatchNormalization()])
    smaller(np.ones((1, 6), "float32"))
    with pytest.raises(ValueError, match=r"objects the model lacks: \['layers/dense_1/vars'\]"):
        load(smaller, path)
    # A model without an optimizer loads a trained model's weights, as in Keras.
    target = lamina.Sequential(
        [lamina.Input((6,)), layers.Dense(5), layers.BatchNormalization(), layers.Dense(3)]
    )
    target(np.ones((1, 6), "float32"))
    load(target, path)
    assert_same(source.get_weights(), target.get_weights())


def test_unbuilt_optimizer_is_skipped_with_a_warning(tmp_path, rng):
    path = tmp_path / "model.safetensors"
    source = make("sequential", rng, with_optimizer=True)
    write_safetensors(saved_objects(source), path)
    target = make("sequential", rng)  # compiled, optimizer not built
    with pytest.warns(UserWarning, match="Skipping variable loading for Optimizer"):
        load(target, path)
    assert_same(source.get_weights(), target.get_weights())


# ---- hostile files ---------------------------------------------------------------------------


def rewrite(header, body: bytes) -> bytes:
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + body


def with_header(change):
    def mutate(raw: bytes) -> bytes:
        (length,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8 : 8 + length])
        tensors = sorted(
            (k for k in header if k != "__metadata__"), key=lambda k: header[k]["data_offsets"]
        )
        change(header, tensors)
        return rewrite(header, raw[8 + length :])

    return mutate


def _past_end(header, tensors):
    last = header[tensors[-1]]  # grows by one element, shape and offsets agreeing
    count = int(np.prod(last["shape"]))
    begin, end = last["data_offsets"]
    last["shape"] = [count + 1]
    last["data_offsets"] = [begin, end + (end - begin) // count]


def _overlap(header, tensors):
    first, second = header[tensors[0]], header[tensors[1]]
    size = second["data_offsets"][1] - second["data_offsets"][0]
    second["data_offsets"] = [first["data_offsets"][0], first["data_offsets"][0] + size]


def _huge_shape(header, tensors):
    entry = header[tensors[-1]]
    entry["shape"] = [1 << 40, 1 << 40]
    entry["data_offsets"] = [entry["data_offsets"][0], entry["data_offsets"][0] + (1 << 82)]


def _set(field, value, which=0):
    def change(header, tensors):
        header[tensors[which]][field] = value

    return change


def _length(value):
    return lambda raw: struct.pack("<Q", value) + raw[8:]


def _duplicate_key(raw):
    (length,) = struct.unpack("<Q", raw[:8])
    text = raw[8 : 8 + length].decode().rstrip()
    first = text.index('"layers/dense/vars/0"')
    end = text.index("}", first) + 1
    doubled = text[:-1] + "," + text[first:end] + "}"
    return struct.pack("<Q", len(doubled)) + doubled.encode() + raw[8 + length :]


def _bad_json(raw):
    (length,) = struct.unpack("<Q", raw[:8])
    return struct.pack("<Q", length) + b"{" + b"x" * (length - 1) + raw[8 + length :]


def _rename(header, tensors):
    header["layers/dense/kernel"] = header.pop(tensors[0])


HOSTILE = {
    "length beyond file": (_length(1 << 20), "header declares"),
    "absurd length": (_length((1 << 64) - 1), "header declares"),
    "too short": (lambda raw: raw[:5], "only 5 bytes"),
    "truncated data": (lambda raw: raw[:-4], "past the end"),
    "trailing bytes": (lambda raw: raw + b"\0" * 8, "file holds"),
    "offsets past end": (with_header(_past_end), "past the end"),
    "overlapping offsets": (with_header(_overlap), "overlap"),
    "non-numeric dtype": (with_header(_set("dtype", "F8_E4M3")), "only numeric dtypes"),
    "string dtype": (with_header(_set("dtype", "STR")), "only numeric dtypes"),
    "list dtype": (with_header(_set("dtype", ["F32"])), "only numeric dtypes"),
    "shape offset mismatch": (with_header(_set("shape", [6, 6])), "needs 144 bytes"),
    "huge declared shape": (with_header(_huge_shape), "past the end"),
    "negative offset": (with_header(_set("data_offsets", [-4, 0])), "invalid data_offsets"),
    "boolean in shape": (with_header(_set("shape", [True, 5])), "invalid shape"),
    "extra field": (with_header(_set("pickle", "x")), "exactly"),
    "metadata not strings": (with_header(lambda h, t: h.update(__metadata__={"a": 1})), "map"),
    "not the keras layout": (with_header(_rename), "Keras 3 weights layout"),
    "bad json": (_bad_json, "not valid JSON"),
    "json array": (lambda raw: rewrite([1, 2], b""), "not JSON"),
    "duplicate key": (_duplicate_key, "duplicate keys"),
    "nan constant": (with_header(_set("shape", float("nan"))), "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_headers_are_refused_before_any_change(tmp_path, rng, case):
    mutate, message = HOSTILE[case]
    path = tmp_path / "model.safetensors"
    write_safetensors(saved_objects(make("sequential", rng)), path)
    path.write_bytes(mutate(path.read_bytes()))
    target = make("sequential", rng)
    before = target.get_weights()
    with pytest.raises(ValueError, match=message):
        load(target, path)
    assert_same(before, target.get_weights())


def test_mutated_files_load_or_raise_value_error(rng):
    hypothesis = pytest.importorskip("hypothesis")
    strategies = pytest.importorskip("hypothesis.strategies")
    model = make("sequential", rng)
    buffer = io.BytesIO()
    write_safetensors(saved_objects(model), buffer)
    original = buffer.getvalue()
    target = make("sequential", rng)

    @hypothesis.settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @hypothesis.given(
        flips=strategies.lists(
            strategies.tuples(
                strategies.integers(0, len(original) - 1), strategies.integers(1, 255)
            ),
            max_size=4,
        ),
        cut=strategies.integers(0, len(original)),
    )
    def check(flips, cut):
        raw = bytearray(original[:cut])
        for position, mask in flips:
            if position < len(raw):
                raw[position] ^= mask
        before = target.get_weights()
        try:
            load(target, io.BytesIO(bytes(raw)))
        except ValueError:
            assert_same(before, target.get_weights())

    check()
