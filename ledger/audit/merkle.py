"""The RFC 9162 Merkle tree (Certificate Transparency v2; the same tree as RFC 6962).

Everything here works on *leaf hashes*: hash each entry once with :func:`leaf_hash` and
keep those 32-byte values; the tree, the proofs and the verifiers never see entry data.

* :func:`leaf_hash`, :func:`node_hash`, :data:`EMPTY_ROOT`: the hashing of RFC 9162 §2.1.1
  with SHA-256 (leaves prefixed 0x00, interior nodes 0x01: second-preimage resistant).
* :func:`root`: MTH(D[n]) of §2.1.1, in O(n) hashes, without recursion.
* :class:`CompactRange`: the "frontier" of §2.1.2, i.e. the roots of the perfect subtrees
  covering leaves [0, size). Store it with a signed checkpoint, then compute the next
  checkpoint from it and the k new leaves in O(k + log n) hashes.
* Proofs and their verification are in :mod:`ledger.audit.proofs`.

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
    "ProofError",
    "check_leaf_hashes",
    "largest_power_of_two_below",
    "leaf_hash",
    "node_hash",
    "pair_up",
    "root",
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


def pair_up(level: Sequence[bytes]) -> list[bytes]:
    """Hash adjacent pairs (0,1), (2,3), ...; an odd last element is left out."""
    sha256, prefix = _sha256, _NODE_PREFIX
    pairs = zip(level[::2], level[1::2], strict=False)  # not strict: drops an odd last element
    return [sha256(prefix + left + right).digest() for left, right in pairs]


def check_leaf_hashes(leaf_hashes: Sequence[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in leaf_hashes):
        i = next(i for i, h in enumerate(leaf_hashes) if len(h) != HASH_SIZE)
        raise ValueError(
            f"leaf hash #{i} is {len(leaf_hashes[i])} bytes; leaf hashes are {HASH_SIZE} bytes "
            "(hash entries with leaf_hash() first)"
        )


def largest_power_of_two_below(n: int) -> int:
    """k of RFC 9162 §2.1.1: the largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over the given leaf hashes; :data:`EMPTY_ROOT` for none.

    The RFC defines MTH recursively, splitting at k, the largest power of two smaller than
    n. This computes the same tree bottom-up: hash neighbours pairwise level by level and
    carry an odd last node up unchanged (it is the right-most subtree at that height, which
    the recursive split pairs only higher up). n - 1 node hashes, O(n) memory, no recursion.
    """
    check_leaf_hashes(leaf_hashes)
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        parents = pair_up(level)
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

    def extend_recording(
        self, leaf_hashes: Iterable[bytes], min_height: int
    ) -> list[tuple[int, int, bytes]]:
        """Append each leaf hash, and return the perfect subtrees of ``min_height`` or
        more that the new leaves complete, as ``(end, height, root)``: the subtree covers
        leaves [end - 2^height, end). These are the merges :meth:`append` does anyway."""
        completed: list[tuple[int, int, bytes]] = []
        hashes = self._hashes
        for leaf in leaf_hashes:
            if len(leaf) != HASH_SIZE:
                raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, got {len(leaf)}")
            right, size, height = leaf, self._size, 0
            self._size += 1
            while size & 1:
                right = node_hash(hashes.pop(), right)
                size >>= 1
                height += 1
                if height >= min_height:
                    completed.append((self._size, height, right))
            hashes.append(right)
        return completed

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
