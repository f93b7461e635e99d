"""The small expressions the printer tests (test_textprint, test_latex, test_codegen) print:
a few tensors of fixed sizes, and sums and products SymPy leaves unevaluated."""

from sympy import MatAdd, MatMul, MatrixSymbol, Symbol

k, n = Symbol("k"), Symbol("n")
W = MatrixSymbol("W_f", 3, 2)
x = MatrixSymbol("x_t", 2, 1)
b = MatrixSymbol("b_f", 3, 1)
h = MatrixSymbol("h_prev", 3, 1)
a = MatrixSymbol("a", 3, 1)
c = MatrixSymbol("c", 3, 1)
z = MatrixSymbol("z", 6, 1)


def plus(*terms):
    """``terms[0] + terms[1] + ...`` as written, not reordered or merged by SymPy."""
    return MatAdd(*terms, evaluate=False)


def times(*factors):
    """``factors[0] @ factors[1] @ ...`` as written."""
    return MatMul(*factors, evaluate=False)
