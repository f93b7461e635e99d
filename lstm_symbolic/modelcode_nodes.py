"""What a model definition read from code is made of: layer calls, the data flow between them
(:class:`Apply`, :class:`Select`, :class:`Concat`, :class:`Opaque`) and the :class:`ModelCode`
holding them.  The readers (:mod:`lstm_symbolic.modelcode_python`,
:mod:`lstm_symbolic.modelcode_matlab`) build them; :mod:`lstm_symbolic.modelcode` chooses the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unknown:
    """A value the reader could not take literally (a name without a known value, a call, ...)."""

    text: str

    def __repr__(self):
        return f"<{self.text}>"


@dataclass(frozen=True)
class LayerCall:
    """One layer as the code creates it: ``type`` is the class name without its module
    (``nn.GRU`` -> ``"GRU"``), ``args``/``kwargs`` literal values (nested layers, as in
    ``Bidirectional(LSTM(8))``, are LayerCalls; unreadable values are :class:`Unknown`),
    ``name`` the attribute or variable it is bound to, if any; ``group`` the name of the
    ``nn.Sequential`` / ``Sequential`` call it is listed in ("" for an unnamed one), else None."""

    type: str
    args: tuple
    kwargs: dict
    line: int
    framework: str
    name: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Apply:
    """Data flow: layer ``layers[layer]`` applied to variable ``source`` (None: a model input),
    its outputs bound to ``target`` (a name, or a nested tuple of names as in
    ``out, (h, c) = self.lstm(x)``)."""

    layer: int
    source: str | None
    target: object
    line: int


@dataclass(frozen=True)
class Select:
    """Data flow: ``target = source[index]`` (index: a tuple of ints, ``slice`` objects,
    ``None`` for ``None``/newaxis and ``...``), or an elementwise function when ``index`` is
    ``()`` and ``same`` is true."""

    source: str
    index: tuple
    target: str
    line: int
    same: bool = False


@dataclass(frozen=True)
class Concat:
    """Data flow: ``target = torch.cat(sources, dim)`` / ``concatenate``."""

    sources: tuple
    dim: int
    target: str
    line: int


@dataclass(frozen=True)
class Opaque:
    """Data flow: ``target`` computed by code the reader does not follow (its shape is unknown)."""

    target: str
    text: str
    line: int


@dataclass
class ModelCode:
    """What ``read_model`` found: the framework, the layers in definition order, the data flow
    (``flow``: Apply/Select/Concat/Opaque steps in execution order, or None when the layers
    simply follow each other, as in a Sequential model), the flow's ``inputs`` (the variables
    ``forward(self, x)`` receives) and ``problems``: (line, message)."""

    framework: str
    layers: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    flow: list | None = None
    inputs: tuple = ()

    def problem(self, line, message):
        self.problems.append((line, message))
