"""Element-wise NumPy-like ops (arithmetic, comparison, logic, transcendental functions)."""

import math as _python_math

from lamina.backend import engine, is_float_dtype, result_type
from lamina.ops.core import cast, dtype
from lamina.ops.dispatch import op
from lamina.ops.numpy.dtype_rules import FLOAT_MAX, pair_float_dtype, to_float

_np = engine.numpy
_extra = engine.numpy_extra

add = op(_np.add, doc="Element-wise x1 + x2, broadcasting.")
subtract = op(_np.subtract, doc="Element-wise x1 - x2, broadcasting.")
multiply = op(_np.multiply, doc="Element-wise x1 * x2, broadcasting.")
divide = op(_np.divide, doc="Element-wise true division; integers give floatx.")
divide_no_nan = op(_np.divide_no_nan, doc="Element-wise x1 / x2, with 0 where x2 == 0.")
true_divide = op(_np.true_divide, doc="Element-wise true division; integers give floatx.")
floor_divide = op(_np.floor_divide, doc="Element-wise floor(x1 / x2).")
mod = op(_np.mod, doc="Element-wise remainder with the sign of the divisor.")
power = op(_np.power, doc="Element-wise x1 ** x2.")
negative = op(_np.negative, doc="Element-wise -x.")
absolute = op(_np.absolute, doc="Element-wise |x|.")
abs = op(_np.absolute, name="abs", doc="Element-wise |x|.")
sign = op(_np.sign, doc="Element-wise sign: -1, 0 or 1.")
sqrt = op(_np.sqrt, doc="Element-wise square root.")
square = op(_np.square, doc="Element-wise x * x.")
exp = op(_np.exp, doc="Element-wise e ** x.")
expm1 = op(_np.expm1, doc="Element-wise e ** x - 1, accurate near zero.")
log = op(_np.log, doc="Element-wise natural logarithm.")
log1p = op(_np.log1p, doc="Element-wise log(1 + x), accurate near zero.")
log2 = op(_np.log2, doc="Element-wise base-2 logarithm.")
log10 = op(_np.log10, doc="Element-wise base-10 logarithm.")
logaddexp = op(_np.logaddexp, doc="Element-wise log(exp(x1) + exp(x2)) without overflow.")
reciprocal = op(_np.reciprocal, doc="Element-wise 1 / x.")
sin = op(_np.sin)
cos = op(_np.cos)
tan = op(_np.tan)
arctan = op(_np.arctan)
sinh = op(_np.sinh)
cosh = op(_np.cosh)
tanh = op(_np.tanh)
floor = op(_np.floor)
ceil = op(_np.ceil)
round = op(_np.round, doc="Element-wise rounding half to even, to ``decimals`` places.")
clip = op(_np.clip, doc="Element-wise clamp of x to [x_min, x_max].")
maximum = op(_np.maximum, doc="Element-wise maximum, broadcasting.")
minimum = op(_np.minimum, doc="Element-wise minimum, broadcasting.")
where = op(_np.where, doc="x1 where condition holds, else x2 (or the indices of true values).")
equal = op(_np.equal)
not_equal = op(_np.not_equal)
less = op(_np.less)
less_equal = op(_np.less_equal)
greater = op(_np.greater)
greater_equal = op(_np.greater_equal)
logical_and = op(_np.logical_and)
logical_or = op(_np.logical_or)
logical_not = op(_np.logical_not)
isnan = op(_np.isnan)
isinf = op(_np.isinf)
isfinite = op(_np.isfinite)

# ---- inverse trigonometric and hyperbolic functions ---------------------------------------

arccos = op(_extra.arccos)
arccosh = op(_extra.arccosh)
arcsin = op(_extra.arcsin)
arcsinh = op(_extra.arcsinh)
arctanh = op(_extra.arctanh)
arctan2 = op(_extra.arctan2, doc="Element-wise angle of (x2, x1), in (-pi, pi]; ints give floatx.")

# ---- rounding, sign and floating-point structure ------------------------------------------

trunc = op(_extra.trunc, doc="Element-wise rounding toward zero; integers pass unchanged.")
signbit = op(_extra.signbit, doc="Element-wise: whether the sign bit is set (true for -0.0).")
i0 = op(_extra.i0, doc="Modified Bessel function of the first kind, order 0.")
nextafter = op(_extra.nextafter, doc="The next representable float after x1 toward x2.")
fmod = op(_extra.fmod, doc="Element-wise remainder with the sign of the dividend (C's fmod).")
gcd = op(_extra.gcd, doc="Element-wise greatest common divisor of integers.")
lcm = op(_extra.lcm, doc="Element-wise least common multiple of integers.")


def _cbrt(x):
    x = to_float(x)
    return multiply(sign(x), power(absolute(x), 1.0 / 3.0))


def _exp2(x):
    return power(2.0, to_float(x))


def _fabs(x):
    return absolute(to_float(x))


def _sinc(x):
    x = to_float(x)
    is_zero = equal(x, 0)
    scaled = multiply(where(is_zero, 1.0, x), _python_math.pi)
    return where(is_zero, 1.0, divide(sin(scaled), scaled))


def _deg2rad(x):
    return multiply(to_float(x), _python_math.pi / 180.0)


def _rad2deg(x):
    return multiply(to_float(x), 180.0 / _python_math.pi)


def _heaviside(x1, x2):
    x1, x2 = (cast(t, pair_float_dtype(x1, x2)) for t in (x1, x2))
    return where(less(x1, 0), 0.0, where(greater(x1, 0), 1.0, x2))


def _hypot(x1, x2):
    x1, x2 = (absolute(cast(t, pair_float_dtype(x1, x2))) for t in (x1, x2))
    # Scaled by the larger magnitude so that squaring cannot overflow.
    larger = maximum(x1, x2)
    safe = where(equal(larger, 0), 1.0, larger)
    ratio = divide(minimum(x1, x2), safe)
    return multiply(larger, sqrt(add(1.0, square(ratio))))


def _logaddexp2(x1, x2):
    x1, x2 = (cast(t, pair_float_dtype(x1, x2)) for t in (x1, x2))
    ln2 = _python_math.log(2.0)
    return divide(logaddexp(multiply(x1, ln2), multiply(x2, ln2)), ln2)


def _logical_xor(x1, x2):
    return not_equal(cast(x1, "bool"), cast(x2, "bool"))


def _nan_ignoring(pick):
    def apply(x1, x2):
        picked = pick(x1, x2)
        x1, x2 = (cast(t, dtype(picked)) for t in (x1, x2))
        return where(isnan(x1), x2, where(isnan(x2), x1, picked))

    return apply


def _ldexp(x1, x2):
    target = result_type(dtype(x1), dtype(x2), float)
    return multiply(cast(x1, target), power(2.0, cast(x2, target)))


def _isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = (cast(t, pair_float_dtype(x1, x2)) for t in (x1, x2))
    close = less_equal(absolute(subtract(x1, x2)), add(atol, multiply(rtol, absolute(x2))))
    close = logical_or(close, equal(x1, x2))  # equal infinities
    if equal_nan:
        close = logical_or(close, logical_and(isnan(x1), isnan(x2)))
    return close


def _allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _np.all(_isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def _isneginf(x):
    return logical_and(isinf(x), less(x, 0))


def _isposinf(x):
    return logical_and(isinf(x), greater(x, 0))


def _nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x_dtype = dtype(x)
    if not is_float_dtype(x_dtype):
        return x
    largest = FLOAT_MAX[x_dtype]
    x = where(isnan(x), float(nan), x)
    x = where(_isposinf(x), largest if posinf is None else float(posinf), x)
    return where(_isneginf(x), -largest if neginf is None else float(neginf), x)


cbrt = op(_cbrt, name="cbrt", doc="Element-wise cube root (real, for negatives too).")
exp2 = op(_exp2, name="exp2", doc="Element-wise 2 ** x; ints give floatx.")
fabs = op(_fabs, name="fabs", doc="Element-wise |x| as a float.")
sinc = op(_sinc, name="sinc", doc="Normalised sinc: sin(pi x) / (pi x), 1 at 0.")
deg2rad = op(_deg2rad, name="deg2rad", doc="Degrees to radians.")
rad2deg = op(_rad2deg, name="rad2deg", doc="Radians to degrees.")
heaviside = op(_heaviside, name="heaviside", doc="Step: 0 below 0, x2 at 0, 1 above.")
hypot = op(_hypot, name="hypot", doc="Element-wise sqrt(x1 ** 2 + x2 ** 2) without overflow.")
logaddexp2 = op(_logaddexp2, name="logaddexp2", doc="log2(2 ** x1 + 2 ** x2) without overflow.")
logical_xor = op(_logical_xor, name="logical_xor", doc="Element-wise truth of x1 != truth of x2.")
fmax = op(_nan_ignoring(maximum), name="fmax", doc="Element-wise maximum ignoring NaNs.")
fmin = op(_nan_ignoring(minimum), name="fmin", doc="Element-wise minimum ignoring NaNs.")
ldexp = op(_ldexp, name="ldexp", doc="Element-wise x1 * 2 ** x2.")
isclose = op(_isclose, name="isclose", doc="|x1 - x2| <= atol + rtol * |x2|, element-wise.")
allclose = op(_allclose, name="allclose", doc="Whether isclose holds everywhere (a bool scalar).")
isneginf = op(_isneginf, name="isneginf", doc="Element-wise test for -inf; a bool tensor.")
isposinf = op(_isposinf, name="isposinf", doc="Element-wise test for +inf; a bool tensor.")
nan_to_num = op(_nan_to_num, name="nan_to_num", doc="NaN and infinities replaced by finite values.")


def vectorize(pyfunc, *, excluded=None, signature=None):
    """``pyfunc`` applied over the leading axes of its tensor arguments, NumPy-style.

    With ``signature`` (such as ``"(n),(n)->()"``) ``pyfunc`` sees the core axes whole;
    without it, ``pyfunc`` sees scalars. Arguments in ``excluded`` pass through unmapped.
    """
    if not callable(pyfunc):
        raise ValueError(f"vectorize expects a callable pyfunc; received {pyfunc!r}.")
    return _extra.vectorize(pyfunc, excluded=excluded, signature=signature)
