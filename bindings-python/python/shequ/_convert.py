"""Tables in and out: which kind of table the caller gave, how it reaches the core (the
Arrow PyCapsule interface, or plain Python values), and the core's Arrow tables turned
back into the caller's kind. Nothing here decides anything about rules."""

from __future__ import annotations

import os
import sys
from typing import Any, List, Optional, Sequence

KINDS = ("pandas", "polars", "pyarrow", "arrow")


def kind_of(roster: Any) -> str:
    """``pandas``, ``polars``, ``pyarrow``, ``stream`` (anything with
    ``__arrow_c_stream__``), ``python`` (a list of dicts or a dict of lists) or ``path``."""
    mod = type(roster).__module__.split(".")[0]
    if isinstance(roster, (str, os.PathLike)):
        return "path"
    if mod == "pandas":
        return "pandas"
    if mod == "polars":
        return "polars"
    if mod == "pyarrow":
        return "pyarrow"
    if hasattr(roster, "__arrow_c_stream__"):
        return "stream"
    if isinstance(roster, (list, tuple, dict)):
        return "python"
    raise TypeError(
        f"cannot read a {type(roster).__name__} as a roster: give a pandas or polars "
        "DataFrame, a pyarrow Table or RecordBatchReader, an object with "
        "__arrow_c_stream__, a list of dicts, a dict of lists, or a path to a roster file "
        "(CSV/TSV/JSON/JSON Lines, or an Excel/OpenDocument workbook)"
    )


def output_kind(input_kind: str, output: Optional[str]) -> str:
    """The kind of table to hand back: the input's kind, pyarrow otherwise (or polars,
    or the bare Arrow tables, when pyarrow is not installed)."""
    if output is not None:
        if output not in KINDS:
            raise ValueError(f"output must be one of {', '.join(KINDS)}, not {output!r}")
        return output
    if input_kind in ("pandas", "polars", "pyarrow"):
        return input_kind
    for name in ("pyarrow", "polars"):
        try:
            __import__(name)
            return name
        except ImportError:
            continue
    return "arrow"


def to_stream(roster: Any, kind: str) -> Any:
    """An object the core reads through ``__arrow_c_stream__``."""
    if kind == "pandas":
        import pandas as pd

        df = roster
        if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
            # the index is kept on this side; the table goes across without it
            df = df.reset_index(drop=True)
        try:
            return _PandasStream(df)
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError(
                "a pandas DataFrame crosses to shequ through pyarrow: pip install pyarrow "
                "(or pass a polars DataFrame, a list of dicts or a file path)"
            ) from e
    if kind == "polars":
        pl = sys.modules["polars"]
        nulls = [name for name, dtype in roster.schema.items() if dtype == pl.Null]
        if nulls:
            # polars exports Null columns in a form arrow-rs refuses (pola-rs/polars#22934)
            roster = roster.with_columns(pl.col(nulls).cast(pl.Boolean))
        return roster
    return roster


class _PandasStream:
    """A pandas DataFrame through pyarrow, its index left out."""

    def __init__(self, df: Any) -> None:
        import pyarrow as pa

        self._table = pa.Table.from_pandas(df, preserve_index=False)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._table.__arrow_c_stream__(requested_schema)


def _pandas_types(pa: Any, pd: Any) -> Any:
    """Categoricals become pandas categories; numbers and yes/no stay Arrow-backed
    (``int64[pyarrow]``, ``decimal128(38, s)[pyarrow]``, ``bool[pyarrow]``): exact,
    nullable, and without a conversion per value; text is pandas' own string type."""

    def mapper(t: Any) -> Any:
        if pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t):
            return pd.ArrowDtype(t)
        return None

    return mapper


def from_arrow(table: Any, kind: str) -> Any:
    """One of the core's tables as the caller's kind of table. Whole numbers stay
    integers (nullable in pandas), exact decimals stay decimals, categoricals stay
    categorical; nothing becomes a float."""
    if kind == "arrow":
        return table
    if kind == "polars":
        import polars as pl

        return pl.DataFrame(table)
    import pyarrow as pa

    t = pa.table(table)
    if kind == "pyarrow":
        return t
    import pandas as pd

    return t.to_pandas(types_mapper=_pandas_types(pa, pd))


def join_columns(left: Any, right: Any, kind: str, index: Any = None) -> Any:
    """``left`` and ``right`` side by side (same number of rows)."""
    if kind == "pandas":
        import pandas as pd

        right = right.set_axis(left.index if index is None else index)
        return pd.concat([left, right], axis=1)
    if kind == "polars":
        return left.hstack(right)
    if kind == "pyarrow":
        for name in right.column_names:
            left = left.append_column(name, right.column(name))
        return left
    return right


def take_rows(table: Any, columns: Sequence[str], rows: List[int], kind: str) -> Any:
    """The given 0-based rows of some columns of a table (for the long table's
    pass-through columns)."""
    if kind == "pandas":
        return table[list(columns)].iloc[rows].reset_index(drop=True)
    if kind == "polars":
        return table.select(list(columns))[rows]
    if kind == "pyarrow":
        import pyarrow as pa

        return table.select(list(columns)).take(pa.array(rows, type=pa.int64()))
    return None


def insert_after(table: Any, extra: Any, position: int, kind: str) -> Any:
    """``extra``'s columns inserted into ``table`` at ``position``."""
    if extra is None:
        return table
    if kind == "pandas":
        import pandas as pd

        extra = extra.set_axis(table.index)
        cols = list(table.columns)
        return pd.concat([table[cols[:position]], extra, table[cols[position:]]], axis=1)
    if kind == "polars":
        import polars as pl

        cols = table.columns
        return pl.concat(
            [table.select(cols[:position]), extra, table.select(cols[position:])],
            how="horizontal",
        )
    if kind == "pyarrow":
        for i, name in enumerate(extra.column_names):
            table = table.add_column(position + i, name, extra.column(name))
        return table
    return table


def column_values(table: Any, name: str, kind: str) -> List[Any]:
    """A column as a list of Python values."""
    if kind == "pandas":
        return list(table[name])
    if kind == "polars":
        return table[name].to_list()
    if kind == "pyarrow":
        return table.column(name).to_pylist()
    import pyarrow as pa  # pragma: no cover

    return pa.table(table).column(name).to_pylist()  # pragma: no cover


def column_names(table: Any, kind: str) -> List[str]:
    """The names of a table's columns."""
    if kind == "pandas":
        return [str(c) for c in table.columns]
    if kind in ("polars",):
        return list(table.columns)
    if kind in ("pyarrow",):
        return list(table.column_names)
    return list(getattr(table, "column_names", []))
