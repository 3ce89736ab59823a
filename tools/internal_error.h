// pollcheck's own crashes, reported as such (tools/internal_error.cpp).
#pragma once

namespace pc::cli {

// From here on, an uncaught exception prints what it was and where, then aborts.
void report_internal_errors();

}  // namespace pc::cli
