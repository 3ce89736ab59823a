// The implementation matrix read back from target folders as ci/kernel-matrix leaves them: a
// release-conditioned change is shown by its witness program exactly where the release says
// the target is on the other side from the emitting kernel, and a target whose program says
// otherwise is named against its row; a regression trace's difference is shown by its program.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "format/trace_format.h"
#include "report/matrix_report.h"

namespace pc {
namespace {

namespace fs = std::filesystem;

struct MatrixFolder {
  fs::path root = fs::temp_directory_path() / fmt_name();
  static std::string fmt_name() {
    return "pollcheck-matrix-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  MatrixFolder() { fs::remove_all(root); }
  ~MatrixFolder() { fs::remove_all(root); }

  // A target that ran a campaign with no findings on `release`, and whose regression programs
  // and replays exited as given ("NAME\tEXIT" lines).
  std::pair<std::string, std::string> target(const std::string& name, const std::string& release,
                                             const std::string& programs, const std::string& replays) {
    const fs::path dir = root / name;
    fs::create_directories(dir / "campaign");
    std::string why;
    EXPECT_TRUE(save_text_file_atomic((dir / "campaign/report.json").string(),
                                      R"({"kernel": ")" + release + R"(", "totals": {"sequences": 1, "ops": 1,
                                      "wall_seconds": 1}, "left_out": [], "uring_opcodes": [], "rules": [],
                                      "findings": []})",
                                      &why))
        << why;
    EXPECT_TRUE(save_text_file_atomic((dir / "regress-repro-exits.tsv").string(), programs, &why)) << why;
    EXPECT_TRUE(save_text_file_atomic((dir / "regress-exits.tsv").string(), replays, &why)) << why;
    return {name, dir.string()};
  }
};

// This host and one other target, `rule`'s witness exiting as given on the other; the programs
// emitted on this host.
Matrix host_and_one(MatrixFolder& f, RuleId rule, const std::string& name, const std::string& release,
                    int program_exit) {
  const std::string witness(history_of(rule)->witness);
  return read_matrix({f.target("host", "6.18.44", witness + "\t0\n", witness + "\t0\n"),
                      f.target(name, release, witness + "\t" + std::to_string(program_exit) + "\n", witness + "\t0\n")},
                     "", "6.18.44");
}

const MatrixChange& change_of(const Matrix& m, RuleId rule) {
  for (const MatrixChange& c : m.changes)
    if (c.change->rule == rule) return c;
  throw std::logic_error("no such row");
}

TEST(MatrixReport, AWitnessProgramShowsItsChangeWhereTheReleaseSaysSo) {
  MatrixFolder f;
  const Matrix m = host_and_one(f, RuleId::RD_EVENTFD_WRITE_LEN, "old", "6.1.0-57-amd64 (Debian 6.1.192-3)", 1);
  const MatrixChange& c = change_of(m, RuleId::RD_EVENTFD_WRITE_LEN);
  EXPECT_EQ(c.with, std::vector<std::string>{"host"});
  EXPECT_EQ(c.without, std::vector<std::string>{"old"});
  EXPECT_TRUE(c.against.empty());
  EXPECT_TRUE(c.shown);
  EXPECT_FALSE(m.differs()) << "a change the oracle predicts is not a difference";
  EXPECT_NE(matrix_markdown(m).find("old: an eventfd write of more than 8 bytes adds the first 8 and returns 8; host: "
                                    "an eventfd write of more than 8 bytes fails with EINVAL. Since commit d31563b5f9bb"),
            std::string::npos);
}

TEST(MatrixReport, AProgramThatContradictsTheReleaseIsAgainstItsRow) {
  MatrixFolder f;
  // 6.12.117 predates the backport, yet its program gives the other side from this host.
  const Matrix m = host_and_one(f, RuleId::UR_POLL_RDHUP_UNMASK, "early", "6.12.117", 1);
  const MatrixChange& c = change_of(m, RuleId::UR_POLL_RDHUP_UNMASK);
  EXPECT_EQ(c.without, (std::vector<std::string>{"host", "early"}));
  EXPECT_EQ(c.against, std::vector<std::string>{"early"});
  EXPECT_FALSE(c.shown);
  EXPECT_TRUE(m.differs());
}

TEST(MatrixReport, ARegressionTraceThatDiffersIsShownByItsProgram) {
  MatrixFolder f;
  const Matrix m = read_matrix({f.target("host", "6.18.44", "a\t0\nb\t0\n", "a\t0\nb\t0\n"),
                                f.target("other", "6.18.44", "a\t1\nb\t0\n", "a\t1\nb\t1\n")},
                               "", "6.18.44");
  ASSERT_EQ(m.regress.size(), 2u);
  EXPECT_TRUE(m.regress[0].differs);
  EXPECT_TRUE(m.regress[0].shown);
  EXPECT_TRUE(m.regress[1].differs);
  EXPECT_FALSE(m.regress[1].shown) << "its program matched everywhere";
  EXPECT_TRUE(m.differs());
}

}  // namespace
}  // namespace pc
