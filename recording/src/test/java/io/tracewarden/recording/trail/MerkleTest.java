package io.tracewarden.recording.trail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTest {

  private static byte[] leaf(int i) {
    return Merkle.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void emptyTreeAndKnownVector() {
    assertThat(HexFormat.of().formatHex(new Merkle.CompactRange().root()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // RFC 6962 leaf of the empty string (certificate-transparency test vectors).
    assertThat(HexFormat.of().formatHex(Merkle.leafHash(new byte[0])))
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  }

  @Test
  void compactRangeTreeAndProofsAgreeForEverySize() {
    Merkle.CompactRange range = new Merkle.CompactRange();
    Merkle.Tree tree = new Merkle.Tree();
    for (int n = 1; n <= 70; n++) {
      range.append(leaf(n - 1));
      tree.append(leaf(n - 1));
      byte[] root = range.root();
      assertThat(tree.root(n)).isEqualTo(root);
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = tree.inclusionProof(i, n);
        assertThat(Merkle.verifyInclusion(i, n, leaf(i), proof, root)).as("%d in %d", i, n)
            .isTrue();
        assertThat(Merkle.verifyInclusion(i, n, leaf(i + 1), proof, root)).isFalse();
      }
    }
  }

  @Test
  void aTreeAfterARetiredPrefixGivesTheSameRootsAndProofs() {
    Merkle.Tree full = new Merkle.Tree();
    Merkle.CompactRange prefix = new Merkle.CompactRange();
    for (int i = 0; i < 23; i++) {
      full.append(leaf(i));
      prefix.append(leaf(i));
    }
    Merkle.Tree rest = new Merkle.Tree(prefix);
    for (int i = 23; i < 61; i++) {
      full.append(leaf(i));
      rest.append(leaf(i));
    }
    for (int n = 23; n <= 61; n++) {
      assertThat(rest.root(n)).isEqualTo(full.root(n));
      for (int i = 23; i < n; i++) {
        assertThat(rest.inclusionProof(i, n)).containsExactlyElementsOf(full.inclusionProof(i, n));
      }
    }
  }
}
