"""Archive assets (vocabularies): written as Keras writes them, read back safely."""

import os
import zipfile

import pytest

import lamina
from lamina import layers, saving
from lamina.saving.errors import SavedFileError, UnsafeFileError


def lookup_model(rng):
    inputs = lamina.Input((3,), dtype="string")
    lookup = layers.StringLookup()
    lookup.adapt(rng.choice(["ant", "bee", "cat", "dog"], (12, 3)))
    return lamina.Model(inputs, lookup(inputs))


def test_vocabulary_is_an_asset_member_and_comes_back(tmp_path, rng):
    model = lookup_model(rng)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        text = archive.read("assets/layers/string_lookup/vocabulary.txt").decode()
    assert text.splitlines() == model.layers[-1].get_vocabulary()
    loaded = saving.load_model(tmp_path / "m.keras")
    assert loaded.layers[-1].get_vocabulary() == model.layers[-1].get_vocabulary()


def test_unzipped_directory_keeps_assets(tmp_path, rng):
    model = lookup_model(rng)
    model.save(tmp_path / "d.keras", zipped=False)
    assert os.path.isfile(tmp_path / "d.keras/assets/layers/string_lookup/vocabulary.txt")
    loaded = saving.load_model(tmp_path / "d.keras")
    assert loaded.layers[-1].get_vocabulary() == model.layers[-1].get_vocabulary()


def test_asset_member_outside_the_archive_is_refused(tmp_path, rng):
    lookup_model(rng).save(tmp_path / "m.keras")
    with (
        zipfile.ZipFile(tmp_path / "m.keras") as source,
        zipfile.ZipFile(tmp_path / "bad.keras", "w") as target,
    ):
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("assets/../../escape.txt", b"x")
    with pytest.raises(UnsafeFileError):
        saving.load_model(tmp_path / "bad.keras")
    assert not (tmp_path / "escape.txt").exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_linked_asset_in_a_directory_is_refused(tmp_path, rng):
    lookup_model(rng).save(tmp_path / "d.keras", zipped=False)
    target = tmp_path / "d.keras/assets/layers/string_lookup/vocabulary.txt"
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    target.unlink()
    os.symlink(secret, target)
    with pytest.raises((UnsafeFileError, SavedFileError)):
        saving.load_model(tmp_path / "d.keras")


def test_oversized_assets_are_refused(tmp_path, rng, monkeypatch):
    from lamina.saving import archive

    lookup_model(rng).save(tmp_path / "m.keras")
    monkeypatch.setattr(archive, "MAX_ASSETS_BYTES", 8)
    with pytest.raises(SavedFileError, match="assets"):
        saving.load_model(tmp_path / "m.keras")
