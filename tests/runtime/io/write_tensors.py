"""Writes a safetensors file with the dtypes runtime/io converts on reading (F16, BF16, I64,
I8, U8), standard library only, laid out independently of our writer (header not padded,
tensors in header order). Usage: write_tensors.py FILE."""
import json
import struct
import sys


def bf16(x):
    return struct.pack("<f", x)[2:]  # the top half of the little-endian f32


tensors = [
    ("half", "F16", [2, 2], b"".join(struct.pack("<e", v) for v in [1.5, -2.0, 65504.0, 5.960464477539063e-08])),
    ("brain", "BF16", [3], b"".join(bf16(v) for v in [1.0, -3.5, 1e30])),
    ("long", "I64", [3], struct.pack("<3q", -(2 ** 31), 2 ** 31 - 1, 7)),
    ("byte", "I8", [2], struct.pack("<2b", -128, 127)),
    ("ubyte", "U8", [2], struct.pack("<2B", 0, 255)),
]
header = {"__metadata__": {"format": "pt"}}
body = b""
for name, dtype, shape, raw in tensors:
    header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(body), len(body) + len(raw)]}
    body += raw
text = json.dumps(header).encode("utf-8")
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + body)
