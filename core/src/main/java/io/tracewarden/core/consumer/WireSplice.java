package io.tracewarden.core.consumer;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The protobuf encoding of a changed export request, made from the received encoding of the
 * request it was changed from: the bytes of every record the processor returned as the same
 * instance are copied, and only the changed records (and the length prefixes around them) are
 * encoded. Masking one span in 500 then costs one span's encoding instead of the request's.
 *
 * <p>All three export requests share one shape, with the same field numbers: request →
 * {@code resource_*} (field 1) → {@code scope_*} (field 2) → records (field 2). Repeated message
 * fields decode one element per occurrence, in order, so the n-th occurrence in the bytes is the
 * n-th element of the decoded list. Bytes of a changed element are never copied, except its other
 * fields when they are equal in the new message; anything unexpected (counts that differ, wire
 * types we do not split) re-encodes the element or gives up.
 */
final class WireSplice {

  /** At each depth, the field number of the repeated field holding the next level's elements. */
  private static final int[] LIST_FIELD = {1, 2, 2};
  private static final int WIRETYPE_LENGTH_DELIMITED = 2;

  private final byte[] wire;
  private final List<Piece> pieces = new ArrayList<>();
  /** The position after the last varint read. */
  private int next;

  private WireSplice(byte[] wire) {
    this.wire = wire;
  }

  /**
   * The encoding of {@code updated}, or null when {@code wire} cannot be split as expected (the
   * caller then encodes {@code updated} from scratch).
   *
   * @param wire the encoding of {@code original}, exactly as it was decoded
   */
  static byte[] splice(byte[] wire, Message original, Message updated) {
    if (original.getDescriptorForType() != updated.getDescriptorForType()) {
      return null;
    }
    WireSplice splice = new WireSplice(wire);
    try {
      int size = splice.element(0, 0, wire.length, original, updated);
      return size < 0 ? null : splice.assemble(size);
    } catch (Malformed e) {
      return null;
    }
  }

  /**
   * Adds the pieces of {@code updated}'s payload, made from {@code original}'s payload in
   * {@code wire[from, to)}, and returns its size; -1 (and no pieces) when the two differ in more
   * than the elements of their list field.
   */
  private int element(int depth, int from, int to, Message original, Message updated) {
    FieldDescriptor list = updated.getDescriptorForType().findFieldByNumber(LIST_FIELD[depth]);
    // The lists themselves, fetched once: a reflective call per element costs more than the walk.
    List<?> originals = (List<?>) original.getField(list);
    List<?> updates = (List<?>) updated.getField(list);
    int count = originals.size();
    if (count != updates.size() || !sameApartFrom(list, original, updated)) {
      return -1;
    }
    int size = 0;
    int index = 0;
    int copyFrom = from;
    int pos = from;
    while (pos < to) {
      int fieldStart = pos;
      long tag = readVarint(pos, to);
      pos = next;
      int wireType = (int) (tag & 7);
      if (tag >>> 3 != list.getNumber() || wireType != WIRETYPE_LENGTH_DELIMITED) {
        pos = skip(wireType, pos, to);
        continue;
      }
      int length = checkedLength(readVarint(pos, to), next, to);
      int payload = next;
      pos = payload + length;
      if (index >= count) {
        throw new Malformed();
      }
      Message was = (Message) originals.get(index);
      Message now = (Message) updates.get(index);
      index++;
      if (was == now) {
        continue;
      }
      size += copy(copyFrom, fieldStart);
      copyFrom = pos;
      int header = pieces.size();
      pieces.add(null);
      int inner = depth + 1 < LIST_FIELD.length
          ? element(depth + 1, payload, pos, was, now)
          : -1;
      if (inner < 0) {
        byte[] encoded = now.toByteArray();
        pieces.add(new Piece(encoded, 0, encoded.length));
        inner = encoded.length;
      }
      byte[] prefix = prefix(list.getNumber(), inner);
      pieces.set(header, new Piece(prefix, 0, prefix.length));
      size += prefix.length + inner;
    }
    if (pos != to || index != count) {
      throw new Malformed();
    }
    return size + copy(copyFrom, to);
  }

  /** Whether every field but {@code list} (presence included) and the unknown fields agree. */
  private static boolean sameApartFrom(FieldDescriptor list, Message original, Message updated) {
    if (!original.getUnknownFields().equals(updated.getUnknownFields())) {
      return false;
    }
    Map<FieldDescriptor, Object> was = new HashMap<>(original.getAllFields());
    Map<FieldDescriptor, Object> now = new HashMap<>(updated.getAllFields());
    was.remove(list);
    now.remove(list);
    return was.equals(now);
  }

  private int copy(int from, int to) {
    if (to > from) {
      pieces.add(new Piece(wire, from, to - from));
    }
    return to - from;
  }

  private byte[] assemble(int size) {
    byte[] out = new byte[size];
    int offset = 0;
    for (Piece piece : pieces) {
      System.arraycopy(piece.bytes, piece.offset, out, offset, piece.length);
      offset += piece.length;
    }
    if (offset != size) {
      throw new IllegalStateException("spliced " + offset + " bytes, expected " + size);
    }
    return out;
  }

  private static byte[] prefix(int fieldNumber, int length) {
    int tag = fieldNumber << 3 | WIRETYPE_LENGTH_DELIMITED;
    byte[] prefix = new byte[CodedOutputStream.computeUInt32SizeNoTag(tag)
        + CodedOutputStream.computeUInt32SizeNoTag(length)];
    CodedOutputStream out = CodedOutputStream.newInstance(prefix);
    try {
      out.writeUInt32NoTag(tag);
      out.writeUInt32NoTag(length);
      out.checkNoSpaceLeft();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return prefix;
  }

  // ---- reading the wire format

  private long readVarint(int pos, int to) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= to) {
        throw new Malformed();
      }
      byte b = wire[pos++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        next = pos;
        return value;
      }
    }
    throw new Malformed();
  }

  private int skip(int wireType, int pos, int to) {
    return switch (wireType) {
      case 0 -> {
        readVarint(pos, to);
        yield next;
      }
      case 1 -> checkedEnd(pos, 8, to);
      case WIRETYPE_LENGTH_DELIMITED -> {
        int length = checkedLength(readVarint(pos, to), next, to);
        yield next + length;
      }
      case 5 -> checkedEnd(pos, 4, to);
      // Groups are deprecated and absent from OTLP; anything else is not protobuf.
      default -> throw new Malformed();
    };
  }

  private static int checkedLength(long length, int pos, int to) {
    if (length < 0 || length > to - pos) {
      throw new Malformed();
    }
    return (int) length;
  }

  private static int checkedEnd(int pos, int length, int to) {
    if (length > to - pos) {
      throw new Malformed();
    }
    return pos + length;
  }

  private record Piece(byte[] bytes, int offset, int length) {}

  /** The bytes are not the encoding the splice expects; the caller encodes from scratch. */
  private static final class Malformed extends RuntimeException {
    Malformed() {
      super(null, null, false, false);
    }
  }
}
