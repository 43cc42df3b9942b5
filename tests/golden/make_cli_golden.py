#!/usr/bin/python3
"""Golden data for `aelab-cli op`: inputs and torch.nn.functional's outputs, one folder per case
under tests/golden/cli/, and cases.txt with the CLI arguments of each case ({x}, {w}, {b}, {i}
name files of the case; {out}, {iout} name outputs the test compares with expected.npy and
expected_indices.npy). Run with Debian's PyTorch:  /usr/bin/python3 tests/golden/make_cli_golden.py
"""
import os, shutil
import numpy as np
import torch
import torch.nn.functional as F

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cli")
shutil.rmtree(here, ignore_errors=True)
os.makedirs(here)
torch.manual_seed(1234)
lines = []


def case(name, args, x, expected, w=None, b=None, i=None, expected_indices=None):
    d = os.path.join(here, name)
    os.makedirs(d)
    np.save(os.path.join(d, "x.npy"), x.numpy().astype(np.float32))
    if w is not None:
        np.save(os.path.join(d, "w.npy"), w.numpy().astype(np.float32))
    if b is not None:
        np.save(os.path.join(d, "b.npy"), b.numpy().astype(np.float32))
    if i is not None:
        np.save(os.path.join(d, "i.npy"), i.numpy().astype(np.int64))
    np.save(os.path.join(d, "expected.npy"), expected.detach().numpy().astype(np.float32))
    if expected_indices is not None:
        np.save(os.path.join(d, "expected_indices.npy"), expected_indices.numpy().astype(np.int64))
    lines.append(f"{name}|{args}")


r = lambda *s: torch.randn(*s)
t = lambda v: torch.tensor(v, dtype=torch.float32)

x = t([1, 4, 3, -1, 2, -4, 1, 0, 2, -1]).reshape(1, 1, 10); w = t([1, 2, 1]).reshape(1, 1, 3)
case("conv1d_course", "op conv1d --input {x} --weight {w} --out {out}", x, F.conv1d(x, w), w)
x = t([[3,3,2,1,0],[0,0,1,3,1],[3,1,2,2,3],[2,0,0,2,2],[2,0,0,0,1]]).reshape(1, 1, 5, 5)
w = t([[0,1,2],[2,2,0],[0,1,2]]).reshape(1, 1, 3, 3)
case("conv2d_course", "op conv2d --input {x} --weight {w} --out {out}", x, F.conv2d(x, w), w)
x, w, b = r(2, 3, 11), r(4, 3, 3), r(4)
case("conv1d_s2_p1_d2", "op conv1d --input {x} --weight {w} --bias {b} --out {out} --stride 2 --padding 1 --dilation 2",
     x, F.conv1d(x, w, b, stride=2, padding=1, dilation=2), w, b)
x, w, b = r(2, 3, 9, 8), r(5, 3, 3, 2), r(5)
case("conv2d_mixed", "op conv2d --input {x} --weight {w} --bias {b} --out {out} --stride 2,1 --padding 1,0 --dilation 1,2",
     x, F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2)), w, b)
x, w = r(3, 7, 7), r(2, 3, 3, 3)
case("conv2d_unbatched", "op conv2d --input {x} --weight {w} --out {out} --padding 1", x, F.conv2d(x, w, padding=1), w)
x, w, b = r(1, 2, 6, 5, 4), r(3, 2, 3, 2, 2), r(3)
case("conv3d", "op conv3d --input {x} --weight {w} --bias {b} --out {out} --stride 1,2,1 --padding 1",
     x, F.conv3d(x, w, b, stride=(1, 2, 1), padding=1), w, b)
x, w, b = r(2, 4, 5), r(4, 3, 3), r(3)
case("conv_transpose1d", "op conv_transpose1d --input {x} --weight {w} --bias {b} --out {out} --stride 2 --padding 1 --output-padding 1",
     x, F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1), w, b)
x, w = t([[1, 2], [3, 4]]).reshape(1, 1, 2, 2), t([[1, 0, -1], [2, 1, 0], [0, 1, 1]]).reshape(1, 1, 3, 3)
case("conv_transpose2d_course", "op conv_transpose2d --input {x} --weight {w} --out {out} --stride 2 --padding 1 --output-padding 1",
     x, F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1), w)
x, w, b = r(2, 3, 4, 5), r(3, 2, 3, 4), r(2)
case("conv_transpose2d_mixed",
     "op conv_transpose2d --input {x} --weight {w} --bias {b} --out {out} --stride 2,3 --padding 1,2 --output-padding 1,0 --dilation 1,2",
     x, F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 2), output_padding=(1, 0), dilation=(1, 2)), w, b)
x = t([[1, 2, 6, 3], [3, 5, 2, 1], [1, 2, 2, 1], [7, 3, 4, 8]]).reshape(1, 1, 4, 4)
y, idx = F.max_pool2d(x, 2, return_indices=True)
case("max_pool2d_course", "op max_pool2d --input {x} --kernel 2 --out {out} --indices-out {iout}", x, y, expected_indices=idx)
u = t([[1, 2], [3, 4]]).reshape(1, 1, 2, 2)
case("max_unpool2d_course", "op max_unpool2d --input {x} --indices {i} --kernel 2 --out {out}", u, F.max_unpool2d(u, idx, 2), i=idx)
x = r(2, 3, 9, 10)
y, idx = F.max_pool2d(x, 3, stride=2, padding=1, dilation=(1, 2), return_indices=True)
case("max_pool2d_mixed", "op max_pool2d --input {x} --kernel 3 --stride 2 --padding 1 --dilation 1,2 --out {out} --indices-out {iout}",
     x, y, expected_indices=idx)
x = r(1, 2, 5, 5)
y, idx = F.max_pool2d(x, 2, return_indices=True)
case("max_unpool2d_output_size", "op max_unpool2d --input {x} --indices {i} --kernel 2 --output-size 5,5 --out {out}",
     y, F.max_unpool2d(y, idx, 2, output_size=(5, 5)), i=idx)
x = t([[31, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]]).reshape(1, 1, 4, 4)
case("avg_pool2d_course", "op avg_pool2d --input {x} --kernel 2 --out {out}", x, F.avg_pool2d(x, 2))
x = r(2, 2, 7, 9)
case("avg_pool2d_mixed", "op avg_pool2d --input {x} --kernel 3,2 --stride 2 --padding 1 --out {out}",
     x, F.avg_pool2d(x, (3, 2), stride=2, padding=1))
x = t([[1, 2], [3, 4]]).reshape(1, 1, 2, 2)
case("upsample_nearest_course", "op upsample_nearest --input {x} --scale 2 --out {out}", x,
     F.interpolate(x, scale_factor=2, mode="nearest"))
x = r(2, 3, 3, 4)
case("upsample_nearest_2_3", "op upsample_nearest --input {x} --scale 2,3 --out {out}", x,
     F.interpolate(x, scale_factor=(2, 3), mode="nearest"))
x = t([[1, 2], [3, 4]]).reshape(1, 1, 2, 2)
bon = torch.zeros(1, 1, 4, 4); bon[..., ::2, ::2] = x  # zero insertion: value at each block's top-left
case("bed_of_nails_course", "op bed_of_nails --input {x} --scale 2 --out {out}", x, bon)
x, w, b = r(4, 6), r(3, 6), r(3)
case("linear", "op linear --input {x} --weight {w} --bias {b} --out {out}", x, F.linear(x, w, b), w, b)
x, w = r(2, 5, 6), r(3, 6)
case("linear_3d_no_bias", "op linear --input {x} --weight {w} --out {out}", x, F.linear(x, w), w)

with open(os.path.join(here, "cases.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"{len(lines)} cases written to {here}")
