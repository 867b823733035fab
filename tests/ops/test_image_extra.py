"""gaussian_blur, sobel_edges, ssim, extract_patches(_3d), perspective_transform,
elastic_transform and scale_and_translate against float64 NumPy (SciPy's ndimage where the
op samples at arbitrary points) on every engine, with symbolic shapes and gradients."""

import itertools

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

# ---- float64 references (images channels last; the cases move axes for channels first) ----


def _channels_first(reference, batched=True):
    """A channels_last reference applied to channels_first arrays."""
    axis = 1 if batched else 0

    def wrapped(x, *rest):
        out = reference(np.moveaxis(x, axis, -1), *(np.moveaxis(r, axis, -1) for r in rest))
        return np.moveaxis(out, -1, axis) if np.ndim(out) == np.ndim(x) else out

    return wrapped


def _unbatched(reference):
    return lambda *xs: reference(*(x[None] for x in xs))[0]


def _gaussian(size, sigma):
    offsets = np.arange(size) - (size - 1) / 2
    taps = np.exp(-0.5 * (offsets / sigma) ** 2)
    return taps / taps.sum()


def _filter(x, kernel, padding):
    """Per-channel cross-correlation of (N, H, W, C) ``x`` with a 2-D kernel."""
    kh, kw = kernel.shape
    if padding == "same":  # TensorFlow's placement: the odd zero goes after
        x = np.pad(x, ((0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)))
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))  # (N, H', W', C, kh, kw)
    return np.einsum("nhwcij,ij->nhwc", windows, kernel)


def _blur_reference(kernel_size, sigma):
    # kernel_size[0] / sigma[0] along the width, as Keras's JAX and TensorFlow backends.
    kernel = np.outer(_gaussian(kernel_size[1], sigma[1]), _gaussian(kernel_size[0], sigma[0]))
    return lambda x: _filter(x, kernel, "same")


_SOBEL_Y = np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]])


def _sobel_reference(x):
    return np.stack([_filter(x, _SOBEL_Y, "same"), _filter(x, _SOBEL_Y.T, "same")], axis=-1)


def _ssim_reference(max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    kernel = np.outer(*(2 * [_gaussian(filter_size, filter_sigma)]))

    def reference(a, b):
        def mean(x):
            return _filter(x, kernel, "valid")

        mu_a, mu_b = mean(a), mean(b)
        var_a, var_b = mean(a * a) - mu_a**2, mean(b * b) - mu_b**2
        cov = mean(a * b) - mu_a * mu_b
        c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
        ssim_map = (2 * mu_a * mu_b + c1) * (2 * cov + c2)
        ssim_map = ssim_map / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
        return ssim_map.mean(axis=(1, 2, 3))

    return reference


def _patches_reference(size, strides, dilation, padding):
    """Loops over output positions: each patch flattened in (offsets..., channel) order."""

    def reference(x):  # (N, *spatial, C)
        spatial = x.shape[1:-1]
        if padding == "same":
            pads = []
            for n, k, s, d in zip(spatial, size, strides, dilation):
                total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
                pads.append((total // 2, total - total // 2))
            x = np.pad(x, [(0, 0), *pads, (0, 0)])
            spatial = x.shape[1:-1]
        lengths = [(n - (k - 1) * d - 1) // s + 1 for n, k, s, d in zip(spatial, size, strides,
                                                                         dilation)]  # fmt: skip
        out = np.empty((x.shape[0], *lengths, int(np.prod(size)) * x.shape[-1]))
        for position in itertools.product(*(range(n) for n in lengths)):
            patch = [x[(slice(None), *(p * s + o * d for p, s, o, d in
                                       zip(position, strides, offsets, dilation)))]
                     for offsets in itertools.product(*(range(k) for k in size))]  # fmt: skip
            out[(slice(None), *position)] = np.stack(patch, axis=1).reshape(x.shape[0], -1)
        return out

    return reference


def _triangle(x):
    return np.maximum(1 - x, 0)


def _keys_cubic(x):
    return np.where(x < 1, (1.5 * x - 2.5) * x * x + 1,
                    np.where(x < 2, ((-0.5 * x + 2.5) * x - 4) * x + 2, 0))  # fmt: skip


def _scale_reference(output_shape, scale, translation, dims, kernel, antialias=True):
    """Per output sample: the kernel-weighted, normalised sum of the input pixels."""

    def reference(x):
        for axis, s, t in zip(dims, scale, translation):
            size, out_size = x.shape[axis], output_shape[axis]
            stretch = max(1 / s, 1) if antialias else 1
            weights = np.zeros((size, out_size))
            for j in range(out_size):
                centre = (j + 0.5 - t) / s - 0.5
                if not -0.5 <= centre <= size - 0.5:
                    continue
                row = kernel(np.abs(centre - np.arange(size)) / stretch)
                weights[:, j] = row / row.sum() if abs(row.sum()) > 1e-4 else 0
            x = np.moveaxis(np.tensordot(x, weights, axes=[[axis], [0]]), -1, axis)
        return x

    return reference


def _sample_reference(images, source_y, source_x, order, mode, cval=0.0):
    """SciPy's ndimage samples (N, H, W, C) ``images`` at per-image (N, H, W) points."""
    ndimage = pytest.importorskip("scipy.ndimage", reason="SciPy's ndimage is the reference")
    modes = {
        "constant": "grid-constant",
        "reflect": "reflect",
        "wrap": "grid-wrap",
        "nearest": "nearest",
        "mirror": "mirror",
    }  # fmt: skip  (Keras's under SciPy's)
    out = np.empty(images.shape)
    for n, c in itertools.product(range(images.shape[0]), range(images.shape[-1])):
        out[n, ..., c] = ndimage.map_coordinates(
            images[n, ..., c], [source_y[n], source_x[n]], order=order, mode=modes[mode],
            cval=cval,
        )  # fmt: skip
    return out


def _perspective_reference(start, end, order=1, fill_value=0.0):
    """Solve the homography end -> start in float64 and sample the input there."""
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)

    def reference(x):
        height, width = x.shape[1:3]
        y, x_grid = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
        source_y, source_x = [], []
        for s, e in zip(np.broadcast_to(start, (x.shape[0], 4, 2)),
                        np.broadcast_to(end, (x.shape[0], 4, 2))):  # fmt: skip
            rows = []
            for (sx, sy), (ex, ey) in zip(s, e):
                rows.append([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
                rows.append([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
            a0, a1, a2, b0, b1, b2, c0, c1 = np.linalg.solve(np.array(rows), s.reshape(-1))
            k = c0 * x_grid + c1 * y + 1
            source_x.append((a0 * x_grid + a1 * y + a2) / k)
            source_y.append((b0 * x_grid + b1 * y + b2) / k)
        return _sample_reference(x, source_y, source_x, order, "constant", fill_value)

    return reference


START = np.array([[0, 0], [0, 5], [6, 0], [6, 5]], "float32")
END = np.array([[0.5, 0.3], [0.2, 4.6], [5.4, -0.4], [6.3, 5.2]], "float32")
START_BATCH = np.stack([START, START + 0.5])
END_BATCH = np.stack([END, END[::-1] * 0.9])

image = ops.image
CASES = [
    OpCase("gaussian_blur", lambda x: image.gaussian_blur(x, (3, 5), (0.8, 1.3)),
           _blur_reference((3, 5), (0.8, 1.3)), ((2, 6, 7, 3),)),
    OpCase("gaussian_blur", lambda x: image.gaussian_blur(x, (4, 2), (1.1, 0.6),
                                                          data_format="channels_first"),
           _channels_first(_unbatched(_blur_reference((4, 2), (1.1, 0.6))), batched=False),
           ((3, 5, 6),), batch=False, label="unbatched-channels_first-even"),
    OpCase("sobel_edges", image.sobel_edges, _sobel_reference, ((2, 5, 6, 3),)),
    OpCase("sobel_edges", lambda x: image.sobel_edges(x, data_format="channels_first"),
           lambda x: np.moveaxis(_sobel_reference(np.moveaxis(x, 1, -1)), 3, 1),
           ((2, 2, 5, 6),), label="channels_first"),
    OpCase("ssim", lambda a, b: image.ssim(a, b, filter_size=5),
           _ssim_reference(filter_size=5), ((2, 8, 9, 3), (2, 8, 9, 3)), kinds="open01",
           rtol=1e-4, atol=1e-5),
    OpCase("ssim", lambda a, b: image.ssim(a, b, 2.0, 3, 0.9, 0.02, 0.05, "channels_first"),
           _channels_first(_unbatched(_ssim_reference(2.0, 3, 0.9, 0.02, 0.05)), batched=False),
           ((2, 6, 7), (2, 6, 7)), kinds="open01", rtol=1e-4, atol=1e-5, batch=False,
           label="unbatched-channels_first"),
    OpCase("extract_patches", lambda x: image.extract_patches(x, (2, 3), (1, 2)),
           _patches_reference((2, 3), (1, 2), (1, 1), "valid"), ((2, 5, 7, 2),)),
    OpCase("extract_patches",
           lambda x: image.extract_patches(x, 2, 1, 2, "same", "channels_first"),
           _channels_first(_unbatched(_patches_reference((2, 2), (1, 1), (2, 2), "same")),
                           batched=False),
           ((3, 5, 4),), kinds="int", batch=False, label="unbatched-channels_first-same-int"),
    OpCase("extract_patches", lambda x: image.extract_patches(x, (2, 2, 3), padding="same"),
           _patches_reference((2, 2, 3), (2, 2, 3), (1, 1, 1), "same"), ((1, 3, 4, 5, 2),),
           label="3d-size"),
    OpCase("extract_patches_3d", lambda x: image.extract_patches_3d(x, 2, (1, 2, 1)),
           _patches_reference((2, 2, 2), (1, 2, 1), (1, 1, 1), "valid"), ((2, 3, 5, 4, 2),)),
    OpCase("extract_patches_3d",
           lambda x: image.extract_patches_3d(x, (2, 1, 2), 2, data_format="channels_first",
                                              padding="same"),
           _channels_first(_unbatched(_patches_reference((2, 1, 2), (2, 2, 2), (1, 1, 1),
                                                         "same")), batched=False),
           ((2, 3, 4, 5),), batch=False, label="unbatched-channels_first-same"),
    OpCase("perspective_transform", lambda x: image.perspective_transform(x, START, END),
           _perspective_reference(START, END), ((2, 5, 6, 2),), rtol=1e-4, atol=1e-4),
    OpCase("perspective_transform",
           lambda x: image.perspective_transform(x, START_BATCH, END_BATCH, "nearest", 0.5,
                                                 "channels_first"),
           _channels_first(_perspective_reference(START_BATCH, END_BATCH, 0, 0.5)),
           ((2, 2, 5, 6),), rtol=1e-4, atol=1e-4, batch=False, label="batched-points-nearest"),
    OpCase("scale_and_translate",
           lambda x: image.scale_and_translate(x, (2, 8, 4, 3), [1.6, 0.7], [0.4, -0.3],
                                               (1, 2), "linear"),
           _scale_reference((2, 8, 4, 3), (1.6, 0.7), (0.4, -0.3), (1, 2), _triangle),
           ((2, 5, 6, 3),), batch=False),
    OpCase("scale_and_translate",
           lambda x: image.scale_and_translate(x, (3, 9), np.array([0.6, 1.5], "float32"),
                                               np.array([0.2, 0.5], "float32"), (0, 1),
                                               "bicubic", antialias=False),
           _scale_reference((3, 9), (0.6, 1.5), (0.2, 0.5), (0, 1), _keys_cubic, False),
           ((5, 6),), batch=False, label="cubic-no-antialias"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES[::2], ids=case_ids(CASES[::2]))
def test_symbolic_shapes(case, rng):
    check_symbolic(case, rng)


def test_ssim_of_identical_images_is_one(rng):
    x = rng.uniform(0, 255, (2, 8, 9, 3)).astype("float32")  # the first ssim case's shapes
    assert_close(image.ssim(x, x, max_val=255.0, filter_size=5), np.ones(2), atol=1e-5)


def test_scale_and_translate_keras_example():
    x = np.arange(9, dtype="float32").reshape((3, 3))
    out = image.scale_and_translate(x, (5, 5), [2.0, 2.0], [-0.5, -0.5], (0, 1), "linear")
    assert_close(out, 1.5 * np.arange(5)[:, None] + 0.5 * np.arange(5))


@pytest.mark.parametrize("method", ["lanczos3", "lanczos5"])
def test_scale_and_translate_lanczos_keeps_constants(method):
    # Normalised weights reproduce a constant image wherever the samples fall inside.
    out = image.scale_and_translate(np.full((6, 7), 2.5, "float32"), (9, 4), [1.5, 0.6],
                                    [0.0, 0.0], (0, 1), method)  # fmt: skip
    assert_close(out, np.full((9, 4), 2.5), atol=1e-5)


def test_tensor_arguments_match_host_ones(rng):
    """Tensor points, scales and sigmas take the engine path; host values are folded in
    float64 NumPy. Both give the same images."""
    x = rng.standard_normal((2, 5, 6, 2)).astype("float32")
    tensor = ops.convert_to_tensor
    assert_close(image.perspective_transform(x, tensor(START), tensor(END)),
                 backend.convert_to_numpy(image.perspective_transform(x, START, END)),
                 atol=1e-4)  # fmt: skip
    host = image.scale_and_translate(x, (2, 8, 4, 2), [1.6, 0.7], [0.4, -0.3], (1, 2), "cubic")
    on_engine = image.scale_and_translate(
        x,
        (2, 8, 4, 2),
        tensor(np.array([1.6, 0.7])),
        tensor(np.array([0.4, -0.3])),
        (1, 2),
        "cubic",
    )
    assert_close(on_engine, backend.convert_to_numpy(host), atol=1e-5)  # fmt: skip
    blurred = image.gaussian_blur(x, (3, 5), tensor(np.array([0.8, 1.3], "float32")))
    assert_close(blurred, _blur_reference((3, 5), (0.8, 1.3))(x.astype(np.float64)), atol=1e-5)


def test_integer_images_keep_their_dtype(rng):
    x = rng.integers(0, 255, (1, 5, 6, 2)).astype("uint8")
    out = image.scale_and_translate(x, (1, 9, 4, 2), [1.8, 0.7], [0.0, 0.0], (1, 2), "linear")
    expected = _scale_reference((1, 9, 4, 2), (1.8, 0.7), (0.0, 0.0), (1, 2), _triangle)(
        x.astype(np.float64))  # fmt: skip
    assert ops.dtype(out) == "uint8"
    assert_close(out, np.clip(np.round(expected), x.min(), x.max()), atol=1)
    warped = image.perspective_transform(x, START, END)
    assert ops.dtype(warped) == "uint8"


@pytest.mark.parametrize(
    ("data_format", "shape", "fill_mode"),
    [("channels_last", (2, 5, 6, 2), "reflect"), ("channels_first", (2, 2, 5, 6), "constant")],
)
def test_elastic_transform_matches_scipy(rng, data_format, shape, fill_mode):
    x = rng.standard_normal(shape).astype("float32")
    out = image.elastic_transform(x, 2.0, 1.0, fill_mode=fill_mode, fill_value=0.5, seed=7,
                                  data_format=data_format)  # fmt: skip
    images = x if data_format == "channels_last" else np.moveaxis(x, 1, -1)
    batch, height, width, _ = images.shape
    # The same seeded draw the op makes: (2N, H, W, 1) standard normals, dx first.
    noise = backend.convert_to_numpy(ops.random.normal((2 * batch, height, width, 1),
                                                       dtype="float32", seed=7))  # fmt: skip
    field = _blur_reference((7, 7), (1.0, 1.0))(noise.astype(np.float64) * 1.0) * 2.0
    dx, dy = field[:batch, ..., 0], field[batch:, ..., 0]
    grid_y, grid_x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    expected = _sample_reference(images.astype(np.float64), grid_y + dy, grid_x + dx, 1,
                                 fill_mode, 0.5)  # fmt: skip
    if data_format == "channels_first":
        expected = np.moveaxis(expected, -1, 1)
    assert_close(out, expected, atol=1e-4)


def test_elastic_transform_repeats_with_seed_and_symbolic(rng):
    x = rng.standard_normal((2, 5, 6, 2)).astype("float32")
    first = image.elastic_transform(x, sigma=1.0, seed=3)
    assert_close(image.elastic_transform(x, sigma=1.0, seed=3), backend.convert_to_numpy(first))
    assert not np.allclose(backend.convert_to_numpy(first), x)
    symbolic = image.elastic_transform(backend.KerasTensor((None, 5, 6, 2)), seed=3)
    assert symbolic.shape == (None, 5, 6, 2)
    assert symbolic.dtype == "float32"


@pytest.mark.training
def test_gaussian_blur_gradient(rng):
    x = rng.standard_normal((2, 6, 7, 3))  # the shapes of the first case: no new compiles

    def fn(images):
        return ops.square(image.gaussian_blur(images, (3, 5), (0.8, 1.3)))

    def reference(images):
        return _blur_reference((3, 5), (0.8, 1.3))(images) ** 2

    assert_close(engine_gradients(fn, [x.astype("float32")])[0],
                 numeric_gradients(reference, [x])[0], rtol=1e-3, atol=1e-4)  # fmt: skip


@pytest.mark.training
def test_perspective_transform_gradient(rng):
    x = rng.standard_normal((2, 5, 6, 2))

    def fn(images):
        return ops.square(image.perspective_transform(images, START, END))

    def reference(images):
        return _perspective_reference(START, END)(images) ** 2

    assert_close(engine_gradients(fn, [x.astype("float32")])[0],
                 numeric_gradients(reference, [x])[0], rtol=1e-3, atol=1e-3)  # fmt: skip


ONES = np.ones((1, 6, 6, 2), "float32")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: image.gaussian_blur(np.ones((6, 6)), 3), ValueError, "rank 3 or 4"),
        (lambda: image.gaussian_blur(ONES, (3, 0)), ValueError, "kernel_size"),
        (lambda: image.sobel_edges(ONES[0]), ValueError, "rank 4"),
        (lambda: image.ssim(ONES, ONES[:, :5]), ValueError, "one shape"),
        (lambda: image.ssim(ONES, ONES), ValueError, "filter_size=11"),
        (lambda: image.extract_patches(ONES, "3"), TypeError, "size"),
        (lambda: image.extract_patches(ONES, (3, 3), padding="full"), ValueError, "padding"),
        (lambda: image.extract_patches(ONES, (7, 2)), ValueError, "does not fit"),
        (lambda: image.extract_patches_3d(ONES[0], 2), ValueError, "rank 4"),
        (lambda: image.perspective_transform(ONES, START[:3], END), ValueError, "start_points"),
        (lambda: image.perspective_transform(ONES, START, END_BATCH), ValueError, "one shape"),
        (lambda: image.perspective_transform(ONES, START, END, "cubic"), ValueError,
         "interpolation"),
        (lambda: image.elastic_transform(ONES, fill_mode="edge"), ValueError, "fill_mode"),
        (lambda: image.elastic_transform(ONES, sigma=0.0), ValueError, "sigma"),
        (lambda: image.scale_and_translate(ONES, (1, 3, 3, 2), [2.0, 2.0], [0.0, 0.0],
                                           (1, 2), "area"), ValueError, "method"),
        (lambda: image.scale_and_translate(ONES, (1, 3, 3, 2), [2.0], [0.0], (1, 2),
                                           "linear"), ValueError, "scale"),
        (lambda: image.scale_and_translate(ONES, (1, 3, 3, 1), [2.0, 2.0], [0.0, 0.0],
                                           (1, 2), "linear"), ValueError, "output_shape"),
    ],
)  # fmt: skip
def test_bad_arguments_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()
