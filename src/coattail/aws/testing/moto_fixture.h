// Test support: a GoogleTest fixture whose suite shares one moto server (moto_server.h), started
// before the suite's first test and stopped after its last. A test fails instead of skipping
// when the emulator is required (COATTAIL_REQUIRE_EMULATOR=1, as `make test` sets).
#ifndef COATTAIL_AWS_TESTING_MOTO_FIXTURE_H_
#define COATTAIL_AWS_TESTING_MOTO_FIXTURE_H_

#include <memory>
#include <string>

#include "coattail/aws/testing/moto_server.h"
#include "gtest/gtest.h"

namespace coattail::aws::testing {

class MotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string log = ::testing::TempDir() + "/moto_" +
                            ::testing::UnitTest::GetInstance()->current_test_suite()->name() +
                            ".log";
    server_ = MotoServer::Start(log, &why_not_);
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    if (server_ == nullptr) {
      if (EmulatorRequired()) GTEST_FAIL() << why_not_;
      GTEST_SKIP() << why_not_;
    }
  }

  static MotoServer& server() { return *server_; }

 private:
  static inline std::unique_ptr<MotoServer> server_;
  static inline std::string why_not_;
};

}  // namespace coattail::aws::testing

#endif  // COATTAIL_AWS_TESTING_MOTO_FIXTURE_H_
