#!/usr/bin/env python3
"""Checks that x86-64 binaries keep AVX code inside the AVX2 kernels.

The portable native build (AELAB_NATIVE_ARCH=OFF) compiles only core/src/kernels/*avx2*.cpp and
core/bench/*avx2*.cpp with -mavx2 -mfma, and chooses those kernels at run time. If any other
function held a VEX/EVEX instruction (an inline function the AVX2 files emitted and the linker
kept for every caller, or code built with the wrong flags), the binary would die with SIGILL on
an x86-64 without AVX. This disassembles each binary and fails on any function that is not
named for AVX2 ("avx2" in its demangled name) yet holds a v-prefixed instruction or uses
ymm/zmm registers, and on a static initialiser of an AVX2 file (it runs on every CPU).

usage: check_isa_code.py [--expect-avx2] BINARY...
"""
import re
import subprocess
import sys

HEADER = re.compile(r"^[0-9a-f]+ <(.*)>:$")
PREFIXES = {"rep", "repz", "repnz", "repe", "repne", "lock", "notrack", "bnd", "data16",
            "addr32", "cs", "ds", "ss", "es", "fs", "gs", "rex", "rex.W", "{vex}"}


def vex(line):
    parts = line.split("\t")
    if len(parts) < 2:
        return False
    tokens = parts[-1].split()
    while tokens and tokens[0] in PREFIXES:
        tokens = tokens[1:]
    if not tokens:
        return False
    mnemonic = tokens[0]
    operands = " ".join(tokens[1:])
    return (mnemonic.startswith("v") and mnemonic not in ("verr", "verw")) or \
        "%ymm" in operands or "%zmm" in operands


def check(binary):
    out = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", binary],
                         check=True, capture_output=True, text=True).stdout
    bad, avx2_functions, current, flagged = [], 0, None, False
    for line in out.splitlines():
        m = HEADER.match(line)
        if m:
            current, flagged = m.group(1), False
            if current.startswith("_GLOBAL__sub_I") and "avx2" in current.lower():
                bad.append(current + " (a static initialiser in an AVX2 file)")
            continue
        if current is None or flagged or not vex(line):
            continue
        flagged = True
        if "avx2" in current.lower():
            avx2_functions += 1
        else:
            bad.append(current + ": " + line.split("\t")[-1].strip())
    return bad, avx2_functions


def main(argv):
    expect = "--expect-avx2" in argv
    binaries = [a for a in argv if a != "--expect-avx2"]
    if not binaries:
        print(__doc__)
        return 2
    status = 0
    for binary in binaries:
        bad, avx2 = check(binary)
        if bad:
            status = 1
            print(f"{binary}: {len(bad)} function(s) outside the AVX2 kernels hold AVX code:")
            for b in bad[:40]:
                print("  " + b)
        elif expect and avx2 == 0:
            status = 1
            print(f"{binary}: no AVX2 kernel found (expected some)")
        else:
            print(f"{binary}: AVX code only in the {avx2} AVX2 kernel function(s)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
