/* The data ops as both sides make them: a read or recv digests what the kernel wrote, and a
 * fill repeats one write until the kernel refuses it or a cap is reached. The caller supplies
 * the buffers (at least one byte, so never null). */
#ifndef POLLCHECK_RUNTIME_PC_IO_H
#define POLLCHECK_RUNTIME_PC_IO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* read(fd, buf, len); when it succeeds, *digest is the FNV-1a of the bytes read. Its result,
 * or -1 with errno. */
long long pc_read_digest(int fd, unsigned char *buf, uint32_t len, uint64_t *digest);
/* recv(fd, buf, len, flags), digested the same way. */
long long pc_recv_digest(int fd, unsigned char *buf, uint32_t len, int flags, uint64_t *digest);

/* The write of buf[0..len) repeated until it fails (*err: its errno), or until
 * PC_FILL_MAX_WRITES writes or PC_FILL_MAX_BYTES bytes (*err stays 0), or after a zero-length
 * write, which never fills anything and would loop forever. *writes: the writes that
 * succeeded. Returns the bytes written. */
uint64_t pc_fill(int fd, const unsigned char *buf, uint32_t len, unsigned *writes, int *err);

#ifdef __cplusplus
}
#endif

#endif
