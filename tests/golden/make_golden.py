#!/usr/bin/python3
# Writes tests/golden/ops.bin: PyTorch's answers for every aelab op, forward and gradients,
# over varied shapes, strides, paddings, dilations and output paddings. The C++ tests
# (tests/core/test_golden.cpp) recompute every case and compare at ~1e-4 relative.
#
# Run with Debian's python (python3-torch 1.13 + numpy):  /usr/bin/python3 tests/golden/make_golden.py
# References are computed in float64 from float32 inputs, then stored as float32.
#
# File format (little-endian), read by tests/core/golden.hpp:
#   char[8] "AELABGLD", u32 array count, then per array:
#   u32 name length, name bytes ("<op>/<case>/<array>"), u32 dtype (0 float32, 1 int64),
#   u32 rank, u32 dims[rank], the values row-major.
# Arrays of a case: inputs (x, w, b, ...), the random upstream gradient dy, the outputs (y, and
# indices for max pooling) and the gradients dx, dw, db (of sum(y * dy)); "params" holds the
# op's integer parameters in the order the test documents for that op.
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20240601)
arrays = []


def add(name, value):
    a = value.detach().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
    if a.dtype.kind == "f":
        arrays.append((name, 0, a.astype("<f4")))
    else:
        arrays.append((name, 1, a.astype("<i8")))


def rand(*shape, lo=-1.0, hi=1.0):
    # float32 values, promoted to float64 (exactly) for the reference computation
    return (torch.rand(tuple(shape), dtype=torch.float32) * (hi - lo) + lo).double().requires_grad_()


def record(prefix, inputs, y, extra_outputs=()):
    """Stores inputs, y, a random dy and the gradients of sum(y * dy) w.r.t. the inputs."""
    dy = rand(*y.shape).detach()
    grads = torch.autograd.grad(y, [t for t in inputs.values()], dy, allow_unused=True)
    for name, t in inputs.items():
        add(f"{prefix}/{name}", t.float())
    add(f"{prefix}/y", y.float())
    add(f"{prefix}/dy", dy.float())
    for (name, _), g in zip(inputs.items(), grads):
        add(f"{prefix}/d{name}", g.float())
    for name, value in extra_outputs:
        add(f"{prefix}/{name}", value)


# ---- convolutions: params = stride..., padding..., dilation... (+ output_padding for transposed)
def conv_case(op, i, x_shape, c_out, kernel, stride, padding, dilation, bias=True):
    x = rand(*x_shape)
    w = rand(c_out, x_shape[1], *kernel)
    inputs = {"x": x, "w": w}
    if bias:
        inputs["b"] = rand(c_out)
    fn = {"conv1d": F.conv1d, "conv2d": F.conv2d, "conv3d": F.conv3d}[op]
    y = fn(x, w, inputs.get("b"), stride=stride, padding=padding, dilation=dilation)
    record(f"{op}/{i}", inputs, y)
    add(f"{op}/{i}/params", list(stride) + list(padding) + list(dilation))


conv_case("conv1d", 0, (2, 3, 17), 4, (3,), (1,), (0,), (1,))
conv_case("conv1d", 1, (1, 2, 20), 5, (4,), (3,), (2,), (2,))
conv_case("conv1d", 2, (3, 1, 9), 2, (1,), (2,), (1,), (1,), bias=False)
conv_case("conv2d", 0, (2, 3, 9, 9), 4, (3, 3), (1, 1), (1, 1), (1, 1))
conv_case("conv2d", 1, (2, 1, 28, 28), 6, (3, 3), (2, 2), (1, 1), (1, 1))
conv_case("conv2d", 2, (1, 5, 11, 8), 7, (2, 3), (3, 1), (0, 2), (2, 1))
conv_case("conv2d", 3, (3, 2, 7, 10), 3, (5, 1), (1, 2), (2, 0), (1, 3), bias=False)
conv_case("conv2d", 4, (1, 17, 6, 6), 9, (3, 3), (2, 2), (1, 1), (2, 2))
conv_case("conv3d", 0, (2, 2, 5, 6, 7), 3, (3, 2, 3), (1, 2, 1), (1, 0, 1), (1, 1, 2))
conv_case("conv3d", 1, (1, 3, 4, 4, 4), 2, (2, 2, 2), (2, 2, 2), (0, 1, 0), (1, 1, 1), bias=False)


def conv_transpose_case(op, i, x_shape, c_out, kernel, stride, padding, output_padding, dilation,
                        bias=True):
    x = rand(*x_shape)
    w = rand(x_shape[1], c_out, *kernel)
    inputs = {"x": x, "w": w}
    if bias:
        inputs["b"] = rand(c_out)
    fn = {"conv_transpose1d": F.conv_transpose1d, "conv_transpose2d": F.conv_transpose2d}[op]
    y = fn(x, w, inputs.get("b"), stride=stride, padding=padding, output_padding=output_padding,
           dilation=dilation)
    record(f"{op}/{i}", inputs, y)
    add(f"{op}/{i}/params", list(stride) + list(padding) + list(dilation) + list(output_padding))


conv_transpose_case("conv_transpose1d", 0, (2, 3, 7), 2, (3,), (2,), (1,), (1,), (1,))
conv_transpose_case("conv_transpose1d", 1, (1, 4, 5), 3, (4,), (3,), (0,), (2,), (2,), bias=False)
conv_transpose_case("conv_transpose2d", 0, (2, 8, 7, 7), 4, (3, 3), (2, 2), (1, 1), (1, 1), (1, 1))
conv_transpose_case("conv_transpose2d", 1, (1, 3, 4, 5), 5, (2, 3), (1, 2), (0, 1), (0, 1), (1, 1))
conv_transpose_case("conv_transpose2d", 2, (2, 2, 3, 3), 3, (3, 3), (3, 2), (2, 1), (1, 0), (2, 1))
conv_transpose_case("conv_transpose2d", 3, (1, 5, 4, 4), 2, (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), bias=False)


# ---- pooling: params = kernel..., stride..., padding..., dilation (max only)
def max_pool_case(i, x_shape, kernel, stride, padding, dilation):
    x = rand(*x_shape)
    y, idx = F.max_pool2d(x, kernel, stride, padding, dilation, return_indices=True)
    record(f"max_pool2d/{i}", {"x": x}, y, [("indices", idx)])
    add(f"max_pool2d/{i}/params", list(kernel) + list(stride) + list(padding) + list(dilation))


max_pool_case(0, (2, 3, 8, 8), (2, 2), (2, 2), (0, 0), (1, 1))
max_pool_case(1, (1, 2, 9, 7), (3, 3), (2, 1), (1, 1), (1, 1))
max_pool_case(2, (2, 1, 10, 11), (3, 2), (1, 3), (1, 0), (2, 2))


def avg_pool_case(i, x_shape, kernel, stride, padding):
    x = rand(*x_shape)
    y = F.avg_pool2d(x, kernel, stride, padding, count_include_pad=True)
    record(f"avg_pool2d/{i}", {"x": x}, y)
    add(f"avg_pool2d/{i}/params", list(kernel) + list(stride) + list(padding))


avg_pool_case(0, (2, 3, 8, 8), (2, 2), (2, 2), (0, 0))
avg_pool_case(1, (1, 2, 9, 7), (3, 3), (2, 1), (1, 1))
avg_pool_case(2, (2, 1, 6, 10), (2, 4), (1, 3), (1, 2))


# max_unpool2d: params = kernel..., stride..., padding..., output size (H_out, W_out)
def max_unpool_case(i, x_shape, kernel, stride, padding):
    source = rand(*x_shape).detach()
    _, idx = F.max_pool2d(source, kernel, stride, padding, return_indices=True)
    x = rand(*idx.shape)
    y = F.max_unpool2d(x, idx, kernel, stride, padding, output_size=x_shape[2:])
    record(f"max_unpool2d/{i}", {"x": x}, y, [("indices", idx)])
    add(f"max_unpool2d/{i}/params", list(kernel) + list(stride) + list(padding) + list(x_shape[2:]))


max_unpool_case(0, (2, 3, 8, 8), (2, 2), (2, 2), (0, 0))
max_unpool_case(1, (1, 2, 9, 7), (3, 3), (2, 2), (1, 1))


# upsampling: params = scale_h, scale_w
def upsample_case(i, x_shape, scale):
    x = rand(*x_shape)
    y = F.interpolate(x, scale_factor=scale, mode="nearest")
    record(f"upsample_nearest2d/{i}", {"x": x}, y)
    add(f"upsample_nearest2d/{i}/params", list(scale))
    x = rand(*x_shape)
    nails = torch.zeros(x_shape[0], x_shape[1], x_shape[2] * scale[0], x_shape[3] * scale[1],
                        dtype=torch.float64)
    nails[:, :, :: scale[0], :: scale[1]] = x  # bed of nails: top-left of each block
    record(f"upsample_bed_of_nails2d/{i}", {"x": x}, nails)
    add(f"upsample_bed_of_nails2d/{i}/params", list(scale))


upsample_case(0, (2, 3, 4, 4), (2, 2))
upsample_case(1, (1, 2, 3, 5), (3, 2))


def linear_case(i, n, fin, fout, bias=True):
    x, w = rand(n, fin), rand(fout, fin)
    inputs = {"x": x, "w": w}
    if bias:
        inputs["b"] = rand(fout)
    record(f"linear/{i}", inputs, F.linear(x, w, inputs.get("b")))


linear_case(0, 4, 7, 5)
linear_case(1, 9, 33, 17, bias=False)
linear_case(2, 3, 64, 10)

# ---- activations on (4, 50) values in [-30, 30] (beyond softplus' threshold 20)
for name, fn in [("relu", F.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh),
                 ("softplus", F.softplus), ("leaky_relu", lambda t: F.leaky_relu(t, 0.2))]:
    x = rand(4, 50, lo=-30.0, hi=30.0)
    with torch.no_grad():
        x[0, :10] = rand(10, lo=-2.0, hi=2.0)  # some values where the curves bend
    record(f"{name}/0", {"x": x}, fn(x))

# ---- losses: scalar y; dy is the upstream scalar gradient
pred, target = rand(3, 20), rand(3, 20, lo=0.0, hi=1.0)
record("mse_loss/0", {"x": pred, "t": target}, F.mse_loss(pred, target))
logits, bits = rand(4, 25, lo=-40.0, hi=40.0), rand(4, 25, lo=0.0, hi=1.0)
record("bce_with_logits_loss/0", {"x": logits, "t": bits},
       F.binary_cross_entropy_with_logits(logits, bits))
mu, logvar = rand(5, 8, lo=-2.0, hi=2.0), rand(5, 8, lo=-3.0, hi=2.0)
kl = (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)).mean()  # sum over latent, mean over batch
record("kl_normal_loss/0", {"mu": mu, "logvar": logvar}, kl)


# ---- batch_norm2d: hyper = eps, momentum (float32). Training mode normalises with the batch's
# statistics and updates the running ones in place (running_mean/var: before, *_out: after one
# step); evaluation mode normalises with the running ones. Without w/b the case is affine=False.
def batch_norm_case(i, x_shape, eps, momentum, affine, training):
    c = x_shape[1]
    x = rand(*x_shape, lo=-2.0, hi=3.0)
    inputs = {"x": x}
    if affine:
        inputs["w"], inputs["b"] = rand(c, lo=0.5, hi=1.5), rand(c)
    running_mean = rand(c).detach()
    running_var = rand(c, lo=0.5, hi=2.0).detach()
    before = running_mean.clone(), running_var.clone()
    y = F.batch_norm(x, running_mean, running_var, inputs.get("w"), inputs.get("b"),
                     training=training, momentum=momentum, eps=eps)
    op = "batch_norm2d" if training else "batch_norm2d_eval"
    record(f"{op}/{i}", inputs, y, [("running_mean", before[0]), ("running_var", before[1]),
                                    ("running_mean_out", running_mean),
                                    ("running_var_out", running_var)])
    add(f"{op}/{i}/hyper", np.array([eps, momentum], dtype=np.float32))


batch_norm_case(0, (4, 3, 5, 5), 1e-5, 0.1, affine=True, training=True)
batch_norm_case(1, (3, 4, 1, 2), 1e-3, 0.3, affine=False, training=True)
batch_norm_case(2, (2, 5, 3, 4), 1e-5, 1.0, affine=True, training=True)
batch_norm_case(0, (4, 3, 5, 5), 1e-5, 0.1, affine=True, training=False)

# ---- softmax cross-entropy: logits (N, K), int64 labels; scalar y (mean over N) and dy
def softmax_cross_entropy_case(i, n, k, lo, hi):
    logits = rand(n, k, lo=lo, hi=hi)
    labels = torch.randint(0, k, (n,))
    record(f"softmax_cross_entropy_loss/{i}", {"x": logits}, F.cross_entropy(logits, labels),
           extra_outputs=[("labels", labels)])


softmax_cross_entropy_case(0, 6, 10, -3.0, 3.0)
softmax_cross_entropy_case(1, 5, 3, -80.0, 80.0)  # far beyond exp's float range: needs log-sum-exp
softmax_cross_entropy_case(2, 1, 1, -1.0, 1.0)   # one class: the loss is 0

# ---- GAN (core/include/aelab/recipe_gan.hpp): one discriminator update, then one generator update
# against the updated discriminator, each with Adam(lr=0.01, betas=(0.5, 0.999)). G and D are
# Linear-LeakyReLU(0.2)-Linear-LeakyReLU(0.2)-Linear MLPs, 2 -> 5 -> 5 -> 2 and 2 -> 5 -> 5 -> 1.
# Arrays under gan/0/: g<i>, d<i> (the six parameter tensors, in order), real, z_d, z_g;
# loss_d, dd<i> (L_D's gradients), d_after<i>; for each generator loss k in (saturating,
# non_saturating): <k>/loss_g, <k>/dg<i>, <k>/dfake (dL_G / dG(z)), <k>/g_after<i>.
def gan_case():
    def mlp(fin, fout, h=5):
        return [rand(h, fin), rand(h), rand(h, h), rand(h), rand(fout, h), rand(fout)]

    def run(p, x):
        x = F.leaky_relu(F.linear(x, p[0], p[1]), 0.2)
        x = F.leaky_relu(F.linear(x, p[2], p[3]), 0.2)
        return F.linear(x, p[4], p[5])

    def adam_step(params, grads):
        leaves = [p.detach().clone().requires_grad_() for p in params]
        for leaf, g in zip(leaves, grads):
            leaf.grad = g.detach().clone()
        torch.optim.Adam(leaves, lr=0.01, betas=(0.5, 0.999)).step()
        return [leaf.detach() for leaf in leaves]

    G, D = mlp(2, 2), mlp(2, 1)
    real = rand(6, 2, lo=-2.0, hi=2.0).detach()
    z_d, z_g = rand(6, 2).detach(), rand(6, 2).detach()
    pre = "gan/0/"
    for i in range(6):
        add(f"{pre}g{i}", G[i].float())
        add(f"{pre}d{i}", D[i].float())
    for name, t in [("real", real), ("z_d", z_d), ("z_g", z_g)]:
        add(pre + name, t.float())
    fake = run(G, z_d).detach()
    lr_, lf = run(D, real), run(D, fake)
    loss_d = (F.binary_cross_entropy_with_logits(lr_, torch.ones_like(lr_)) +
              F.binary_cross_entropy_with_logits(lf, torch.zeros_like(lf)))
    dd = torch.autograd.grad(loss_d, D)
    add(pre + "loss_d", loss_d.float())
    D_after = adam_step(D, dd)
    for i in range(6):
        add(f"{pre}dd{i}", dd[i].float())
        add(f"{pre}d_after{i}", D_after[i].float())
    for kind in ("saturating", "non_saturating"):
        fake = run(G, z_g)
        l = run(D_after, fake)
        # log(1 - sigmoid(l)) = logsigmoid(-l);  -log sigmoid(l) = -logsigmoid(l)
        loss_g = F.logsigmoid(-l).mean() if kind == "saturating" else -F.logsigmoid(l).mean()
        grads = torch.autograd.grad(loss_g, G + [fake])
        add(f"{pre}{kind}/loss_g", loss_g.float())
        add(f"{pre}{kind}/dfake", grads[6].float())
        G_after = adam_step(G, grads[:6])
        for i in range(6):
            add(f"{pre}{kind}/dg{i}", grads[i].float())
            add(f"{pre}{kind}/g_after{i}", G_after[i].float())


gan_case()


# ---- code penalties of the regularised autoencoders: scalar y (mean over the N rows) and dy.
# L1 of the activations: sum_j |h_j| per row. Contractive: ||dh/dx||_F^2 per row of the sigmoid
# encoder h = sigmoid(x W^T + b), its Jacobian taken by autograd (not the closed form the C++ uses),
# differentiably so the gradients reach x, W and b.
h_code = rand(4, 9)
record("l1_activation_penalty/0", {"h": h_code}, h_code.abs().sum(dim=1).mean())


def jacobian_fro2(x, w, b):
    total = 0
    for n in range(x.shape[0]):
        J = torch.autograd.functional.jacobian(lambda v: torch.sigmoid(F.linear(v, w, b)), x[n], create_graph=True)
        total = total + (J ** 2).sum()
    return total / x.shape[0]


x_enc, w_enc, b_enc = rand(3, 6), rand(5, 6, lo=-2.0, hi=2.0), rand(5)
record("contractive_penalty/0", {"x": x_enc, "w": w_enc, "b": b_enc}, jacobian_fro2(x_enc, w_enc, b_enc))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops.bin")
with open(out, "wb") as f:
    f.write(b"AELABGLD")
    f.write(struct.pack("<I", len(arrays)))
    for name, dtype, a in arrays:
        encoded = name.encode()
        f.write(struct.pack("<I", len(encoded)))
        f.write(encoded)
        f.write(struct.pack("<II", dtype, a.ndim))
        f.write(struct.pack(f"<{a.ndim}I", *a.shape))
        f.write(a.tobytes())
print(f"{out}: {len(arrays)} arrays, {os.path.getsize(out)} bytes")
