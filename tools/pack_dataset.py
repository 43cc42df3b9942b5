#!/usr/bin/env python3
"""Packs Fashion-MNIST (Debian's dataset-fashion-mnist IDX files) into aelab's dataset asset.

Takes the first N_TRAIN training and N_TEST test images, balanced over the ten classes, and
writes the format described in core/include/aelab/dataset.hpp. Standard library only.
Usage: pack_dataset.py SRC_DIR OUT_FILE [--train N] [--test N]
"""
import argparse, gzip, os, struct, sys, zlib

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = data[4 + 4 * ndim:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        sys.exit(f"{path}: expected {size} bytes of data, found {len(body)}")
    return dims, body


def find(src, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(src, name)
        if os.path.exists(p):
            return p
    sys.exit(f"{src}: {stem}[.gz] not found (install Debian's dataset-fashion-mnist)")


def balanced(labels, n):
    per_class = n // len(CLASSES)
    taken, counts = [], [0] * len(CLASSES)
    for i, l in enumerate(labels):
        if counts[l] < per_class:
            counts[l] += 1
            taken.append(i)
            if len(taken) == per_class * len(CLASSES):
                break
    return taken


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=6000)
    ap.add_argument("--test", type=int, default=1000)
    a = ap.parse_args()
    parts = {}
    for split, prefix, n in (("train", "train", a.train), ("test", "t10k", a.test)):
        (count, rows, cols), px = read_idx(find(a.src, f"{prefix}-images-idx3-ubyte"))
        (lcount,), lab = read_idx(find(a.src, f"{prefix}-labels-idx1-ubyte"))
        assert count == lcount
        idx = balanced(lab, n)
        plane = rows * cols
        parts[split] = (bytes(lab[i] for i in idx), b"".join(px[i * plane:(i + 1) * plane] for i in idx))
    body = b"AELABDS\0" + struct.pack("<6I", 1, len(parts["train"][0]), len(parts["test"][0]), rows, cols, len(CLASSES))
    body += b"".join(c.encode().ljust(16, b"\0") for c in CLASSES)
    body += parts["train"][0] + parts["test"][0] + parts["train"][1] + parts["test"][1]
    body += struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(body)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
