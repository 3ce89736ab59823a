/* The readiness calls as both sides make them: what epoll_ctl registrations are counted, how
 * large an epoll_wait buffer or a padded poll array gets, and how select's nfds and bitmaps are
 * sized (by hand: fd_set stops at FD_SETSIZE, and aborts past it under fortify, while the kernel
 * takes any nfds). */
#ifndef POLLCHECK_RUNTIME_PC_READINESS_H
#define POLLCHECK_RUNTIME_PC_READINESS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* epoll_ctl with an event of these events and data; a successful EPOLL_CTL_ADD is counted. */
int pc_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/* The entries of an epoll_wait buffer for maxevents: as many, except that a maxevents beyond
 * every registration counted in the process (at least 1024) is cut to that count: the kernel
 * cannot fill more, and a huge maxevents (to probe EP_MAX_EVENTS) must not allocate gigabytes.
 * At least 1. */
size_t pc_epoll_entries(int maxevents);
/* The same for an epoll that also holds `extra` registrations not counted (yet). */
size_t pc_epoll_entries_with(int maxevents, size_t extra);

/* pc_poll_size sets these bits of *capped when it cut a size. */
#define PC_POLL_CAPPED_RLIMIT 1 /* RLIMIT_NOFILE above 2^20: the array stops at 2^20 entries */
#define PC_POLL_CAPPED_OVER 2   /* over_limit above 65536: taken as 65536 */
/* The entries a poll of n given entries gets: n, or, when over_limit != 0, RLIMIT_NOFILE +
 * over_limit (within the caps above) if that is more. */
size_t pc_poll_size(size_t n, int over_limit, int *capped);
/* poll with timeout 0 on arr[0..total): entries[0..n) then fd -1 entries. revents[i]: what
 * entry i < n got back; *clobbered: entries whose events field came back changed. poll's
 * result, or -1 with errno. */
long pc_poll_run(struct pollfd *arr, size_t total, const struct pollfd *entries, size_t n,
                 unsigned short *revents, unsigned *clobbered);

/* select's nfds: value, or (relative) the highest descriptor in the sets + 1 + value,
 * saturated to int rather than wrapped. */
int pc_select_nfds(int highest, int relative, int value);
/* The bits each select bitmap needs: nfds (clamped to what the kernel can read or write: its fd
 * table never exceeds fs.nr_open), and at least highest + 1 and FD_SETSIZE. */
uint64_t pc_select_bits(int nfds, int highest);
/* A bitmap of bits: its words, and setting and listing its bits. */
size_t pc_bitmap_words(uint64_t bits);
void pc_bitmap_set(unsigned long *words, int fd);
int pc_bitmap_test(const unsigned long *words, int fd);
/* Every bit set, ascending, into out (when not NULL); returns how many. Every bit, not just the
 * ones put in, so that a stray kernel write shows up too. */
size_t pc_bitmap_members(const unsigned long *words, size_t nwords, int *out);

#ifdef __cplusplus
}
#endif

#endif
