"""Writes samples/digits/: the first image of each digit in MNIST's test set as a PNG named
after its label (0.png ... 9.png), for `cvkit classify samples/digits/` out of the box.
MNIST (LeCun, Cortes, Burges) is under CC BY-SA 3.0; run tools/fetch-data.sh first.

Run: /usr/bin/python3 tools/make_digit_samples.py
"""
import os

import cv2
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = np.frombuffer(data, ">u4", count=ndim, offset=4)
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    cache = os.path.join(ROOT, "data", "cache", "mnist")
    images = read_idx(os.path.join(cache, "t10k-images-idx3-ubyte"))
    labels = read_idx(os.path.join(cache, "t10k-labels-idx1-ubyte"))
    out = os.path.join(ROOT, "samples", "digits")
    os.makedirs(out, exist_ok=True)
    for digit in range(10):
        i = int(np.argmax(labels == digit))
        cv2.imwrite(os.path.join(out, f"{digit}.png"), images[i])


if __name__ == "__main__":
    main()
