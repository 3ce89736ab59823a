// C source text for the reproducer's emitters: literals, slots, masks and errno names spelled
// so that the program compiles warning-free with -std=c99 -Wall -Wextra.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "vocab/mask_names.h"
#include "vocab/observation.h"
#include "vocab/ops.h"

namespace pc {

// Text inside a /* */ comment: nothing in it may end the comment, open a nested one (-Wcomment)
// or form a trigraph (-std=c99 reads them, and -Wtrigraphs warns).
std::string c_comment_text(std::string_view s);
std::string c_string(std::string_view s);  // a C string literal with the same bytes
std::string c_i64(std::int64_t v);
std::string c_i32(std::int32_t v);
std::string c_u32(std::uint32_t v);
std::string c_u64(std::uint64_t v);
// The slot an op reads: h[N], or -1 for a slot beyond the table (which names no descriptor).
std::string slot(Handle h);
// The slot a creator binds: &h[N], or NULL for a slot beyond the table (bound nowhere).
std::string slot_ptr(OutHandle h);
// An errno value as its symbol when pollcheck knows its name ("EAGAIN"), else as a number.
std::string c_errno(int err);
// A mask as the header's symbols: "EPOLLIN | EPOLLET", with unnamed bits as one hex literal.
std::string c_mask(std::uint32_t bits, std::span<const BitName> table, std::string_view prefix);
std::string c_epoll_mask(std::uint32_t bits);
std::string c_poll_mask(std::uint16_t bits);
std::string c_int_list(const std::vector<int>& v);

// "(const T[]){a, b}, 2", or "NULL, 0" for an empty list (C99 has no empty initializers).
template <class T, class F>
std::string c_array_arg(std::string_view type, const std::vector<T>& v, F&& elem) {
  if (v.empty()) return "NULL, 0";
  std::string out = fmt::format("(const {}[]){{", type);
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + elem(v[i]);
  return out + fmt::format("}}, {}", v.size());
}

// epoll events: "(const struct event[]){{EPOLLIN, 5}}", or "NULL" for none; and as an
// argument pair with the count (c_array_arg's form).
std::string c_events_literal(const std::vector<EpollEventObs>& v);
std::string c_events_arg(const std::vector<EpollEventObs>& v);
std::string c_revents_arg(const std::vector<std::uint16_t>& v);
}  // namespace pc
