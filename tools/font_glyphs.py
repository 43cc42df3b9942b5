#!/usr/bin/python3
"""The glyphs the lessons draw, and the web build's subset of DejaVu Sans made from them.

The web page loads its font before the first frame; the whole DejaVu Sans is about 760 KB, the
lessons use a few hundred of its 6000 glyphs. The set kept: a small base (BASE: printable ASCII, Latin-1,
Greek letters, dashes and quotes, super- and subscript digits, a few arrows, math operators and
shapes, U+2026 ImGui's ellipsis, U+FFFD its fallback glyph), plus every non-ASCII character in a C++ string or character literal of the sources
(lessons/, lessons/kit/, web/main.cpp, core/: error messages reach the page).

  font_glyphs.py list   [--root DIR]                       the non-ASCII characters, where each is used
  font_glyphs.py unicodes [--root DIR]                     the set, as pyftsubset's --unicodes value
  font_glyphs.py subset --font IN --out OUT [--cache DIR]  writes the subset (fontTools.subset); cached
                                                           in DIR keyed by the font's and the set's hash
  font_glyphs.py check  --font FONT [--full FULL]          every used character is in FONT (exit 1 if not);
                                                           with --full, says which are not in FULL either
  font_glyphs.py selftest                                  the literal scanner on a made-up source

Needs Debian's python3-fonttools for subset and check (tools/setup.sh installs it).
"""
import argparse
import hashlib
import os
import pathlib
import re
import shutil
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Globs relative to the source root; the string literals of these files are scanned.
SOURCES = ["lessons/*.cpp", "lessons/*.hpp", "lessons/kit/*.cpp", "lessons/kit/*.hpp", "web/main.cpp",
           "core/src/**/*.cpp", "core/include/**/*.hpp", "core/cli/*.cpp"]
BASE = [(0x20, 0x7E), (0xA0, 0xFF),        # ASCII, Latin-1 (typed text, file names, superscripts, middle dot)
        (0x391, 0x3A9), (0x3B1, 0x3C9),    # Greek letters (sigma, mu, lambda in a lesson's text)
        (0x2013, 0x2014), (0x2018, 0x201D), (0x2022, 0x2022), (0x2026, 0x2026),  # dashes, quotes, bullet, ellipsis
        (0x2070, 0x2079), (0x2080, 0x2089),  # super- and subscript digits
        (0x2190, 0x2193), (0x21D2, 0x21D2),  # arrows
        (0x2202, 0x2202), (0x2207, 0x2208), (0x2211, 0x2212), (0x221A, 0x221A), (0x221E, 0x221E),
        (0x2248, 0x2248), (0x2260, 0x2260), (0x2264, 0x2265), (0x22C5, 0x22C5),  # math operators
        (0x25A0, 0x25A1), (0x25B2, 0x25BC), (0x25CF, 0x25CF),  # squares, triangles, disc
        (0xFFFD, 0xFFFD)]                  # ImGui's fallback glyph
# Options for pyftsubset: ImGui (stb_truetype) reads outlines, metrics and cmap only, so neither
# hinting nor OpenType layout nor glyph names are kept.
SUBSET_OPTIONS = ["--no-hinting", "--layout-features=", "--no-glyph-names", "--notdef-outline",
                  "--name-IDs=0,1,2,3,4,5,6", "--drop-tables+=FFTM"]


def source_files(root):
    files = []
    for pattern in SOURCES:
        files.extend(sorted(root.glob(pattern)))
    return sorted(set(files))


RAW = re.compile(r'(?<![A-Za-z0-9_])(?:u8|[uUL])?R"')


def digit_separator(text, i):
    """Whether the ' at text[i] separates digits (1'000, 0xFF'FF) rather than opening a literal."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_"):
        j -= 1
    return j < i and text[j].isdigit()


SIMPLE_ESCAPES = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "0": 0}


def unescape(body):
    """The characters a literal's body stands for: \\xHH, octal and other byte escapes are gathered
    and read as UTF-8 ("\\xCE\\xBC" is one mu), \\uXXXX and \\UXXXXXXXX are code points."""
    out, pending, i = [], bytearray(), 0

    def flush():
        if pending:
            out.append(pending.decode("utf-8", errors="replace"))
            pending.clear()
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 == len(body):
            flush()
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e == "x":
            m = re.match(r"[0-9A-Fa-f]+", body[i + 2:])
            pending.append(int(m.group(0), 16) & 0xFF if m else 0)
            i += 2 + (len(m.group(0)) if m else 0)
        elif e in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            pending.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        elif e in "uU":
            width = 4 if e == "u" else 8
            flush()
            try:
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            except ValueError:
                pass
            i += 2 + width
        else:
            flush()
            out.append(chr(SIMPLE_ESCAPES[e]) if e in SIMPLE_ESCAPES else e)
            i += 2
    flush()
    return "".join(out)


def literals(text):
    """Yields (line, string) for each string or character literal of C++ source `text`
    (comments skipped; raw strings R"d(...)d" and prefixes u8/u/U/L handled)."""
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif RAW.match(text, i):
            m = RAW.match(text, i)
            k = text.find("(", m.end())
            delim = text[m.end():k]
            end = text.find(")" + delim + '"', k)
            end = n if end < 0 else end
            yield line, text[k + 1:end]  # no escapes in a raw string
            line += text.count("\n", i, end)
            i = end + len(delim) + 2
        elif c in "\"'" and not (c == "'" and digit_separator(text, i)):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            yield line, unescape(text[i + 1:j])
            i = j + 1
        else:
            i += 1


def used_chars(root):
    """{char: [(file, line), ...]} for the non-ASCII characters in the sources' literals."""
    found = {}
    for f in source_files(root):
        for line, s in literals(f.read_text(encoding="utf-8")):
            for ch in s:
                if ord(ch) > 0x7E:
                    found.setdefault(ch, []).append((str(f.relative_to(root)), line))
    return found


def codepoints(root):
    cps = set()
    for lo, hi in BASE:
        cps.update(range(lo, hi + 1))
    cps.update(ord(ch) for ch in used_chars(root))
    return sorted(cps)


def unicodes_arg(cps):
    """Ranges as pyftsubset writes them: U+0020-007E,U+00A0-00FF,U+03C3,..."""
    out, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(f"U+{cps[i]:04X}" if i == j else f"U+{cps[i]:04X}-{cps[j]:04X}")
        i = j + 1
    return ",".join(out)


def cmap_of(font_path):
    from fontTools.ttLib import TTFont
    return set(TTFont(font_path, lazy=True).getBestCmap())


def check(root, font, full=None):
    have = cmap_of(font)
    full_have = cmap_of(full) if full else None
    used = used_chars(root)
    missing = sorted((ch for ch in used if ord(ch) not in have), key=ord)
    for ch in missing:
        where = ", ".join(f"{f}:{l}" for f, l in used[ch][:3])
        why = " (not in the full font either: it draws as '?')" if full_have is not None and ord(ch) not in full_have else ""
        print(f"font_glyphs: U+{ord(ch):04X} {ch!r} used in {where} is missing from {font}{why}", file=sys.stderr)
    if missing:
        print(f"font_glyphs: {len(missing)} character(s) missing: rebuild the subset (tools/font_glyphs.py subset)",
              file=sys.stderr)
        return 1
    print(f"font_glyphs: all {len(used)} non-ASCII characters of the sources are in {os.path.basename(font)}")
    return 0


def subset(root, font, out, cache_dir):
    try:
        import fontTools
        from fontTools import subset as ftsubset
    except ImportError:
        print("font_glyphs: fontTools (pyftsubset) is missing: run tools/setup.sh (Debian package python3-fonttools)",
              file=sys.stderr)
        return 1
    uni = unicodes_arg(codepoints(root))
    opts = SUBSET_OPTIONS + [f"--unicodes={uni}"]
    key = hashlib.sha256()
    key.update(pathlib.Path(font).read_bytes())
    key.update(("\n".join(opts) + "\nfonttools " + fontTools.version).encode())
    cached = pathlib.Path(cache_dir) / f"{pathlib.Path(font).stem}-{key.hexdigest()[:16]}.ttf" if cache_dir else None
    out = pathlib.Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if cached and cached.is_file():
        shutil.copyfile(cached, out)
    else:
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            made = pathlib.Path(tmp) / out.name
            ftsubset.main([str(font), f"--output-file={made}"] + opts)
            if cached:
                cached.parent.mkdir(parents=True, exist_ok=True)
                part = cached.with_suffix(f".{os.getpid()}.part")
                shutil.copyfile(made, part)
                os.replace(part, cached)  # atomic: two builds may share the cache
            os.replace(made, out)
    have = cmap_of(out)
    missing = [cp for cp in codepoints(root) if cp not in have and cp in cmap_of(font)]
    if missing:  # only possible if fontTools dropped something it should keep
        print(f"font_glyphs: the subset lacks {unicodes_arg(missing)}", file=sys.stderr)
        return 1
    print(f"font_glyphs: {out.name}: {len(have)} characters, {out.stat().st_size} bytes "
          f"(from {pathlib.Path(font).stat().st_size})")
    return 0


def selftest():
    """The scanner finds what a literal holds (escapes too) and nothing in comments."""
    src = ('// comment "\u03bb"\n/* "\u03c9" */ auto a = "\u03bc=\\xCE\\xBC, \\u2192 \\"q\\" \\\\x93";\n'
           "int n = 1'000'000; char c = '\u00e9'; auto r = R\"x(raw \"\u2211\" \\xCE)x\"; auto e = \"\\316\\274\";\n")
    got = [(line, s) for line, s in literals(src)]
    want = [(2, "\u03bc=\u03bc, \u2192 \"q\" \\x93"), (3, "\u00e9"), (3, 'raw "\u2211" \\xCE'), (3, "\u03bc")]
    if got != want:
        print(f"font_glyphs selftest: got {got!r}, wanted {want!r}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        (pathlib.Path(tmp) / "web").mkdir()
        (pathlib.Path(tmp) / "web" / "main.cpp").write_text(src, encoding="utf-8")
        chars = "".join(sorted(used_chars(pathlib.Path(tmp)), key=ord))
        if chars != "\u00e9\u03bc\u2192\u2211":
            print(f"font_glyphs selftest: used characters {chars!r}", file=sys.stderr)
            return 1
    print("font_glyphs selftest: ok")
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["list", "unicodes", "subset", "check", "selftest"])
    ap.add_argument("--root", default=str(ROOT), help="the source tree (default: this checkout)")
    ap.add_argument("--font")
    ap.add_argument("--full", help="check: the font the subset was made from")
    ap.add_argument("--out")
    ap.add_argument("--cache", help="subset: a folder to keep subsets in, keyed by font and glyph set")
    a = ap.parse_args(argv)
    root = pathlib.Path(a.root).resolve()
    if a.command == "list":
        for ch, where in sorted(used_chars(root).items(), key=lambda kv: ord(kv[0])):
            print(f"U+{ord(ch):04X} {ch}  {len(where):4d}x  e.g. {where[0][0]}:{where[0][1]}")
        return 0
    if a.command == "selftest":
        return selftest()
    if a.command == "unicodes":
        print(unicodes_arg(codepoints(root)))
        return 0
    if not a.font:
        ap.error("--font is needed")
    if a.command == "check":
        return check(root, a.font, a.full)
    if not a.out:
        ap.error("--out is needed")
    return subset(root, a.font, a.out, a.cache)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
