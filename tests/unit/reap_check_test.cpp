// The reap check (oracle/uring_check.cpp): CQEs as a multiset in any order but the one links,
// drain and each request's own CQEs impose, with equal CQEs of different requests matched in
// whichever way keeps that order.
#include <gtest/gtest.h>

#include "oracle/reap_prediction.h"

namespace pc {
namespace {

ModelCqe cqe(std::int32_t res, std::uint64_t user_data, std::uint64_t req, std::uint64_t chain = 0) {
  ModelCqe m;
  m.cqe.res = res;
  m.cqe.user_data = user_data;
  m.req = req;
  m.chain = chain;
  return m;
}

Observation reaped(std::vector<CqeObs> cqes) {
  Observation o;
  o.ret = static_cast<std::int64_t>(cqes.size());
  o.cqes = std::move(cqes);
  return o;
}

constexpr std::int32_t kCanceled = -125;

// A chain's two cancelled NOPs (user_data 1, then 0) and a removed poll sharing user_data 1.
ReapPrediction chain_and_poll() {
  ReapPrediction p;
  p.definite = {cqe(kCanceled, 1, 10), cqe(kCanceled, 1, 2, 7), cqe(kCanceled, 0, 3, 7)};
  return p;
}

TEST(ReapCheck, EqualCqesMayBeMatchedEitherWay) {
  const CqeObs one{kCanceled, 1, 0, 0}, zero{kCanceled, 0, 0, 0};
  // The chain's NOP first, its second NOP, then the poll: only the second matching fits.
  EXPECT_EQ(check_reap(chain_and_poll(), reaped({one, zero, one})), "");
  EXPECT_EQ(check_reap(chain_and_poll(), reaped({one, one, zero})), "");
}

TEST(ReapCheck, AChainOutOfOrderIsStillCaught) {
  const CqeObs one{kCanceled, 1, 0, 0}, zero{kCanceled, 0, 0, 0};
  // The chain's last CQE before both user_data 1 ones: no matching keeps the chain's order.
  const std::string why = check_reap(chain_and_poll(), reaped({zero, one, one}));
  EXPECT_NE(why.find("link chain orders before"), std::string::npos) << why;
}

TEST(ReapCheck, AMissingOrUnexpectedCqeIsCaught) {
  const CqeObs one{kCanceled, 1, 0, 0}, zero{kCanceled, 0, 0, 0}, other{0, 9, 0, 0};
  EXPECT_NE(check_reap(chain_and_poll(), reaped({one, zero})).find("missing"), std::string::npos);
  EXPECT_NE(check_reap(chain_and_poll(), reaped({one, zero, other})).find("unexpected"), std::string::npos);
}

}  // namespace
}  // namespace pc
