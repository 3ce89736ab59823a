/* TCP and UDP run over loopback only, inside a network namespace made for the purpose: nothing
 * sent can leave the machine or meet another program's sockets. The executor and the
 * reproducer make it the same way. */
#ifndef POLLCHECK_RUNTIME_PC_NETNS_H
#define POLLCHECK_RUNTIME_PC_NETNS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Moves the calling thread (call it before any other thread starts, so that the whole process
 * follows) into a new network namespace; brings its lo up; replaces the route to 127.0.0.1 with
 * one carrying the quickack metric (a receiver then acknowledges every segment at once instead
 * of after the delayed-ACK timer: up to 40 ms of a state that keeps moving, such as FIN_WAIT1,
 * which settling would have to wait out); and lifts the ICMP rate limits (ICMP errors tell a
 * connected UDP socket its peer is gone; the namespace is the trace's alone, so limiting them
 * only makes that answer depend on timing).
 * 0 on success. Otherwise *failed names the step that failed ("unshare(CLONE_NEWNET)") and the
 * result is its errno, or -1 when the step's name says it all ("RTM_NEWROUTE: no answer"). */
int pc_enter_loopback_netns(const char **failed);

#ifdef __cplusplus
}
#endif

#endif
