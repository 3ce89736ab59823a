#include "reduce/reduce_simplify.h"

#include <algorithm>
#include <array>
#include <limits>
#include <type_traits>

namespace pc {
namespace {

// A number towards 0 (or a positive floor): 0, 1, 8, then half of it, and for small numbers
// (where halving skips values: 3 -> 1) one less; only values strictly nearer 0 than v and not
// below floor, nearest 0 first, so that the first accepted candidate is the biggest step.
template <class N>
std::vector<N> nearer_zero(N v, N floor) {
  std::vector<N> out;
  auto add = [&](N c) {
    const bool nearer = v < 0 ? (c > v && c <= 0) : (c < v);
    if (nearer && c >= floor && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  add(floor > 0 ? floor : N{0});
  add(1);
  add(8);
  add(static_cast<N>(v / 2));
  if (v > 0 && v <= 16) add(static_cast<N>(v - 1));
  return out;
}

template <class Bits>
std::vector<Bits> bits_cleared(Bits bits) {
  std::vector<Bits> out;
  for (int i = 0; i < std::numeric_limits<Bits>::digits; ++i) {
    const Bits bit = static_cast<Bits>(Bits{1} << i);
    if (bits & bit) out.push_back(static_cast<Bits>(bits & ~bit));
  }
  return out;
}

template <class Vec>
std::vector<Vec> each_removed(const Vec& v) {
  std::vector<Vec> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    Vec c = v;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(c));
  }
  return out;
}

constexpr std::uint64_t kFillLenFloor = 4096;

struct FieldContext {
  std::string_view op, field;  // for the few fields whose floor is not 0
  std::uint32_t bound;         // slots bound by earlier steps
};

// The lower slots a use could name instead: those earlier steps bound. Naming another
// descriptor for the same file (a dup's original) is what lets ddmin drop the dup.
std::vector<std::uint8_t> lower_bound_slots(std::uint8_t slot, std::uint32_t bound) {
  std::vector<std::uint8_t> out;
  for (std::uint8_t s = 0; s < slot; ++s)
    if (bound >> s & 1u) out.push_back(s);
  return out;
}

// The simpler values of one field.
template <class V>
std::vector<V> simpler_values(const FieldContext& ctx, const V& v) {
  if constexpr (std::is_same_v<V, OutHandle>) {
    return {};  // renumber_handles lowers them consistently across the whole trace
  } else if constexpr (std::is_same_v<V, Handle>) {
    std::vector<V> out;
    for (std::uint8_t s : lower_bound_slots(v.slot, ctx.bound)) out.push_back(Handle{s});
    return out;
  } else if constexpr (std::is_same_v<V, bool>) {
    return v ? std::vector<V>{false} : std::vector<V>{};
  } else if constexpr (std::is_enum_v<V>) {
    std::vector<V> out;
    for (auto e = std::underlying_type_t<V>{0}; e < static_cast<std::underlying_type_t<V>>(v); ++e)
      out.push_back(static_cast<V>(e));
    return out;
  } else if constexpr (std::is_integral_v<V>) {
    // A fill's len only sets how many writes it takes to fill the buffer: shorter writes make
    // every later run slower (a 1-byte fill of a pipe is 65536 writes), not the trace simpler.
    const bool fill_len = ctx.op == FillWrite::kName && ctx.field == "len";
    const V floor = fill_len ? static_cast<V>(std::min<std::uint64_t>(v, kFillLenFloor))
                  : std::is_signed_v<V> ? std::numeric_limits<V>::min() : V{0};
    return nearer_zero<V>(v, floor);
  } else if constexpr (requires { v.bits; }) {
    // Masks (epoll events, poll events, io_uring flags): one bit fewer.
    std::vector<V> out;
    for (auto b : bits_cleared(v.bits)) out.push_back(V{b});
    return out;
  } else if constexpr (std::is_same_v<V, HandleList>) {
    std::vector<V> out = each_removed(v);
    for (std::size_t i = 0; i < v.size(); ++i)
      for (std::uint8_t s : lower_bound_slots(v[i].slot, ctx.bound)) {
        V c = v;
        c[i].slot = s;
        out.push_back(std::move(c));
      }
    return out;
  } else if constexpr (std::is_same_v<V, PollEntries>) {
    std::vector<V> out = each_removed(v);
    for (std::size_t i = 0; i < v.size(); ++i) {
      for (std::uint16_t b : bits_cleared(v[i].events.bits)) {
        V c = v;
        c[i].events.bits = b;
        out.push_back(std::move(c));
      }
      if (!v[i].target.is_handle()) continue;
      for (std::uint8_t s : lower_bound_slots(v[i].target.handle().slot, ctx.bound)) {
        V c = v;
        c[i].target.value = static_cast<std::int8_t>(s);
        out.push_back(std::move(c));
      }
    }
    return out;
  } else if constexpr (std::is_same_v<V, Nfds>) {
    if (!v.relative) return {Nfds{true, 0}};  // absolute -> exact (highest + 1)
    std::vector<V> out;
    for (std::int32_t n : nearer_zero<std::int32_t>(v.value, std::numeric_limits<std::int32_t>::min()))
      out.push_back(Nfds{true, n});
    return out;
  } else {
    static_assert(sizeof(V) == 0, "simpler_values: a field type without simplifications");
  }
}

// Sets field number `index` of op to value, if that field has value's type.
template <class OpT, class V>
void set_field(OpT& op, std::size_t index, const V& value) {
  std::size_t i = 0;
  for_each_field(op, [&](std::string_view, auto& field) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, V>)
      if (i == index) field = value;
    ++i;
  });
}

// Every slot an op mentions, in field order, through f(slot&).
template <class OpT, class F>
void for_each_slot(OpT& op, F&& f) {
  for_each_field(op, [&](std::string_view, auto& field) {
    using V = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<V, Handle> || std::is_same_v<V, OutHandle>) {
      f(field.slot);
    } else if constexpr (std::is_same_v<V, HandleList>) {
      for (Handle& h : field) f(h.slot);
    } else if constexpr (std::is_same_v<V, PollEntries>) {
      for (PollEntry& e : field)
        if (e.target.is_handle()) {
          std::uint8_t slot = static_cast<std::uint8_t>(e.target.value);
          f(slot);
          e.target.value = static_cast<std::int8_t>(slot);
        }
    }
  });
}

}  // namespace

std::vector<Op> simpler_ops(const Op& op, std::uint32_t bound_slots) {
  return std::visit(
      [&](const auto& x) {
        using OpT = std::decay_t<decltype(x)>;
        // Structure first: list fields (entries, set members) before flags and numbers.
        std::vector<Op> lists, rest;
        std::size_t index = 0;
        for_each_field(x, [&](std::string_view name, const auto& value) {
          using V = std::decay_t<decltype(value)>;
          constexpr bool is_list = std::is_same_v<V, HandleList> || std::is_same_v<V, PollEntries>;
          for (const V& simpler : simpler_values(FieldContext{OpT::kName, name, bound_slots}, value)) {
            OpT c = x;
            set_field(c, index, simpler);
            (is_list ? lists : rest).push_back(Op{c});
          }
          ++index;
        });
        lists.insert(lists.end(), rest.begin(), rest.end());
        return lists;
      },
      op);
}

std::uint32_t slots_bound_by(const Op& op) {
  std::uint32_t bound = 0;
  for (OutHandle h : op_outputs(op)) bound |= 1u << h.slot;
  return bound;
}

Trace renumber_handles(const Trace& trace) {
  std::array<int, 256> next{};  // old slot -> new slot + 1 (0: not seen yet)
  int used = 0;
  Trace out = trace;
  for (Step& s : out.steps)
    std::visit([&](auto& x) {
      for_each_slot(x, [&](std::uint8_t& slot) {
        if (next[slot] == 0) next[slot] = ++used;
        slot = static_cast<std::uint8_t>(next[slot] - 1);
      });
    }, s.op);
  return out;
}

}  // namespace pc
