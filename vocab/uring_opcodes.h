// The io_uring opcodes a UringPrep can fill: one row each, read by the trace format (the name),
// the parameter probe (which kernel opcodes must be supported) and the executor (the number).
#pragma once

#include <linux/io_uring.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "vocab/ops.h"

namespace pc {

struct UringOpcodeInfo {
  UringOpcode op;
  std::string_view name;         // in a trace: opcode=poll_add
  std::uint8_t kernel;           // io_uring_sqe.opcode
  std::string_view kernel_name;  // "IORING_OP_POLL_ADD"
};

// A poll update is IORING_OP_POLL_REMOVE with update flags; a cancel is IORING_OP_ASYNC_CANCEL.
inline constexpr UringOpcodeInfo kUringOpcodes[] = {
    {UringOpcode::Nop, "nop", IORING_OP_NOP, "IORING_OP_NOP"},
    {UringOpcode::PollAdd, "poll_add", IORING_OP_POLL_ADD, "IORING_OP_POLL_ADD"},
    {UringOpcode::PollRemove, "poll_remove", IORING_OP_POLL_REMOVE, "IORING_OP_POLL_REMOVE"},
    {UringOpcode::PollUpdate, "poll_update", IORING_OP_POLL_REMOVE, "IORING_OP_POLL_REMOVE"},
    {UringOpcode::Read, "read", IORING_OP_READ, "IORING_OP_READ"},
    {UringOpcode::Write, "write", IORING_OP_WRITE, "IORING_OP_WRITE"},
    {UringOpcode::Recv, "recv", IORING_OP_RECV, "IORING_OP_RECV"},
    {UringOpcode::Send, "send", IORING_OP_SEND, "IORING_OP_SEND"},
    {UringOpcode::Cancel, "cancel", IORING_OP_ASYNC_CANCEL, "IORING_OP_ASYNC_CANCEL"},
    {UringOpcode::LinkTimeout, "link_timeout", IORING_OP_LINK_TIMEOUT, "IORING_OP_LINK_TIMEOUT"},
};

// The row of op, found by position: the table lists UringOpcode in its declaration order.
constexpr const UringOpcodeInfo& uring_opcode_info(UringOpcode op) {
  return kUringOpcodes[static_cast<std::size_t>(op)];
}

// The names of the text format, from the table.
inline constexpr auto kUringOpcodeNames = [] {
  std::array<EnumName<UringOpcode>, std::size(kUringOpcodes)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = {kUringOpcodes[i].op, kUringOpcodes[i].name};
  return names;
}();
constexpr std::span<const EnumName<UringOpcode>> enum_names(UringOpcode) { return kUringOpcodeNames; }

constexpr bool uring_opcode_table_in_order() {
  for (std::size_t i = 0; i < std::size(kUringOpcodes); ++i)
    if (static_cast<std::size_t>(kUringOpcodes[i].op) != i) return false;
  return true;
}
static_assert(uring_opcode_table_in_order(), "kUringOpcodes lists UringOpcode in declaration order");
static_assert(std::size(kUringOpcodes) == static_cast<std::size_t>(UringOpcode::LinkTimeout) + 1,
              "every UringOpcode has a row");

}  // namespace pc
