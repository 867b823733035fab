"""load_img / img_to_array / array_to_img / save_img / smart_resize (Pillow optional)."""

import io

import numpy as np
import pytest

from lamina import backend, ops
from lamina.preprocessing import image as preprocessing_image
from lamina.utils import array_to_img, img_to_array, load_img, save_img

Image = pytest.importorskip("PIL.Image", reason="Pillow is optional; these tests need it")


def _pixels(rng, shape):
    return rng.integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize(("channels", "mode"), [(1, "L"), (3, "RGB"), (4, "RGBA")])
def test_array_to_img_and_back_keeps_pixels(rng, channels, mode):
    pixels = _pixels(rng, (5, 7, channels))
    img = array_to_img(pixels.astype("float64"), scale=False)
    assert img.mode == mode
    assert img.size == (7, 5)
    array = img_to_array(img)
    assert array.dtype == np.float32
    np.testing.assert_array_equal(array, pixels)
    first = img_to_array(img, data_format="channels_first", dtype="float64")
    np.testing.assert_array_equal(first, pixels.transpose(2, 0, 1))


def test_array_to_img_scales_min_to_0_and_max_to_255(rng):
    x = rng.standard_normal((4, 4, 3))
    expected = (x - x.min()) / (x.max() - x.min()) * 255
    np.testing.assert_array_equal(img_to_array(array_to_img(x)), expected.astype("uint8"))


def test_array_to_img_channels_first_and_bad_shapes(rng):
    pixels = _pixels(rng, (3, 4, 6))
    img = array_to_img(pixels, data_format="channels_first", scale=False)
    np.testing.assert_array_equal(img_to_array(img), pixels.transpose(1, 2, 0))
    with pytest.raises(ValueError, match=r"rank-3 array .*received shape \(4, 6\)"):
        array_to_img(pixels[0])
    with pytest.raises(ValueError, match="1, 3 or 4 channels; received 2"):
        array_to_img(pixels[:, :, :2])


def test_save_then_load_round_trips_png(tmp_path, rng):
    pixels = _pixels(rng, (6, 5, 3))
    path = tmp_path / "picture.png"
    save_img(path, pixels, scale=False)
    np.testing.assert_array_equal(img_to_array(load_img(path)), pixels)
    np.testing.assert_array_equal(img_to_array(load_img(str(path))), pixels)
    grey = img_to_array(load_img(path, color_mode="grayscale"))
    expected = np.asarray(Image.fromarray(pixels).convert("L"))[..., None]  # Pillow's luma
    np.testing.assert_array_equal(grey, expected)
    assert img_to_array(load_img(path, color_mode="rgba"))[..., 3].min() == 255


def test_save_img_to_a_file_object_needs_the_format(rng):
    buffer = io.BytesIO()
    save_img(buffer, _pixels(rng, (3, 3, 3)), file_format="png")
    buffer.seek(0)
    assert load_img(buffer).size == (3, 3)


def test_save_img_jpeg_drops_alpha_with_a_warning(tmp_path, rng):
    with pytest.warns(UserWarning, match="JPEG cannot store an alpha channel"):
        save_img(tmp_path / "a.jpg", _pixels(rng, (4, 4, 4)))
    assert load_img(tmp_path / "a.jpg").mode == "RGB"


def test_load_img_resizes_with_nearest_as_reference(tmp_path, rng):
    pixels = _pixels(rng, (6, 8, 3))
    save_img(tmp_path / "p.png", pixels, scale=False)
    loaded = img_to_array(load_img(tmp_path / "p.png", target_size=(3, 4)))
    # Pillow's nearest filter samples pixel floor((i + 0.5) * 2) = 2 i + 1.
    np.testing.assert_array_equal(loaded, pixels[1::2, 1::2])


def test_load_img_keep_aspect_ratio_crops_the_centre(tmp_path, rng):
    pixels = _pixels(rng, (4, 8, 3))
    save_img(tmp_path / "p.png", pixels, scale=False)
    loaded = load_img(tmp_path / "p.png", target_size=(4, 4), keep_aspect_ratio=True)
    np.testing.assert_array_equal(img_to_array(loaded), pixels[:, 2:6])


def test_load_img_bad_arguments(tmp_path, rng):
    save_img(tmp_path / "p.png", _pixels(rng, (2, 2, 3)))
    with pytest.raises(ValueError, match=r"color_mode must be one of .*received color_mode='cmyk'"):
        load_img(tmp_path / "p.png", color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation must be one of"):
        load_img(tmp_path / "p.png", target_size=(1, 1), interpolation="cubic")
    with pytest.raises(TypeError, match="path must be a str, bytes, pathlib.Path or io.BytesIO"):
        load_img(3)


@pytest.mark.parametrize("batched", [False, True])
def test_smart_resize_crops_the_centre_then_resizes(rng, batched):
    x = rng.standard_normal((2, 6, 12, 3) if batched else (6, 12, 3)).astype("float32")
    out = preprocessing_image.smart_resize(x, (3, 3), interpolation="nearest")
    assert isinstance(out, np.ndarray)
    crop = x[..., :, 3:9, :].astype("float64")  # the centred (6, 6) box
    expected = crop[..., 1::2, 1::2, :]  # nearest: source pixel floor((i + 0.5) * 2)
    np.testing.assert_allclose(out, expected)


def test_smart_resize_keeps_tensors_and_symbolic_inputs(rng):
    import lamina

    x = ops.convert_to_tensor(rng.standard_normal((5, 10, 2)).astype("float32"))
    out = preprocessing_image.smart_resize(x, (4, 4))
    assert backend.is_tensor(out)
    assert tuple(out.shape) == (4, 4, 2)
    symbolic = preprocessing_image.smart_resize(lamina.Input((10, 20, 3)), (5, 5))
    assert tuple(symbolic.shape) == (None, 5, 5, 3)
    with pytest.raises(ValueError, match="size must be"):
        preprocessing_image.smart_resize(rng.standard_normal((4, 4, 1)), (2,))
