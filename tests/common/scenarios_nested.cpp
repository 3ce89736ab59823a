// The nested-epoll examples: an epoll instance inside another, from epoll(7) ("Can an epoll
// file descriptor itself be put into an epoll set?"), epoll_ctl(2) ELOOP and fs/eventpoll.c
// (ep_loop_check, ep_poll_callback's wakeup of the instance's watchers). The kernel selftest's
// nested cases are regression traces (corpus/regress/kselftest-epoll17..24, 49..52).
#include "tests/common/scenarios.h"

namespace pc {

void add_nested_scenarios(std::vector<Scenario>& v) {
  // epoll_ctl(2) ELOOP: a cycle, or more than four epoll-in-epoll links (EP_MAX_NESTS), checked
  // before EEXIST; EPOLLEXCLUSIVE on an epoll target is EINVAL before either.
  v.push_back(make_scenario("nested_loop_and_depth", {"EP-CTL-LOOP", "EP-CTL-EXCL", "EP-CTL-EEXIST"},
                            "epoll_ctl(2) ELOOP; fs/eventpoll.c ep_loop_check", R"(
    epoll_create1 flags=0 out=h0                                   => fds=[3]
    epoll_create1 flags=0 out=h1                                   => fds=[4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    epoll_create1 flags=0 out=h4                                   => fds=[7]
    epoll_create1 flags=0 out=h5                                   => fds=[8]
    epoll_ctl epfd=h1 op=add fd=h0 events=IN data=0                => ret=0
    epoll_ctl epfd=h0 op=add fd=h1 events=IN data=1                => -1 ELOOP
    epoll_ctl epfd=h2 op=add fd=h1 events=IN data=1                => ret=0
    epoll_ctl epfd=h3 op=add fd=h2 events=IN data=2                => ret=0
    epoll_ctl epfd=h4 op=add fd=h3 events=IN data=3                => ret=0
    epoll_ctl epfd=h5 op=add fd=h4 events=IN data=4                => -1 ELOOP
    epoll_ctl epfd=h4 op=add fd=h3 events=IN data=3                => -1 EEXIST
    epoll_ctl epfd=h0 op=add fd=h4 events=IN data=4                => -1 ELOOP
    epoll_ctl epfd=h5 op=add fd=h0 events=IN|EXCLUSIVE data=0      => -1 EINVAL
  )"));

  // epoll(7): an epoll descriptor is readable while it has an entry really ready; polling it,
  // or waiting on an outer instance, does not consume the inner edge. Each event on the inner
  // instance wakes the outer one, even when the inner entry was queued already; closing the
  // inner instance removes its registration from the outer one.
  v.push_back(make_scenario("nested_et_does_not_consume", {"EP-NEST-READY", "EP-NEST-NOCONSUME", "EP-ET"},
                            "epoll(7) Q&A 3; fs/eventpoll.c ep_poll_callback, __ep_eventpoll_poll", R"(
    pipe rd=h0 wr=h1                                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7             => ret=0
    epoll_ctl epfd=h3 op=add fd=h2 events=IN|ET data=9             => ret=0
    epoll_wait epfd=h3 maxevents=4                                 => ret=0 []
    write fd=h1 len=1 value=0                                      => ret=1
    poll entries=[h2:IN,h3:IN] over_limit=0                        => ret=2 revents=[IN, IN]
    epoll_wait epfd=h3 maxevents=4                                 => ret=1 [IN data=9]
    epoll_wait epfd=h3 maxevents=4                                 => ret=0 []
    write fd=h1 len=1 value=0                                      => ret=1
    epoll_wait epfd=h3 maxevents=4                                 => ret=1 [IN data=9]
    epoll_wait epfd=h2 maxevents=4                                 => ret=1 [IN data=7]
    poll entries=[h3:IN] over_limit=0                              => ret=0 revents=[0]
    write fd=h1 len=1 value=0                                      => ret=1
    epoll_wait epfd=h3 maxevents=4                                 => ret=1 [IN data=9]
    close fd=h2                                                    => ret=0
    write fd=h1 len=1 value=0                                      => ret=1
    epoll_wait epfd=h3 maxevents=4                                 => ret=0 []
  )"));

  // An inner instance ready when it is added is queued on the outer one at once; a
  // level-triggered outer entry keeps reporting until the inner edge is taken by an
  // epoll_wait on the inner instance, after which the outer one drops it.
  v.push_back(make_scenario("nested_lt_outer_follows_inner", {"EP-NEST-READY", "EP-LT"},
                            "epoll(7); fs/eventpoll.c ep_insert, ep_send_events", R"(
    pipe rd=h0 wr=h1                                               => fds=[3,4]
    epoll_create1 flags=0 out=h2                                   => fds=[5]
    epoll_create1 flags=0 out=h3                                   => fds=[6]
    epoll_ctl epfd=h2 op=add fd=h0 events=IN|ET data=7             => ret=0
    write fd=h1 len=1 value=0                                      => ret=1
    epoll_ctl epfd=h3 op=add fd=h2 events=IN data=9                => ret=0
    epoll_wait epfd=h3 maxevents=4                                 => ret=1 [IN data=9]
    epoll_wait epfd=h3 maxevents=4                                 => ret=1 [IN data=9]
    epoll_wait epfd=h2 maxevents=4                                 => ret=1 [IN data=7]
    epoll_wait epfd=h3 maxevents=4                                 => ret=0 []
  )"));
}

}  // namespace pc
