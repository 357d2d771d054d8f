"""RFC 9162 proofs over the Merkle tree of :mod:`ledger.audit.merkle`, and their checks.

* :func:`inclusion_path`, :func:`consistency_path`: PATH (§2.1.3.1) and PROOF/SUBPROOF
  (§2.1.4.1) over any source of subtree roots; :class:`MerkleTree`,
  :func:`inclusion_proof`, :func:`consistency_proof` over a list of leaf hashes
  (every perfect subtree root cached once, O(n); then O(log n) hashes a proof).
* :func:`verify_inclusion`, :func:`verify_consistency`: the verification algorithms of
  §2.1.3.2 and §2.1.4.2, step by step. They return ``None`` or raise one
  :class:`ProofError` saying exactly which check failed; they never return a bool.

A proof only relates hashes to one another. What makes it evidence is checked elsewhere:
that the root hashes and tree sizes come from checkpoints whose signatures verified, and
that the leaf hash was computed by the verifier from the entry itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ledger.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    ProofError,
    check_leaf_hashes,
    largest_power_of_two_below,
    node_hash,
    pair_up,
)

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
        check_leaf_hashes(level)
        # _levels[h][i] is the root of the perfect subtree over leaves [i * 2^h, (i+1) * 2^h).
        levels = [level]
        while len(level) > 1:
            level = pair_up(level)
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
        levels = self._levels
        parts = [levels[height][first >> height] for first, height in perfect_parts(start, end)]
        result = parts.pop()
        while parts:
            result = node_hash(parts.pop(), result)
        return result

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[n]): :func:`inclusion_path`."""
        return inclusion_path(index, self.size, self._subtree_root)

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """PROOF(old_size, D[n]): :func:`consistency_path`."""
        return consistency_path(old_size, self.size, self._subtree_root)


SubtreeRoot = Callable[[int, int], bytes]
"""MTH(D[start:end]) of a subtree of the RFC split: from the leaves or stored hashes."""


def perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) of RFC 9162's split as its perfect subtrees ``(start, height)``, largest
    first; :class:`ProofError` for a range the split never produces."""
    parts: list[tuple[int, int]] = []
    while start < end:
        height = (end - start).bit_length() - 1
        if start % (1 << height):
            raise ProofError(f"[{start}, {end}) is not a subtree of the RFC 9162 split")
        parts.append((start, height))
        start += 1 << height
    return parts


def inclusion_path(index: int, size: int, subtree_root: SubtreeRoot) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, deepest sibling first.

    PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) if m < k, else
    PATH(m - k, D[k:n]) : MTH(D[0:k]); PATH(0, {d0}) = {}. Walked top-down, so the
    siblings are collected in reverse. Raises ``ValueError`` unless 0 <= index < size.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size  # the subtree D[start:end] that contains the leaf
    while end - start > 1:
        split = start + largest_power_of_two_below(end - start)
        if index < split:
            path.append(subtree_root(split, end))
            end = split
        else:
            path.append(subtree_root(start, split))
            start = split
    path.reverse()
    return path


def consistency_path(old_size: int, size: int, subtree_root: SubtreeRoot) -> list[bytes]:
    """PROOF(old_size, D[size]) of RFC 9162 §2.1.4.1: old tree D[0:m] → tree D[0:n].

    PROOF(m, D[n]) = SUBPROOF(m, D[n], true), where SUBPROOF(m, D[m], true) = {},
    SUBPROOF(m, D[m], false) = {MTH(D[m])}, and for m < n, with k as in §2.1.1,
    SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k, else
    SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).

    The RFC defines this for 0 < m < n. For m == n and m == 0 this returns the empty
    proof, which is what :func:`verify_consistency` accepts for those sizes. Raises
    ``ValueError`` unless 0 <= old_size <= size.
    """
    if not 0 <= old_size <= size:
        raise ValueError(f"old size {old_size} is not between 0 and the tree size {size}")
    if old_size in (0, size):
        return []
    proof: list[bytes] = []
    start, end = 0, size  # SUBPROOF(old_size - start, D[start:end], complete)
    complete = True
    while old_size != end:
        split = start + largest_power_of_two_below(end - start)
        if old_size <= split:
            proof.append(subtree_root(split, end))
            end = split
        else:
            proof.append(subtree_root(start, split))
            start = split
            complete = False
    if not complete:
        proof.append(subtree_root(start, end))
    proof.reverse()
    return proof


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) over ``leaf_hashes``: O(n) hashing (many proofs: MerkleTree)."""
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[n]) over ``leaf_hashes`` (sizes 0 and n: :func:`consistency_path`)."""
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
