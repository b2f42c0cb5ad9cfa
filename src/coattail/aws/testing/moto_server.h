// Test support: moto's server mode (the local AWS emulator) on 127.0.0.1, started by a test and
// stopped with it. The interpreter is $COATTAIL_EMULATOR_PYTHON (the pinned venv that
// tests/emulator/emulator.sh prepares; `make test` sets it), else python3. Tests skip when moto
// cannot start, unless COATTAIL_REQUIRE_EMULATOR=1 (set by `make test`), where that is a failure.
#ifndef COATTAIL_AWS_TESTING_MOTO_SERVER_H_
#define COATTAIL_AWS_TESTING_MOTO_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "coattail/aws/http_client.h"

namespace coattail::aws::testing {

class MotoServer {
 public:
  // nullptr with the reason in `why_not` when the server cannot start; its log is `log_path`.
  static std::unique_ptr<MotoServer> Start(const std::string& log_path, std::string* why_not);
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string endpoint() const;
  // The test credentials (clients.h), the region, and AWS_ENDPOINT_URL pointing at this server,
  // as NAME=value, for a child process (e.g. the coattail CLI) or the process environment.
  [[nodiscard]] std::vector<std::string> ChildEnv(const std::string& region = "us-west-2") const;

 private:
  MotoServer(pid_t pid, int port) : pid_(pid), port_(port) {}
  pid_t pid_;
  int port_;
};

// True when COATTAIL_REQUIRE_EMULATOR=1: a test that cannot start moto must fail, not skip.
bool EmulatorRequired();

// Client options for the emulator: no proxy, generous timeouts.
ClientOptions EmulatorClientOptions();

}  // namespace coattail::aws::testing

#endif  // COATTAIL_AWS_TESTING_MOTO_SERVER_H_
