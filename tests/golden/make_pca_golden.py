#!/usr/bin/python3
"""Golden PCA data from NumPy for tests/core/test_pca.cpp.

Takes the first 500 images of aelab's test split (the class-balanced selection that
tools/pack_dataset.py makes from Debian's Fashion-MNIST), scaled to [0, 1], and writes its
mean, top-12 principal components (rows, unit norm, sign: largest-magnitude entry positive)
and explained variance (eigenvalues of the covariance with N - 1) from numpy.linalg.eigh in
float64. Run with Debian's python3 (python3-numpy):  /usr/bin/python3 tests/golden/make_pca_golden.py
"""
import os, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tools"))
import pack_dataset  # noqa: E402

SRC = "/usr/share/datasets/fashion-mnist"
(count, rows, cols), px = pack_dataset.read_idx(pack_dataset.find(SRC, "t10k-images-idx3-ubyte"))
_, labels = pack_dataset.read_idx(pack_dataset.find(SRC, "t10k-labels-idx1-ubyte"))
idx = pack_dataset.balanced(labels, 1000)[:500]
X = np.frombuffer(px, dtype=np.uint8).reshape(count, rows * cols)[idx].astype(np.float64) / 255.0
mean = X.mean(axis=0)
C = (X - mean).T @ (X - mean) / (X.shape[0] - 1)
w, V = np.linalg.eigh(C)
order = np.argsort(w)[::-1][:12]
comps = V[:, order].T
for c in comps:
    if c[np.argmax(np.abs(c))] < 0:
        c *= -1
out = os.path.join(here, "pca")
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "mean.npy"), mean.astype(np.float32))
np.save(os.path.join(out, "components.npy"), comps.astype(np.float32))
np.save(os.path.join(out, "explained_variance.npy"), w[order])  # float64
np.save(os.path.join(out, "total_variance.npy"), np.array([np.trace(C)]))
print("eigenvalue gaps (relative) among the top 12:", np.round(-np.diff(w[order]) / w[order][0], 4))
