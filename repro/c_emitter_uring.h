// The io_uring part of the C reproducer (repro/c_emitter.cpp): the calls of each io_uring step
// and the check of a reap against the oracle's prediction. What they call is C in
// repro/runtime/pc_repro_uring.c, over the rings the executor uses too (pc_uring.c).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vocab/ops.h"
#include "oracle/reap_prediction.h"

namespace pc {

// The statement that performs one io_uring op (slot_expr: how the program names a slot's
// descriptor, "h[3]"; out_expr: the address of a slot, "&h[3]").
std::string c_uring_setup_call(const UringSetup& op, const std::string& out_expr);
std::string c_uring_prep_call(const UringPrep& op, const std::string& ring, const std::string& fd,
                              std::size_t step);
std::string c_uring_submit_call(const std::string& ring);
// settle: how many CQEs the prediction counts in all when some may come from io-wq (0 if none
// may): the program waits (bounded) for that many, so that it sees what the oracle assumed.
std::string c_uring_reap_call(const UringReap& op, const std::string& ring, std::size_t settle);
// The uring_require() statement that opens main: the features the oracle relies on
// (oracle/params.h kNeededUringFeatures) and the kernel opcodes of the trace's preps.
std::string c_uring_require_call(const std::vector<UringOpcode>& used);
// The check_cqes() statement for a reap's prediction (source: ORACLE or PINNED).
std::string c_uring_reap_check(const ReapPrediction& p, std::string_view source);
// A pinned CQE list as a prediction: exactly these, in this order.
ReapPrediction pinned_reap(const std::vector<CqeObs>& cqes, std::uint32_t wait, bool timed_out);

}  // namespace pc
