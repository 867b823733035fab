"""NumPy-like ops, one public function each, for eager tensors and KerasTensors alike."""

from lamina.ops.numpy.creation import (
    arange as arange,
)
from lamina.ops.numpy.creation import (
    eye as eye,
)
from lamina.ops.numpy.creation import (
    full as full,
)
from lamina.ops.numpy.creation import (
    full_like as full_like,
)
from lamina.ops.numpy.creation import (
    identity as identity,
)
from lamina.ops.numpy.creation import (
    linspace as linspace,
)
from lamina.ops.numpy.creation import (
    ones as ones,
)
from lamina.ops.numpy.creation import (
    ones_like as ones_like,
)
from lamina.ops.numpy.creation import (
    zeros as zeros,
)
from lamina.ops.numpy.creation import (
    zeros_like as zeros_like,
)
from lamina.ops.numpy.elementwise import (
    abs as abs,
)
from lamina.ops.numpy.elementwise import (
    absolute as absolute,
)
from lamina.ops.numpy.elementwise import (
    add as add,
)
from lamina.ops.numpy.elementwise import (
    arctan as arctan,
)
from lamina.ops.numpy.elementwise import (
    ceil as ceil,
)
from lamina.ops.numpy.elementwise import (
    clip as clip,
)
from lamina.ops.numpy.elementwise import (
    cos as cos,
)
from lamina.ops.numpy.elementwise import (
    cosh as cosh,
)
from lamina.ops.numpy.elementwise import (
    divide as divide,
)
from lamina.ops.numpy.elementwise import (
    divide_no_nan as divide_no_nan,
)
from lamina.ops.numpy.elementwise import (
    equal as equal,
)
from lamina.ops.numpy.elementwise import (
    exp as exp,
)
from lamina.ops.numpy.elementwise import (
    expm1 as expm1,
)
from lamina.ops.numpy.elementwise import (
    floor as floor,
)
from lamina.ops.numpy.elementwise import (
    floor_divide as floor_divide,
)
from lamina.ops.numpy.elementwise import (
    greater as greater,
)
from lamina.ops.numpy.elementwise import (
    greater_equal as greater_equal,
)
from lamina.ops.numpy.elementwise import (
    isfinite as isfinite,
)
from lamina.ops.numpy.elementwise import (
    isinf as isinf,
)
from lamina.ops.numpy.elementwise import (
    isnan as isnan,
)
from lamina.ops.numpy.elementwise import (
    less as less,
)
from lamina.ops.numpy.elementwise import (
    less_equal as less_equal,
)
from lamina.ops.numpy.elementwise import (
    log as log,
)
from lamina.ops.numpy.elementwise import (
    log1p as log1p,
)
from lamina.ops.numpy.elementwise import (
    log2 as log2,
)
from lamina.ops.numpy.elementwise import (
    log10 as log10,
)
from lamina.ops.numpy.elementwise import (
    logaddexp as logaddexp,
)
from lamina.ops.numpy.elementwise import (
    logical_and as logical_and,
)
from lamina.ops.numpy.elementwise import (
    logical_not as logical_not,
)
from lamina.ops.numpy.elementwise import (
    logical_or as logical_or,
)
from lamina.ops.numpy.elementwise import (
    maximum as maximum,
)
from lamina.ops.numpy.elementwise import (
    minimum as minimum,
)
from lamina.ops.numpy.elementwise import (
    mod as mod,
)
from lamina.ops.numpy.elementwise import (
    multiply as multiply,
)
from lamina.ops.numpy.elementwise import (
    negative as negative,
)
from lamina.ops.numpy.elementwise import (
    not_equal as not_equal,
)
from lamina.ops.numpy.elementwise import (
    power as power,
)
from lamina.ops.numpy.elementwise import (
    reciprocal as reciprocal,
)
from lamina.ops.numpy.elementwise import (
    round as round,
)
from lamina.ops.numpy.elementwise import (
    sign as sign,
)
from lamina.ops.numpy.elementwise import (
    sin as sin,
)
from lamina.ops.numpy.elementwise import (
    sinh as sinh,
)
from lamina.ops.numpy.elementwise import (
    sqrt as sqrt,
)
from lamina.ops.numpy.elementwise import (
    square as square,
)
from lamina.ops.numpy.elementwise import (
    subtract as subtract,
)
from lamina.ops.numpy.elementwise import (
    tan as tan,
)
from lamina.ops.numpy.elementwise import (
    tanh as tanh,
)
from lamina.ops.numpy.elementwise import (
    true_divide as true_divide,
)
from lamina.ops.numpy.elementwise import (
    where as where,
)
from lamina.ops.numpy.reductions import (
    all as all,
)
from lamina.ops.numpy.reductions import (
    amax as amax,
)
from lamina.ops.numpy.reductions import (
    amin as amin,
)
from lamina.ops.numpy.reductions import (
    any as any,
)
from lamina.ops.numpy.reductions import (
    argmax as argmax,
)
from lamina.ops.numpy.reductions import (
    argmin as argmin,
)
from lamina.ops.numpy.reductions import (
    argsort as argsort,
)
from lamina.ops.numpy.reductions import (
    count_nonzero as count_nonzero,
)
from lamina.ops.numpy.reductions import (
    cumprod as cumprod,
)
from lamina.ops.numpy.reductions import (
    cumsum as cumsum,
)
from lamina.ops.numpy.reductions import (
    max as max,
)
from lamina.ops.numpy.reductions import (
    mean as mean,
)
from lamina.ops.numpy.reductions import (
    min as min,
)
from lamina.ops.numpy.reductions import (
    prod as prod,
)
from lamina.ops.numpy.reductions import (
    sort as sort,
)
from lamina.ops.numpy.reductions import (
    std as std,
)
from lamina.ops.numpy.reductions import (
    sum as sum,
)
from lamina.ops.numpy.reductions import (
    var as var,
)
from lamina.ops.numpy.shape import (
    astype as astype,
)
from lamina.ops.numpy.shape import (
    broadcast_to as broadcast_to,
)
from lamina.ops.numpy.shape import (
    concatenate as concatenate,
)
from lamina.ops.numpy.shape import (
    copy as copy,
)
from lamina.ops.numpy.shape import (
    diag as diag,
)
from lamina.ops.numpy.shape import (
    dot as dot,
)
from lamina.ops.numpy.shape import (
    einsum as einsum,
)
from lamina.ops.numpy.shape import (
    expand_dims as expand_dims,
)
from lamina.ops.numpy.shape import (
    flip as flip,
)
from lamina.ops.numpy.shape import (
    matmul as matmul,
)
from lamina.ops.numpy.shape import (
    moveaxis as moveaxis,
)
from lamina.ops.numpy.shape import (
    outer as outer,
)
from lamina.ops.numpy.shape import (
    pad as pad,
)
from lamina.ops.numpy.shape import (
    ravel as ravel,
)
from lamina.ops.numpy.shape import (
    repeat as repeat,
)
from lamina.ops.numpy.shape import (
    reshape as reshape,
)
from lamina.ops.numpy.shape import (
    split as split,
)
from lamina.ops.numpy.shape import (
    squeeze as squeeze,
)
from lamina.ops.numpy.shape import (
    stack as stack,
)
from lamina.ops.numpy.shape import (
    swapaxes as swapaxes,
)
from lamina.ops.numpy.shape import (
    take as take,
)
from lamina.ops.numpy.shape import (
    take_along_axis as take_along_axis,
)
from lamina.ops.numpy.shape import (
    tensordot as tensordot,
)
from lamina.ops.numpy.shape import (
    tile as tile,
)
from lamina.ops.numpy.shape import (
    transpose as transpose,
)
from lamina.ops.numpy.shape import (
    tril as tril,
)
from lamina.ops.numpy.shape import (
    triu as triu,
)

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "amax",
    "amin",
    "any",
    "arange",
    "arctan",
    "argmax",
    "argmin",
    "argsort",
    "astype",
    "broadcast_to",
    "ceil",
    "clip",
    "concatenate",
    "copy",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "diag",
    "divide",
    "divide_no_nan",
    "dot",
    "einsum",
    "equal",
    "exp",
    "expand_dims",
    "expm1",
    "eye",
    "flip",
    "floor",
    "floor_divide",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "identity",
    "isfinite",
    "isinf",
    "isnan",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logical_and",
    "logical_not",
    "logical_or",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "negative",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "power",
    "prod",
    "ravel",
    "reciprocal",
    "repeat",
    "reshape",
    "round",
    "sign",
    "sin",
    "sinh",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "transpose",
    "tril",
    "triu",
    "true_divide",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
