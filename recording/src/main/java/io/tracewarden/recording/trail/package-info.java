/**
 * The audit trail format: framed, hash-linked, Merkle-committed records in segment files with
 * signed C2SP checkpoints; its writer, verifier and reader. Specified in {@code docs/audit-log.md}.
 */
package io.tracewarden.recording.trail;
