"""The RFC 9162 Merkle tree (Certificate Transparency v2; the same tree as RFC 6962).

Everything here works on *leaf hashes*: hash each entry once with :func:`leaf_hash` and
keep those 32-byte values; the tree, the proofs and the verifiers never see entry data.

* :func:`leaf_hash`, :func:`node_hash`, :data:`EMPTY_ROOT`: the hashing of RFC 9162 §2.1.1
  with SHA-256 (leaves prefixed 0x00, interior nodes 0x01: second-preimage resistant).
* :func:`root`: MTH(D[n]) of §2.1.1, in O(n) hashes, without recursion.
* :class:`CompactRange`: the "frontier" of §2.1.2, i.e. the roots of the perfect subtrees
  covering leaves [0, size). Store it with a signed checkpoint, then compute the next
  checkpoint from it and the k new leaves in O(k + log n) hashes.
* :class:`MerkleTree`, :func:`inclusion_proof`, :func:`consistency_proof`: PATH (§2.1.3.1)
  and PROOF/SUBPROOF (§2.1.4.1). The tree caches every perfect subtree root once (O(n)),
  after which each proof costs O(log² n) list look-ups and O(log n) hashes.
* :func:`verify_inclusion`, :func:`verify_consistency`: the verification algorithms of
  §2.1.3.2 and §2.1.4.2, step by step. They return ``None`` or raise one
  :class:`ProofError` saying exactly which check failed; they never return a bool.

A proof only relates hashes to one another. What makes it evidence is checked elsewhere:
that the root hashes and tree sizes come from checkpoints whose signatures verified, and
that the leaf hash was computed by the verifier from the entry itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

from ledger.errors import RegieError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "MerkleTree",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
"""Length in bytes of every hash in the tree (SHA-256)."""

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"
_HEX_DIGITS: Final = frozenset("0123456789abcdef")
_sha256 = hashlib.sha256

EMPTY_ROOT: Final[bytes] = _sha256(b"").digest()
"""MTH({}) = SHA-256() of the empty string: the root of the tree with no leaves (§2.1.1)."""


class ProofError(RegieError):
    """A Merkle proof or tree head failed verification; the message names the failed check.

    Exit code 1, like a failed verification of the whole log: the input was well formed,
    what it claims does not hold.
    """

    exit_code = 1


# --------------------------------------------------------------------------- hashing


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d): the hash of one leaf entry (RFC 9162 §2.1.1)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node (RFC 9162 §2.1.1)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _pair_up(level: Sequence[bytes]) -> list[bytes]:
    """Hash adjacent pairs (0,1), (2,3), ...; an odd last element is left out."""
    sha256, prefix = _sha256, _NODE_PREFIX
    pairs = zip(level[::2], level[1::2], strict=False)  # not strict: drops an odd last element
    return [sha256(prefix + left + right).digest() for left, right in pairs]


def _check_leaf_hashes(leaf_hashes: Sequence[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in leaf_hashes):
        i = next(i for i, h in enumerate(leaf_hashes) if len(h) != HASH_SIZE)
        raise ValueError(
            f"leaf hash #{i} is {len(leaf_hashes[i])} bytes; leaf hashes are {HASH_SIZE} bytes "
            "(hash entries with leaf_hash() first)"
        )


def _largest_power_of_two_below(n: int) -> int:
    """k of RFC 9162 §2.1.1: the largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over the given leaf hashes; :data:`EMPTY_ROOT` for none.

    The RFC defines MTH recursively, splitting at k, the largest power of two smaller than
    n. This computes the same tree bottom-up: hash neighbours pairwise level by level and
    carry an odd last node up unchanged (it is the right-most subtree at that height, which
    the recursive split pairs only higher up). n - 1 node hashes, O(n) memory, no recursion.
    """
    _check_leaf_hashes(leaf_hashes)
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        parents = _pair_up(level)
        if len(level) % 2:
            parents.append(level[-1])
        level = parents
    return level[0]


# --------------------------------------------------------------------------- compact range


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size): a Merkle "frontier".

    For each set bit 2^h of ``size``, from high to low, it holds the root of one perfect
    subtree of 2^h leaves, left to right; so at most log2(size) + 1 hashes. This is the
    stack of the iterative algorithm of RFC 9162 §2.1.2 ("verifying a tree head given
    entries") kept between runs: :meth:`append` merges equal-height subtrees like a binary
    counter (amortised one node hash per leaf) and :meth:`root` folds the stack from the
    right into MTH(D[size]). ``CompactRange`` over leaves L has ``root() == root(L)``.

    Persist it with a checkpoint as ``(size, to_hex())`` and restore it with
    :meth:`from_hex`. The stored hashes are not self-authenticating: after restoring, check
    that ``restored.root()`` equals the root of the *signed* checkpoint of that size before
    extending it; that binds every stored hash (the root commits to all of them).
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @property
    def size(self) -> int:
        """The number of leaves covered."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The subtree roots, largest (left-most) subtree first."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        """Add the leaf hash of entry number ``size`` (RFC 9162 §2.1.2 step 2)."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf_hash)}")
        hashes = self._hashes
        right = leaf_hash
        # Every trailing 1-bit of the old size is a subtree of the new leaf's height.
        size = self._size
        while size & 1:
            right = node_hash(hashes.pop(), right)
            size >>= 1
        hashes.append(right)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append each leaf hash in order."""
        for h in leaf_hashes:
            self.append(h)

    def root(self) -> bytes:
        """MTH(D[size]) (RFC 9162 §2.1.1); :data:`EMPTY_ROOT` when ``size`` is 0."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            result = node_hash(h, result)
        return result

    def copy(self) -> CompactRange:
        """An independent copy (appending to it leaves this one unchanged)."""
        clone = CompactRange()
        clone._size = self._size
        clone._hashes = list(self._hashes)
        return clone

    def to_hex(self) -> list[str]:
        """The subtree roots as lower-case hex strings, largest subtree first.

        Store ``size`` next to this list: :meth:`from_hex` needs it, it is not derivable.
        """
        return [h.hex() for h in self._hashes]

    @classmethod
    def from_hex(cls, size: int, hashes: Sequence[str]) -> CompactRange:
        """Rebuild the range for ``size`` leaves from :meth:`to_hex` output.

        Accepts only the canonical form: exactly popcount(size) strings of 64 lower-case
        hex digits. Raises ``ValueError`` otherwise. The caller must still compare
        ``root()`` with the signed root for ``size`` (see the class docstring).
        """
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"a compact range size is a non-negative integer, got {size!r}")
        if isinstance(hashes, str):
            raise ValueError("compact range hashes are a list of hex strings, not one string")
        expected = size.bit_count()
        if len(hashes) != expected:
            raise ValueError(
                f"a compact range of size {size} holds {expected} hashes "
                f"(one per set bit of the size), got {len(hashes)}"
            )
        decoded: list[bytes] = []
        for i, text in enumerate(hashes):
            if (
                not isinstance(text, str)
                or len(text) != 2 * HASH_SIZE
                or not _HEX_DIGITS.issuperset(text)
            ):
                raise ValueError(
                    f"compact range hash #{i} is not {2 * HASH_SIZE} lower-case hex digits: "
                    f"{text!r}"
                )
            decoded.append(bytes.fromhex(text))
        rebuilt = cls()
        rebuilt._size = size
        rebuilt._hashes = decoded
        return rebuilt

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()})"


# --------------------------------------------------------------------------- proofs


class MerkleTree:
    """An immutable tree over a list of leaf hashes, for producing many proofs.

    Building it hashes every node of every perfect subtree once (fewer than n node hashes,
    about 2n stored hashes). Any subtree that RFC 9162's recursive split can produce is
    then at most log2(n) cached perfect subtrees, so :meth:`root`, :meth:`inclusion_proof`
    and :meth:`consistency_proof` cost O(log n) hashes each.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes]) -> None:
        level = list(leaf_hashes)
        _check_leaf_hashes(level)
        # _levels[h][i] is the root of the perfect subtree over leaves [i * 2^h, (i+1) * 2^h).
        levels = [level]
        while len(level) > 1:
            level = _pair_up(level)
            levels.append(level)
        self._levels = levels

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        return self._levels[0][index]

    def root(self) -> bytes:
        """MTH(D[n]) (RFC 9162 §2.1.1); :data:`EMPTY_ROOT` for no leaves."""
        return self._subtree_root(0, self.size) if self.size else EMPTY_ROOT

    def _subtree_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a non-empty subtree of the RFC's recursive split.

        Such a range starts at a multiple of 2^ceil(log2(end - start)), so it splits into
        cached perfect subtrees of strictly decreasing size, one per set bit of its length,
        and its MTH is their right fold.
        """
        parts: list[bytes] = []
        while start < end:
            height = (end - start).bit_length() - 1
            if start % (1 << height):
                raise ProofError(f"[{start}, {end}) is not a subtree of the RFC 9162 split")
            parts.append(self._levels[height][start >> height])
            start += 1 << height
        result = parts.pop()
        while parts:
            result = node_hash(parts.pop(), result)
        return result

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[n]) of RFC 9162 §2.1.3.1, deepest sibling first.

        PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k, else
        PATH(m - k, D[k:n]) : MTH(D[0:k]); PATH(0, {d0}) = {}. Walked top-down, so the
        siblings are collected in reverse. Raises ``ValueError`` unless 0 <= index < n.
        """
        size = self.size
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is not in a tree of size {size}")
        path: list[bytes] = []
        start, end = 0, size  # the subtree D[start:end] that contains the leaf
        while end - start > 1:
            split = start + _largest_power_of_two_below(end - start)
            if index < split:
                path.append(self._subtree_root(split, end))
                end = split
            else:
                path.append(self._subtree_root(start, split))
                start = split
        path.reverse()
        return path

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """PROOF(old_size, D[n]) of RFC 9162 §2.1.4.1: old tree D[0:m] → this tree D[0:n].

        PROOF(m, D[n]) = SUBPROOF(m, D[n], true), where SUBPROOF(m, D[m], true) = {},
        SUBPROOF(m, D[m], false) = {MTH(D[m])}, and for m < n, with k as in §2.1.1,
        SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k, else
        SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).

        The RFC defines this for 0 < m < n. For m == n and m == 0 this returns the empty
        proof, which is what :func:`verify_consistency` accepts for those sizes. Raises
        ``ValueError`` unless 0 <= old_size <= n.
        """
        size = self.size
        if not 0 <= old_size <= size:
            raise ValueError(f"old size {old_size} is not between 0 and the tree size {size}")
        if old_size in (0, size):
            return []
        proof: list[bytes] = []
        start, end = 0, size  # SUBPROOF(old_size - start, D[start:end], complete)
        complete = True
        while old_size != end:
            split = start + _largest_power_of_two_below(end - start)
            if old_size <= split:
                proof.append(self._subtree_root(split, end))
                end = split
            else:
                proof.append(self._subtree_root(start, split))
                start = split
                complete = False
        if not complete:
            proof.append(self._subtree_root(start, end))
        proof.reverse()
        return proof


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) (RFC 9162 §2.1.3.1) for the tree of ``len(leaf_hashes)`` leaves.

    O(n) hashing to build the tree; for many proofs over one tree use :class:`MerkleTree`.
    """
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[n]) (RFC 9162 §2.1.4.1), n = ``len(leaf_hashes)``; see
    :meth:`MerkleTree.consistency_proof` for the sizes 0 and n."""
    return MerkleTree(leaf_hashes).consistency_proof(old_size)


# --------------------------------------------------------------------------- verification


def _require_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes; RFC 9162 SHA-256 hashes are {HASH_SIZE}")


def _path_length(index: int, last: int) -> int:
    """How many proof hashes the loop of RFC 9162 §2.1.3.2 step 4 consumes, starting from
    fn = ``index`` and sn = ``last``, before sn reaches 0.

    Below the highest bit where fn and sn differ every level has a sibling ("inner" part);
    above it fn and sn are equal and only the levels where fn has a 1-bit (a left sibling
    on the right border of the tree) contribute one.
    """
    inner = (index ^ last).bit_length()
    return inner + (index >> inner).bit_count()


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``proof`` proves leaf ``index`` of the tree of ``size`` leaves with ``root``
    has hash ``leaf_hash``: RFC 9162 §2.1.3.2. Returns ``None``; raises :class:`ProofError`.

    ``proof`` is the inclusion_path (PATH, §2.1.3.1), deepest sibling first.

    The caller must still make sure that:

    * ``root`` and ``size`` come from one checkpoint whose signature verified (a proof
      against an unsigned root proves nothing), and that checkpoint is consistent with the
      others the caller has seen (:func:`verify_consistency`);
    * ``leaf_hash`` was computed by the caller, as ``leaf_hash(entry)``, from the entry it
      wants to check, not taken from whoever supplied the proof;
    * ``index`` is the position the caller claims for the entry. A proof binds the size only
      through the shape of the path: e.g. leaf 0 has the same path shape in trees of 3 and
      4 leaves, which is why the size must come from the signed checkpoint too.
    """
    # Step 1: the index and size are tree positions.
    if index < 0:
        raise ProofError(f"leaf index {index} is negative")
    if size < 0:
        raise ProofError(f"tree size {size} is negative")

    # Step 2: every hash is a SHA-256 hash.
    _require_hash(leaf_hash, "the leaf hash")
    _require_hash(root, "the root hash")
    for i, p in enumerate(proof):
        _require_hash(p, f"inclusion proof hash #{i}")

    # Step 3 (RFC step 1): the leaf must be inside the tree.
    if index >= size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")

    # Step 4: the proof has exactly as many hashes as the RFC loop consumes. (The loop
    # itself also detects both cases; checking first gives the precise message.)
    expected = _path_length(index, size - 1)
    if len(proof) != expected:
        raise ProofError(
            f"an inclusion proof for leaf {index} in a tree of size {size} has exactly "
            f"{expected} hashes, this one has {len(proof)}"
        )

    # Step 5 (RFC steps 2 and 3): fn = leaf_index, sn = tree_size - 1, r = hash.
    fn, sn = index, size - 1
    r = leaf_hash

    # Step 6 (RFC step 4): fold the path into r.
    for p in proof:
        if sn == 0:  # 4a
            raise ProofError("the inclusion proof has hashes left over after reaching the root")
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)
            # If LSB(fn) is not set, shift until it is or fn is 0 (no-op when it is set).
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:  # 4c
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1

    # Step 7 (RFC step 5): the path ends at the root, and at the given root.
    if sn != 0:
        raise ProofError("the inclusion proof ends before reaching the root")
    if r != root:
        raise ProofError(
            f"the inclusion proof for leaf {index} in a tree of size {size} leads to root "
            f"{r.hex()}, not to the given root {root.hex()}"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``new_size`` leaves with ``new_root`` extends the tree of
    ``old_size`` leaves with ``old_root`` (append-only): RFC 9162 §2.1.4.2. Returns
    ``None``; raises :class:`ProofError`.

    ``proof`` is the consistency_path (PROOF, §2.1.4.1). The RFC algorithm covers
    0 < old_size < new_size; the edge cases are decided as follows:

    * ``old_size == 0``: the empty tree is a prefix of every tree, so there is nothing to
      prove; the proof must be empty and ``old_root`` must be :data:`EMPTY_ROOT` (MTH({}),
      §2.1.1), the only root an empty tree has. ``new_root`` is then only checked for
      length (and, if ``new_size`` is 0 too, to be :data:`EMPTY_ROOT`).
    * ``old_size == new_size``: the trees are the same tree; the proof must be empty and
      the two roots equal.

    The caller must still make sure that both (size, root) pairs come from checkpoints
    whose signatures verified; this function relates the two roots, it does not
    authenticate either of them.
    """
    # Step 1: sizes are tree sizes, and the log does not shrink.
    if old_size < 0:
        raise ProofError(f"old tree size {old_size} is negative")
    if new_size < old_size:
        raise ProofError(
            f"new tree size {new_size} is smaller than old tree size {old_size}: a log only grows"
        )

    # Step 2: every hash is a SHA-256 hash.
    _require_hash(old_root, "the old root hash")
    _require_hash(new_root, "the new root hash")
    for i, c in enumerate(proof):
        _require_hash(c, f"consistency proof hash #{i}")

    # Step 3: from the empty tree (outside the RFC algorithm, see the docstring).
    if old_size == 0:
        if old_root != EMPTY_ROOT:
            raise ProofError(
                f"the old root {old_root.hex()} is not the empty-tree root {EMPTY_ROOT.hex()}, "
                "yet the old tree size is 0"
            )
        if proof:
            raise ProofError(
                f"a consistency proof from the empty tree is empty, this one has {len(proof)} "
                "hashes"
            )
        if new_size == 0 and new_root != EMPTY_ROOT:
            raise ProofError(
                f"the new root {new_root.hex()} is not the empty-tree root, yet the new tree "
                "size is 0"
            )
        return

    # Step 4: to the same size (outside the RFC algorithm, see the docstring).
    if old_size == new_size:
        if proof:
            raise ProofError(
                f"a consistency proof between two trees of size {old_size} is empty, this "
                f"one has {len(proof)} hashes"
            )
        if old_root != new_root:
            raise ProofError(
                f"two different roots for the same tree size {old_size}: {old_root.hex()} "
                f"and {new_root.hex()} (the log forked)"
            )
        return

    # From here on 0 < first < second, as RFC 9162 §2.1.4.2 requires.
    first, second = old_size, new_size
    first_is_power_of_two = first & (first - 1) == 0

    # Step 5: the proof has exactly as many hashes as the RFC algorithm consumes: the
    # inclusion-style path of the old tree's right-most subtree (after RFC step 4's
    # shift), plus the seed hash unless that seed is the old root itself (RFC step 2).
    shift = (first & -first).bit_length() - 1  # trailing 0-bits of first = RFC step 4 shifts
    expected = _path_length((first - 1) >> shift, (second - 1) >> shift)
    if not first_is_power_of_two:
        expected += 1
    if len(proof) != expected:
        raise ProofError(
            f"a consistency proof from size {first} to size {second} has exactly {expected} "
            f"hashes, this one has {len(proof)}"
        )

    # Step 6 (RFC step 1): an empty path proves nothing. (Unreachable after step 5, kept to
    # follow the RFC.)
    if not proof:
        raise ProofError("the consistency proof is empty")

    # Step 7 (RFC step 2): if first is a power of two, the old root is the seed.
    path = [old_root, *proof] if first_is_power_of_two else list(proof)

    # Step 8 (RFC step 3): fn = first - 1, sn = second - 1.
    fn, sn = first - 1, second - 1

    # Step 9 (RFC step 4): skip the levels where the old tree's last subtree is complete.
    while fn & 1:
        fn >>= 1
        sn >>= 1

    # Step 10 (RFC step 5): fr = sr = the seed.
    fr = sr = path[0]

    # Step 11 (RFC step 6): fold the rest into fr (old root) and sr (new root).
    for c in path[1:]:
        if sn == 0:  # 6a
            raise ProofError("the consistency proof has hashes left over after reaching the root")
        if fn & 1 or fn == sn:  # 6b
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # If LSB(fn) is not set, shift until it is or fn is 0 (no-op when it is set).
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:  # 6c
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1

    # Step 12 (RFC step 7): both roots reproduced, and the path reached the top.
    if sn != 0:
        raise ProofError("the consistency proof ends before reaching the new root")
    if fr != old_root:
        raise ProofError(
            f"the consistency proof from size {first} to {second} leads to old root "
            f"{fr.hex()}, not to the given old root {old_root.hex()}"
        )
    if sr != new_root:
        raise ProofError(
            f"the consistency proof from size {first} to {second} leads to new root "
            f"{sr.hex()}, not to the given new root {new_root.hex()}"
        )
