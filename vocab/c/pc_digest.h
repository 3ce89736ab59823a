/* FNV-1a, the digest of bytes read (and of what a fanout reported). One definition for the
 * executor, the oracle and the reproducer, so a digest means the same everywhere. Inline: the
 * oracle folds bytes in one at a time. Marked unused: clang warns of a static inline function
 * a file does not call when the definition is in that file, as it is in a reproducer. */
#ifndef POLLCHECK_RUNTIME_PC_DIGEST_H
#define POLLCHECK_RUNTIME_PC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The digest of no bytes; start here and fold bytes in with pc_fnv1a. */
#define PC_FNV1A_INIT 0xcbf29ce484222325ULL
#define PC_FNV1A_PRIME 0x100000001b3ULL

/* h with the n bytes at p folded in. */
__attribute__((unused)) static inline uint64_t pc_fnv1a(const unsigned char *p, size_t n, uint64_t h) {
  size_t i;
  for (i = 0; i < n; ++i) h = (h ^ p[i]) * PC_FNV1A_PRIME;
  return h;
}

/* h with the low `bytes` bytes of v folded in, little-endian (how a fanout digests each value
 * it reports, whatever the host's byte order). */
__attribute__((unused)) static inline uint64_t pc_fnv1a_le(uint64_t h, uint64_t v, int bytes) {
  int i;
  for (i = 0; i < bytes; ++i) h = (h ^ (unsigned char)(v >> (8 * i))) * PC_FNV1A_PRIME;
  return h;
}

#ifdef __cplusplus
}
#endif

#endif
