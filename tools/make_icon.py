#!/usr/bin/env python3
"""Draws aelab's application icon as a PNG (standard library only; run by the build).

The picture is an autoencoder seen from the side: five layer bars on a rounded dark square, wide
input and output layers narrowing to a short bright code in the middle, with the encoder warm and
the decoder cool, and a 3x3 kernel grid in the corner for convolution. Antialiased by 4x4
supersampling.

usage: make_icon.py SIZE OUT.png
"""
import struct
import sys
import zlib


def rounded_rect(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


# Shapes in a 1x1 square, painted in order: (test, rgb).
BACKGROUND = (0x1d, 0x2b, 0x45)
BARS = [  # centre x, half height, colour: encoder warm, code bright, decoder cool
    (0.20, 0.27, (0xf2, 0x8c, 0x38)),
    (0.35, 0.18, (0xf5, 0xb0, 0x41)),
    (0.50, 0.08, (0xff, 0xf1, 0x9c)),
    (0.65, 0.18, (0x6c, 0xc4, 0xe8)),
    (0.80, 0.27, (0x3f, 0x8e, 0xe0)),
]
GRID = (0xe8, 0xee, 0xf6)


def colour_at(x, y):
    if not rounded_rect(x, y, 0.03, 0.03, 0.97, 0.97, 0.16):
        return None
    for cx, half, rgb in BARS:
        if rounded_rect(x, y, cx - 0.05, 0.61 - half, cx + 0.05, 0.61 + half, 0.03):
            return rgb
    # A 3x3 kernel grid, top left.
    for i in range(3):
        for j in range(3):
            x0, y0 = 0.12 + j * 0.055, 0.09 + i * 0.055
            if x0 <= x <= x0 + 0.045 and y0 <= y <= y0 + 0.045:
                return GRID if (i + j) % 2 == 0 else (0x9f, 0xb3, 0xcc)
    return BACKGROUND


def render(size, ss=4):
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type 0
        for px in range(size):
            r = g = b = a = 0
            for sy in range(ss):
                for sx in range(ss):
                    c = colour_at((px + (sx + 0.5) / ss) / size, (py + (sy + 0.5) / ss) / size)
                    if c:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            if a:
                row += bytes((r // a, g // a, b // a, 255 * a // (ss * ss)))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return b"".join(rows)


def png(size, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    size = int(sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(png(size, render(size)))


if __name__ == "__main__":
    main()
