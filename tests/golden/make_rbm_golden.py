#!/usr/bin/python3
# Writes tests/golden/rbm.bin: PyTorch's answers for the RBM's conditionals and free energy
# (tests/core/test_rbm.cpp checks aelab's rbm_hidden_probs, rbm_visible_probs and
# rbm_free_energy against them at ~1e-5).
#
# Run with Debian's python (python3-torch + numpy):  /usr/bin/python3 tests/golden/make_rbm_golden.py
# The same file format as ops.bin (see make_golden.py); arrays "rbm/<case>/<name>":
#   W (V, H), b (V), c (H), v (N, V) binary, h (N, H) binary, v_soft (N, V) in [0, 1],
#   ph = sigmoid(v @ W + c), pv = sigmoid(h @ W.T + b), ph_soft = sigmoid(v_soft @ W + c),
#   free_energy (N) = -v @ b - softplus(v @ W + c).sum(1)   (also for v_soft: free_energy_soft)
# References are computed in float64 from the float32 inputs, then stored as float32.
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(17)
arrays = []


def add(name, t):
    arrays.append((name, t.detach().double().numpy().astype("<f4")))


def case(i, n, visible, hidden, scale):
    W = ((torch.rand(visible, hidden) * 2 - 1) * scale).double()
    b = ((torch.rand(visible) * 2 - 1) * scale).double()
    c = ((torch.rand(hidden) * 2 - 1) * scale).double()
    v = (torch.rand(n, visible) < 0.5).double()
    h = (torch.rand(n, hidden) < 0.5).double()
    v_soft = torch.rand(n, visible).double()
    # round the float inputs to float32 first, so both sides start from the same numbers
    W, b, c, v_soft = (t.float().double() for t in (W, b, c, v_soft))
    pre = f"rbm/{i}/"
    for name, t in (("W", W), ("b", b), ("c", c), ("v", v), ("h", h), ("v_soft", v_soft)):
        add(pre + name, t)
    add(pre + "ph", torch.sigmoid(v @ W + c))
    add(pre + "pv", torch.sigmoid(h @ W.T + b))
    add(pre + "ph_soft", torch.sigmoid(v_soft @ W + c))
    add(pre + "free_energy", -(v @ b) - F.softplus(v @ W + c).sum(1))
    add(pre + "free_energy_soft", -(v_soft @ b) - F.softplus(v_soft @ W + c).sum(1))


case(0, 4, 6, 3, 1.0)
case(1, 5, 20, 7, 3.0)   # larger weights: saturated sigmoids and softplus
case(2, 3, 784, 16, 0.1)  # the lesson's size

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rbm.bin")
with open(out, "wb") as f:
    f.write(b"AELABGLD")
    f.write(struct.pack("<I", len(arrays)))
    for name, a in arrays:
        encoded = name.encode()
        f.write(struct.pack("<I", len(encoded)))
        f.write(encoded)
        f.write(struct.pack("<II", 0, a.ndim))
        f.write(struct.pack(f"<{a.ndim}I", *a.shape))
        f.write(a.tobytes())
print(f"wrote {len(arrays)} arrays to {out}")
