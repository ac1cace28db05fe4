"""Addresses and people to columns and back, shared by the tables that hold them."""

from __future__ import annotations

from typing import Any

from openrcm.domain.party import Address, PersonName


def address_columns(address: Address | None) -> dict[str, Any]:
    """The five `address_*` columns; all None when there is no address."""
    if address is None:
        return dict.fromkeys(
            ("address_line1", "address_line2", "address_city", "address_state", "address_zip_code")
        )
    return {
        "address_line1": address.line1,
        "address_line2": address.line2,
        "address_city": address.city,
        "address_state": address.state,
        "address_zip_code": address.zip_code,
    }


def address_from(row: Any) -> Address | None:
    """The address a row's `address_*` columns hold, or None."""
    if row.address_line1 is None:
        return None
    return Address(
        line1=row.address_line1,
        line2=row.address_line2,
        city=row.address_city,
        state=row.address_state,
        zip_code=row.address_zip_code,
    )


def name_columns(name: PersonName) -> dict[str, Any]:
    return {
        "last_name": name.last,
        "first_name": name.first,
        "middle_name": name.middle,
        "name_suffix": name.suffix,
    }


def name_from(row: Any) -> PersonName:
    return PersonName(
        last=row.last_name, first=row.first_name, middle=row.middle_name, suffix=row.name_suffix
    )
