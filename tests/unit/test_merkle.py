"""RFC 9162 / RFC 6962 Merkle tree: published test vectors, a naive reference, properties.

The vectors (leaf inputs, roots for sizes 1..8, inclusion and consistency proofs) are the
data of transparency-dev/merkle, proof/verify_test.go (commit 02194e9a), the test data
shared by the Go and C++ certificate-transparency implementations. Only the data is used;
there the inclusion vectors number leaves from 1, here they are converted to 0-based.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    CompactRange,
    ProofError,
    leaf_hash,
    node_hash,
    root,
)
from ledger.audit.proofs import (
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)


def h(hex_digits: str) -> bytes:
    value = bytes.fromhex(hex_digits)
    assert len(value) == HASH_SIZE
    return value


# ---------------------------------------------------------------- published test vectors

CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
CT_LEAF_HASHES = [leaf_hash(d) for d in CT_LEAVES]

CT_EMPTY_ROOT = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

# CT_ROOTS[n - 1] is the root of the tree of the first n leaves.
CT_ROOTS = [
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

# (0-based leaf index, tree size, inclusion path)
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old size, new size, consistency proof)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


# ---------------------------------------------------------------- naive reference (the RFC)


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: Sequence[bytes]) -> bytes:
    """MTH, recursively, straight from RFC 9162 §2.1.1 (over leaf hashes)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]), recursively, from RFC 9162 §2.1.3.1."""
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b), recursively, from RFC 9162 §2.1.4.1."""
    if m == len(leaves):
        return [] if complete else [ref_mth(leaves)]
    k = _k(len(leaves))
    if m <= k:
        return [*ref_subproof(m, leaves[:k], complete), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


def trace(fn: int, sn: int) -> tuple[bool, ...]:
    """The control flow of the RFC 9162 §2.1.3.2 step 4 / §2.1.4.2 step 6 loop, hash-free:
    one entry per proof hash consumed, True where it is hashed in on the left."""
    steps: list[bool] = []
    while sn:
        left = bool(fn & 1) or fn == sn
        steps.append(left)
        if left:
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        fn >>= 1
        sn >>= 1
    return tuple(steps)


def inclusion_shape(index: int, size: int) -> tuple[bool, ...]:
    return trace(index, size - 1)


def consistency_shape(old: int, new: int) -> tuple[bool, tuple[bool, ...]]:
    """(old root is the seed, loop control flow) for 0 < old < new."""
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    return (old & (old - 1) == 0, trace(fn, sn))


def raises_proof_error(check: Callable[[], None]) -> bool:
    try:
        check()
    except ProofError:
        return True
    return False


def flip(value: bytes, bit: int) -> bytes:
    data = bytearray(value)
    data[bit // 8] ^= 1 << (bit % 8)
    return bytes(data)


# ---------------------------------------------------------------- hashing and roots


def test_hashes_are_domain_separated_sha256() -> None:
    assert EMPTY_ROOT == CT_EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )
    assert leaf_hash(b"") == CT_ROOTS[0]


@pytest.mark.parametrize("size", range(9))
def test_published_roots(size: int) -> None:
    expected = CT_ROOTS[size - 1] if size else CT_EMPTY_ROOT
    leaves = CT_LEAF_HASHES[:size]
    assert root(leaves) == expected
    assert MerkleTree(leaves).root() == expected
    compact = CompactRange()
    compact.extend(leaves)
    assert compact.root() == expected
    assert ref_mth(leaves) == expected


def test_root_rejects_values_that_are_not_leaf_hashes() -> None:
    with pytest.raises(ValueError, match="leaf hash #1 is 3 bytes"):
        root([SOME_HASH, b"abc"])
    with pytest.raises(ValueError, match="32 bytes"):
        MerkleTree([b""])
    with pytest.raises(ValueError, match="32 bytes"):
        CompactRange().append(b"x" * 33)


# ---------------------------------------------------------------- published proofs


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_published_inclusion_proofs(index: int, size: int, path: list[bytes]) -> None:
    leaves = CT_LEAF_HASHES[:size]
    tree_root = CT_ROOTS[size - 1]
    assert inclusion_proof(index, leaves) == path
    assert ref_path(index, leaves) == path
    verify_inclusion(leaves[index], index, size, path, tree_root)

    # The probes the reference tests use; every one must be refused.
    probes: list[tuple[bytes, int, int, list[bytes], bytes]] = [
        (leaves[index], index + 1, size, path, tree_root),
        (leaves[index], index ^ 2, size, path, tree_root),
        (leaves[index], index, size * 2, path, tree_root),
        (SOME_HASH, index, size, path, tree_root),
        (leaves[index], index, size, path, CT_EMPTY_ROOT),
        (leaves[index], index, size, path, SOME_HASH),
        (leaves[index], index, size, [*path, tree_root], tree_root),
        (leaves[index], index, size, [tree_root, *path], tree_root),
        (leaves[index], index, size, [*path, b""], tree_root),
    ]
    if index > 0:
        probes.append((leaves[index], index - 1, size, path, tree_root))
    if path:
        probes.append((leaves[index], index, size, path[:-1], tree_root))
    if len(path) > 1:
        probes.append((leaves[index], index, size, [path[0], SOME_HASH, *path[1:]], tree_root))
    for i in range(len(path)):
        probes.append(
            (leaves[index], index, size, [*path[:i], flip(path[i], 3), *path[i + 1 :]], tree_root)
        )
    for probe in probes:
        assert raises_proof_error(partial(verify_inclusion, *probe)), probe


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY)
def test_published_consistency_proofs(old: int, new: int, proof: list[bytes]) -> None:
    leaves = CT_LEAF_HASHES[:new]
    old_root, new_root = CT_ROOTS[old - 1], CT_ROOTS[new - 1]
    assert consistency_proof(old, leaves) == proof
    verify_consistency(old, new, old_root, new_root, proof)
    if not proof:
        return
    assert ref_subproof(old, leaves, True) == proof

    probes: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (old - 1, new, old_root, new_root, proof),
        (old + 1, new, old_root, new_root, proof),
        (old ^ 2, new, old_root, new_root, proof),
        (old, new * 2, old_root, new_root, proof),
        (old, new, SOME_HASH, new_root, proof),
        (old, new, old_root, SOME_HASH, proof),
        (old, new, new_root, old_root, proof),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, [*proof, old_root]),
        (old, new, old_root, new_root, [*proof, new_root]),
        (old, new, old_root, new_root, [old_root, *proof]),
        (old, new, old_root, new_root, [new_root, *proof]),
        (old, new, old_root, new_root, [proof[0], *proof]),
        (old, new, old_root, new_root, [b"", *proof]),
        (old, new, old_root, new_root, proof[:-1]),
    ]
    if new // 2 >= old:
        probes.append((old, new // 2, old_root, new_root, proof))
    for i in range(len(proof)):
        probes.append(
            (old, new, old_root, new_root, [*proof[:i], flip(proof[i], 4), *proof[i + 1 :]])
        )
    for probe in probes:
        assert raises_proof_error(partial(verify_consistency, *probe)), probe


def test_rfc_9162_section_2_1_5_example() -> None:
    """The 7-leaf example tree of RFC 9162 §2.1.5 (leaves a..f and d6 = j)."""
    a, b, c, d, e, f, j = (leaf_hash(bytes([i])) for i in range(7))
    g, hh, i_ = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, ll = node_hash(g, hh), node_hash(i_, j)
    leaves = [a, b, c, d, e, f, j]
    assert root(leaves) == node_hash(k, ll)
    assert inclusion_proof(1, leaves) == [a, hh, ll]
    assert inclusion_proof(3, leaves) == [c, g, ll]
    assert inclusion_proof(6, leaves) == [i_, k]
    assert consistency_proof(3, leaves) == [c, d, g, ll]
    assert consistency_proof(4, leaves) == [ll]
    assert consistency_proof(6, leaves) == [i_, j, k]


# ---------------------------------------------------------------- edge cases


def test_inclusion_edge_cases() -> None:
    one = leaf_hash(b"data")
    verify_inclusion(one, 0, 1, [], one)  # a 1-leaf tree's root is its leaf hash
    cases: list[tuple[tuple[bytes, int, int, list[bytes], bytes], str]] = [
        ((one, 0, 0, [], EMPTY_ROOT), "not in a tree of size 0"),
        ((one, 1, 1, [], one), "not in a tree of size 1"),
        ((one, 2, 1, [], one), "not in a tree of size 1"),
        ((one, -1, 1, [], one), "negative"),
        ((one, 0, -1, [], one), "negative"),
        ((b"", 0, 1, [], one), "the leaf hash is 0 bytes"),
        ((one, 0, 1, [], b""), "the root hash is 0 bytes"),
        ((one, 0, 1, [], SOME_HASH), "leads to root"),
        ((one, 0, 2, [], one), "has exactly 1 hashes, this one has 0"),
        ((one, 0, 1, [one], one), "has exactly 0 hashes, this one has 1"),
        ((one, 0, 2, [one[:31]], one), "inclusion proof hash #0 is 31 bytes"),
    ]
    for args, message in cases:
        with pytest.raises(ProofError, match=message):
            verify_inclusion(*args)


def test_consistency_edge_cases() -> None:
    """The sizes the RFC 9162 §2.1.4.2 algorithm leaves out (0 < first < second)."""
    r1, r2 = CT_ROOTS[0], CT_ROOTS[1]
    # Accepted: the empty tree is a prefix of everything; a tree is consistent with itself.
    verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    verify_consistency(0, 5, EMPTY_ROOT, SOME_HASH, [])
    verify_consistency(1, 1, r1, r1, [])
    verify_consistency(8, 8, CT_ROOTS[7], CT_ROOTS[7], [])
    assert consistency_proof(0, CT_LEAF_HASHES) == []
    assert consistency_proof(8, CT_LEAF_HASHES) == []
    assert consistency_proof(0, []) == []
    cases: list[tuple[tuple[int, int, bytes, bytes, list[bytes]], str]] = [
        ((0, 0, EMPTY_ROOT, r1, []), "the new root .* is not the empty-tree root"),
        ((0, 1, r1, r1, []), "is not the empty-tree root"),
        ((0, 1, EMPTY_ROOT, r1, [r1]), "from the empty tree is empty, this one has 1"),
        ((1, 1, r1, r2, []), "two different roots for the same tree size 1"),
        ((1, 1, r1, r1, [r1]), "between two trees of size 1 is empty"),
        ((1, 0, r1, EMPTY_ROOT, []), "smaller than old tree size"),
        ((2, 1, r2, r1, []), "smaller than old tree size"),
        ((-1, 1, r1, r1, []), "negative"),
        ((1, 2, r1, r2, []), "has exactly 1 hashes, this one has 0"),
        ((1, 2, r1[:5], r2, [CT_LEAF_HASHES[1]]), "the old root hash is 5 bytes"),
        ((1, 2, r1, r2 + b"!", [CT_LEAF_HASHES[1]]), "the new root hash is 33 bytes"),
        ((1, 2, r1, r2, [b"x"]), "consistency proof hash #0 is 1 bytes"),
        ((1, 2, r1, SOME_HASH, [CT_LEAF_HASHES[1]]), "leads to new root"),
        ((3, 4, r1, CT_ROOTS[3], consistency_proof(3, CT_LEAF_HASHES[:4])), "leads to old root"),
    ]
    for args, message in cases:
        with pytest.raises(ProofError, match=message):
            verify_consistency(*args)


def test_proof_generation_rejects_out_of_range_sizes() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(0, [])
    with pytest.raises(ValueError):
        inclusion_proof(8, CT_LEAF_HASHES)
    with pytest.raises(ValueError):
        consistency_proof(9, CT_LEAF_HASHES)
    with pytest.raises(ValueError):
        consistency_proof(-1, CT_LEAF_HASHES)


# ---------------------------------------------------------------- exhaustive, small trees


def test_every_small_tree_matches_the_recursive_definitions() -> None:
    """All sizes up to 40 and a few around powers of two: the iterative root, the cached
    tree, PATH and PROOF agree with the RFC's recursive definitions, and verify."""
    all_leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(130)]
    for size in [*range(41), 63, 64, 65, 127, 128, 129]:
        leaves = all_leaves[:size]
        tree = MerkleTree(leaves)
        expected_root = ref_mth(leaves)
        assert root(leaves) == tree.root() == expected_root, size
        for index in range(size):
            path = tree.inclusion_proof(index)
            assert path == ref_path(index, leaves), (index, size)
            assert len(path) == len(inclusion_shape(index, size))
            verify_inclusion(leaves[index], index, size, path, expected_root)
        for old in range(1, size):
            proof = tree.consistency_proof(old)
            assert proof == ref_subproof(old, leaves, True), (old, size)
            verify_consistency(old, size, ref_mth(leaves[:old]), expected_root, proof)


# ---------------------------------------------------------------- properties

# Distinct leaf inputs: random ones (hypothesis favours short lists), and trees of a drawn
# size up to 300 so that large and ragged shapes come up as often as small ones.
LEAF_DATA = st.one_of(
    st.lists(st.binary(max_size=12), min_size=1, max_size=300, unique=True),
    st.builds(
        lambda size, salt: [salt + i.to_bytes(2, "big") for i in range(size)],
        st.integers(1, 300),
        st.binary(max_size=8),
    ),
)


@given(LEAF_DATA)
def test_every_inclusion_and_consistency_proof_verifies(data: list[bytes]) -> None:
    leaves = [leaf_hash(d) for d in data]
    size = len(leaves)
    tree = MerkleTree(leaves)
    tree_root = tree.root()
    assert tree_root == root(leaves)
    for index in range(size):
        verify_inclusion(leaves[index], index, size, tree.inclusion_proof(index), tree_root)
    prefix = CompactRange()
    for old in range(size + 1):
        verify_consistency(old, size, prefix.root(), tree_root, tree.consistency_proof(old))
        if old < size:
            prefix.append(leaves[old])


@given(LEAF_DATA)
def test_compact_range_matches_root_and_survives_serialisation(data: list[bytes]) -> None:
    leaves = [leaf_hash(d) for d in data]
    compact = CompactRange()
    assert compact.root() == EMPTY_ROOT
    for n, leaf in enumerate(leaves, start=1):
        compact.append(leaf)
        assert compact.size == n
        assert len(compact.hashes) == n.bit_count() <= n.bit_length()
        assert compact.root() == root(leaves[:n])
        # What a checkpoint stores: the size and the hex list. Continue from the copy.
        stored = (compact.size, compact.to_hex())
        restored = CompactRange.from_hex(*stored)
        assert restored == compact
        assert restored.root() == compact.root()
        compact = restored


@given(LEAF_DATA, st.data())
def test_checkpoint_to_checkpoint_in_k_appends(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [leaf_hash(d) for d in data]
    old = draw.draw(st.integers(0, len(leaves)))
    previous = CompactRange()
    previous.extend(leaves[:old])
    stored = (previous.size, previous.to_hex())

    resumed = CompactRange.from_hex(*stored)
    assert resumed.root() == previous.root()  # what the caller checks against the signature
    resumed.extend(leaves[old:])
    assert resumed.root() == root(leaves)
    proof = consistency_proof(old, leaves)
    verify_consistency(old, len(leaves), previous.root(), resumed.root(), proof)


@given(LEAF_DATA, st.data())
def test_tampered_inclusion_proofs_are_refused(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [leaf_hash(d) for d in data]
    size = len(leaves)
    tree = MerkleTree(leaves)
    tree_root = tree.root()
    index = draw.draw(st.integers(0, size - 1), label="index")
    path = tree.inclusion_proof(index)
    leaf = leaves[index]
    verify_inclusion(leaf, index, size, path, tree_root)

    def refused(
        leaf_: bytes = leaf,
        index_: int = index,
        size_: int = size,
        path_: Sequence[bytes] = path,
        root_: bytes = tree_root,
    ) -> bool:
        return raises_proof_error(lambda: verify_inclusion(leaf_, index_, size_, path_, root_))

    # Any single bit flip in a proof hash, the leaf hash or the root.
    for i in range(len(path)):
        bit = draw.draw(st.integers(0, 8 * HASH_SIZE - 1), label=f"bit in proof[{i}]")
        assert refused(path_=[*path[:i], flip(path[i], bit), *path[i + 1 :]])
    assert refused(leaf_=flip(leaf, draw.draw(st.integers(0, 255), label="leaf bit")))
    assert refused(root_=flip(tree_root, draw.draw(st.integers(0, 255), label="root bit")))
    # A different root altogether, e.g. of another tree size.
    other_root = draw.draw(st.binary(min_size=32, max_size=32).filter(lambda r: r != tree_root))
    assert refused(root_=other_root)
    assert refused(root_=root(leaves[:-1]) if size > 1 else EMPTY_ROOT)
    # Truncated, extended, padded in front.
    if path:
        assert refused(path_=path[:-1])
        assert refused(path_=path[1:])
    assert refused(path_=[*path, SOME_HASH])
    assert refused(path_=[*path, tree_root])
    assert refused(path_=[SOME_HASH, *path])
    # Another index: the leaves are distinct, so the leaf is at no other position.
    wrong_index = draw.draw(st.integers(0, size).filter(lambda i: i != index), label="index'")
    assert refused(index_=wrong_index)
    # Another size: refused exactly when it changes the shape of the path. (Sizes with the
    # same shape compute the same hashes; RFC 9162 binds the size via the signed head.)
    assert refused(size_=size * 2)
    for wrong_size in {size - 1, size + 1, size // 2, size * 2 - 1, index + 1}:
        if wrong_size <= index or wrong_size == size:
            continue
        same_shape = inclusion_shape(index, wrong_size) == inclusion_shape(index, size)
        assert refused(size_=wrong_size) is not same_shape, wrong_size


@given(LEAF_DATA.filter(lambda d: len(d) >= 2), st.data())
def test_tampered_consistency_proofs_are_refused(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [leaf_hash(d) for d in data]
    new = len(leaves)
    old = draw.draw(st.integers(1, new - 1), label="old size")
    old_root, new_root = root(leaves[:old]), root(leaves)
    proof = consistency_proof(old, leaves)
    verify_consistency(old, new, old_root, new_root, proof)

    def refused(
        old_: int = old,
        new_: int = new,
        old_root_: bytes = old_root,
        new_root_: bytes = new_root,
        proof_: Sequence[bytes] = proof,
    ) -> bool:
        return raises_proof_error(
            lambda: verify_consistency(old_, new_, old_root_, new_root_, proof_)
        )

    for i in range(len(proof)):
        bit = draw.draw(st.integers(0, 8 * HASH_SIZE - 1), label=f"bit in proof[{i}]")
        assert refused(proof_=[*proof[:i], flip(proof[i], bit), *proof[i + 1 :]])
    assert refused(old_root_=flip(old_root, draw.draw(st.integers(0, 255), label="old bit")))
    assert refused(new_root_=flip(new_root, draw.draw(st.integers(0, 255), label="new bit")))
    assert refused(old_root_=new_root, new_root_=old_root)
    assert refused(new_root_=root(leaves[:-1]))
    assert refused(proof_=proof[:-1])
    assert refused(proof_=proof[1:])
    assert refused(proof_=[*proof, SOME_HASH])
    assert refused(proof_=[old_root, *proof])
    assert refused(proof_=[])
    # Sizes 0 and "the same size" need an empty proof; this one is not.
    assert refused(old_=0, old_root_=EMPTY_ROOT)
    assert refused(old_=new, old_root_=new_root)
    # Other sizes: refused exactly when they change what the algorithm computes.
    assert refused(new_=new * 2)
    others = {(old - 1, new), (old + 1, new), (old ^ 2, new), (old, new + 1), (old, new // 2)}
    others |= {(old, new * 2 - 1), (old * 2, new * 2)}
    for wrong_old, wrong_new in others:
        if not 0 < wrong_old < wrong_new or (wrong_old, wrong_new) == (old, new):
            continue
        same_shape = consistency_shape(wrong_old, wrong_new) == consistency_shape(old, new)
        assert refused(old_=wrong_old, new_=wrong_new) is not same_shape, (wrong_old, wrong_new)


# ---------------------------------------------------------------- serialisation


def test_compact_range_serialisation_is_canonical_and_checked() -> None:
    compact = CompactRange()
    compact.extend(CT_LEAF_HASHES[:7])
    stored = compact.to_hex()
    assert len(stored) == 3
    assert all(len(x) == 64 and x == x.lower() for x in stored)
    assert CompactRange.from_hex(7, stored) == compact
    assert CompactRange.from_hex(0, []) == CompactRange()

    copy = compact.copy()
    copy.append(CT_LEAF_HASHES[7])
    assert compact.size == 7
    assert copy.root() == CT_ROOTS[7]
    assert compact.root() == CT_ROOTS[6]

    bad: list[tuple[int, list[str], str]] = [
        (8, stored, "size 8 holds 1 hashes"),
        (6, stored, "size 6 holds 2 hashes"),
        (-1, [], "non-negative"),
        (7, [*stored[:2], stored[2].upper()], "hash #2 is not 64 lower-case hex"),
        (7, [*stored[:2], stored[2][:62]], "hash #2"),
        (7, [*stored[:2], " " + stored[2][1:]], "hash #2"),
    ]
    for size, hashes, message in bad:
        with pytest.raises(ValueError, match=message):
            CompactRange.from_hex(size, hashes)


# ---------------------------------------------------------------- size


def test_large_trees_are_linear() -> None:
    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(200_000)]
    started = time.perf_counter()
    big_root = root(leaves)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"root() over 200,000 leaves took {elapsed:.1f}s"

    compact = CompactRange()
    compact.extend(leaves)
    assert compact.root() == big_root

    started = time.perf_counter()
    tree = MerkleTree(leaves[:100_000])
    for index in range(0, 100_000, 997):
        verify_inclusion(leaves[index], index, 100_000, tree.inclusion_proof(index), tree.root())
    proof = tree.consistency_proof(65_537)
    verify_consistency(65_537, 100_000, root(leaves[:65_537]), tree.root(), proof)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"proofs over 100,000 leaves took {elapsed:.1f}s"
