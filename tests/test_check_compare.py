"""Output comparison: each rule, tolerances, and agreement with doctest's OutputChecker."""

import doctest

import pytest

from garden.check.compare import DEFAULT_FLAGS, TOLERANCE_FLAG, compare, exception_matches
from garden.code.options import parse_tolerance


@pytest.mark.parametrize(
    "expected, actual, how",
    [
        ("42\n", "42\n", "exact"),
        ("a\n<BLANKLINE>\nb\n", "a\n\nb\n", "exact"),
        ("a\n<BLANKLINE>\nb\n", "a\n   \nb\n", "exact"),
        ("x  \ny\n", "x\ny\n", "whitespace"),
        ("a   b\n", "a b\n", "whitespace"),
        ("\nvalue\n\n", "value\n", "whitespace"),
        ("[1, 2,\n 3]\n", "[1, 2, 3]\n", "whitespace"),
        ("<object object at 0x...>\n", "<object object at 0x7f3a2c>\n", "ellipsis"),
        ("start ... end\n", "start\n  middle\nend\n", "ellipsis"),
        ("Traceback (most recent call last):\n  ...\nValueError: bad\n",
         'Traceback (most recent call last):\n  File "<x>", line 1, in <module>\nValueError: bad\n',
         "ellipsis"),
        ("0.3\n", "0.30000000000000004\n", "numeric"),
        ("1\n", "1.0\n", "numeric"),
        ("1.0\n", "1\n", "numeric"),
        ("array([0.1, 0.2])\n", "array([0.1       , 0.2       ])\n", "numeric"),
        ("[[1. 2.]\n [3. 4.]]\n", "[[1.0000000001 2.        ]\n [3.         4.        ]]\n", "numeric"),
        ("(0.5, 1e-3)\n", "(0.5, 0.001)\n", "numeric"),
        ("[nan, inf, -inf]\n", "[nan, inf, -inf]\n", "exact"),
        ("[nan, inf, -inf]\n", "[nan,  inf,  -inf]\n", "whitespace"),
        ("array([nan, 1.])\n", "array([nan, 1.0000000001])\n", "numeric"),
        ("mean = 2.5 ms\n", "mean = 2.5000000001 ms\n", "numeric"),
        ("[NaN, -Inf]\n", "[nan, -inf]\n", "numeric"),
    ],
)
def test_rules_that_match(expected, actual, how):
    result = compare(expected, actual)
    assert (result.matched, result.how, result.diff) == (True, how, "")


@pytest.mark.parametrize(
    "expected, actual",
    [
        ("np.float64(0.5)", "0.5"),
        ("0.5", "np.float64(0.5)"),
        ("np.int64(3)", "3"),
        ("True", "np.True_"),
        ("np.False_", "False"),
        ("numpy.float32(1.5)", "1.5"),
        ("(np.float64(0.30000000000000004), np.int64(2))", "(0.3, 2)"),
    ],
)
def test_numpy_scalars_count_as_their_value(expected, actual):
    assert (compare(expected, actual).matched, compare(expected, actual).how) == (True, "numeric")


@pytest.mark.parametrize(
    "expected, actual",
    [
        ("0.3", "0.31"),
        ("0.3", "0.3000004"),
        ("1000000", "1000001"),  # ints are compared exactly
        ("[1, 2]", "(1, 2)"),
        ("[1, 2]", "[1, 2, 3]"),
        ("nan", "1.0"),
        ("1.0", "nan"),
        ("inf", "-inf"),
        ("inf", "1e308"),
        ("hello world 0.3", "helloworld 0.3"),
        ("np.float64(0.5)", "np.float64(0.6)"),
        ("abc", "abd"),
        ("a\nb\n", "a\nb\nc\n"),
        ("<object object at 0x...>", "<other object at 0x7f>"),
        ("x ... y", "x y"),
        ("1.5.2", "1.5.3"),
    ],
)
def test_mismatches(expected, actual):
    result = compare(expected, actual)
    assert (result.matched, result.how) == (False, "mismatch")
    assert result.diff.startswith("--- expected\n+++ actual\n")


def test_mismatch_diff_names_both_lines():
    result = compare("array([1, 2])\n", "array([1, 3])\n")
    assert not result.matched
    assert "-array([1, 2])" in result.diff.splitlines()
    assert "+array([1, 3])" in result.diff.splitlines()


def test_tolerances_are_used():
    assert not compare("0.3", "0.31").matched
    assert compare("0.3", "0.31", rtol=0.1).how == "numeric"
    assert compare("0.0", "1e-7", atol=1e-6).how == "numeric"
    assert not compare("0.0", "1e-7").matched
    assert not compare("100.0", "100.001", rtol=0, atol=0).matched


@pytest.mark.parametrize(
    "expected, actual, matched",
    [
        ("array([0.1, ...])", "array([0.1       , 0.2       ])", True),
        ("array([0.1, ...])", "array([0.1000001, 0.2, 0.3])", True),
        ("[0.3, ..., 9.0]", "[0.30000000000000004, 1, 2, 9]", True),
        ("result: ... 0.3 ... done", "result: x=1, y=0.30000000000000004 (ok) done", True),
        ("... 0.3 ... 0.5 ...", "0.5 0.3 0.7 0.50000000001 end", True),
        ("array([0.1, ...])", "array([0.2, 0.1])", False),
        ("[0.3, ..., 9.0]", "[0.3, 1, 2, 8]", False),
        ("... 0.3 ... 0.5 ...", "0.5 0.3 0.7 end", False),
    ],
)
def test_ellipsis_with_numbers(expected, actual, matched):
    result = compare(expected, actual)
    assert result.matched is matched
    assert result.how == ("numeric" if matched else "mismatch")


@pytest.mark.parametrize("value, tolerance", [("1e-6", 1e-6), (" 0.5 ", 0.5), ("0", 0.0), ("3", 3.0)])
def test_parse_tolerance(value, tolerance):
    assert parse_tolerance(value) == tolerance


@pytest.mark.parametrize(
    "value, complaint",
    [("-1e-6", "negative"), ("abc", "number"), ("", "number"), ("nan", "finite"), ("inf", "finite")],
)
def test_parse_tolerance_rejects(value, complaint):
    with pytest.raises(ValueError, match=complaint):
        parse_tolerance(value)


SAMPLE = '''
>>> 'hello'
'hello'
>>> print('a\\n\\nb')
a
<BLANKLINE>
b
>>> {'b': 1, 'a': 2}
{'b': 1, 'a': 2}
>>> [1, 2, 3]
[1, 2, 3]
>>> 1/0
Traceback (most recent call last):
  ...
ZeroDivisionError: division by zero
>>> int('x')
Traceback (most recent call last):
ValueError: invalid literal for int() with base 10: 'x'
>>> list(range(20))  # doctest: +ELLIPSIS
[0, 1, ..., 19]
>>> list(range(12))  # doctest: +NORMALIZE_WHITESPACE
[0, 1, 2, 3, 4, 5,
 6, 7, 8, 9, 10, 11]
>>> print('x  y')
x y
>>> 'abc'.upper()
'ABD'
>>> print()
<BLANKLINE>
>>> object()  # doctest: +ELLIPSIS
<object object at 0x...>
>>> sorted({'c', 'a', 'b'})
['a', 'b', 'c']
>>> 'a,b'.split(',')
['a', 'b']
>>> (1, 'two', None)
(1, 'two', None)
>>> print('tab\\tsep')
tab sep
>>> 3 + 4
8
>>> print('line1')
line1
line2
>>> [].pop()
Traceback (most recent call last):
IndexError: pop from empty list
>>> repr('x')
"'x'"
>>> True
True
>>> print('trailing   ')
trailing
>>> frozenset({1})
frozenset({1})
>>> 'x' * 2
'xy'
>>> raise KeyError('k')
Traceback (most recent call last):
KeyError: 'k'
>>> raise ValueError('bad')
Traceback (most recent call last):
ValueError: good
>>> print('a\\n  b')
a
b
>>> 'abcdef'  # doctest: +ELLIPSIS
'abc...xyz'
>>> type(1)
<class 'int'>
>>> print('<b>')
<b>
>>> round(2 / 3, 2)
0.67
>>> 2 / 3
0.67
>>> 0.1 + 0.2
0.3
>>> [0.1 * 3, 1 / 3]
[0.3, 0.333333333333]
'''
NUMERIC = {"0.3\n", "[0.3, 0.333333333333]\n"}


def recorded_checks(text):
    """Every (want, got) pair doctest checks when running `text`."""

    class Recorder(doctest.OutputChecker):
        def __init__(self):
            self.pairs = []

        def check_output(self, want, got, optionflags):
            self.pairs.append((want, got))
            return super().check_output(want, got, optionflags)

    recorder = Recorder()
    test = doctest.DocTestParser().get_doctest(text, {}, "sample", None, 0)
    doctest.DocTestRunner(checker=recorder).run(test, out=lambda report: None)
    return recorder.pairs


def stdlib(want, got, flags):
    return doctest.OutputChecker().check_output(want, got, flags)


def test_conformance_with_doctest():
    pairs = recorded_checks(SAMPLE)
    assert len(pairs) >= 25
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    outcomes = set()
    for want, got in pairs:
        ours = compare(want, got)
        theirs = stdlib(want, got, flags)
        outcomes.add((ours.matched, theirs))
        if ours.matched != theirs:
            assert (ours.matched, ours.how, want) in {(True, "numeric", w) for w in NUMERIC}, (want, got)
    assert outcomes == {(True, True), (False, False), (True, False)}


def test_passes_beyond_plain_doctest_are_explained():
    reasons = set()
    for want, got in recorded_checks(SAMPLE):
        ours = compare(want, got)
        if ours.matched and not stdlib(want, got, 0):
            assert ours.how in {"whitespace", "ellipsis", "numeric"}
            reasons.add(ours.how)
    assert reasons == {"whitespace", "ellipsis", "numeric"}


def test_true_for_one_as_doctest_unless_told_not_to():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert stdlib("1\n", "True\n", flags)
    assert compare("1\n", "True\n").matched
    assert not compare("1\n", "True\n", DEFAULT_FLAGS | doctest.DONT_ACCEPT_TRUE_FOR_1).matched


def test_switched_off_rules_do_not_apply():
    assert not compare("a  b\n", "a b\n", DEFAULT_FLAGS & ~doctest.NORMALIZE_WHITESPACE).matched
    assert not compare("[0, ...]\n", "[0, 1]\n", DEFAULT_FLAGS & ~doctest.ELLIPSIS).matched
    assert not compare("0.3\n", "0.30000000000000004\n", DEFAULT_FLAGS & ~TOLERANCE_FLAG).matched
    assert compare("0.3 ...\n", "0.30000000000000004 ...\n", DEFAULT_FLAGS & ~doctest.ELLIPSIS).how == "numeric"


def test_blank_lines_need_the_marker_under_dont_accept_blankline():
    strict = DEFAULT_FLAGS | doctest.DONT_ACCEPT_BLANKLINE
    assert compare("a\n<BLANKLINE>\nb\n", "a\n\nb\n").matched
    assert not compare("a\n<BLANKLINE>\nb 1\n", "a\n\nb 1\n", strict & ~doctest.NORMALIZE_WHITESPACE).matched


def test_ignore_exception_detail_compares_only_the_exception_name():
    flags = DEFAULT_FLAGS | doctest.IGNORE_EXCEPTION_DETAIL
    expected, actual = "TypeError: must be real number\n", "TypeError: float() argument must be a number\n"
    assert not exception_matches(expected, actual, DEFAULT_FLAGS, 1e-6, 1e-9).matched
    assert exception_matches(expected, actual, flags, 1e-6, 1e-9).matched
    assert exception_matches("builtins.TypeError: x\n", "TypeError: y\n", flags, 1e-6, 1e-9).matched
    assert not exception_matches("ValueError: x\n", "TypeError: x\n", flags, 1e-6, 1e-9).matched
