package io.tracewarden.recording.trail;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing: leaf {@code SHA-256(0x00 || body)}, node
 * {@code SHA-256(0x01 || left || right)}, empty tree {@code SHA-256("")}.
 */
public final class Merkle {

  public static final int HASH_BYTES = 32;

  private Merkle() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  public static byte[] leafHash(byte[] body) {
    MessageDigest digest = sha256();
    digest.update((byte) 0);
    digest.update(body);
    return digest.digest();
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest digest = sha256();
    digest.update((byte) 1);
    digest.update(left);
    digest.update(right);
    return digest.digest();
  }

  public static byte[] emptyRoot() {
    return sha256(new byte[0]);
  }

  /** Largest power of two strictly less than {@code n} (n >= 2). */
  static long split(long n) {
    return Long.highestOneBit(n - 1);
  }

  /**
   * The right edge of a tree of {@code size} leaves: one hash per set bit of {@code size}, the
   * largest (leftmost) subtree first. Enough to append leaves and compute the root in O(log n).
   */
  public static final class CompactRange {

    private long size;
    private final List<byte[]> hashes;

    public CompactRange() {
      this(0, new ArrayList<>());
    }

    private CompactRange(long size, List<byte[]> hashes) {
      this.size = size;
      this.hashes = hashes;
    }

    /** Restores a range from its size and hashes; throws when they do not match. */
    public static CompactRange of(long size, List<byte[]> hashes) {
      if (size < 0 || Long.bitCount(size) != hashes.size()) {
        throw new IllegalArgumentException("a range of " + size + " leaves has "
            + Long.bitCount(Math.max(0, size)) + " hashes, got " + hashes.size());
      }
      for (byte[] hash : hashes) {
        if (hash.length != HASH_BYTES) {
          throw new IllegalArgumentException("hash of " + hash.length + " bytes");
        }
      }
      List<byte[]> copy = new ArrayList<>();
      hashes.forEach(h -> copy.add(h.clone()));
      return new CompactRange(size, copy);
    }

    public CompactRange copy() {
      return of(size, hashes);
    }

    public long size() {
      return size;
    }

    public List<byte[]> hashes() {
      List<byte[]> copy = new ArrayList<>();
      hashes.forEach(h -> copy.add(h.clone()));
      return copy;
    }

    public void append(byte[] leafHash) {
      byte[] hash = leafHash;
      long merged = size;
      // Each trailing 1-bit of size is a subtree of equal height to merge with.
      while ((merged & 1) == 1) {
        hash = nodeHash(hashes.remove(hashes.size() - 1), hash);
        merged >>>= 1;
      }
      hashes.add(hash);
      size++;
    }

    public byte[] root() {
      if (hashes.isEmpty()) {
        return emptyRoot();
      }
      byte[] root = hashes.get(hashes.size() - 1);
      for (int i = hashes.size() - 2; i >= 0; i--) {
        root = nodeHash(hashes.get(i), root);
      }
      return root;
    }
  }

  /**
   * A tree held as its leaf hashes, optionally after a retired prefix known only by its compact
   * range, for roots at any size and inclusion proofs.
   */
  public static final class Tree {

    private final CompactRange prefix;
    private final long prefixSize;
    private byte[][] leaves = new byte[1024][];
    private int count;

    public Tree() {
      this(new CompactRange());
    }

    public Tree(CompactRange prefix) {
      this.prefix = prefix.copy();
      this.prefixSize = prefix.size();
    }

    public void append(byte[] leafHash) {
      if (count == leaves.length) {
        leaves = Arrays.copyOf(leaves, count * 2);
      }
      leaves[count++] = leafHash;
    }

    public long size() {
      return prefixSize + count;
    }

    public long prefixSize() {
      return prefixSize;
    }

    public byte[] root(long size) {
      if (size < prefixSize || size > size()) {
        throw new IllegalArgumentException("no root for size " + size);
      }
      return size == 0 ? emptyRoot() : hash(0, size);
    }

    /** The RFC 6962 audit path of leaf {@code index} in the tree of the first {@code size}. */
    public List<byte[]> inclusionProof(long index, long size) {
      if (index < prefixSize || index >= size || size > size()) {
        throw new IllegalArgumentException("no proof for leaf " + index + " in size " + size);
      }
      List<byte[]> proof = new ArrayList<>();
      path(index, 0, size, proof);
      return proof;
    }

    private void path(long m, long lo, long hi, List<byte[]> proof) {
      long n = hi - lo;
      if (n == 1) {
        return;
      }
      long k = split(n);
      if (m - lo < k) {
        path(m, lo, lo + k, proof);
        proof.add(hash(lo + k, hi));
      } else {
        path(m, lo + k, hi, proof);
        proof.add(hash(lo, lo + k));
      }
    }

    private byte[] hash(long lo, long hi) {
      if (hi <= prefixSize) {
        byte[] known = prefixNode(lo, hi);
        if (known != null) {
          return known;
        }
      }
      if (hi - lo == 1) {
        if (lo < prefixSize) {
          throw new IllegalStateException("leaf " + lo + " was retired");
        }
        return leaves[(int) (lo - prefixSize)];
      }
      long k = split(hi - lo);
      return nodeHash(hash(lo, lo + k), hash(lo + k, hi));
    }

    /** The prefix's hash of exactly [lo, hi), or null when it is not one of its subtrees. */
    private byte[] prefixNode(long lo, long hi) {
      long start = 0;
      List<byte[]> hashes = prefix.hashes;
      for (int bit = 63, i = 0; bit >= 0 && i < hashes.size(); bit--) {
        long width = 1L << bit;
        if ((prefixSize & width) != 0) {
          if (start == lo && start + width == hi) {
            return hashes.get(i);
          }
          start += width;
          i++;
        }
      }
      return null;
    }
  }

  /** Verifies an RFC 9162 section 2.1.3.2 inclusion proof. */
  public static boolean verifyInclusion(
      long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }
}
