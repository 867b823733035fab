"""The engine contract: every function an engine folder must provide, with its parameters.

An engine is a package ``lamina.backend.<name>`` with the submodules listed in
``SUBMODULES`` and the top-level names in ``TOP_LEVEL``. Each function is listed as the
names of its parameters, in order; ``*name`` and ``**name`` mark variadic ones. An engine
may add parameters after the listed ones only when they have defaults, and may add
functions of its own (helpers, native kernels), but it may not leave one out:
``check_engine`` reports what is missing and ``tests/backend/test_contract.py`` runs it on
every engine folder.
"""

from __future__ import annotations

import inspect
from types import ModuleType

Signature = tuple[str, ...]

_UNARY: Signature = ("x",)
_BINARY: Signature = ("x1", "x2")
_REDUCE: Signature = ("x", "axis", "keepdims")
_LIKE: Signature = ("x", "dtype")

CORE: dict[str, Signature] = {
    "is_tensor": ("x",),
    "convert_to_tensor": ("x", "dtype", "sparse"),
    "convert_to_numpy": ("x",),
    "cast": ("x", "dtype"),
    "autocast": ("x", "dtype"),
    "shape": ("x",),
    "get_item": ("x", "key"),
    "stop_gradient": ("variable",),
    "cond": ("pred", "true_fn", "false_fn"),
    "scan": ("f", "init", "xs", "length", "reverse", "unroll"),
    "fori_loop": ("lower", "upper", "body_fun", "init_val"),
    "device_scope": ("device_name",),
    "compute_output_spec": ("fn", "*args", "**kwargs"),
    "step_counters_on_host": (),
}

# The rest of Keras's core namespace: indexed slices and scatters, control flow (eager on
# engines without a tracing compiler), custom gradients.
CORE_EXTRA: dict[str, Signature] = {
    "slice": ("inputs", "start_indices", "shape"),
    "slice_update": ("inputs", "start_indices", "updates"),
    "scatter": ("indices", "values", "shape"),
    "scatter_update": ("inputs", "indices", "updates", "reduction"),
    "while_loop": ("cond", "body", "loop_vars", "maximum_iterations"),
    "map": ("f", "xs"),
    "switch": ("index", "branches", "*operands"),
    "associative_scan": ("f", "elems", "reverse", "axis"),
    "vectorized_map": ("function", "elements"),
    "custom_gradient": ("f",),
    "remat": ("f",),
}

_NUMPY_UNARY = (
    "negative", "absolute", "abs", "sign", "sqrt", "square", "exp", "expm1", "log", "log1p",
    "log2", "log10", "reciprocal", "sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh",
    "floor", "ceil", "logical_not", "isnan", "isinf", "isfinite", "ravel", "copy",
    "get_dtype_name", "size",
)  # fmt: skip
_NUMPY_BINARY = (
    "add", "subtract", "multiply", "divide", "divide_no_nan", "true_divide", "floor_divide",
    "mod", "power",
    "logaddexp", "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "matmul", "dot", "outer",
)  # fmt: skip

NUMPY: dict[str, Signature] = {
    **dict.fromkeys(_NUMPY_UNARY, _UNARY),
    **dict.fromkeys(_NUMPY_BINARY, _BINARY),
    "round": ("x", "decimals"),
    "clip": ("x", "x_min", "x_max"),
    "where": ("condition", "x1", "x2"),
    "tensordot": ("x1", "x2", "axes"),
    "einsum": ("subscripts", "*operands"),
    # reductions and sorting
    **dict.fromkeys(("sum", "mean", "var", "std", "any", "all"), _REDUCE),
    "prod": (*_REDUCE, "dtype"),
    **dict.fromkeys(("argmax", "argmin"), _REDUCE),
    **dict.fromkeys(("max", "min", "amax", "amin"), (*_REDUCE, "initial")),
    "argsort": ("x", "axis"),
    "sort": ("x", "axis"),
    "cumsum": ("x", "axis", "dtype"),
    "cumprod": ("x", "axis", "dtype"),
    "count_nonzero": ("x", "axis"),
    # shapes
    "reshape": ("x", "newshape"),
    "transpose": ("x", "axes"),
    "swapaxes": ("x", "axis1", "axis2"),
    "moveaxis": ("x", "source", "destination"),
    "expand_dims": ("x", "axis"),
    "squeeze": ("x", "axis"),
    "concatenate": ("xs", "axis"),
    "stack": ("x", "axis"),
    "split": ("x", "indices_or_sections", "axis"),
    "tile": ("x", "repeats"),
    "repeat": ("x", "repeats", "axis"),
    "broadcast_to": ("x", "shape"),
    "flip": ("x", "axis"),
    "take": ("x", "indices", "axis"),
    "take_along_axis": ("x", "indices", "axis"),
    "pad": ("x", "pad_width", "mode", "constant_values"),
    "tril": ("x", "k"),
    "triu": ("x", "k"),
    "diag": ("x", "k"),
    "astype": ("x", "dtype"),
    # creation
    "zeros": ("shape", "dtype"),
    "ones": ("shape", "dtype"),
    "full": ("shape", "fill_value", "dtype"),
    "zeros_like": _LIKE,
    "ones_like": _LIKE,
    "full_like": ("x", "fill_value", "dtype"),
    "arange": ("start", "stop", "step", "dtype"),
    "linspace": ("start", "stop", "num", "endpoint", "retstep", "dtype", "axis"),
    "eye": ("N", "M", "k", "dtype"),
    "identity": ("n", "dtype"),
}

# The rest of the NumPy namespace: native kernels in each engine's ``numpy_extra`` module.
NUMPY_EXTRA: dict[str, Signature] = {
    **dict.fromkeys(
        ("arccos", "arccosh", "arcsin", "arcsinh", "arctanh", "trunc", "signbit", "i0",
         "real", "imag", "conj", "angle", "slogdet"),
        _UNARY,
    ),
    **dict.fromkeys(("arctan2", "nextafter", "fmod", "gcd", "lcm"), _BINARY),
    **dict.fromkeys(
        ("bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift"), ("x", "y")
    ),
    "bitwise_invert": _UNARY,
    "roll": ("x", "shift", "axis"),
    "searchsorted": ("sorted_sequence", "values", "side"),
    "bincount": ("x", "weights", "minlength"),
    "unique": ("x", "sorted", "return_index", "return_inverse", "return_counts", "axis",
               "size", "fill_value"),
    "quantile": ("x", "q", "axis", "method", "keepdims"),
    "nanquantile": ("x", "q", "axis", "method", "keepdims"),
    "view": ("x", "dtype"),
    "correlate": ("x1", "x2", "mode"),
    "diagonal": ("x", "offset", "axis1", "axis2"),
    "vectorize": ("pyfunc", "excluded", "signature"),
}  # fmt: skip

_ACTIVATIONS = (
    "relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "silu", "selu",
    "hard_sigmoid", "hard_silu", "log_sigmoid",
)  # fmt: skip
_POOL: Signature = ("inputs", "pool_size", "strides", "padding", "data_format")
_CONV: Signature = ("inputs", "kernel", "strides", "padding", "data_format", "dilation_rate")
_CONV_TRANSPOSE: Signature = (
    "inputs", "kernel", "strides", "padding", "output_padding", "data_format", "dilation_rate",
)  # fmt: skip

NN: dict[str, Signature] = {
    **dict.fromkeys(_ACTIVATIONS, _UNARY),
    "gelu": ("x", "approximate"),
    "elu": ("x", "alpha"),
    "leaky_relu": ("x", "negative_slope"),
    "softmax": ("x", "axis"),
    "log_softmax": ("x", "axis"),
    "one_hot": ("x", "num_classes", "axis", "dtype", "sparse"),
    "conv": (*_CONV, "bias"),  # bias: added by the convolution itself when given
    "depthwise_conv": _CONV,
    "conv_transpose": _CONV_TRANSPOSE,
    "max_pool": _POOL,
    "average_pool": _POOL,
    "adaptive_average_pool": ("inputs", "output_size", "data_format"),
    "adaptive_max_pool": ("inputs", "output_size", "data_format"),
    "moments": ("x", "axes", "keepdims", "synchronized"),
    "batch_normalization": ("x", "mean", "variance", "axis", "offset", "scale", "epsilon"),
    "categorical_crossentropy": ("target", "output", "from_logits", "axis"),
    "sparse_categorical_crossentropy": ("target", "output", "from_logits", "axis"),
    "binary_crossentropy": ("target", "output", "from_logits"),
}

MATH: dict[str, Signature] = {
    "top_k": ("x", "k", "sorted"),
    "in_top_k": ("targets", "predictions", "k"),
    "logsumexp": ("x", "axis", "keepdims"),
    "segment_sum": ("data", "segment_ids", "num_segments", "sorted"),
    "erf": _UNARY,
    "rsqrt": _UNARY,
    "erfinv": _UNARY,
    "logdet": _UNARY,
    "segment_max": ("data", "segment_ids", "num_segments", "sorted"),
    "segment_min": ("data", "segment_ids", "num_segments", "sorted"),
    "segment_prod": ("data", "segment_ids", "num_segments", "sorted"),
    "erfc": _UNARY,
    "extract_sequences": ("x", "sequence_length", "sequence_stride"),
    **dict.fromkeys(("fft", "fft2", "ifft2"), _UNARY),  # x: a (real, imag) pair
    "rfft": ("x", "fft_length"),
    "irfft": ("x", "fft_length"),
    "view_as_complex": _UNARY,
    "view_as_real": _UNARY,
}

LINALG: dict[str, Signature] = {
    "norm": ("x", "ord", "axis", "keepdims"),
    "qr": ("x", "mode"),
    "inv": _UNARY,
    "det": _UNARY,
    "cholesky": ("x", "upper"),
    "svd": ("x", "full_matrices", "compute_uv"),
    "solve": ("a", "b"),
    "solve_triangular": ("a", "b", "lower"),
    "eig": _UNARY,
    "eigh": _UNARY,
    "lstsq": ("a", "b", "rcond"),
    "lu_factor": _UNARY,
    "jvp": ("fun", "primals", "tangents", "has_aux"),
}

RANDOM: dict[str, Signature] = {
    "set_global_seed": ("seed",),
    "normal": ("shape", "mean", "stddev", "dtype", "seed"),
    "uniform": ("shape", "minval", "maxval", "dtype", "seed"),
    "truncated_normal": ("shape", "mean", "stddev", "dtype", "seed"),
    "randint": ("shape", "minval", "maxval", "dtype", "seed"),
    "dropout": ("inputs", "rate", "noise_shape", "seed"),
    "shuffle": ("x", "axis", "seed"),
    "categorical": ("logits", "num_samples", "dtype", "seed"),
    "gamma": ("shape", "alpha", "dtype", "seed"),
    "beta": ("shape", "alpha", "beta", "dtype", "seed"),
    "binomial": ("shape", "counts", "probabilities", "dtype", "seed"),
    # The global stream (seed=None) as JSON-ready data and back (BackupAndRestore).
    "get_global_state": (),
    "set_global_state": ("state",),
}

IMAGE: dict[str, Signature] = {
    "resize": ("images", "size", "interpolation", "antialias", "data_format"),
}

# Fused recurrent kernels over Keras-layout weights: ``(last_output, outputs, states)``, or
# None where the engine has no kernel for the call (the layer then runs its time loop).
_FUSED_RNN: Signature = (
    "inputs", "initial_states", "mask", "kernel", "recurrent_kernel", "bias", "go_backwards",
    "zero_output_for_mask",
)  # fmt: skip
# is_traced: whether the layer's time loop is being compiled (JAX under jit); the loop is
# then one ``scan``, while eager calls step in Python and compile nothing.
RNN: dict[str, Signature] = {"lstm": _FUSED_RNN, "gru": _FUSED_RNN, "is_traced": ("x",)}

TRAINER: dict[str, Signature] = {
    "train_step": ("model", "x", "y", "sample_weight"),
    "test_step": ("model", "x", "y", "sample_weight"),
    "predict_step": ("model", "x"),
    "no_grad": (),
    "compile_function": ("function", "jit_compile"),
    "default_jit_compile": (),
    # Raises a clear error naming the engine where it cannot train (fit, train_on_batch).
    "check_can_train": (),
    # Data input (trainers/data_adapters): one host batch leaf onto the model's device without
    # blocking the host (pinned memory on CUDA), and the multiprocessing start method that
    # is safe for PyDataset worker processes under this engine.
    "batch_to_device": ("x",),
    "worker_start_method": (),
    # compile(steps_per_execution=N): N calls of a step (eager or from compile_function) as
    # one call on a list of batches; the last step's outputs, or (predict) all joined.
    "compile_steps": ("function", "num_steps", "concatenate_outputs"),
}

# Other frameworks' objects inside layers (TorchModuleWrapper, JaxLayer, FlaxLayer). Each
# function raises NotImplementedError naming the engine it needs where it cannot run; the
# constants say which kinds of foreign object the engine can host.
INTEROP: dict[str, Signature] = {
    "adopt_module": ("module",),  # a torch.nn.Module, checked and moved to the device
    "variable_from_tensor": ("value", "trainable", "name"),  # shares the tensor's memory
    "pytree_map": ("function", "structure", "*rest"),
    "pytree_leaves": ("structure",),
    "flax_apply_mutable": (),  # the collections Flax's apply may change
}

SUBMODULES: dict[str, dict[str, Signature]] = {
    "core": CORE,
    "core_extra": CORE_EXTRA,
    "numpy": NUMPY,
    "numpy_extra": NUMPY_EXTRA,
    "nn": NN,
    "math": MATH,
    "linalg": LINALG,
    "random": RANDOM,
    "image": IMAGE,
    "trainer": TRAINER,
    "rnn": RNN,
    "interop": INTEROP,
}

# Optional submodules: native kernels for composites written once above the backend. An
# engine may leave them out (the composite then runs); when present, their functions must
# take these parameters, and a test checks that they agree with the composite.
OPTIONAL: dict[str, dict[str, Signature]] = {
    "optimizer_kernels": {
        "adam_update": (
            "variables",
            "gradients",
            "momentums",
            "velocities",
            "velocity_hats",
            "learning_rate",
            "iterations",
            "bias_correction",
            "beta_1",
            "beta_2",
            "epsilon",
        ),  # fmt: skip
        "weight_decay_update": ("variables", "decay"),
    },
    # The fused attention kernel behind ops.nn.dot_product_attention: (B, T, N, H) query,
    # (B, S, K, H) key and value (K divides N), a boolean mask and an additive bias; None
    # where it cannot run the call (the op's explicit path then does).
    "attention_kernels": {
        "dot_product_attention": (
            "query", "key", "value", "bias", "mask", "scale", "is_causal", "flash_attention",
        ),  # fmt: skip
    },
    # Fused metric updates (metrics/state_updates.py, metrics/accuracy_metrics.py):
    # assign_add_all returns False where it cannot add (the metric then adds one by one),
    # argmax_match_count None where it cannot count (the per-sample form then runs).
    "metric_kernels": {
        "assign_add_all": ("variables", "values"),
        "argmax_match_count": ("y_true", "y_pred", "sparse", "dtype"),
    },
    # Native kernels for nn composites written once in lamina.ops (ops/ctc.py's CTC loss).
    "nn_kernels": {
        "ctc_loss": ("target", "output", "target_length", "output_length", "mask_index"),
    },
    # The engine half of lamina.distribution (issue 10). Layouts passed down are the public
    # lamina.distribution.TensorLayout (``.axes``, ``.device_mesh``); the engine converts
    # them to its own placement (JAX: Mesh / NamedSharding).
    "distribution": {
        "list_devices": ("device_type",),
        "get_device_count": ("device_type",),
        "initialize": ("job_addresses", "num_processes", "process_id"),
        "num_processes": (),
        "process_id": (),
        "distribute_variable": ("value", "layout"),
        "distribute_tensor": ("tensor", "layout"),
        "distribute_data_input": ("per_process_batch", "layout", "batch_dim_name"),
    },
    # The engine half of lamina.export (issue 12). saved_model_archive: an in-process
    # SavedModel writer (backend/tensorflow/saved_model.py's SavedModelWriter), or None where
    # the engine has none (export then re-runs the model on the TensorFlow engine in a
    # subprocess). input_signature: one structure of InputSpecs per positional argument.
    # export_onnx returns False where the engine cannot write ONNX in-process (the
    # TensorFlow engine then writes it in a subprocess, through tf2onnx).
    # A format the engine cannot write raises an error naming the engine that can.
    "export": {
        "saved_model_archive": (),
        "export_onnx": ("model", "filepath", "input_signature", "opset_version", "verbose"),
        "export_program": ("model", "filepath", "input_signature", "options"),
        # layers.TFSMLayer: the endpoints of a SavedModel, callable on this engine's arrays.
        "load_saved_model": ("filepath", "call_endpoint", "call_training_endpoint"),
    },
}

# Optional functions of a required submodule, found by getattr where they are used: an
# engine may leave any out (the caller then does without); when present, they must take
# these parameters. distribution: what lamina.trainers.distributed asks of the engine.
OPTIONAL_FUNCTIONS: dict[str, dict[str, Signature]] = {
    "distribution": {
        "shared_random_seed": (),
        "reduce_metric_variables": ("variables",),
        "check_fit": ("model",),
        "fit_scope": ("model",),
        "report_failure": ("error",),
        "process_part_multiple": ("distribution",),
        "gather_predictions": ("outputs",),
        # (parts the data is cut into, this process's part): torch's ModelParallel.
        "data_parts": ("distribution",),
        # saving: every process waits until process 0 has written (saving/process_write.py).
        "barrier": (),
        # ModelCheckpoint: whether saving gathers variables split among the processes.
        "gathers_to_save": (),
    },
    # Fused forms layers use where an engine has them (None from a call it cannot fuse):
    # Dense's ``inputs @ kernel + bias`` as one kernel (torch: addmm).
    "nn": {
        "matmul_add": ("x1", "x2", "bias"),
        # Stores a conv layer's kernel variable in the memory layout the engine's convolution
        # reads without a copy (torch), keeping its Keras shape.
        "arrange_conv_kernel": ("variable", "data_format", "depthwise"),
        # BatchNormalization in training: (outputs, mean, variance) from one fused kernel.
        "batch_normalization_training": ("x", "axis", "offset", "scale", "epsilon"),
        # A ReLU written over its input (None where it cannot): layers/in_place.py.
        "relu_in_place": ("x", "max_value"),
        # Convolutions after explicit zero pads, ((before, after) per spatial axis) with
        # padding "valid": a ZeroPadding layer folded in (layers/folded_padding.py).
        "conv_with_pads": (
            "inputs", "kernel", "strides", "pads", "data_format", "dilation_rate", "bias"
        ),
        "depthwise_conv_with_pads": (
            "inputs", "kernel", "strides", "pads", "data_format", "dilation_rate"
        ),
    },
}

# Names on the engine package itself: the Variable class (a KerasVariable subclass) and the
# base class every Layer derives from on that engine.
TOP_LEVEL: tuple[str, ...] = ("Variable", "LayerBase")

# Constants a submodule must define: whether the engine can run a training step, and which
# foreign objects it can host.
CONSTANTS: dict[str, tuple[str, ...]] = {
    "core": ("SUPPORTS_TRAINING",),
    "interop": ("HOSTS_TORCH_MODULES", "HOSTS_JAX_FUNCTIONS"),
}


def _parameter_names(function) -> list[str] | None:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None  # a builtin without a signature: accept it
    names = []
    for parameter in parameters:
        prefix = ""
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            prefix = "*"
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            prefix = "**"
        names.append(prefix + parameter.name)
    return names


def check_signature(function, expected: Signature) -> str | None:
    """None when ``function`` takes ``expected`` first; otherwise what differs."""
    names = _parameter_names(function)
    if names is None:
        return None
    if tuple(names[: len(expected)]) != tuple(expected):
        return f"expected parameters {expected}, found {tuple(names)}"
    extra = inspect.signature(function).parameters
    for name in names[len(expected) :]:
        parameter = extra[name.lstrip("*")]
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is parameter.empty:
            return f"extra parameter {name!r} has no default"
    return None


def check_engine(engine: ModuleType) -> list[str]:
    """Every way ``engine`` (an engine package) breaks the contract; empty when it keeps it."""
    problems = [
        f"{engine.__name__}.{name} is missing" for name in TOP_LEVEL if not hasattr(engine, name)
    ]
    optional = {name: functions for name, functions in OPTIONAL.items() if hasattr(engine, name)}
    for submodule_name, functions in {**SUBMODULES, **optional}.items():
        submodule = getattr(engine, submodule_name, None)
        if submodule is None:
            problems.append(f"{engine.__name__}.{submodule_name} is missing")
            continue
        for constant in CONSTANTS.get(submodule_name, ()):
            if not hasattr(submodule, constant):
                problems.append(f"{submodule.__name__}.{constant} is missing")
        for name, expected in functions.items():
            function = getattr(submodule, name, None)
            if function is None or not callable(function):
                problems.append(f"{submodule.__name__}.{name} is missing")
                continue
            mismatch = check_signature(function, expected)
            if mismatch:
                problems.append(f"{submodule.__name__}.{name}: {mismatch}")
    for submodule_name, functions in OPTIONAL_FUNCTIONS.items():
        submodule = getattr(engine, submodule_name, None)
        for name, expected in functions.items():
            function = getattr(submodule, name, None)
            if submodule is None or function is None:
                continue
            mismatch = check_signature(function, expected)
            if mismatch:
                problems.append(f"{submodule.__name__}.{name}: {mismatch}")
    return problems
