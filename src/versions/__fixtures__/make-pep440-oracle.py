"""Writes pep440-oracle.json: version strings ordered by Python's `packaging` (the reference implementation of
PEP 440), grouped by equality, plus strings it rejects. Inputs: the tricky cases below (PEP 440's examples and
corner cases) and a sample of the versions in the bundled OSV PyPI dump. Run from the repository root:

    python3 src/versions/__fixtures__/make-pep440-oracle.py
"""
import io
import json
import random
import zipfile

import packaging
from packaging.version import InvalidVersion, Version

TRICKY = [
    # PEP 440, "Summary of permitted suffixes and relative ordering"
    "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
    "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7",
    "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
    # PEP 440, "Normalization"
    "1.1RC1", "1.1rc1", "1.0A1", "1.0.a1", "1.0-a1", "1.0_a1", "1.0a.1", "1.0a-1", "1.0a_1", "1.0alpha1",
    "1.0beta2", "1.0b2", "1.1c3", "1.1rc3", "1.1pre3", "1.1preview3", "1.2a", "1.2a0", "1.0.post1", "1.0-post1",
    "1.0_post1", "1.0post1", "1.0.post.1", "1.0-post-1", "1.0-r4", "1.0.post4", "1.0rev4", "1.0r4", "1.2.post",
    "1.2.post0", "1.0-1", "1.0-0", "1.2-dev2", "1.2dev2", "1.2_dev2", "1.2.dev", "1.2.dev0", "1.0+ubuntu-1",
    "1.0+ubuntu.1", "1.0+ubuntu_1", "1.0+UBUNTU.1", "v1.0", "V1.0", " 1.0 ", "\t1.0\n", "00", "09000", "9000",
    "1.0+foo0100", "1.0+0100", "1.0+100",
    # epochs and release length
    "1!1.0", "0!1.0", "2.0", "1!0.1", "2!0.dev0", "1", "1.0.0", "1.0.0.0.1", "1.0.0.1", "0", "0.0", "0.dev0",
    "0a0", "0.0.0.post0",
    # numbers beyond 2**53 (exact in Python)
    "1.0.9007199254740992", "1.0.9007199254740993", "1.0.00000000000000009007199254740993", "99999999999999999999",
    "1.0a9007199254740993", "1.0a9007199254740992", "1.0+9007199254740993", "1.0+9007199254740992",
    # local segments: numeric only when all digits, alphanumeric before numeric, shorter first
    "1.0+1e5", "1.0+100000", "1.0+0x10", "1.0+16", "1.0+Infinity", "1.0+999", "1.0+abc", "1.0+abc.1",
    "1.0+ABC", "1.0+a-b", "1.0+a.b", "1.0+a.b.c", "1.0+1.a", "1.0+1.1", "1.0+z", "1.0+01", "1.0+1",
    # dev, pre and post together
    "1.0.dev1", "1.0a1.dev1", "1.0a1.post1", "1.0a1.post1.dev1", "1.0a2", "1.0.post1.dev1", "1.0rc1.post1",
    "1.0c1", "1.0.post1+local", "1.0.dev1+local", "1.0a1+local", "1.0-dev-9138",
]
INVALID = [
    "", " ", "abc", "1.0-final", "2.0.0-final", "2019-09-12", "0.2.0-n653", "0.3m1", "1.0+", "1.0+-a",
    "1.0++a", "1 .0", "1.0a1b1", "1.0.x", "a3", "1.0.dev1.post1", "1!", "!1.0", "1.0+a..b",
    "0.7.4.svn.r2010", "1.0beta6.1", "1.0a1.", ".1.0", "1.0_", "vv1.0", "=1.0", "1,0",
]

def dump_versions():
    out = set()
    with zipfile.ZipFile("data/osv/PyPI/all.zip") as z:
        for name in z.namelist():
            rec = json.load(io.BytesIO(z.read(name)))
            for a in rec.get("affected", []):
                out.update(a.get("versions", []))
                for r in a.get("ranges", []):
                    if r["type"] != "GIT":
                        for e in r["events"]:
                            out.update(v for v in e.values() if v != "0")
    return out

def valid(v):
    try:
        Version(v)
        return True
    except InvalidVersion:
        return False

dump = sorted(v for v in dump_versions() if valid(v))
nonnormal = [v for v in dump if str(Version(v)) != v]
rest = [v for v in dump if str(Version(v)) == v]
random.seed(440)
pool = set(TRICKY) | set(nonnormal) | set(random.sample(rest, 400))
bad = [v for v in pool if not valid(v)]
assert not bad, bad
for v in INVALID:
    assert not valid(v), v
ordered = sorted(pool, key=lambda v: (Version(v), v))
groups = []
for v in ordered:
    if groups and Version(groups[-1][0]) == Version(v):
        groups[-1].append(v)
    else:
        groups.append([v])
with open("src/versions/__fixtures__/pep440-oracle.json", "w") as f:
    f.write('{"generatedBy": %s,\n"ascending": [\n' % json.dumps(f"packaging {packaging.__version__}"))
    f.write(",\n".join(json.dumps(g) for g in groups))
    f.write('\n],\n"invalid": %s}\n' % json.dumps(INVALID))
print(len(pool), "versions in", len(groups), "groups")
