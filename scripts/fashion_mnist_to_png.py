#!/usr/bin/env python3
"""Writes Fashion-MNIST's IDX files as a folder of PNG images in class folders, the layout
`zoo run MODEL --dataset FOLDER` reads: OUT/train/<label>-<name>/<index>.png and OUT/test/... (the label in
front keeps the folders' sorted order that of the labels). Standard library only (gzip, zlib, struct).

    python3 scripts/fashion_mnist_to_png.py /tmp/fashion-mnist-png [--source /usr/share/datasets/fashion-mnist]
"""
import argparse
import gzip
import os
import struct
import zlib

NAMES = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    dims = [struct.unpack(">I", data[4 + 4 * i:8 + 4 * i])[0] for i in range(1, magic & 0xFF)]
    return count, dims, data[8 + 4 * len(dims):]


def png(pixels, width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\0" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    for split, prefix in [("train", "train"), ("test", "t10k")]:
        count, (height, width), images = idx(os.path.join(args.source, f"{prefix}-images-idx3-ubyte.gz"))
        _, _, labels = idx(os.path.join(args.source, f"{prefix}-labels-idx1-ubyte.gz"))
        for index in range(count):
            label = labels[index]
            folder = os.path.join(args.out, split, f"{label}-{NAMES[label]}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"{index:05d}.png"), "wb") as f:
                f.write(png(images[index * height * width:(index + 1) * height * width], width, height))
        print(f"{split}: {count} images")


if __name__ == "__main__":
    main()
