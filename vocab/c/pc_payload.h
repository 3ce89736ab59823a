/* What bytes a write, fill or send of step N carries. Known to the executor, the oracle (which
 * tells from it which bytes a read must return) and the reproducer. */
#ifndef POLLCHECK_RUNTIME_PC_PAYLOAD_H
#define POLLCHECK_RUNTIME_PC_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Byte k of the payload written at step `step` (1-based), after the eight value bytes. Inline:
 * the oracle asks for bytes one at a time. (Marked unused for clang: see pc_digest.h.) */
__attribute__((unused)) static inline unsigned char pc_pattern_byte(size_t step, size_t k) {
  return (unsigned char)((step * 0x9E3779B1u >> 24) + k * 7u + 1u);
}

/* Fills buf[0..len) with the payload of a write at `step`: `value` little-endian in the first
 * eight bytes (what an eventfd adds), the step's pattern after them. */
void pc_fill_payload(unsigned char *buf, size_t len, size_t step, uint64_t value);

#ifdef __cplusplus
}
#endif

#endif
