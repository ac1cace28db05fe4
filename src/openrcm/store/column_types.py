"""Column types that keep Python values exact on SQLite and PostgreSQL alike.

`Amount` stores money as NUMERIC(14,2) (and units as NUMERIC(10,3)) and always hands back a
`Decimal`, refusing floats on the way in. `UtcDateTime` stores timezone-aware UTC instants and
hands back aware UTC datetimes, also on SQLite, which keeps no time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine


class Amount(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) as a Decimal, never a float.

    PostgreSQL keeps NUMERIC exactly. SQLite keeps a NUMERIC column as an integer or a double;
    a double holds 15 significant digits, so every NUMERIC(14,2) value comes back exactly
    once quantized to the column's scale.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 14, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            # no float conversion by SQLAlchemy: we bind text and read back ourselves
            return dialect.type_descriptor(Numeric(asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("amounts are Decimals, never floats")
        amount = Decimal(value)
        if amount != amount.quantize(self._quantum):
            raise ValueError(f"{amount} has more than {self.scale} decimal places")
        if dialect.name == "sqlite":
            return str(amount)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        # str() of a double is its shortest round-tripping form: '125.1' for 125.1
        return Decimal(str(value)).quantize(self._quantum)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant stored in UTC; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware datetimes")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
