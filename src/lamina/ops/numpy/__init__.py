"""NumPy-like ops, one public function each, for eager tensors and KerasTensors alike."""

from lamina.ops.numpy.bitwise import (
    bitwise_and as bitwise_and,
)
from lamina.ops.numpy.bitwise import (
    bitwise_invert as bitwise_invert,
)
from lamina.ops.numpy.bitwise import (
    bitwise_left_shift as bitwise_left_shift,
)
from lamina.ops.numpy.bitwise import (
    bitwise_not as bitwise_not,
)
from lamina.ops.numpy.bitwise import (
    bitwise_or as bitwise_or,
)
from lamina.ops.numpy.bitwise import (
    bitwise_right_shift as bitwise_right_shift,
)
from lamina.ops.numpy.bitwise import (
    bitwise_xor as bitwise_xor,
)
from lamina.ops.numpy.bitwise import (
    left_shift as left_shift,
)
from lamina.ops.numpy.bitwise import (
    right_shift as right_shift,
)
from lamina.ops.numpy.complex_parts import (
    angle as angle,
)
from lamina.ops.numpy.complex_parts import (
    conj as conj,
)
from lamina.ops.numpy.complex_parts import (
    conjugate as conjugate,
)
from lamina.ops.numpy.complex_parts import (
    imag as imag,
)
from lamina.ops.numpy.complex_parts import (
    isreal as isreal,
)
from lamina.ops.numpy.complex_parts import (
    real as real,
)
from lamina.ops.numpy.creation import (
    arange as arange,
)
from lamina.ops.numpy.creation import (
    array as array,
)
from lamina.ops.numpy.creation import (
    empty as empty,
)
from lamina.ops.numpy.creation import (
    empty_like as empty_like,
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
    geomspace as geomspace,
)
from lamina.ops.numpy.creation import (
    identity as identity,
)
from lamina.ops.numpy.creation import (
    linspace as linspace,
)
from lamina.ops.numpy.creation import (
    logspace as logspace,
)
from lamina.ops.numpy.creation import (
    ones as ones,
)
from lamina.ops.numpy.creation import (
    ones_like as ones_like,
)
from lamina.ops.numpy.creation import (
    tri as tri,
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
    allclose as allclose,
)
from lamina.ops.numpy.elementwise import (
    arccos as arccos,
)
from lamina.ops.numpy.elementwise import (
    arccosh as arccosh,
)
from lamina.ops.numpy.elementwise import (
    arcsin as arcsin,
)
from lamina.ops.numpy.elementwise import (
    arcsinh as arcsinh,
)
from lamina.ops.numpy.elementwise import (
    arctan as arctan,
)
from lamina.ops.numpy.elementwise import (
    arctan2 as arctan2,
)
from lamina.ops.numpy.elementwise import (
    arctanh as arctanh,
)
from lamina.ops.numpy.elementwise import (
    cbrt as cbrt,
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
    deg2rad as deg2rad,
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
    exp2 as exp2,
)
from lamina.ops.numpy.elementwise import (
    expm1 as expm1,
)
from lamina.ops.numpy.elementwise import (
    fabs as fabs,
)
from lamina.ops.numpy.elementwise import (
    floor as floor,
)
from lamina.ops.numpy.elementwise import (
    floor_divide as floor_divide,
)
from lamina.ops.numpy.elementwise import (
    fmax as fmax,
)
from lamina.ops.numpy.elementwise import (
    fmin as fmin,
)
from lamina.ops.numpy.elementwise import (
    fmod as fmod,
)
from lamina.ops.numpy.elementwise import (
    gcd as gcd,
)
from lamina.ops.numpy.elementwise import (
    greater as greater,
)
from lamina.ops.numpy.elementwise import (
    greater_equal as greater_equal,
)
from lamina.ops.numpy.elementwise import (
    heaviside as heaviside,
)
from lamina.ops.numpy.elementwise import (
    hypot as hypot,
)
from lamina.ops.numpy.elementwise import (
    i0 as i0,
)
from lamina.ops.numpy.elementwise import (
    isclose as isclose,
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
    isneginf as isneginf,
)
from lamina.ops.numpy.elementwise import (
    isposinf as isposinf,
)
from lamina.ops.numpy.elementwise import (
    lcm as lcm,
)
from lamina.ops.numpy.elementwise import (
    ldexp as ldexp,
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
    logaddexp2 as logaddexp2,
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
    logical_xor as logical_xor,
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
    nan_to_num as nan_to_num,
)
from lamina.ops.numpy.elementwise import (
    negative as negative,
)
from lamina.ops.numpy.elementwise import (
    nextafter as nextafter,
)
from lamina.ops.numpy.elementwise import (
    not_equal as not_equal,
)
from lamina.ops.numpy.elementwise import (
    power as power,
)
from lamina.ops.numpy.elementwise import (
    rad2deg as rad2deg,
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
    signbit as signbit,
)
from lamina.ops.numpy.elementwise import (
    sin as sin,
)
from lamina.ops.numpy.elementwise import (
    sinc as sinc,
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
    trunc as trunc,
)
from lamina.ops.numpy.elementwise import (
    vectorize as vectorize,
)
from lamina.ops.numpy.elementwise import (
    where as where,
)
from lamina.ops.numpy.indexing import (
    argpartition as argpartition,
)
from lamina.ops.numpy.indexing import (
    get_item as get_item,
)
from lamina.ops.numpy.indexing import (
    nonzero as nonzero,
)
from lamina.ops.numpy.indexing import (
    select as select,
)
from lamina.ops.numpy.indexing import (
    unravel_index as unravel_index,
)
from lamina.ops.numpy.nan_reductions import (
    nanargmax as nanargmax,
)
from lamina.ops.numpy.nan_reductions import (
    nanargmin as nanargmin,
)
from lamina.ops.numpy.nan_reductions import (
    nancumprod as nancumprod,
)
from lamina.ops.numpy.nan_reductions import (
    nancumsum as nancumsum,
)
from lamina.ops.numpy.nan_reductions import (
    nanmax as nanmax,
)
from lamina.ops.numpy.nan_reductions import (
    nanmean as nanmean,
)
from lamina.ops.numpy.nan_reductions import (
    nanmin as nanmin,
)
from lamina.ops.numpy.nan_reductions import (
    nanprod as nanprod,
)
from lamina.ops.numpy.nan_reductions import (
    nanstd as nanstd,
)
from lamina.ops.numpy.nan_reductions import (
    nansum as nansum,
)
from lamina.ops.numpy.nan_reductions import (
    nanvar as nanvar,
)
from lamina.ops.numpy.products import (
    correlate as correlate,
)
from lamina.ops.numpy.products import (
    cross as cross,
)
from lamina.ops.numpy.products import (
    inner as inner,
)
from lamina.ops.numpy.products import (
    kron as kron,
)
from lamina.ops.numpy.products import (
    slogdet as slogdet,
)
from lamina.ops.numpy.products import (
    trace as trace,
)
from lamina.ops.numpy.products import (
    vander as vander,
)
from lamina.ops.numpy.products import (
    vdot as vdot,
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
from lamina.ops.numpy.sets import (
    isin as isin,
)
from lamina.ops.numpy.sets import (
    unique as unique,
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
    diagflat as diagflat,
)
from lamina.ops.numpy.shape import (
    diagonal as diagonal,
)
from lamina.ops.numpy.shape import (
    diff as diff,
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
    fliplr as fliplr,
)
from lamina.ops.numpy.shape import (
    flipud as flipud,
)
from lamina.ops.numpy.shape import (
    matmul as matmul,
)
from lamina.ops.numpy.shape import (
    meshgrid as meshgrid,
)
from lamina.ops.numpy.shape import (
    moveaxis as moveaxis,
)
from lamina.ops.numpy.shape import (
    ndim as ndim,
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
    roll as roll,
)
from lamina.ops.numpy.shape import (
    rot90 as rot90,
)
from lamina.ops.numpy.shape import (
    size as size,
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
from lamina.ops.numpy.shape import (
    view as view,
)
from lamina.ops.numpy.stacking import (
    append as append,
)
from lamina.ops.numpy.stacking import (
    array_split as array_split,
)
from lamina.ops.numpy.stacking import (
    dsplit as dsplit,
)
from lamina.ops.numpy.stacking import (
    dstack as dstack,
)
from lamina.ops.numpy.stacking import (
    hsplit as hsplit,
)
from lamina.ops.numpy.stacking import (
    hstack as hstack,
)
from lamina.ops.numpy.stacking import (
    vsplit as vsplit,
)
from lamina.ops.numpy.stacking import (
    vstack as vstack,
)
from lamina.ops.numpy.statistics import (
    average as average,
)
from lamina.ops.numpy.statistics import (
    bincount as bincount,
)
from lamina.ops.numpy.statistics import (
    corrcoef as corrcoef,
)
from lamina.ops.numpy.statistics import (
    digitize as digitize,
)
from lamina.ops.numpy.statistics import (
    histogram as histogram,
)
from lamina.ops.numpy.statistics import (
    median as median,
)
from lamina.ops.numpy.statistics import (
    nanmedian as nanmedian,
)
from lamina.ops.numpy.statistics import (
    nanpercentile as nanpercentile,
)
from lamina.ops.numpy.statistics import (
    nanquantile as nanquantile,
)
from lamina.ops.numpy.statistics import (
    percentile as percentile,
)
from lamina.ops.numpy.statistics import (
    ptp as ptp,
)
from lamina.ops.numpy.statistics import (
    quantile as quantile,
)
from lamina.ops.numpy.statistics import (
    searchsorted as searchsorted,
)
from lamina.ops.numpy.statistics import (
    trapezoid as trapezoid,
)
from lamina.ops.numpy.windows import (
    bartlett as bartlett,
)
from lamina.ops.numpy.windows import (
    blackman as blackman,
)
from lamina.ops.numpy.windows import (
    hamming as hamming,
)
from lamina.ops.numpy.windows import (
    hanning as hanning,
)
from lamina.ops.numpy.windows import (
    kaiser as kaiser,
)

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "append",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argpartition",
    "argsort",
    "array",
    "array_split",
    "astype",
    "average",
    "bartlett",
    "bincount",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "blackman",
    "broadcast_to",
    "cbrt",
    "ceil",
    "clip",
    "concatenate",
    "conj",
    "conjugate",
    "copy",
    "corrcoef",
    "correlate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "deg2rad",
    "diag",
    "diagflat",
    "diagonal",
    "diff",
    "digitize",
    "divide",
    "divide_no_nan",
    "dot",
    "dsplit",
    "dstack",
    "einsum",
    "empty",
    "empty_like",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fabs",
    "flip",
    "fliplr",
    "flipud",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "full",
    "full_like",
    "gcd",
    "geomspace",
    "get_item",
    "greater",
    "greater_equal",
    "hamming",
    "hanning",
    "heaviside",
    "histogram",
    "hsplit",
    "hstack",
    "hypot",
    "i0",
    "identity",
    "imag",
    "inner",
    "isclose",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "kaiser",
    "kron",
    "lcm",
    "ldexp",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
    "matmul",
    "max",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "multiply",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "ndim",
    "negative",
    "nextafter",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "percentile",
    "power",
    "prod",
    "ptp",
    "quantile",
    "rad2deg",
    "ravel",
    "real",
    "reciprocal",
    "repeat",
    "reshape",
    "right_shift",
    "roll",
    "rot90",
    "round",
    "searchsorted",
    "select",
    "sign",
    "signbit",
    "sin",
    "sinc",
    "sinh",
    "size",
    "slogdet",
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
    "trace",
    "transpose",
    "trapezoid",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "unique",
    "unravel_index",
    "vander",
    "var",
    "vdot",
    "vectorize",
    "view",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]
