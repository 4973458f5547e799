"""An independent reader for the files runtime/io writes, standard library only.

Usage: read_tensors.py FILE (.safetensors or .npy). Prints JSON:
{"metadata": {...}, "tensors": {name: {"dtype", "shape", "values"}}} with values flattened in
row-major order and non-finite floats as the strings "nan", "inf", "-inf". Exits non-zero on
any violation of the format (header alignment, gaps, sizes).
"""
import ast
import json
import math
import struct
import sys

FORMATS = {"F32": "f", "F64": "d", "I32": "i", "BOOL": "?", "F16": "e", "I64": "q", "I8": "b", "U8": "B",
           "<f4": "f", "<f8": "d", "<i4": "i", "|b1": "?", "<i8": "q", "|u1": "B"}


def value(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def unpack(fmt, shape, raw):
    n = 1
    for d in shape:
        n *= d
    size = struct.calcsize("<" + fmt)
    assert len(raw) == n * size, "byte size %d does not match %s%s" % (len(raw), fmt, shape)
    return [value(v) for v in struct.unpack("<%d%s" % (n, fmt), raw)]


def read_safetensors(data):
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, "the header is not padded to a multiple of 8"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    metadata = header.pop("__metadata__", None)
    spans = sorted((info["data_offsets"], name) for name, info in header.items())
    end = 0
    for (b, e), name in spans:
        assert b == end, "tensor %s does not start where the previous one ends" % name
        end = e
    assert end == len(body), "the tensors do not cover the data section"
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        tensors[name] = {"dtype": info["dtype"], "shape": info["shape"],
                         "values": unpack(FORMATS[info["dtype"]], info["shape"], body[b:e])}
    out = {"tensors": tensors}
    if metadata is not None:
        out["metadata"] = metadata
    return out


def read_npy(data):
    assert data[:6] == b"\x93NUMPY", "bad magic"
    major = data[6]
    if major == 1:
        (n,) = struct.unpack("<H", data[8:10])
        start = 10
    else:
        (n,) = struct.unpack("<I", data[8:12])
        start = 12
    assert (start + n) % 64 == 0, "the data does not start at a multiple of 64"
    header = ast.literal_eval(data[start:start + n].decode("latin1"))
    assert data[start + n - 1:start + n] == b"\n", "the header does not end with a newline"
    assert header["fortran_order"] is False
    shape = list(header["shape"])
    return {"tensors": {"array": {"dtype": header["descr"], "shape": shape,
                                  "values": unpack(FORMATS[header["descr"]], shape, data[start + n:])}}}


def main():
    path = sys.argv[1]
    with open(path, "rb") as f:
        data = f.read()
    out = read_npy(data) if path.endswith(".npy") else read_safetensors(data)
    json.dump(out, sys.stdout)


main()
