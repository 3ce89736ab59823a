/* What io_uring this kernel offers, asked with raw system calls (no liburing): the features a
 * ring reports at setup, and the opcodes IORING_REGISTER_PROBE lists as supported. */
#ifndef POLLCHECK_RUNTIME_PC_URING_PROBE_H
#define POLLCHECK_RUNTIME_PC_URING_PROBE_H

#ifdef __cplusplus
extern "C" {
#endif

/* The features io_uring_setup reports for a one-entry ring, or -errno if it refuses one. */
long long pc_uring_features(void);
/* supported[op] for op < n: 1 if the kernel supports that opcode. 0, or -1 (supported left as
 * it was) if no ring could be set up or the probe failed. */
int pc_uring_probe_opcodes(unsigned char *supported, unsigned n);

#ifdef __cplusplus
}
#endif

#endif
