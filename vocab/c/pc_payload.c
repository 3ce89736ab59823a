#include "pc_need.h"
#if PC_NEED_PAYLOAD
#include "pc_payload.h"

void pc_fill_payload(unsigned char *buf, size_t len, size_t step, uint64_t value) {
  size_t k, head = len < 8 ? len : 8;
  for (k = 0; k < head; ++k) buf[k] = (unsigned char)(value >> (8 * k));
  for (k = head; k < len; ++k) buf[k] = pc_pattern_byte(step, k);
}
#endif
