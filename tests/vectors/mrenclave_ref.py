#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent reference computation of MRENCLAVE for softsgx.

This script is a second implementation of the SGX measurement, written only
from the byte layouts in the softsgx architecture spec (section 3, records
ECREATE/EADD/EEXTEND; section 2.4, TCS layout). It shares no code with the
C emulator: the point is that two independent readings of the spec agree.

It describes enclaves in a small text format ("layouts"), computes their
MRENCLAVE itself, and (command "check") runs tests/vectors/mrenclave_layout,
which builds the same enclave through the emulator's real ECREATE/EADD/EEXTEND
leaves and prints the MRENCLAVE that EINIT would compute.

Layout format (one directive per line)
======================================

Blank lines and everything after '#' are ignored. Tokens are separated by
spaces or tabs. A number is "0x" followed by hex digits, or decimal digits
without a leading zero (plain "0" is allowed). No signs, no suffixes.

  ecreate <ssaframesize> <size> <base> [flags=<n>] [xfrm=<n>] [miscselect=<n>]
      Exactly once, before any page. SECS.SSAFRAMESIZE (u32), SECS.SIZE and
      SECS.BASEADDR (u64). The optional keys set SECS.ATTRIBUTES.FLAGS
      (default 0x4 = MODE64BIT), ATTRIBUTES.XFRM (default 0x3) and
      MISCSELECT (default 0). Only SSAFRAMESIZE and SIZE are measured; the
      rest is there to show that it is not.

  page <offset> <secinfo-flags> <measure> <content...>
      One EADD of a 4 KiB page at LINADDR = base + offset with SECINFO.FLAGS
      = secinfo-flags (u64; the 56 reserved SECINFO bytes are zero). Pages
      are added in the order of the lines. <measure> selects the EEXTENDs
      that immediately follow the EADD, always in ascending chunk order:
        0             none (an unmeasured page)
        1             all 16 chunks, +0x000 .. +0xF00
        chunks=<m>    chunk k (at +k*0x100) iff bit k of the 16-bit mask m
      <content> is the 4 KiB source page (byte i, 0 <= i < 4096):
        zero          every byte 0
        fill <v>      every byte v (0..255)
        ramp          byte i = i mod 256
        pattern <s>   byte i = (s*131 + i*7 + (i>>8)*97) mod 256, s a u32.
                      The (i>>8)*97 term makes the 16 chunks of a page all
                      different, so a chunk swapped or misplaced by either
                      side changes the hash.
        lcg <s>       x = s (u32); for each byte in order:
                      x = (x*1103515245 + 12345) mod 2^32, byte = (x>>16) & 0xff
        tcs [key=<n> ...]
                      a TCS image (spec 2.4), every field 0 unless given:
                      state@0 u64, flags@8 u64, ossa@16 u64, cssa@24 u32,
                      nssa@28 u32, oentry@32 u64, aep@40 u64, ofsbase@48 u64,
                      ogsbase@56 u64, fslimit@64 u32, gslimit@68 u32;
                      bytes 72..4095 are 0. Each key at most once.

Measurement rules implemented here (spec 3.1-3.5)
=================================================
  ECREATE  "ECREATE\\0" | SSAFRAMESIZE u32 | SIZE u64 | CET_LEG_BITMAP_OFFSET
           u64 (0: the emulated CPU has no CET) | 36 zero bytes
  EADD     "EADD\\0\\0\\0\\0" | offset u64 | SECINFO.FLAGS u64 | 40 zero bytes;
           for a TCS page (FLAGS[15:8] == 1) the R/W/X bits are cleared first
  EEXTEND  "EEXTEND\\0" | chunk offset u64 | 48 zero bytes, then the 256 bytes
           of the chunk as they are in the EPC after EADD: for a TCS,
           STATE = CSSA = AEP = 0 and FLAGS.DBGOPTIN cleared
  MRENCLAVE = plain SHA-256 of the concatenated blocks.

Usage
=====
  mrenclave_ref.py selftest            spec examples A, B, C (and internal
                                       consistency checks) only
  mrenclave_ref.py generate DIR        write every layout + expected.txt
  mrenclave_ref.py expect FILE...      MRENCLAVE of hand-written layouts
  mrenclave_ref.py check PROGRAM DIR   selftest, generate into DIR, run the
                                       C PROGRAM on each layout and compare;
                                       also feeds it malformed and illegal
                                       layouts, which it must reject cleanly
"""

import argparse
import hashlib
import os
import struct
import subprocess
import sys

PAGE_SIZE = 4096
CHUNK_SIZE = 256
CHUNKS_PER_PAGE = PAGE_SIZE // CHUNK_SIZE
PT_TCS = 1
SECINFO_RWX = 0x7
TCS_DBGOPTIN = 0x1
U32_MAX = 0xFFFFFFFF
U64_MAX = 0xFFFFFFFFFFFFFFFF

# Published values of spec 3.7; the script refuses to run if it cannot
# reproduce them, so a bug here cannot masquerade as a bug in the C code.
SPEC_EXAMPLES = {
    "example_a": "2155ba80e28bbdd2e021c060f6d84b37d35aebb17bd5a8ec52a81105ed598b4e",
    "example_b": "b7df404e7eb6c11d8cb7f4f4fac158ccd867e9f34b5c5910dfe88545827f6cfd",
    "example_c": "8e85971267318cbc87df022ff42e651af66253907174c5eddd87910b4dd30900",
}

# Exit codes of mrenclave_layout (see its header comment): a malformed
# layout is 2, a leaf that refused the enclave is 3. Sanitizer reports use
# 1 and crashes are signals, so neither can pass for a clean rejection.
EXIT_MALFORMED = 2
EXIT_LEAF_FAILED = 3


class LayoutError(Exception):
    pass


# --------------------------------------------------------------------------
# Parsing the layout format
# --------------------------------------------------------------------------

def parse_number(tok, limit=U64_MAX):
    """Parse a number exactly as the format defines it (no octal, no sign)."""
    if tok.startswith("0x"):
        digits = tok[2:]
        if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise LayoutError("bad hex number %r" % tok)
        value = int(digits, 16)
    else:
        if not tok.isdigit() or not tok.isascii() or (len(tok) > 1 and tok[0] == "0"):
            raise LayoutError("bad number %r" % tok)
        value = int(tok)
    if value > limit:
        raise LayoutError("number %r out of range" % tok)
    return value


def parse_keys(tokens, allowed):
    """key=value tokens -> dict; each key from `allowed` (name -> limit) once."""
    out = {}
    for tok in tokens:
        key, sep, val = tok.partition("=")
        if not sep or key not in allowed:
            raise LayoutError("unknown key %r" % tok)
        if key in out:
            raise LayoutError("duplicate key %r" % key)
        out[key] = parse_number(val, allowed[key])
    return out


TCS_FIELDS = {
    "state": U64_MAX, "flags": U64_MAX, "ossa": U64_MAX, "cssa": U32_MAX,
    "nssa": U32_MAX, "oentry": U64_MAX, "aep": U64_MAX, "ofsbase": U64_MAX,
    "ogsbase": U64_MAX, "fslimit": U32_MAX, "gslimit": U32_MAX,
}

ECREATE_KEYS = {"flags": U64_MAX, "xfrm": U64_MAX, "miscselect": U32_MAX}


def parse_content(tokens):
    """Validate a content spec; it is kept as (kind, args) for generation."""
    if not tokens:
        raise LayoutError("missing content")
    kind, args = tokens[0], tokens[1:]
    if kind in ("zero", "ramp"):
        if args:
            raise LayoutError("%s takes no argument" % kind)
        return (kind, None)
    if kind in ("fill", "pattern", "lcg"):
        if len(args) != 1:
            raise LayoutError("%s takes one argument" % kind)
        return (kind, parse_number(args[0], 0xFF if kind == "fill" else U32_MAX))
    if kind == "tcs":
        return (kind, parse_keys(args, TCS_FIELDS))
    raise LayoutError("unknown content %r" % kind)


def parse_measure(tok):
    """The chunk mask selected by the <measure> field."""
    if tok == "0":
        return 0
    if tok == "1":
        return 0xFFFF
    if tok.startswith("chunks="):
        return parse_number(tok[len("chunks="):], 0xFFFF)
    raise LayoutError("bad measure field %r" % tok)


def parse_layout(text):
    """Layout text -> dict(ssaframesize, size, base, pages=[...])."""
    layout = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        tokens = raw.split("#", 1)[0].split()
        if not tokens:
            continue
        try:
            if tokens[0] == "ecreate":
                if layout is not None:
                    raise LayoutError("second ecreate")
                if len(tokens) < 4:
                    raise LayoutError("ecreate needs 3 numbers")
                layout = {
                    "ssaframesize": parse_number(tokens[1], U32_MAX),
                    "size": parse_number(tokens[2]),
                    "base": parse_number(tokens[3]),
                    "extra": parse_keys(tokens[4:], ECREATE_KEYS),
                    "pages": [],
                }
            elif tokens[0] == "page":
                if layout is None:
                    raise LayoutError("page before ecreate")
                if len(tokens) < 5:
                    raise LayoutError("page needs offset, flags, measure, content")
                layout["pages"].append({
                    "offset": parse_number(tokens[1]),
                    "flags": parse_number(tokens[2]),
                    "mask": parse_measure(tokens[3]),
                    "content": parse_content(tokens[4:]),
                })
            else:
                raise LayoutError("unknown directive %r" % tokens[0])
        except LayoutError as e:
            raise LayoutError("line %d: %s" % (lineno, e)) from None
    if layout is None:
        raise LayoutError("no ecreate line")
    return layout


# --------------------------------------------------------------------------
# Page contents (the generators of the format doc above)
# --------------------------------------------------------------------------

def tcs_image(fields):
    """The 4 KiB TCS page of spec 2.4, all unnamed bytes zero."""
    f = dict.fromkeys(TCS_FIELDS, 0)
    f.update(fields)
    head = struct.pack("<QQQIIQQQQII", f["state"], f["flags"], f["ossa"],
                       f["cssa"], f["nssa"], f["oentry"], f["aep"],
                       f["ofsbase"], f["ogsbase"], f["fslimit"], f["gslimit"])
    assert len(head) == 72  # spec 2.4: reserved area starts at offset 72
    return head + bytes(PAGE_SIZE - len(head))


def lcg_bytes(seed):
    out = bytearray(PAGE_SIZE)
    x = seed
    for i in range(PAGE_SIZE):
        x = (x * 1103515245 + 12345) & U32_MAX
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def page_content(content):
    kind, arg = content
    if kind == "zero":
        return bytes(PAGE_SIZE)
    if kind == "fill":
        return bytes([arg]) * PAGE_SIZE
    if kind == "ramp":
        return bytes(i & 0xFF for i in range(PAGE_SIZE))
    if kind == "pattern":
        return bytes((arg * 131 + i * 7 + (i >> 8) * 97) & 0xFF
                     for i in range(PAGE_SIZE))
    if kind == "lcg":
        return lcg_bytes(arg)
    if kind == "tcs":
        return tcs_image(arg)
    raise AssertionError(kind)


# --------------------------------------------------------------------------
# The measurement (spec section 3)
# --------------------------------------------------------------------------

def page_type(flags):
    return (flags >> 8) & 0xFF


def ecreate_block(ssaframesize, size):
    # CET_LEG_BITMAP_OFFSET (bytes 20..27) is 0: the emulated CPU has no CET.
    return struct.pack("<8sIQQ36x", b"ECREATE\0", ssaframesize, size, 0)


def eadd_block(offset, flags):
    return struct.pack("<8sQQ40x", b"EADD\0\0\0\0", offset, flags)


def eextend_blocks(offset, chunk):
    assert len(chunk) == CHUNK_SIZE
    return struct.pack("<8sQ48x", b"EEXTEND\0", offset) + chunk


def measured_flags(flags):
    """SECINFO.FLAGS as EADD measures them: a TCS never has R/W/X (spec 3.2)."""
    if page_type(flags) == PT_TCS:
        return flags & ~SECINFO_RWX
    return flags


def measured_content(flags, data):
    """The EPC copy EEXTEND reads: EADD rewrites parts of a TCS (spec 5.2/10)."""
    if page_type(flags) != PT_TCS:
        return data
    state, tflags = struct.unpack_from("<QQ", data, 0)
    page = bytearray(data)
    struct.pack_into("<QQ", page, 0, 0, tflags & ~TCS_DBGOPTIN)  # STATE, FLAGS
    struct.pack_into("<I", page, 24, 0)  # CSSA
    struct.pack_into("<Q", page, 40, 0)  # AEP
    return bytes(page)


def measurement_stream(layout):
    """Yield the 64-byte-multiple records in the order the leaves hash them."""
    yield ecreate_block(layout["ssaframesize"], layout["size"])
    for page in layout["pages"]:
        off, flags = page["offset"], page["flags"]
        yield eadd_block(off, measured_flags(flags))
        data = measured_content(flags, page_content(page["content"]))
        for k in range(CHUNKS_PER_PAGE):
            if page["mask"] & (1 << k):
                c = k * CHUNK_SIZE
                yield eextend_blocks(off + c, data[c:c + CHUNK_SIZE])


def mrenclave(layout):
    h = hashlib.sha256()
    for record in measurement_stream(layout):
        assert len(record) % 64 == 0
        h.update(record)
    return h.hexdigest()


# --------------------------------------------------------------------------
# The layouts under test
# --------------------------------------------------------------------------

R, W, X = 0x1, 0x2, 0x4
REG, TCS = 0x200, 0x100
TCS_C = "tcs ossa=0x2000 nssa=1 oentry=0x1000 fslimit=0xfff gslimit=0xfff"


class Layout:
    """Builds layout text line by line (what the C program will read)."""

    def __init__(self, ssa, size, base, **extra):
        keys = "".join(" %s=0x%x" % kv for kv in sorted(extra.items()))
        self.lines = ["ecreate %d 0x%x 0x%x%s" % (ssa, size, base, keys)]

    def page(self, offset, flags, measure, content):
        if isinstance(measure, int) and measure not in (0, 1):
            measure = "chunks=0x%04x" % measure
        self.lines.append("page 0x%x 0x%x %s %s" % (offset, flags, measure, content))
        return self

    def text(self, comment):
        return "# %s\n%s\n" % (comment, "\n".join(self.lines))


def spec_examples():
    a = Layout(1, 0x2000, 0x10000).page(0, REG | R, 0, "zero")
    b = Layout(1, 0x2000, 0x10000).page(0, REG | R, 1, "zero")
    c = (Layout(1, 0x4000, 0x40000)
         .page(0x0000, REG | R | X, 1, "ramp")
         .page(0x1000, TCS, 1, TCS_C)
         .page(0x2000, REG | R | W, 0, "pattern 1")
         .page(0x3000, REG | R | W, 0, "lcg 2"))
    return [
        ("example_a", a.text("spec 3.7 example A")),
        ("example_b", b.text("spec 3.7 example B")),
        ("example_c", c.text("spec 3.7 example C; unmeasured contents are free")),
    ]


def tcs_layouts():
    """A TCS whose source has every field EADD rewrites set, and its twin."""
    dirty = ("tcs state=1 flags=0x3 ossa=0x3000 cssa=7 nssa=2 oentry=0x1230 "
             "aep=0x7fff12345678 ofsbase=0x5000 ogsbase=0x6000 "
             "fslimit=0xffffffff gslimit=0x1fff")
    clean = ("tcs flags=0x2 ossa=0x3000 nssa=2 oentry=0x1230 ofsbase=0x5000 "
             "ogsbase=0x6000 fslimit=0xffffffff gslimit=0x1fff")
    out = []
    for name, flags, content in (("tcs_dirty_rwx", TCS | R | W | X, dirty),
                                 ("tcs_clean", TCS, clean)):
        lay = (Layout(2, 0x8000, 0x7f0000000000)
               .page(0x0000, REG | R | X, 1, "pattern 11")
               .page(0x1000, flags, 1, content)
               .page(0x2000, REG | R | W, 1, "zero"))
        out.append((name, lay.text("TCS page: source %s" % name)))
    # Only R, or W|X (no R): still legal for a TCS, still measured as 0x100.
    odd = (Layout(1, 0x4000, 0x20000)
           .page(0x0000, TCS | R, 1, "tcs ossa=0x2000 nssa=1 state=0x5a cssa=1")
           .page(0x1000, TCS | W | X, 1, "tcs ossa=0x3000 nssa=1 aep=1 flags=1"))
    out.append(("tcs_odd_secinfo", odd.text("TCS with R-only and WX SECINFO")))
    return out


def permission_layouts():
    out = []
    for name, perm in (("perm_r", R), ("perm_rw", R | W), ("perm_rx", R | X),
                       ("perm_rwx", R | W | X)):
        lay = Layout(1, 0x2000, 0x100000).page(0x1000, REG | perm, 1, "pattern %d" % perm)
        out.append((name, lay.text("one %s page" % name[5:].upper())))
    mixed = Layout(1, 0x10000, 0x400000)
    for i, perm in enumerate((R, R | W, R | X, R | W | X, R, R | X)):
        mixed.page(i * 0x1000, REG | perm, 1, "lcg %d" % (i + 100))
    out.append(("perm_mixed", mixed.text("R, RW, RX, RWX pages together")))
    return out


def unmeasured_layouts():
    lay = Layout(3, 0x20000, 0x800000)
    for i in range(16):
        measure = 1 if i % 3 == 0 else 0
        flags = TCS if i == 4 else REG | (R | W if i % 2 else R | X)
        content = "tcs ossa=0x10000 nssa=3" if i == 4 else "pattern %d" % (i * 3)
        lay.page(i * 0x1000, flags, measure, content)
    only = (Layout(1, 0x4000, 0x4000)
            .page(0x0000, REG | R | W, 0, "lcg 5")
            .page(0x3000, REG | R | W, 0, "fill 0xff"))
    return [("unmeasured_mix", lay.text("measured and unmeasured, incl. a TCS")),
            ("unmeasured_only", only.text("nothing but EADDs"))]


def unusual_layouts():
    """Legal but rarely seen: odd SECINFOs, chunk subsets, page order."""
    odd = (Layout(1, 0x10000, 0x30000)
           .page(0x0000, REG, 1, "pattern 3")  # no permission at all
           .page(0x1000, REG | X, 1, "pattern 4")  # execute-only
           .page(0x2000, REG | R, 0x8001, "lcg 9")  # first + last chunk
           .page(0x3000, REG | R | W, 0x00F0, "lcg 10")  # middle chunks
           .page(0x4000, REG | R | X, 0x5555, "ramp"))
    desc = Layout(1, 0x8000, 0x8000)
    for i in reversed(range(8)):  # descending address order
        desc.page(i * 0x1000, REG | R | W, 1 if i % 2 else 0x0F0F, "pattern %d" % (i + 40))
    ecreate_only = Layout(1, 0x2000, 0x2000)
    return [("unusual_secinfo", odd.text("REG with no perms / X-only; partial EEXTEND")),
            ("descending_order", desc.text("pages added from high to low address")),
            ("ecreate_only", ecreate_only.text("no page at all"))]


def elrange_layouts():
    """Several ELRANGE sizes and SSA frame sizes, pages at both ends."""
    cases = [
        ("elrange_8k", 1, 0x2000, 0x2000),
        ("elrange_64k_ssa2", 2, 0x10000, 0x7ffff0000),
        ("elrange_16m_ssa4", 4, 0x1000000, 0x1000000),
        ("elrange_4g_ssa16", 16, 0x100000000, 0x100000000),
        ("elrange_32g_ssa5", 5, 0x800000000, 0x7f0000000000),  # offsets > 2^32
        ("ssa_large", 0x12345, 0x4000, 0x4000),
    ]
    out = []
    for name, ssa, size, base in cases:
        lay = (Layout(ssa, size, base)
               .page(0x0, REG | R | X, 1, "pattern %d" % ssa)
               .page(size // 2, TCS, 1, "tcs ossa=0x1000 nssa=1 oentry=0x40")
               .page(size - 0x1000, REG | R | W, 1, "lcg %d" % (size >> 12 & U32_MAX)))
        out.append((name, lay.text("SSAFRAMESIZE %d, SIZE 0x%x" % (ssa, size))))
    return out


def unmeasured_secs_layouts():
    """Same pages as perm_mixed's start but every unmeasured SECS field differs."""
    lay = Layout(1, 0x10000, 0x7e0000000000, flags=0x6, xfrm=0x7, miscselect=0x1)
    for i, perm in enumerate((R, R | W, R | X, R | W | X, R, R | X)):
        lay.page(i * 0x1000, REG | perm, 1, "lcg %d" % (i + 100))
    m32 = (Layout(1, 0x10000, 0x10000, flags=0x0)  # 32-bit enclave
           .page(0x0, REG | R | X, 1, "pattern 77")
           .page(0x1000, TCS, 1, "tcs ossa=0x2000 nssa=1 fslimit=0x1fff gslimit=0xffffffff"))
    return [("secs_unmeasured_fields", lay.text("DEBUG, AVX, EXINFO, other base")),
            ("mode32", m32.text("32-bit enclave, FS/GS limits ending in 0xfff"))]


def long_layout():
    """1,000 pages out of 1,024 slots, every kind of page and content."""
    lay = Layout(2, 0x400000, 0x40000000)
    holes = {5, 100, 101, 333, 512, 700, 701, 702, 900, 1023} | set(range(1009, 1023))
    slots = [s for s in range(1024) if s not in holes]
    assert len(slots) == 1000
    perms = (R, R | W, R | X, R | W | X, 0, X)
    for n, slot in enumerate(slots):
        if n % 97 == 0:
            flags = TCS | (R | W if n % 2 else 0)
            content = "tcs ossa=0x%x nssa=2 oentry=0x%x cssa=%d aep=0x%x" % (
                0x300000 + n * 0x2000, n * 0x10, n % 3, n)
        else:
            flags = REG | perms[n % len(perms)]
            if n % 11 == 0:
                content = "zero"
            elif n % 17 == 0:
                content = "fill 0x%x" % (n & 0xFF)
            elif n % 7 == 0:
                content = "lcg %d" % n
            else:
                content = "pattern %d" % n
        if n % 5 == 0:
            measure = 0
        elif n % 13 == 0:
            measure = (n * 0x9E37) & 0xFFFF or 1
        else:
            measure = 1
        lay.page(slot * 0x1000, flags, measure, content)
    return [("long_1000", lay.text("1,000 pages, mixed types/perms/measurement"))]


def all_layouts():
    return (spec_examples() + tcs_layouts() + permission_layouts() +
            unmeasured_layouts() + unusual_layouts() + elrange_layouts() +
            unmeasured_secs_layouts() + long_layout())


# Layouts the C program must refuse: (name, text, exit code). Malformed ones
# test its parser; illegal ones are architecturally #GP (spec 5.1/5.2).
BAD_LAYOUTS = [
    ("empty", "", EXIT_MALFORMED),
    ("page_first", "page 0x0 0x201 1 zero\n", EXIT_MALFORMED),
    ("unknown_directive", "ecreate 1 0x2000 0x0\neremove 0x0\n", EXIT_MALFORMED),
    ("two_ecreates", "ecreate 1 0x2000 0x0\necreate 1 0x2000 0x0\n", EXIT_MALFORMED),
    ("short_ecreate", "ecreate 1 0x2000\n", EXIT_MALFORMED),
    ("bad_hex", "ecreate 1 0x20zz 0x0\n", EXIT_MALFORMED),
    ("empty_hex", "ecreate 1 0x 0x0\n", EXIT_MALFORMED),
    ("negative", "ecreate -1 0x2000 0x0\n", EXIT_MALFORMED),
    ("octal_looking", "ecreate 01 0x2000 0x0\n", EXIT_MALFORMED),
    ("u32_overflow", "ecreate 0x100000000 0x2000 0x0\n", EXIT_MALFORMED),
    ("u64_overflow", "ecreate 1 0x10000000000000000 0x0\n", EXIT_MALFORMED),
    ("ecreate_bad_key", "ecreate 1 0x2000 0x0 size=3\n", EXIT_MALFORMED),
    ("page_short", "ecreate 1 0x2000 0x0\npage 0x0 0x201 1\n", EXIT_MALFORMED),
    ("bad_measure", "ecreate 1 0x2000 0x0\npage 0x0 0x201 2 zero\n", EXIT_MALFORMED),
    ("mask_too_big", "ecreate 1 0x2000 0x0\npage 0x0 0x201 chunks=0x10000 zero\n",
     EXIT_MALFORMED),
    ("unknown_content", "ecreate 1 0x2000 0x0\npage 0x0 0x201 1 random 3\n", EXIT_MALFORMED),
    ("zero_with_arg", "ecreate 1 0x2000 0x0\npage 0x0 0x201 1 zero 1\n", EXIT_MALFORMED),
    ("pattern_no_seed", "ecreate 1 0x2000 0x0\npage 0x0 0x201 1 pattern\n", EXIT_MALFORMED),
    ("fill_too_big", "ecreate 1 0x2000 0x0\npage 0x0 0x201 1 fill 256\n", EXIT_MALFORMED),
    ("tcs_unknown_key", "ecreate 1 0x2000 0x0\npage 0x0 0x100 1 tcs ossa=1 foo=2\n",
     EXIT_MALFORMED),
    ("tcs_dup_key", "ecreate 1 0x2000 0x0\npage 0x0 0x100 1 tcs nssa=1 nssa=2\n",
     EXIT_MALFORMED),
    ("tcs_no_value", "ecreate 1 0x2000 0x0\npage 0x0 0x100 1 tcs nssa=\n", EXIT_MALFORMED),
    ("tcs_u32_overflow", "ecreate 1 0x2000 0x0\npage 0x0 0x100 1 tcs cssa=0x100000000\n",
     EXIT_MALFORMED),
    ("long_line", "ecreate 1 0x2000 0x0 " + "#" * 5000 + "\n" + "x" * 9000 + "\n",
     EXIT_MALFORMED),
    ("nul_byte", "ecreate 1 0x2000 0x0\npage 0x0 0x201 1 ze\0ro\n", EXIT_MALFORMED),
    # Well-formed, but the CPU must refuse them.
    ("ssa_zero", "ecreate 0 0x2000 0x0\n", EXIT_LEAF_FAILED),
    ("size_not_pow2", "ecreate 1 0x3000 0x0\n", EXIT_LEAF_FAILED),
    ("size_too_small", "ecreate 1 0x1000 0x0\n", EXIT_LEAF_FAILED),
    ("base_misaligned", "ecreate 1 0x4000 0x2000\n", EXIT_LEAF_FAILED),
    ("w_without_r", "ecreate 1 0x2000 0x0\npage 0x0 0x202 1 zero\n", EXIT_LEAF_FAILED),
    ("pending_bit", "ecreate 1 0x2000 0x0\npage 0x0 0x209 1 zero\n", EXIT_LEAF_FAILED),
    ("type_va", "ecreate 1 0x2000 0x0\npage 0x0 0x300 1 zero\n", EXIT_LEAF_FAILED),
    ("type_secs", "ecreate 1 0x2000 0x0\npage 0x0 0x0 1 zero\n", EXIT_LEAF_FAILED),
    ("type_trim", "ecreate 1 0x2000 0x0\npage 0x0 0x400 1 zero\n", EXIT_LEAF_FAILED),
    ("type_ss_no_cet", "ecreate 1 0x2000 0x0\npage 0x0 0x503 1 zero\n", EXIT_LEAF_FAILED),
    ("secinfo_bit7", "ecreate 1 0x2000 0x0\npage 0x0 0x281 1 zero\n", EXIT_LEAF_FAILED),
    ("secinfo_bit16", "ecreate 1 0x2000 0x0\npage 0x0 0x10201 1 zero\n", EXIT_LEAF_FAILED),
    ("size_too_big", "ecreate 1 0x1000000000 0x1000000000\n", EXIT_LEAF_FAILED),
    ("outside_elrange", "ecreate 1 0x2000 0x0\npage 0x2000 0x201 1 zero\n", EXIT_LEAF_FAILED),
    ("offset_unaligned", "ecreate 1 0x2000 0x0\npage 0x800 0x201 1 zero\n", EXIT_LEAF_FAILED),
    ("mode32_bad_fslimit",
     "ecreate 1 0x2000 0x0 flags=0x0\npage 0x0 0x100 1 tcs fslimit=0x1000 gslimit=0xfff\n",
     EXIT_LEAF_FAILED),
]


# --------------------------------------------------------------------------
# Self-check, generation, comparison
# --------------------------------------------------------------------------

def selftest():
    """Fail loudly unless this implementation reproduces spec 3.7 exactly."""
    layouts = dict(all_layouts())
    # The two records spelled out byte by byte for example A.
    a_blocks = list(measurement_stream(parse_layout(layouts["example_a"])))
    assert a_blocks[0].hex() == "4543524541544500" "01000000" "0020000000000000" + "00" * 44
    assert a_blocks[1].hex() == ("4541444400000000" "0000000000000000"
                                 "0102000000000000" + "00" * 40)
    for name, want in SPEC_EXAMPLES.items():
        got = mrenclave(parse_layout(layouts[name]))
        if got != want:
            raise SystemExit("selftest: %s gives %s, spec says %s" % (name, got, want))
    # The TCS rules must make the dirty RWX source measure like its clean twin,
    # and the unmeasured SECS fields must not matter.
    same = [("tcs_dirty_rwx", "tcs_clean"), ("secs_unmeasured_fields", "perm_mixed")]
    hashes = {n: mrenclave(parse_layout(t)) for n, t in layouts.items()}
    for x, y in same:
        if hashes[x] != hashes[y]:
            raise SystemExit("selftest: %s and %s should measure the same" % (x, y))
    # Everything else must be distinct, or a layout would test nothing new.
    twins = {x for pair in same for x in pair[1:]}
    distinct = [h for n, h in hashes.items() if n not in twins]
    if len(set(distinct)) != len(distinct):
        raise SystemExit("selftest: two different layouts give the same MRENCLAVE")
    print("selftest: spec examples A, B, C reproduced; TCS rules and "
          "unmeasured SECS fields consistent")
    return hashes


def write_layouts(outdir):
    os.makedirs(outdir, exist_ok=True)
    written = []
    for name, text in all_layouts():
        path = os.path.join(outdir, name + ".layout")
        with open(path, "w") as f:
            f.write(text)
        # Recompute from what is on disk: both sides read the same bytes.
        with open(path) as f:
            written.append((name, path, mrenclave(parse_layout(f.read()))))
    with open(os.path.join(outdir, "expected.txt"), "w") as f:
        for name, _, digest in written:
            f.write("%s %s\n" % (digest, name))
    return written


def run_c(program, path):
    return subprocess.run([program, path], capture_output=True, timeout=60)


def compare(program, written):
    failures = 0
    for name, path, want in written:
        res = run_c(program, path)
        got = res.stdout.decode(errors="replace").strip()
        if res.returncode == 0 and got == want:
            print("ok    %-24s %s" % (name, want))
            continue
        failures += 1
        print("FAIL  %-24s layout %s" % (name, path))
        print("      python: %s" % want)
        print("      C:      %s (exit %d)" % (got or "-", res.returncode))
        sys.stdout.write(res.stderr.decode(errors="replace"))
    return failures


def check_rejections(program, outdir):
    failures = 0
    bad_dir = os.path.join(outdir, "bad")
    os.makedirs(bad_dir, exist_ok=True)
    for name, text, want in BAD_LAYOUTS:
        path = os.path.join(bad_dir, name + ".layout")
        with open(path, "w", newline="") as f:
            f.write(text)
        res = run_c(program, path)
        err = res.stderr.decode(errors="replace")
        if res.returncode == want and not res.stdout and "Sanitizer" not in err:
            print("ok    %-24s rejected (exit %d): %s" % (name, want, err.strip()))
            continue
        failures += 1
        print("FAIL  %-24s wanted exit %d, got %d; layout %s"
              % (name, want, res.returncode, path))
        sys.stdout.write(err)
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("selftest")
    g = sub.add_parser("generate")
    g.add_argument("dir")
    e = sub.add_parser("expect")
    e.add_argument("files", nargs="+")
    c = sub.add_parser("check")
    c.add_argument("program")
    c.add_argument("dir")
    args = ap.parse_args()

    if args.cmd == "expect":
        for path in args.files:
            with open(path) as f:
                print("%s %s" % (mrenclave(parse_layout(f.read())), path))
        return 0
    selftest()
    if args.cmd == "selftest":
        return 0
    written = write_layouts(args.dir)
    if args.cmd == "generate":
        print("wrote %d layouts to %s" % (len(written), args.dir))
        return 0
    bad = compare(args.program, written)
    rej = check_rejections(args.program, args.dir)
    print("summary: %d/%d layouts agree, %d/%d bad layouts rejected cleanly"
          % (len(written) - bad, len(written), len(BAD_LAYOUTS) - rej, len(BAD_LAYOUTS)))
    return 1 if bad or rej else 0


if __name__ == "__main__":
    sys.exit(main())
