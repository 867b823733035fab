"""Every engine keeps the written contract, and only engine folders import an engine."""

import ast
import importlib
import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import pytest

import lamina
from lamina import backend
from lamina.backend import contract

SOURCE = pathlib.Path(lamina.__file__).parent
BACKEND = SOURCE / "backend"
ENGINE_MODULES = ("torch", "jax", "tensorflow", "jaxlib", "flax")
ENGINE_FOLDERS = sorted(
    path.name
    for path in BACKEND.iterdir()
    if path.is_dir() and path.name != "common" and (path / "__init__.py").exists()
)


def test_active_engine_keeps_the_contract():
    assert contract.check_engine(backend.engine) == []


# The libraries each engine folder needs: an engine whose library is not installed here is
# skipped; one whose library is installed must import (an import error is a failure).
_FOLDER_LIBRARIES = {"torch": ("torch",), "jax": ("jax", "jaxlib"), "tensorflow": ("tensorflow",)}


@pytest.mark.parametrize("name", ENGINE_FOLDERS)
def test_every_engine_folder_keeps_the_contract(name):
    missing = [
        library
        for library in _FOLDER_LIBRARIES.get(name, ())
        if importlib.util.find_spec(library) is None
    ]
    if missing:
        pytest.skip(f"engine {name!r} needs {', '.join(missing)}, not installed here")
    engine = importlib.import_module(f"lamina.backend.{name}")
    assert contract.check_engine(engine) == []


def test_contract_lists_what_the_trainer_calls_on_an_engine():
    """Each ``backend.engine.<submodule>.<name>`` the trainers, models and data adapters use
    is in the contract, so an engine without it fails the test above."""
    listed = {name for functions in contract.SUBMODULES.values() for name in functions}
    optional_constants = {"BATCHES_ON_HOST"}  # read with a default (getattr)
    used = set()
    for folder in ("trainers", "models"):
        for path in (SOURCE / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Attribute) and ast.unparse(node.value) in (
                    "backend.engine.trainer",
                    "backend.engine.core",
                    "_engine_trainer",
                ):
                    used.add((path.name, node.attr))
    assert ("trainer.py", "check_can_train") in used
    unlisted = [f"{file}: {name}" for file, name in sorted(used) if name not in listed]
    assert not [u for u in unlisted if u.split(": ")[1] not in optional_constants], unlisted


def test_engines_reach_no_private_model_attribute():
    """Engines ask a model for the step's loss and variables through
    backend/common/step_interface.py, never through its private attributes."""
    offenders = []
    for path in sorted(BACKEND.rglob("*.py")):
        relative = path.relative_to(BACKEND)
        if relative.parts[0] not in ENGINE_FOLDERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "model"
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                offenders.append(f"backend/{relative.as_posix()}:{node.lineno} model.{node.attr}")
    assert not offenders, "\n".join(offenders)


def test_check_engine_reports_missing_and_wrong_functions():
    import types

    fake = types.ModuleType("fake_engine")
    fake.Variable = object
    for submodule in contract.SUBMODULES:
        setattr(fake, submodule, types.ModuleType(f"fake_engine.{submodule}"))
    fake.numpy.add = lambda a, b: a + b  # wrong parameter names
    fake.numpy.sum = lambda x, axis=None, keepdims=False, dtype=None: x  # extra default: fine
    problems = contract.check_engine(fake)
    assert "fake_engine.LayerBase is missing" in problems
    assert "fake_engine.nn.relu is missing" in problems
    assert "fake_engine.core.SUPPORTS_TRAINING is missing" in problems
    assert "fake_engine.trainer.check_can_train is missing" in problems
    assert any(p.startswith("fake_engine.numpy.add: expected") for p in problems)
    assert not any(p.startswith("fake_engine.numpy.sum") for p in problems)


def test_check_signature_requires_defaults_on_extra_parameters():
    assert contract.check_signature(lambda x, y: x, ("x",)) is not None
    assert contract.check_signature(lambda x, *rest, **options: x, ("x",)) is None
    assert contract.check_signature(lambda *operands: 0, ("*operands",)) is None


def test_contract_lists_every_engine_function_the_ops_floor_calls():
    """Each engine function an ops module wraps is in the contract (so no engine lacks it)."""
    listed = {name for functions in contract.SUBMODULES.values() for name in functions}
    for path in (SOURCE / "ops").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id
                in ("_np", "_extra", "_nn", "_math", "_linalg", "_core", "_random")
            ):
                assert node.attr in listed, f"{path.name}: {node.value.id}.{node.attr}"


# ---- the one engine-import rule -----------------------------------------------------------


def _imported_modules(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def test_only_engine_folders_import_an_engine():
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE)
        if relative.parts[0] == "backend" and relative.parts[1] in ENGINE_FOLDERS:
            continue
        for line, module in _imported_modules(path):
            if module.split(".")[0] in ENGINE_MODULES:
                offenders.append(f"src/lamina/{relative}:{line} imports {module}")
    assert not offenders, "\n".join(offenders)


def _run(code: str, env_updates: dict, home=None) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LAMINA_BACKEND", "KERAS_BACKEND", "LAMINA_HOME")
    }
    env["LAMINA_HOME"] = str(home) if home else "/nonexistent-lamina-home"
    env.update(env_updates)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


_ENGINE_LIBRARIES = {
    "torch": ("torch",),
    "jax": ("jax", "jaxlib"),
    "numpy": (),
    "tensorflow": ("tensorflow",),
}


@pytest.mark.parametrize("name", sorted(_ENGINE_LIBRARIES))
def test_importing_lamina_loads_no_other_engine(name):
    if any(importlib.util.find_spec(library) is None for library in _ENGINE_LIBRARIES[name]):
        pytest.skip(f"the {name} engine's library is not installed here")
    code = (
        "import sys, lamina\n"
        "import lamina.layers, lamina.models, lamina.optimizers, lamina.callbacks\n"
        f"assert lamina.backend.backend() == {name!r}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'jax', 'jaxlib', 'tensorflow', 'flax'}))\n"
    )
    result = _run(code, {"LAMINA_BACKEND": name})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(_loaded_by_the_library_itself(name))


def _loaded_by_the_library_itself(name: str) -> list:
    """The engine modules that importing the engine's own library loads: its own, plus,
    for TensorFlow, JAX where it is installed (tf.lite imports it), which Lamina cannot
    prevent."""
    if name != "tensorflow":
        return sorted(_ENGINE_LIBRARIES[name])
    result = _run(
        "import sys, tensorflow\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'jax', 'jaxlib', 'tensorflow', 'flax'}))\n",
        {},
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


# The selection rule lives in config.py, which imports no engine: load it on its own so that
# engines not installed here can still be named.
_CHOOSE = (
    "import importlib.util, sys\n"
    f"spec = importlib.util.spec_from_file_location('config', {str(BACKEND / 'config.py')!r})\n"
    "config = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(config)\n"
    "print(config.backend())\n"
)


@pytest.mark.parametrize(
    ("env", "file_backend", "expected"),
    [
        ({"LAMINA_BACKEND": "jax", "KERAS_BACKEND": "numpy"}, "torch", "jax"),
        ({"KERAS_BACKEND": "numpy"}, "jax", "numpy"),
        ({}, "jax", "jax"),
        ({}, None, "torch"),
    ],
    ids=["lamina-env-first", "keras-env-second", "config-file-third", "default-torch"],
)
def test_backend_selection_order(tmp_path, env, file_backend, expected):
    if file_backend:
        (tmp_path / "lamina.json").write_text(json.dumps({"backend": file_backend}))
    result = _run(_CHOOSE, env, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_full_import_honours_lamina_backend_over_keras_backend():
    result = _run(
        "import lamina; print(lamina.backend.backend())",
        {"LAMINA_BACKEND": "torch", "KERAS_BACKEND": "jax"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "torch"


def test_unknown_backend_is_a_clear_error():
    result = _run(_CHOOSE, {"LAMINA_BACKEND": "theano"})
    assert result.returncode != 0
    assert "Unknown backend 'theano'" in result.stderr
